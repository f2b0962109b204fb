/*
 * evilcomm.c - a process whose name is hostile: an ANSI colour sequence,
 * \r, \t, \b and a bidi override (U+202E). Prints its pid, then makes
 * getppid() calls for the given number of seconds.
 * usage: evilcomm SECONDS
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const char evil[] = "e\x1b[31m\r\t\b\xe2\x80\xaeil";
	time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 10);

	if (prctl(PR_SET_NAME, evil, 0, 0, 0))
		return 1;
	printf("%d\n", getpid());
	fflush(stdout);
	while (time(NULL) < end) {
		for (int i = 0; i < 1000; i++)
			syscall(SYS_getppid);
		usleep(1000);
	}
	return 0;
}
