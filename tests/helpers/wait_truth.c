/*
 * wait_truth.c - ground truth for the work/wait split: after SIGUSR1 (a
 * signal, so that the wait for it is neither a read nor a futex), makes
 * exactly
 *   N reads of a regular file                      (work)
 *   M reads of a pipe, each waiting for a writer   (wait)
 *   K reads of an empty O_NONBLOCK pipe (EAGAIN)   (work: it never waits)
 *   K reads of /dev/null                           (work: a memory device)
 *   K FUTEX_WAIT calls that time out after 1 ms    (wait)
 *   K FUTEX_WAKE calls                             (work)
 *   K clock_nanosleep calls of 1 ms                (wait)
 *   1 wait4 for the pipe's writer                  (wait)
 * then prints what it did as one JSON line and exits.
 *
 * usage: wait_truth N M K
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ns(long ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000L, .tv_nsec = ns % 1000000000L };

	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
}

/* The writer: one byte every 2 ms, so that every read of the parent waits for it. */
static void writer(int fd, long m)
{
	for (long i = 0; i < m; i++) {
		sleep_ns(2000000);
		if (write(fd, "x", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	long n, m, k, file_reads = 0, pipe_reads = 0, nb_eagain = 0, timeouts = 0;
	char path[] = "/tmp/wait_truth.XXXXXX", c;
	int file_fd, pfd[2], nbfd[2], null_fd, status, sig;
	uint32_t word = 0;
	sigset_t set;
	pid_t child;

	if (argc != 4)
		return 2;
	n = atol(argv[1]);
	m = atol(argv[2]);
	k = atol(argv[3]);
	file_fd = mkstemp(path);
	if (file_fd < 0 || unlink(path))
		return 1;
	for (long i = 0; i < n; i++)
		if (write(file_fd, "f", 1) != 1)
			return 1;
	if (lseek(file_fd, 0, SEEK_SET) || pipe(pfd) || pipe2(nbfd, O_NONBLOCK))
		return 1;
	null_fd = open("/dev/null", O_RDONLY);
	if (null_fd < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("{\"pid\":%d}\n", getpid());
	fflush(stdout);
	if (sigwait(&set, &sig))
		return 1;

	for (long i = 0; i < n; i++)
		file_reads += read(file_fd, &c, 1) == 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0)
		writer(pfd[1], m);
	for (long i = 0; i < m; i++)
		pipe_reads += read(pfd[0], &c, 1) == 1;
	for (long i = 0; i < k; i++) {
		struct timespec to = { 0, 1000000 };

		nb_eagain += read(nbfd[0], &c, 1) < 0;
		if (read(null_fd, &c, 1) != 0)
			return 1;
		timeouts += syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &to, NULL, 0) < 0;
		syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		sleep_ns(1000000);
	}
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	printf("{\"file_reads\":%ld,\"pipe_reads\":%ld,\"nonblock_eagain\":%ld,"
	       "\"futex_timeouts\":%ld}\n", file_reads, pipe_reads, nb_eagain, timeouts);
	fflush(stdout);
	return 0;
}
