/* test_filter.c - filter syntax, errors, round trip and matching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/filter.h"
#include "core/syscall_names.h"

static struct snap_sys_row row(uint32_t pid, const char *comm, const char *sys)
{
	struct snap_sys_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	strncpy(r.comm, comm, sizeof(r.comm) - 1);
	r.nr = (uint32_t)syscall_lookup(sys);
	return r;
}

static void test_parse_and_match(void **state)
{
	struct filter f;
	char err[128];
	struct snap_sys_row a = row(10, "nginx: worker", "read"), b = row(11, "postgres", "read"),
			    c = row(10, "nginx: worker", "fsync");

	(void)state;
	assert_int_equal(filter_parse(&f, "nginx sys:read,write", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(f.n_comm, 1);
	assert_int_equal(f.n_sys, 2);
	assert_int_equal(f.sys_nr[1], syscall_lookup("write"));
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b)); /* name does not match */
	assert_false(filter_match_sys(&f, &c)); /* syscall does not match */
	assert_int_equal(filter_parse(&f, "pid:11,12", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &b));
	assert_false(filter_match_sys(&f, &a));
	assert_true(filter_match_proc(&f, 12, "anything"));
	assert_false(filter_match_proc(&f, 13, "anything"));
	/* Names OR together, kinds AND together. */
	assert_int_equal(filter_parse(&f, "post ngin  pid:10", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b));
	assert_int_equal(filter_parse(&f, "\tpost\nngin pid:10 pid:11 ", err, sizeof(err)), 0);
	assert_int_equal(f.n_comm, 2);
	assert_int_equal(f.n_pid, 2);
	assert_true(filter_match_sys(&f, &a));
	assert_true(filter_match_sys(&f, &b));
	/* Case-sensitive substring. */
	assert_int_equal(filter_parse(&f, "NGINX", err, sizeof(err)), 0);
	assert_false(filter_match_sys(&f, &a));
	/* Syscalls by "sys_" alias and by number. */
	assert_int_equal(filter_parse(&f, "sys:sys_fsync", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &c));
	assert_false(filter_match_sys(&f, &a));
	assert_int_equal(filter_parse(&f, "sys:sys_0", err, sizeof(err)), 0);
	assert_int_equal(f.sys_nr[0], 0);
	/* Explicit comm: form. */
	assert_int_equal(filter_parse(&f, "comm:nginx:", err, sizeof(err)), 0);
	assert_string_equal(f.comm[0], "nginx:");
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b));
	/* A 15-byte name is the longest the kernel keeps. */
	assert_int_equal(filter_parse(&f, "abcdefghijklmno", err, sizeof(err)), 0);
	assert_int_equal(filter_parse(&f, "", err, sizeof(err)), 0);
	assert_true(filter_is_empty(&f));
	assert_true(filter_match_sys(&f, &b));
	assert_int_equal(filter_parse(&f, "  \t ", err, sizeof(err)), 0);
	assert_true(filter_is_empty(&f));
	/* A comm with no terminator (16 bytes from the kernel) is handled. */
	memset(a.comm, 'x', sizeof(a.comm));
	assert_int_equal(filter_parse(&f, "xxxx", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
	/* Clear. */
	assert_int_equal(filter_parse(&f, "pid:1", err, sizeof(err)), 0);
	assert_false(filter_is_empty(&f));
	filter_clear(&f);
	assert_true(filter_is_empty(&f));
}

/* Each bad input fails with -EINVAL, a message containing @msg, and @f untouched. */
static void expect_error(const char *text, const char *msg)
{
	struct filter f, before;
	char err[128];

	assert_int_equal(filter_parse(&f, "web pid:5", err, sizeof(err)), 0);
	before = f;
	err[0] = '\0';
	if (filter_parse(&f, text, err, sizeof(err)) != -EINVAL)
		fail_msg("accepted '%s'", text);
	if (!strstr(err, msg))
		fail_msg("'%s': got error '%s', want '%s'", text, err, msg);
	assert_null(strchr(err, '\n'));
	assert_memory_equal(&f, &before, sizeof(f));
}

static void test_errors(void **state)
{
	char many[FILTER_TEXT_MAX], big[FILTER_TEXT_MAX + 10], err[8];
	struct filter f;

	(void)state;
	expect_error("sys:nosuchcall", "unknown syscall 'nosuchcall'");
	expect_error("sys:read,nosuch", "unknown syscall 'nosuch'");
	expect_error("sys:READ", "unknown syscall");
	expect_error("sys:sys_+5", "unknown syscall");
	expect_error("sys:sys_99999", "unknown syscall");
	expect_error("pid:abc", "bad pid 'abc'");
	expect_error("pid:0", "bad pid '0'");
	expect_error("pid:-1", "bad pid");
	expect_error("pid:+1", "bad pid");
	expect_error("pid:01", "bad pid");
	expect_error("pid:1x", "bad pid");
	expect_error("pid:2147483648", "bad pid");	/* one past INT_MAX */
	expect_error("pid:4294967297", "bad pid");	/* would wrap to 1 in 32 bits */
	expect_error("pid:99999999999999999999999", "bad pid");
	expect_error("pid:", "'pid:' needs a value");
	expect_error("sys:", "'sys:' needs a value");
	expect_error("comm:", "'comm:' needs a value");
	expect_error("pid:1,,2", "needs a value");
	expect_error("pid:1,", "needs a value");
	expect_error("sys:,read", "needs a value");
	expect_error("foo:bar", "unknown filter 'foo:'");
	expect_error("host:10.0.0.1", "unknown filter 'host:'");
	expect_error("a:b", "unknown filter 'a:'");
	expect_error(":x", "unknown filter ':'");
	expect_error("PID:1", "unknown filter 'PID:'");
	expect_error("abcdefghijklmnop", "longer than 15 bytes");
	expect_error("comm:abcdefghijklmnop", "longer than 15 bytes");
	expect_error("pid:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "too many pids");
	expect_error("a b c d e f g h i j k l m n o p q", "too many process names");
	expect_error("sys:read sys:read sys:read sys:read sys:read sys:read sys:read sys:read "
		     "sys:read sys:read sys:read sys:read sys:read sys:read sys:read sys:read "
		     "sys:write", "too many syscalls");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, "filter longer than 255 bytes");
	/* Short input whose canonical text would not fit the prompt. */
	snprintf(many, sizeof(many), "sys:%s", "sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,"
		 "sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13");
	assert_true(strlen(many) < 120);
	assert_int_equal(filter_parse(&f, many, err, 0), 0);	/* 16 x rt_sigaction fits */
	/* sys_146 is sched_get_priority_max on x86_64: 131 bytes in, 371 out. */
	if (syscall_lookup("sched_get_priority_max") == 146) {
		snprintf(many, sizeof(many), "sys:sys_146");
		for (int i = 1; i < FILTER_MAX_TERMS; i++)
			strcat(many, ",sys_146");
		assert_true(strlen(many) < FILTER_TEXT_MAX);
		expect_error(many, "filter longer than 255 bytes once written out");
	}
	/* A short or absent error buffer is fine. */
	assert_int_equal(filter_parse(&f, "sys:nosuchcall", err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(filter_parse(&f, "sys:nosuchcall", NULL, 0), -EINVAL);
}

static void round_trip(const char *text, const char *want)
{
	struct filter f, g;
	char err[128], out[FILTER_TEXT_MAX], again[FILTER_TEXT_MAX];

	if (filter_parse(&f, text, err, sizeof(err)))
		fail_msg("'%s': %s", text, err);
	filter_format(&f, out, sizeof(out));
	if (want)
		assert_string_equal(out, want);
	if (filter_parse(&g, out, err, sizeof(err)))
		fail_msg("'%s' -> '%s': %s", text, out, err);
	assert_memory_equal(&f, &g, sizeof(f));
	filter_format(&g, again, sizeof(again));
	assert_string_equal(out, again);	/* canonical: a fixed point */
}

static void test_round_trip(void **state)
{
	char small[12];
	struct filter f;
	char err[64];

	(void)state;
	round_trip("", "");
	round_trip("nginx", "nginx");
	round_trip("sys:read,write pid:3 web", "web pid:3 sys:read,write");
	round_trip("pid:1 pid:2  sys:sys_read", "pid:1,2 sys:read");
	round_trip("a b sys:write,fsync pid:7", "a b pid:7 sys:write,fsync");
	round_trip("comm:odd:name", "comm:odd:name");
	/* Names keep their order; ':' names need comm:, ',' names must stay bare. */
	round_trip("comm:a:b x", "comm:a:b,x");
	round_trip("x comm:a:b y,z w", "x comm:a:b y,z w");
	round_trip("comm:a:b,c,d:e f,g", "comm:a:b,c,d:e f,g");
	round_trip("comm:plain", "plain");
	round_trip("sys:sys_13", "sys:rt_sigaction");
	round_trip("pid:2147483647", "pid:2147483647");
	round_trip("x x pid:4,4", "x x pid:4,4");	/* duplicates are kept, harmlessly */
	/* A buffer too small holds whole terms only. */
	assert_int_equal(filter_parse(&f, "web pid:3 sys:read", err, sizeof(err)), 0);
	filter_format(&f, small, sizeof(small));
	assert_string_equal(small, "web pid:3");
	filter_format(&f, small, 1);
	assert_string_equal(small, "");
	filter_format(&f, small, 0);	/* writes nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_match),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
