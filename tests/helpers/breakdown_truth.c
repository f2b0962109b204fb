/*
 * breakdown_truth - known causes of a syscall's time, for the breakdown's
 * integration test (tests/integration/test_breakdown.py).
 *
 *   breakdown_truth pipe N DELAY_MS   N reads of a pipe whose writer sleeps DELAY_MS first
 *   breakdown_truth fsync N FILE      N times: write 64 KiB to FILE, fsync it
 *   breakdown_truth cpu N [MS]        at least N reads of 4 MiB from /dev/zero (CPU-bound in
 *                                     the kernel), and at least MS ms of them, while a
 *                                     hog shares the CPU
 *
 * Prints {"pid":P,"tid":T} and waits for a line on stdin; then does the
 * work and prints {"calls":N,"wait_ns":W,"fsync_wall_ns":F,"fsync_cpu_ns":C}:
 * N the calls made, W the change of the working thread's run-queue wait
 * (/proc/self/task/T/schedstat field 2), F and C the fsyncs' summed wall
 * and thread-CPU time.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long run_delay_ns(pid_t tid)
{
	char path[64];
	unsigned long long on = 0, wait = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &on, &wait) != 2)
		wait = 0;
	fclose(f);
	return wait;
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int do_pipe(long n, long delay_ms)
{
	int fds[2];
	pid_t child;
	char c;

	if (pipe(fds))
		return -1;
	child = fork();
	if (child == 0) {
		struct timespec d = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };

		close(fds[0]);
		for (long i = 0; i < n; i++) {
			nanosleep(&d, NULL);
			if (write(fds[1], "x", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	for (long i = 0; i < n; i++)
		if (read(fds[0], &c, 1) != 1)
			return -1;
	waitpid(child, NULL, 0);
	return 0;
}

static unsigned long long clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* Per fsync: wall time and this thread's CPU time (the kernel's own clock,
 * exact for the running thread), so the test can check the on-CPU part
 * and that the rest is I/O wait whatever the disk's speed. */
static unsigned long long fsync_wall_ns, fsync_cpu_ns;

static int do_fsync(long n, const char *file)
{
	static char buf[64 * 1024];
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < n; i++) {
		unsigned long long t0, c0;
		int err;

		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			return -1;
		t0 = clock_ns(CLOCK_MONOTONIC);
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		err = fsync(fd);
		fsync_cpu_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
		fsync_wall_ns += clock_ns(CLOCK_MONOTONIC) - t0;
		if (err)
			return -1;
	}
	close(fd);
	return 0;
}

/* Reads until they have taken @min_read_ms of wall time (at least @n of
 * them): with the hog sharing the CPU, the scheduler then preempts the
 * reader inside reads many times, not only around the fork. */
static long cpu_reads;

static int do_cpu(long n, long min_read_ms)
{
	static char buf[4 << 20];
	int fd = open("/dev/zero", O_RDONLY);
	unsigned long long read_ns = 0;
	pid_t hog;

	if (fd < 0)
		return -1;
	pin_cpu0();
	hog = fork();
	if (hog == 0) {
		for (;;)
			;	/* shares CPU 0 (inherited affinity) until killed */
	}
	while ((cpu_reads < n || read_ns < (unsigned long long)min_read_ms * 1000000ULL) &&
	       cpu_reads < 100000) {
		unsigned long long t0 = clock_ns(CLOCK_MONOTONIC);

		if (read(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
			break;
		read_ns += clock_ns(CLOCK_MONOTONIC) - t0;
		cpu_reads++;
	}
	kill(hog, SIGKILL);
	waitpid(hog, NULL, 0);
	close(fd);
	return cpu_reads >= n ? 0 : -1;
}

int main(int argc, char **argv)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	unsigned long long before, after;
	char line[16];
	long n;
	int ret;

	if (argc < 3) {
		fprintf(stderr, "usage: breakdown_truth pipe N DELAY_MS | fsync N FILE | cpu N [MS]\n");
		return 2;
	}
	n = atol(argv[2]);
	printf("{\"pid\":%d,\"tid\":%d}\n", (int)getpid(), (int)tid);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	before = run_delay_ns(tid);
	if (!strcmp(argv[1], "pipe") && argc > 3)
		ret = do_pipe(n, atol(argv[3]));
	else if (!strcmp(argv[1], "fsync") && argc > 3)
		ret = do_fsync(n, argv[3]);
	else if (!strcmp(argv[1], "cpu"))
		ret = do_cpu(n, argc > 3 ? atol(argv[3]) : 0);
	else
		ret = -1;
	after = run_delay_ns(tid);
	printf("{\"calls\":%ld,\"ok\":%s,\"wait_ns\":%llu,\"fsync_wall_ns\":%llu,"
	       "\"fsync_cpu_ns\":%llu}\n", cpu_reads ? cpu_reads : n, ret ? "false" : "true",
	       after - before, fsync_wall_ns, fsync_cpu_ns);
	fflush(stdout);
	return ret ? 1 : 0;
}
