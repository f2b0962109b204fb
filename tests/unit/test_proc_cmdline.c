/*
 * test_proc_cmdline.c - the CMD column's cache: this process's own command
 * line (arguments joined with spaces), read once and then served from the
 * cache; "-" for a pid that does not exist and for a start time that is not
 * the process's (its pid was reused); at most PROC_CMDLINE_CACHE entries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ui/proc_cmdline.h"

/* This process's start in CLOCK_MONOTONIC ns, as the kernel keys carry it. */
static uint64_t self_pstart_ns(void)
{
	char buf[1024], *p;
	unsigned long long ticks = 0;
	struct timespec b, m;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	for (int i = 0; p && i < 20; i++)
		p = strchr(p + 1, ' ');
	assert_non_null(p);
	assert_int_equal(sscanf(p + 1, "%llu", &ticks), 1);
	clock_gettime(CLOCK_BOOTTIME, &b);
	clock_gettime(CLOCK_MONOTONIC, &m);
	return ticks * (1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK)) -
	       ((uint64_t)(b.tv_sec - m.tv_sec) * 1000000000ull + (uint64_t)(b.tv_nsec - m.tv_nsec));
}

static void test_own_cmdline_cached(void **state)
{
	struct proc_cmdline *pc = proc_cmdline_new();
	uint64_t start = self_pstart_ns();
	const char *s;

	(void)state;
	assert_non_null(pc);
	s = proc_cmdline_get(pc, (uint32_t)getpid(), start);
	assert_non_null(strstr(s, "test_proc_cmdline"));
	assert_non_null(strstr(s, " extra-arg"));	/* NULs became spaces */
	assert_int_equal(proc_cmdline_reads(pc), 1);
	for (int i = 0; i < 5; i++)
		proc_cmdline_get(pc, (uint32_t)getpid(), start);
	assert_int_equal(proc_cmdline_reads(pc), 1);	/* cached */
	/* Another process with this pid (a start 100 s off): not this command line. */
	assert_string_equal(proc_cmdline_get(pc, (uint32_t)getpid(), start + 100000000000ull), "-");
	/* Bounded: many pids later, the cache still answers and holds at most its size. */
	for (uint32_t pid = 4000000; pid < 4000000 + 2 * PROC_CMDLINE_CACHE; pid++)
		assert_string_equal(proc_cmdline_get(pc, pid, 1), "-");
	assert_int_equal(proc_cmdline_reads(pc), 2 + 2 * PROC_CMDLINE_CACHE);
	s = proc_cmdline_get(pc, (uint32_t)getpid(), start);	/* evicted: read again */
	assert_non_null(strstr(s, "test_proc_cmdline"));
	proc_cmdline_free(pc);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_cmdline_cached),
	};

	/* The test needs an argument of its own: run again with one. */
	if (argc < 2) {
		char *args[] = { argv[0], (char *)"extra-arg", NULL };

		execv("/proc/self/exe", args);
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
