/*
 * soak_churn.c - ground truth for process churn: COUNT short-lived
 * processes (fork, no exec: they keep this program's name), each making
 * exactly CALLS fchdir(-1) calls that fail with EBADF and exiting, one after
 * another, for at most SECONDS.
 *
 * usage: soak_churn COUNT SECONDS CALLS
 * Prints {"pid":PID}, waits for a line on stdin, churns (a progress line
 * {"done":N} every second), then prints {"children":N,"calls":N,"bad":N,
 * "seconds":S}: bad children are those whose calls did not all fail, whose
 * calls are not in "calls".
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void child(long calls)
{
	long failed = 0;

	for (long i = 0; i < calls; i++)
		if (syscall(SYS_fchdir, -1) < 0)
			failed++;
	_exit(failed == calls ? 0 : 1);
}

int main(int argc, char **argv)
{
	long count, calls, done = 0, bad = 0;
	double limit_s, t0, next_report;
	char line[64];

	if (argc != 4)
		return 2;
	count = atol(argv[1]);
	limit_s = atof(argv[2]);
	calls = atol(argv[3]);
	printf("{\"pid\":%d}\n", (int)getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	t0 = now_s();
	next_report = t0 + 1;
	for (long i = 0; i < count && now_s() - t0 < limit_s; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			usleep(10000);
			continue;
		}
		if (pid == 0)
			child(calls);
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0)
			done++;
		else
			bad++;
		if (now_s() >= next_report) {
			printf("{\"done\":%ld}\n", done);
			fflush(stdout);
			next_report += 1;
		}
	}
	printf("{\"children\":%ld,\"calls\":%ld,\"bad\":%ld,\"seconds\":%.2f}\n", done, done * calls,
	       bad, now_s() - t0);
	return 0;
}
