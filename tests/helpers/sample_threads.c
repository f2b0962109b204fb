/*
 * sample_threads - ground truth for --sample's counts across the ways a
 * thread's calls end: prints {"pid":N}, waits for a line on stdin, then
 * T threads each make M getppid calls without sleeping in between and exit,
 * the main thread makes J getppid calls and execs itself with "after L",
 * which makes L getppid calls, prints what was done and waits for stdin to
 * close.
 *
 * usage: sample_threads T M J L
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread;

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < per_thread; i++)
		syscall(SYS_getppid);
	return NULL;
}

static int after_exec(long calls)
{
	char buf[64];

	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	printf("{\"after_exec\":%ld}\n", calls);
	fflush(stdout);
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

	if (argc == 3 && !strcmp(argv[1], "after"))
		return after_exec(atol(argv[2]));
	if (argc != 5)
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
	execl(self, self, "after", argv[4], (char *)NULL);
	return 1;
}
