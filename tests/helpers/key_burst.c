/*
 * key_burst - many new map keys at once at a switch-out: P children in turn,
 * each making one getuid, getgid, geteuid and getegid (four rows of a new
 * process) and then sleeping 1 ms (it leaves the CPU), then exiting.
 * Prints {"children":P} when all are reaped.
 *
 * usage: key_burst P
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ms = { 0, 1000000 };
	long children, done = 0;

	if (argc != 2)
		return 2;
	children = atol(argv[1]);
	for (long i = 0; i < children; i++) {
		pid_t pid = fork();
		int status;

		if (pid < 0)
			return 1;
		if (pid == 0) {
			syscall(SYS_getuid);
			syscall(SYS_getgid);
			syscall(SYS_geteuid);
			syscall(SYS_getegid);
			nanosleep(&ms, NULL);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status))
			done++;
	}
	printf("{\"children\":%ld}\n", done);
	return 0;
}
