/*
 * row_filler - keeps N (process, syscall) rows live in lattop's kernel map
 * for the maps part of the bench (tests/bench/map_cost.py).
 *
 *   row_filler PROCS CALLS SECONDS
 *
 * Forks PROCS processes; each makes CALLS distinct cheap syscalls (at
 * most 16) every 200 ms for SECONDS seconds, so every row is active in
 * every 1 s tick and none is aged out. Prints "ready" once all are forked.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const long cheap_calls[] = {
	SYS_getppid, SYS_getuid, SYS_getgid, SYS_geteuid, SYS_getegid, SYS_getpid,
	SYS_gettid, SYS_getpgrp, SYS_getsid, SYS_sched_yield, SYS_getpriority,
	SYS_times, SYS_umask, SYS_getresuid, SYS_getresgid, SYS_getcpu,
};
#define N_CHEAP (sizeof(cheap_calls) / sizeof(cheap_calls[0]))

static void child(unsigned calls, unsigned seconds)
{
	struct timespec nap = { 0, 200 * 1000000L };
	unsigned rounds = seconds * 5;
	unsigned res[3];

	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned i = 0; i < calls; i++) {
			long nr = cheap_calls[i];

			if (nr == SYS_umask)
				syscall(nr, 022);
			else if (nr == SYS_getresuid || nr == SYS_getresgid)
				syscall(nr, &res[0], &res[1], &res[2]);
			else if (nr == SYS_getcpu)
				syscall(nr, &res[0], &res[1], NULL);
			else if (nr == SYS_getsid || nr == SYS_getpriority)
				syscall(nr, 0, 0);
			else if (nr == SYS_times)
				syscall(nr, NULL);
			else
				syscall(nr);
		}
		nanosleep(&nap, NULL);
	}
	_exit(0);
}

int main(int argc, char **argv)
{
	unsigned procs, calls, seconds;

	if (argc != 4) {
		fprintf(stderr, "usage: row_filler PROCS CALLS SECONDS\n");
		return 2;
	}
	procs = (unsigned)atoi(argv[1]);
	calls = (unsigned)atoi(argv[2]);
	seconds = (unsigned)atoi(argv[3]);
	if (calls > N_CHEAP)
		calls = N_CHEAP;
	if (procs > 4096 || seconds > 600) {
		fprintf(stderr, "row_filler: at most 4096 processes and 600 s\n");
		return 2;
	}
	for (unsigned p = 0; p < procs; p++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			break;
		}
		if (pid == 0)
			child(calls, seconds);
	}
	printf("ready\n");
	fflush(stdout);
	while (wait(NULL) > 0)
		;
	return 0;
}
