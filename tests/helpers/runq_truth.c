/*
 * runq_truth.c - load with a known run-queue wait, for the run-queue family's
 * ground-truth test and its bench. Prints {"pid":N} and waits for a line on
 * stdin; then runs the load, prints one JSON line of what it did, and waits
 * for stdin to close before it exits (so that nothing it does after the
 * load, not even its exit, falls in the measured window).
 *
 *   runq_truth hogs CPU NHOGS MS
 *	NHOGS busy child processes and this process pinned to CPU; for MS ms
 *	this process spins 2 ms and sleeps 1 ms in turn: its waits are
 *	time-slice long (preempted by a hog, or queued behind them on wakeup).
 *   runq_truth pingpong CPU ROUNDS
 *	two threads of this process pinned to CPU pass one byte ROUNDS times
 *	each way through two pipes: 2 * ROUNDS short waits (a few us each,
 *	woken and queued while the waker goes to sleep). Reports the CPU time
 *	of the process per round (the bench's cost per two context switches).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_HOGS 8

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static void wait_line(void)
{
	char line[64];

	if (!fgets(line, sizeof(line), stdin))
		exit(1);
}

/* Block until stdin closes: the test's end of the measured window. */
static void wait_eof(void)
{
	char line[64];

	while (fgets(line, sizeof(line), stdin))
		;
}

static void spin_ns(uint64_t ns)
{
	uint64_t end = now_ns(CLOCK_MONOTONIC) + ns;

	while (now_ns(CLOCK_MONOTONIC) < end)
		;
}

static int run_hogs(int cpu, int nhogs, long ms)
{
	pid_t hogs[MAX_HOGS];
	struct timespec nap = { 0, 1000000 };
	uint64_t end, rounds = 0;

	for (int i = 0; i < nhogs; i++) {
		hogs[i] = fork();
		if (hogs[i] < 0)
			return 1;
		if (hogs[i] == 0) {
			pin(cpu);
			alarm((unsigned int)(ms / 1000 + 30));	/* bounded even if the parent dies */
			for (;;)
				;
		}
	}
	end = now_ns(CLOCK_MONOTONIC) + (uint64_t)ms * 1000000ull;
	while (now_ns(CLOCK_MONOTONIC) < end) {
		spin_ns(2000000);
		nanosleep(&nap, NULL);
		rounds++;
	}
	for (int i = 0; i < nhogs; i++)
		kill(hogs[i], SIGKILL);
	for (int i = 0; i < nhogs; i++)
		waitpid(hogs[i], NULL, 0);
	printf("{\"mode\":\"hogs\",\"rounds\":%llu}\n", (unsigned long long)rounds);
	fflush(stdout);
	return 0;
}

struct pong {
	int cpu;
	int in, out;
	int quit;		/* read end: closed when the process is done */
	long rounds;
};

static void *ponger(void *arg)
{
	struct pong *p = arg;
	char c;

	pin(p->cpu);
	for (long i = 0; i < p->rounds; i++) {
		if (read(p->in, &c, 1) != 1 || write(p->out, &c, 1) != 1)
			break;
	}
	/* Alive (asleep) until the end: an exited thread's schedstat is gone with it. */
	(void)!read(p->quit, &c, 1);
	return NULL;
}

static int run_pingpong(int cpu, long rounds)
{
	int ab[2], ba[2], quit[2];
	struct pong p;
	pthread_t t;
	struct rusage ru0, ru1;
	uint64_t t0, t1, cpu_ns;
	long done = 0;
	char c = 'x';

	if (pipe(ab) || pipe(ba) || pipe(quit))
		return 1;
	p = (struct pong){ .cpu = cpu, .in = ab[0], .out = ba[1], .quit = quit[0], .rounds = rounds };
	if (pthread_create(&t, NULL, ponger, &p))
		return 1;
	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_ns(CLOCK_MONOTONIC);
	for (; done < rounds; done++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			break;
	}
	t1 = now_ns(CLOCK_MONOTONIC);
	getrusage(RUSAGE_SELF, &ru1);
	cpu_ns = (uint64_t)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec +
			    ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000000000ull +
		 (uint64_t)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec +
			    ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) * 1000ull;
	printf("{\"mode\":\"pingpong\",\"rounds\":%ld,\"wall_ns\":%llu,\"cpu_ns\":%llu}\n", done,
	       (unsigned long long)(t1 - t0), (unsigned long long)cpu_ns);
	fflush(stdout);
	wait_eof();
	close(quit[1]);
	pthread_join(t, NULL);
	return done == rounds ? 0 : 1;
}

int main(int argc, char **argv)
{
	int cpu, ret;

	if (argc != 5 && argc != 4) {
		fprintf(stderr, "usage: runq_truth hogs CPU NHOGS MS | pingpong CPU ROUNDS\n");
		return 2;
	}
	cpu = atoi(argv[2]);
	if (pin(cpu)) {
		fprintf(stderr, "runq_truth: cannot pin to CPU %d: %s\n", cpu, strerror(errno));
		return 1;
	}
	printf("{\"pid\":%d}\n", (int)getpid());
	fflush(stdout);
	wait_line();
	if (!strcmp(argv[1], "hogs") && argc == 5) {
		int nhogs = atoi(argv[3]);

		if (nhogs < 1 || nhogs > MAX_HOGS)
			return 2;
		ret = run_hogs(cpu, nhogs, atol(argv[4]));
		wait_eof();
	} else if (!strcmp(argv[1], "pingpong") && argc == 4) {
		ret = run_pingpong(cpu, atol(argv[3]));
	} else {
		return 2;
	}
	return ret;
}
