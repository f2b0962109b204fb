/*
 * syscall_truth.c - ground truth for the integration tests: after "go" on
 * stdin, makes exactly N clock_nanosleep calls of a known length, M getppid
 * calls and K fchdir(-1) calls that fail with EBADF, then prints what it did
 * (and the exact median of the sleeps it measured itself) as one JSON line and
 * waits for stdin to close.
 *
 * usage: syscall_truth N SLEEP_NS M K
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n, m, k, sleep_ns;
	uint64_t *lat;
	char buf[16];
	long failed = 0;

	if (argc != 5)
		return 2;
	n = atol(argv[1]);
	sleep_ns = atol(argv[2]);
	m = atol(argv[3]);
	k = atol(argv[4]);
	lat = calloc((size_t)n + 1, sizeof(*lat));
	if (!lat)
		return 1;
	/* The default 50 us timer slack would blur the known duration. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	printf("{\"pid\":%d}\n", getpid());
	fflush(stdout);
	if (read(0, buf, sizeof(buf)) <= 0)
		return 1;
	for (long i = 0; i < n; i++) {
		struct timespec ts = { .tv_sec = sleep_ns / 1000000000L, .tv_nsec = sleep_ns % 1000000000L };
		uint64_t t0 = now_ns();

		syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
		lat[i] = now_ns() - t0;
	}
	for (long i = 0; i < m; i++)
		syscall(SYS_getppid);
	for (long i = 0; i < k; i++)
		if (syscall(SYS_fchdir, -1) < 0)
			failed++;
	qsort(lat, (size_t)n, sizeof(*lat), cmp_u64);
	printf("{\"sleeps\":%ld,\"fast\":%ld,\"failed\":%ld,\"sleep_p50_ns\":%llu}\n", n, m, failed,
	       n ? (unsigned long long)lat[(n - 1) / 2] : 0ull);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	free(lat);
	return 0;
}
