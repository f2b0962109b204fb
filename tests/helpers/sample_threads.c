/*
 * sample_threads - ground truth for --sample's counts across the ways a
 * thread's calls end: prints {"pid":N}, waits for a line on stdin, then
 * T threads each make M getppid calls without sleeping in between and exit,
 * the main thread makes J getppid calls and execs itself with "after L",
 * which makes L getppid calls, prints what was done and waits for stdin to
 * close. With S, it then makes SPIN_TAIL more getppid calls (after the
 * print, whose reader may preempt it) and spins S seconds on the CPU
 * without a syscall (the clock is the vDSO's): those calls then stay in
 * its CPU's batch. It runs then as SCHED_FIFO on the CPU it is on, so no
 * other task preempts it (a switch-out would add its batch to the map);
 * the kernel's RT throttling switches it out after 0.95 s of a second.
 *
 * usage: sample_threads T M J L [S]
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long per_thread;

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < per_thread; i++)
		syscall(SYS_getppid);
	return NULL;
}

#define SPIN_TAIL 9

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int after_exec(long calls, double spin_s)
{
	char buf[64];
	double end;

	if (spin_s > 0) {
		struct sched_param fifo = { .sched_priority = 1 };
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(sched_getcpu(), &one);
		if (sched_setaffinity(0, sizeof(one), &one) ||
		    sched_setscheduler(0, SCHED_FIFO, &fifo))
			return 3;
	}
	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	if (spin_s <= 0) {
		printf("{\"after_exec\":%ld}\n", calls);
		fflush(stdout);
	} else {
		printf("{\"after_exec\":%ld,\"tail\":%d}\n", calls, SPIN_TAIL);
		fflush(stdout);
		for (int i = 0; i < SPIN_TAIL; i++)
			syscall(SYS_getppid);
		for (end = now_s() + spin_s; now_s() < end;)
			;
	}
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	long threads, before_exec;
	char buf[64], self[4096];
	ssize_t n;

	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "after"))
		return after_exec(atol(argv[2]), argc == 4 ? atof(argv[3]) : 0);
	if (argc != 5 && argc != 6)
		return 2;
	threads = atol(argv[1]);
	per_thread = atol(argv[2]);
	before_exec = atol(argv[3]);
	if (threads < 1 || threads > 64)
		return 2;
	printf("{\"pid\":%d}\n", getpid());
	fflush(stdout);
	if (read(0, buf, sizeof(buf)) <= 0)
		return 1;
	for (long i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, worker, NULL))
			return 1;
	for (long i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	for (long i = 0; i < before_exec; i++)
		syscall(SYS_getppid);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	execl(self, self, "after", argv[4], argc == 6 ? argv[5] : (char *)NULL, (char *)NULL);
	return 1;
}
