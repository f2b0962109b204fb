/*
 * soak_flood.c - ground truth for the client-address flood: a loopback server
 * (a forked child) and a client that makes one connection with one
 * request/response from each of COUNT distinct addresses 127.B.y.z
 * (B = BASE, BASE+1, ...), one after another, for at most SECONDS.
 *
 * usage: soak_flood PORT BASE COUNT SECONDS [PAUSE_US]
 * Prints {"server":PID,"client":PID}, waits for a line on stdin, floods
 * (a progress line {"done":N} every second), then prints
 * {"connections":N,"served":N,"failed":N,"seconds":S} and exits.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RESPONSE_BYTES 100

static volatile sig_atomic_t server_stop;

static void on_term(int sig)
{
	(void)sig;
	server_stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Accept, read the request, answer RESPONSE_BYTES, close; the count of
 * answered connections goes to @report_fd when SIGTERM arrives. */
static void serve(int lfd, int report_fd)
{
	struct sigaction sa = { .sa_handler = on_term };
	char req[64], resp[RESPONSE_BYTES];
	long served = 0;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	memset(resp, 'x', sizeof(resp));
	while (!server_stop) {
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			continue;
		if (read(c, req, sizeof(req)) > 0 && write(c, resp, sizeof(resp)) == (ssize_t)sizeof(resp))
			served++;
		close(c);
	}
	dprintf(report_fd, "%ld\n", served);
	_exit(0);
}

static int one_exchange(long i, int base, int port)
{
	struct sockaddr_in src = { .sin_family = AF_INET }, dst = { .sin_family = AF_INET };
	unsigned long host = (unsigned long)i;
	char resp[RESPONSE_BYTES];
	size_t got = 0;
	int fd, ok = -1;

	/* 254 x 256 addresses per /16: the last octet is never 0 or 255. */
	src.sin_addr.s_addr = htonl((127u << 24) | ((unsigned)(base + host / 65024) << 16) |
				    ((unsigned)(host / 254 % 256) << 8) | (unsigned)(host % 254 + 1));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	dst.sin_port = htons((unsigned short)port);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0 &&
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0 && write(fd, "GET /\r\n", 7) == 7) {
		while (got < sizeof(resp)) {
			ssize_t n = read(fd, resp, sizeof(resp) - got);

			if (n <= 0)
				break;
			got += (size_t)n;
		}
		if (got == sizeof(resp))
			ok = 0;
	}
	close(fd);
	return ok;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	long count, done = 0, failed = 0, served = -1;
	int port, base, lfd, one = 1, report[2];
	double limit_s, t0, next_report;
	useconds_t pause_us = 0;
	char line[64];
	pid_t server;
	FILE *rf;

	if (argc < 5)
		return 2;
	port = atoi(argv[1]);
	base = atoi(argv[2]);
	count = atol(argv[3]);
	limit_s = atof(argv[4]);
	if (argc > 5)
		pause_us = (useconds_t)atol(argv[5]);
	if (base < 2 || base + count / 65024 > 254)
		return 2;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.sin_port = htons((unsigned short)port);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, 4096) ||
	    pipe(report)) {
		perror("soak_flood: listen");
		return 1;
	}
	server = fork();
	if (server < 0)
		return 1;
	if (server == 0) {
		/* Never outlive the client (a test that kills it kills both). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(report[0]);
		serve(lfd, report[1]);
	}
	close(lfd);
	close(report[1]);
	printf("{\"server\":%d,\"client\":%d}\n", (int)server, (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin)) {
		kill(server, SIGKILL);
		return 1;
	}
	t0 = now_s();
	next_report = t0 + 1;
	for (long i = 0; i < count && now_s() - t0 < limit_s; i++) {
		if (one_exchange(i, base, port) == 0)
			done++;
		else
			failed++;
		if (pause_us)
			usleep(pause_us);
		if (now_s() >= next_report) {
			printf("{\"done\":%ld}\n", done);
			fflush(stdout);
			next_report += 1;
		}
	}
	kill(server, SIGTERM);
	rf = fdopen(report[0], "r");
	if (!rf || fscanf(rf, "%ld", &served) != 1)
		served = -1;
	waitpid(server, NULL, 0);
	printf("{\"connections\":%ld,\"served\":%ld,\"failed\":%ld,\"seconds\":%.2f}\n", done, served,
	       failed, now_s() - t0);
	return 0;
}
