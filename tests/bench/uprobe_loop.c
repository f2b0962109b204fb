/*
 * uprobe_loop.c - the uprobe part's load: K calls of one noinline function,
 * bench_target(), in a loop, and nothing else (no syscall inside the loop).
 * Prints {"calls":K,"ns_per_call":wall} after the loop; the bench takes the
 * CPU time (utime + stime from wait4), which includes the uprobe traps.
 *
 * usage: uprobe_loop K
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* A sink the compiler cannot drop: every call has an effect. */
volatile uint64_t bench_sink;

__attribute__((noinline, used)) void bench_target(uint64_t i);

__attribute__((noinline, used)) void bench_target(uint64_t i)
{
	bench_sink += i;
	__asm__ volatile("" ::: "memory");	/* not merged into the caller's loop */
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t calls, t0, t1;
	char *end;

	if (argc != 2 || !(calls = strtoull(argv[1], &end, 10)) || *end) {
		fprintf(stderr, "usage: uprobe_loop CALLS\n");
		return 2;
	}
	t0 = mono_ns();
	for (uint64_t i = 0; i < calls; i++)
		bench_target(i);
	t1 = mono_ns();
	printf("{\"calls\":%llu,\"ns_per_call\":%.1f}\n", (unsigned long long)calls,
	       (double)(t1 - t0) / (double)calls);
	return 0;
}
