/* test_probe_spec.c - -u / --usdt spec splitting, errors and round trip. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/probe_spec.h"

static struct probe_spec s;
static char err[160];

static void test_uprobe(void **state)
{
	(void)state;
	assert_int_equal(probe_spec_parse_uprobe("/usr/bin/app:handle_request", &s, err,
						 sizeof(err)), 0);
	assert_int_equal(s.kind, PROBE_SPEC_UPROBE);
	assert_string_equal(s.binary, "/usr/bin/app");
	assert_string_equal(s.function, "handle_request");
	assert_false(probe_spec_is_glob(s.function));
	/* The last ':' splits: a path may hold ':', a symbol name does not. */
	assert_int_equal(probe_spec_parse_uprobe("/opt/a:b/srv:_ZN3app7handlerEi", &s, err,
						 sizeof(err)), 0);
	assert_string_equal(s.binary, "/opt/a:b/srv");
	assert_string_equal(s.function, "_ZN3app7handlerEi");
	assert_int_equal(probe_spec_parse_uprobe("libc:malloc*", &s, err, sizeof(err)), 0);
	assert_string_equal(s.binary, "libc");
	assert_true(probe_spec_is_glob(s.function));
}

static void test_uprobe_errors(void **state)
{
	const char *bad[] = { "nocolon", ":func", "bin:", "bin:fu nc", "b in:f", "bin:f\tx", "" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(probe_spec_parse_uprobe(bad[i], &s, err, sizeof(err)), -EINVAL);
		assert_true(err[0] != '\0');
		assert_null(strchr(err, '\n'));
	}
	{
		char longf[PROBE_SPEC_FUNC_MAX + 8];

		memset(longf, 'a', sizeof(longf) - 1);
		longf[0] = 'b';
		longf[1] = ':';
		longf[sizeof(longf) - 1] = '\0';
		assert_int_equal(probe_spec_parse_uprobe(longf, &s, err, sizeof(err)), -EINVAL);
	}
}

static void test_usdt(void **state)
{
	char label[128];

	(void)state;
	assert_int_equal(probe_spec_parse_usdt("/usr/lib/postgresql/15/bin/postgres:postgresql:"
					       "query__start:query__done", &s, err, sizeof(err)), 0);
	assert_int_equal(s.kind, PROBE_SPEC_USDT);
	assert_string_equal(s.binary, "/usr/lib/postgresql/15/bin/postgres");
	assert_string_equal(s.provider, "postgresql");
	assert_string_equal(s.probe, "query__start");
	assert_string_equal(s.end, "query__done");
	probe_spec_usdt_label(&s, label, sizeof(label));
	assert_string_equal(label, "postgresql:query__start->query__done");
	assert_int_equal(probe_spec_parse_usdt("./fn_target:fntarget:fast", &s, err, sizeof(err)), 0);
	assert_string_equal(s.binary, "./fn_target");
	assert_string_equal(s.provider, "fntarget");
	assert_string_equal(s.probe, "fast");
	assert_string_equal(s.end, "");
	probe_spec_usdt_label(&s, label, sizeof(label));
	assert_string_equal(label, "fntarget:fast");
	/* A path with ':' takes the START:END form: the last three fields are names. */
	assert_int_equal(probe_spec_parse_usdt("/a:b/x:p:s:e", &s, err, sizeof(err)), 0);
	assert_string_equal(s.binary, "/a:b/x");
	assert_string_equal(s.end, "e");
}

static void test_usdt_errors(void **state)
{
	const char *bad[] = { "bin", "bin:prov", ":prov:probe", "bin::probe", "bin:prov:",
			      "bin:pr-ov:probe", "bin:prov:9probe", "bin:prov:a:", "bin:prov:a b" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(probe_spec_parse_usdt(bad[i], &s, err, sizeof(err)), -EINVAL);
		assert_true(err[0] != '\0');
	}
}

static void test_round_trip(void **state)
{
	const char *u[] = { "/bin/x:f", "libc:mall?c", "/a:b:c" };
	const char *d[] = { "/bin/x:p:q", "/bin/x:p:q:r" };
	char text[PROBE_SPEC_PATH_MAX + 512];
	struct probe_spec t;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(probe_spec_parse_uprobe(u[i], &s, err, sizeof(err)), 0);
		probe_spec_format(&s, text, sizeof(text));
		assert_string_equal(text, u[i]);
		assert_int_equal(probe_spec_parse_uprobe(text, &t, err, sizeof(err)), 0);
		assert_memory_equal(&s, &t, sizeof(s));
	}
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(probe_spec_parse_usdt(d[i], &s, err, sizeof(err)), 0);
		probe_spec_format(&s, text, sizeof(text));
		assert_string_equal(text, d[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uprobe),
		cmocka_unit_test(test_uprobe_errors),
		cmocka_unit_test(test_usdt),
		cmocka_unit_test(test_usdt_errors),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
