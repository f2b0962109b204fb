/*
 * syscall_storm.c - a tight loop of a cheap syscall (getppid), for the
 * per-syscall overhead benchmark. Prints ns per call as JSON.
 * usage: syscall_storm CALLS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 1000000;
	struct timespec t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < calls; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("{\"calls\":%ld,\"ns_per_call\":%.1f}\n", calls, ns / (double)calls);
	return 0;
}
