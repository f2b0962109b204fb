/* test_breakdown_text.c - the breakdown as a WHY cell and as a sentence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/breakdown_text.h"

static void test_cell(void **state)
{
	__u64 io[ABI_PARTS] = { 100, 150, 800, 0 }, none[ABI_PARTS] = { 0 };
	__u64 cpu[ABI_PARTS] = { 5, 0, 0, 0 }, blk[ABI_PARTS] = { 1, 1, 1, 997 };
	unsigned int pct = 7;
	char buf[16];

	(void)state;
	breakdown_cell(buf, sizeof(buf), io);
	assert_string_equal(buf, "io 76%");	/* 800 / 1050, rounded */
	breakdown_cell(buf, sizeof(buf), cpu);
	assert_string_equal(buf, "cpu 100%");
	breakdown_cell(buf, sizeof(buf), blk);
	assert_string_equal(buf, "blk 100%");	/* 99.7 rounds up */
	breakdown_cell(buf, sizeof(buf), none);
	assert_string_equal(buf, "-");
	assert_int_equal(breakdown_dominant(none, &pct), -1);
	assert_int_equal(pct, 7);
	assert_int_equal(breakdown_dominant(io, &pct), ABI_PART_IO);
	assert_int_equal(pct, 76);
	/* The widest cell fits the 8-cell column. */
	__u64 runq[ABI_PARTS] = { 0, 10, 0, 0 };

	breakdown_cell(buf, sizeof(buf), runq);
	assert_string_equal(buf, "runq 100%");
	assert_true(strlen(buf) <= 9);
	/* No overflow of a short buffer. */
	breakdown_cell(buf, 4, io);
	assert_string_equal(buf, "io ");
}

static void test_sentence(void **state)
{
	__u64 p[ABI_PARTS] = { 50, 150, 800, 0 }, none[ABI_PARTS] = { 0 };
	__u64 huge[ABI_PARTS] = { UINT64_MAX / 4, UINT64_MAX / 4, 0, UINT64_MAX / 4 };
	char buf[128];

	(void)state;
	breakdown_sentence(buf, sizeof(buf), p, 5);
	assert_string_equal(buf, "80% waiting for I/O, 15% waiting for a CPU, 5% on CPU");
	breakdown_sentence(buf, sizeof(buf), p, 10);
	assert_string_equal(buf, "80% waiting for I/O, 15% waiting for a CPU");
	breakdown_sentence(buf, sizeof(buf), none, 5);
	assert_string_equal(buf, "");
	/* Large sums: part * 100 would wrap in 64 bits (shares in long double). */
	breakdown_sentence(buf, sizeof(buf), huge, 5);
	assert_non_null(strstr(buf, "33% on CPU"));
	breakdown_sentence(buf, 10, p, 5);
	assert_int_equal(strlen(buf), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_sentence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
