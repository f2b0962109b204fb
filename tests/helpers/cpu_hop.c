/*
 * cpu_hop - ground truth for calls that end on another CPU than they began:
 * prints {"pid":N}, waits for a line on stdin, then N times moves itself to
 * the other CPU with sched_setaffinity (the call enters on one CPU, leaves
 * it inside the kernel, and exits on the other) and makes one getppid
 * there; prints how many calls it made, how many moves it saw
 * (sched_getcpu), and the calls' latencies as its own clock saw them
 * (bracketing each call: at least the kernel's), then waits for stdin to
 * close.
 *
 * usage: cpu_hop N CPU_A CPU_B
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t sum_ns = 0, max_ns = 0;
	long calls, moved = 0, failed = 0;
	int cpu[2];
	char buf[64];

	if (argc != 4)
		return 2;
	calls = atol(argv[1]);
	cpu[0] = atoi(argv[2]);
	cpu[1] = atoi(argv[3]);
	printf("{\"pid\":%d}\n", getpid());
	fflush(stdout);
	if (read(0, buf, sizeof(buf)) <= 0)
		return 1;
	for (long i = 0; i < calls; i++) {
		int to = cpu[i % 2];
		cpu_set_t set;
		uint64_t t0, t1;

		CPU_ZERO(&set);
		CPU_SET(to, &set);
		t0 = now_ns();
		if (sched_setaffinity(0, sizeof(set), &set))
			failed++;
		t1 = now_ns();
		sum_ns += t1 - t0;
		if (t1 - t0 > max_ns)
			max_ns = t1 - t0;
		if (sched_getcpu() == to)
			moved++;
		syscall(SYS_getppid);
	}
	printf("{\"calls\":%ld,\"moved\":%ld,\"failed\":%ld,\"sum_ns\":%llu,\"max_ns\":%llu}\n",
	       calls, moved, failed, (unsigned long long)sum_ns, (unsigned long long)max_ns);
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
