/* test_nspid.c - NSpid lines and the kernel pid -> namespace pid table (core/nspid.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/nspid.h"

#define parse_lit(s, nums, max, lv) nspid_parse(s, sizeof(s) - 1, nums, max, lv)

static const char STATUS[] = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\n"
			     "Tgid:\t28593\nNgid:\t0\nPid:\t28593\nPPid:\t28590\n"
			     "NStgid:\t28593\t2\nNSpid:\t28593\t2\nNSpgid:\t28590\t1\n"
			     "NSsid:\t100\t0\nVmPeak:\t 1 kB\n";

static void test_parse_levels(void **state)
{
	uint32_t nums[4] = { 0 };
	unsigned lv = 0;

	(void)state;
	/* NSpgid and NStgid come near it: only the NSpid line counts. */
	assert_int_equal(nspid_parse(STATUS, sizeof(STATUS) - 1, nums, 4, &lv), 0);
	assert_int_equal(lv, 2);
	assert_int_equal(nums[0], 28593);
	assert_int_equal(nums[1], 2);
	assert_int_equal(parse_lit("NSpid:\t1\n", nums, 4, &lv), 0);
	assert_int_equal(lv, 1);
	assert_int_equal(nums[0], 1);
	/* Last line without a newline, spaces as separators, three levels. */
	assert_int_equal(parse_lit("Pid:\t9\nNSpid: 4294967295 70 3", nums, 4, &lv), 0);
	assert_int_equal(lv, 3);
	assert_int_equal(nums[0], UINT32_MAX);
	assert_int_equal(nums[2], 3);
	/* More levels than room: counted, the first ones stored. */
	nums[2] = 77;
	assert_int_equal(parse_lit("NSpid:\t5\t6\t7\t8\n", nums, 2, &lv), 0);
	assert_int_equal(lv, 4);
	assert_int_equal(nums[1], 6);
	assert_int_equal(nums[2], 77);
}

static void test_parse_bad(void **state)
{
	uint32_t nums[4];
	unsigned lv;

	(void)state;
	assert_int_equal(parse_lit("Name:\tx\nPid:\t3\n", nums, 4, &lv), -ENOENT);
	assert_int_equal(nspid_parse("", 0, nums, 4, &lv), -ENOENT);
	assert_int_equal(parse_lit("NSpid:\n", nums, 4, &lv), -EINVAL);
	assert_int_equal(parse_lit("NSpid:\t12x\t3\n", nums, 4, &lv), -EINVAL);
	assert_int_equal(parse_lit("NSpid:\t-1\n", nums, 4, &lv), -EINVAL);
	assert_int_equal(parse_lit("NSpid:\t4294967296\n", nums, 4, &lv), -EINVAL);
	assert_int_equal(parse_lit("NSpid:\t99999999999999999999\n", nums, 4, &lv), -EINVAL);
	/* A line that only starts like it ("NSpidx:") is not it. */
	assert_int_equal(parse_lit("XNSpid:\t1\n", nums, 4, &lv), -ENOENT);
}

static void test_map(void **state)
{
	struct nspid_map m = { 0 };

	(void)state;
	assert_int_equal(nspid_map_ns(&m, 5), 0);	/* empty, unsorted */
	for (uint32_t k = 1000; k > 0; k--)
		assert_int_equal(nspid_map_put(&m, 10000 + k, k), 0);
	assert_int_equal(nspid_map_put(&m, 10007, 7), 0);	/* a duplicate */
	nspid_map_sort(&m);
	assert_int_equal(m.n, 1000);
	assert_int_equal(nspid_map_ns(&m, 10001), 1);
	assert_int_equal(nspid_map_ns(&m, 11000), 1000);
	assert_int_equal(nspid_map_ns(&m, 10000), 0);
	assert_int_equal(nspid_map_ns(&m, 11001), 0);
	assert_int_equal(nspid_map_kernel(&m, 500), 10500);
	assert_int_equal(nspid_map_kernel(&m, 1001), 0);
	nspid_map_clear(&m);
	assert_int_equal(nspid_map_ns(&m, 10001), 0);
	nspid_map_free(&m);
}

static void test_pairs(void **state)
{
	static const char text[] = "4711 1\n4712 23\nbad line\n0 5\n7 0\n12 34x\n99 98";
	struct nspid_map m = { 0 };
	size_t bad = 0;

	(void)state;
	assert_int_equal(nspid_map_parse_pairs(&m, text, sizeof(text) - 1, &bad), 0);
	nspid_map_sort(&m);
	assert_int_equal(m.n, 3);
	assert_int_equal(bad, 4);	/* text, pid 0 either side, a trailing byte */
	assert_int_equal(nspid_map_ns(&m, 4711), 1);
	assert_int_equal(nspid_map_ns(&m, 4712), 23);
	assert_int_equal(nspid_map_ns(&m, 99), 98);
	assert_int_equal(nspid_map_ns(&m, 12), 0);
	nspid_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_levels),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
