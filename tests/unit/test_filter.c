/* test_filter.c - filter syntax, errors, round trip and matching. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b)); /* name does not match */
	assert_false(filter_match_sys(&f, &c)); /* syscall does not match */
	assert_int_equal(filter_parse(&f, "pid:11,12", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &b));
	assert_false(filter_match_sys(&f, &a));
	/* Names OR together, kinds AND together. */
	assert_int_equal(filter_parse(&f, "post ngin  pid:10", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b));
	assert_int_equal(filter_parse(&f, "", err, sizeof(err)), 0);
	assert_true(filter_is_empty(&f));
	assert_true(filter_match_sys(&f, &b));
	/* A comm with no terminator (16 bytes from the kernel) is handled. */
	memset(a.comm, 'x', sizeof(a.comm));
	assert_int_equal(filter_parse(&f, "xxxx", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
}

static void test_errors(void **state)
{
	struct filter f, before;
	char err[128];

	(void)state;
	assert_int_equal(filter_parse(&f, "pid:5", err, sizeof(err)), 0);
	before = f;
	assert_int_equal(filter_parse(&f, "sys:nosuchcall", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown syscall 'nosuchcall'");
	assert_memory_equal(&f, &before, sizeof(f)); /* unchanged on error */
	assert_int_equal(filter_parse(&f, "pid:abc", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "bad pid 'abc'");
	assert_int_equal(filter_parse(&f, "pid:0", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "pid:99999999999", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "pid:", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "'pid:' needs a value");
	assert_int_equal(filter_parse(&f, "foo:bar", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown filter 'foo:'"));
	assert_int_equal(filter_parse(&f, "averyveryverylongname", err, sizeof(err)), -EINVAL);
	assert_int_equal(filter_parse(&f, "pid:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", err,
				      sizeof(err)), -EINVAL);
}

static void test_round_trip(void **state)
{
	static const char *const texts[] = {
		"nginx", "pid:1,2 sys:read", "a b sys:write,fsync pid:7", "comm:odd:name", "",
	};
	struct filter f, g;
	char err[128], text[FILTER_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(filter_parse(&f, texts[i], err, sizeof(err)), 0);
		filter_format(&f, text, sizeof(text));
		assert_int_equal(filter_parse(&g, text, err, sizeof(err)), 0);
		assert_memory_equal(&f, &g, sizeof(f));
	}
	assert_int_equal(filter_parse(&f, "sys:read,write pid:3 web", err, sizeof(err)), 0);
	filter_format(&f, text, sizeof(text));
	assert_string_equal(text, "web pid:3 sys:read,write");
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
