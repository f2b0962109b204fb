/*
 * test_fmt_breakdown.c - a syscall's breakdown in words: rounding of the
 * shares, which parts the sentence names and in what order, the minimum
 * share, parts larger than the sum, and short buffers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "export/fmt_breakdown.h"

static void test_pct(void **state)
{
	(void)state;
	assert_int_equal(fmt_breakdown_pct(0, 0), 0);
	assert_int_equal(fmt_breakdown_pct(5, 0), 0);
	assert_int_equal(fmt_breakdown_pct(1, 3), 33);
	assert_int_equal(fmt_breakdown_pct(2, 3), 67);
	assert_int_equal(fmt_breakdown_pct(1, 200), 1);	/* 0.5 % rounds up */
	assert_int_equal(fmt_breakdown_pct(1, 201), 0);
	assert_int_equal(fmt_breakdown_pct(UINT64_MAX - 1, UINT64_MAX), 100);
	assert_int_equal(fmt_breakdown_pct(UINT64_MAX / 2, UINT64_MAX), 50);
	assert_int_equal(fmt_breakdown_pct(7, 5), 100);	/* never above 100 */
	assert_string_equal(fmt_breakdown_label(ABI_PART_IO), "waiting for I/O");
	assert_string_equal(fmt_breakdown_label(ABI_PARTS), "?");
}

static void test_sentence(void **state)
{
	/* the example: read p99 12 ms, 80 % I/O, 15 % run queue, 4 % CPU, 1 % blocked */
	const __u64 parts[ABI_PARTS] = { 4000, 15000, 80000, 1000 };
	const __u64 cpu[ABI_PARTS] = { 970, 30, 0, 0 };
	const __u64 tie[ABI_PARTS] = { 0, 50, 0, 50 };
	const __u64 none[ABI_PARTS] = { 0 };
	char buf[FMT_BREAKDOWN_LEN + 32];

	(void)state;
	assert_int_equal(fmt_breakdown_sentence(buf, sizeof(buf), "read", 12000000, parts, 100000),
			 strlen("read p99 12.0ms - 80% waiting for I/O, 15% waiting for a CPU"));
	assert_string_equal(buf, "read p99 12.0ms - 80% waiting for I/O, 15% waiting for a CPU");
	fmt_breakdown_sentence(buf, sizeof(buf), "write", 850, cpu, 1000);
	assert_string_equal(buf, "write p99 850ns - 97% on CPU");
	/* equal shares: in part order */
	fmt_breakdown_parts(buf, sizeof(buf), tie, 100);
	assert_string_equal(buf, "50% waiting for a CPU, 50% blocked");
	/* no time: the p99 alone */
	fmt_breakdown_sentence(buf, sizeof(buf), "futex", 0, none, 0);
	assert_string_equal(buf, "futex p99 0ns");
	assert_int_equal(fmt_breakdown_parts(buf, sizeof(buf), none, 0), 0);
	assert_string_equal(buf, "");
	/* short buffers: cut, terminated, never past their end */
	memset(buf, 'x', sizeof(buf));
	fmt_breakdown_parts(buf, 12, parts, 100000);
	assert_int_equal(strlen(buf), 11);
	memset(buf, 'x', sizeof(buf));
	fmt_breakdown_sentence(buf, 9, "read", 12000000, parts, 100000);
	assert_string_equal(buf, "read p99");
	assert_int_equal(buf[9], 'x');
	assert_int_equal(fmt_breakdown_parts(buf, 0, parts, 100000), 0);
}

/* The dashboard's WHY cell: the largest part, rounded share. */
static void test_cell(void **state)
{
	const __u64 io[ABI_PARTS] = { 50, 150, 800, 50 }, none[ABI_PARTS] = { 0 };
	const __u64 blk[ABI_PARTS] = { 1, 0, 0, 299 };
	char buf[16];

	(void)state;
	fmt_breakdown_cell(buf, sizeof(buf), io);
	assert_string_equal(buf, "io 76%");	/* 800 / 1050 */
	fmt_breakdown_cell(buf, sizeof(buf), blk);
	assert_string_equal(buf, "blk 100%");	/* 99.7 rounds up */
	fmt_breakdown_cell(buf, sizeof(buf), none);
	assert_string_equal(buf, "-");
	fmt_breakdown_cell(buf, 4, io);
	assert_string_equal(buf, "io ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cell),
		cmocka_unit_test(test_pct),
		cmocka_unit_test(test_sentence),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
