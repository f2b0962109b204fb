/* test_ksyms.c - kernel symbol lookup: nearest text symbol at or below, data symbols ignored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "collect/ksyms.h"

static void test_lookup(void **state)
{
	static const char text[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000200 t pipe_read\n"
		"ffffffff81000100 T schedule\n"		/* out of order: sorted on load */
		"ffffffff81000180 D some_data\n"	/* data: not a frame */
		"ffffffff81000300 W weak_fn\n"
		"ffffffffc0000000 t mod_fn\t[mymod]\n"
		"0000000000000000 T hidden_by_kptr_restrict\n"
		"garbage line\n";
	struct ksyms *k = ksyms_parse(text, sizeof(text) - 1);

	(void)state;
	assert_non_null(k);
	assert_int_equal(ksyms_count(k), 5);
	assert_null(ksyms_lookup(k, 0xffffffff80ffffffull));
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000000ull), "_stext");
	assert_string_equal(ksyms_lookup(k, 0xffffffff810000ffull), "_stext");
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000100ull), "schedule");
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000190ull), "schedule");
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000234ull), "pipe_read");
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000300ull), "weak_fn");
	assert_string_equal(ksyms_lookup(k, 0xffffffffc0000010ull), "mod_fn");
	ksyms_free(k);
}

static void test_empty(void **state)
{
	struct ksyms *k = ksyms_parse("", 0);

	(void)state;
	assert_non_null(k);
	assert_null(ksyms_lookup(k, 0xffffffff81000000ull));
	ksyms_free(k);
	assert_null(ksyms_lookup(NULL, 1));
	assert_null(ksyms_load("/nonexistent/kallsyms"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
