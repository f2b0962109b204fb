/* test_table_fit.c - columns dropped by priority, flex last, wide columns growing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ui/table.h"

/* The processes table's shape: PID COMMAND CALLS/s P99 SLOWEST(flex). */
static const struct table_col procs[] = {
	{ .title = "PID", .width = 7, .right = true, .drop = 2 },
	{ .title = "COMMAND", .width = 15 },
	{ .title = "CALLS/s", .width = 7, .right = true },
	{ .title = "P99", .width = 7, .right = true },
	{ .title = "SLOWEST", .width = 8, .flex = true, .drop = 1 },
};
#define NPROCS (sizeof(procs) / sizeof(procs[0]))

static void test_all_fit_flex_takes_rest(void **state)
{
	bool shown[TABLE_MAX_COLS];
	int width[TABLE_MAX_COLS];

	(void)state;
	assert_int_equal(table_fit(procs, NPROCS, 0, 60, shown, width), 5);
	/* 7+15+7+7+8 + 4 spaces = 48: the flex column gets the 12 left. */
	assert_int_equal(width[4], 8 + 12);
	assert_int_equal(width[1], 15);
}

static void test_drop_by_priority(void **state)
{
	bool shown[TABLE_MAX_COLS];
	int width[TABLE_MAX_COLS];

	(void)state;
	/* 47 cells: one too few for all; PID (drop 2) goes before SLOWEST (drop 1). */
	assert_int_equal(table_fit(procs, NPROCS, 0, 47, shown, width), 4);
	assert_false(shown[0]);
	assert_true(shown[4]);
	assert_int_equal(width[4], 8 + (47 - 40));
	/* Narrower still: SLOWEST goes too; must-keep columns stay even when cut. */
	assert_int_equal(table_fit(procs, NPROCS, 0, 33, shown, width), 3);
	assert_false(shown[4]);
	assert_int_equal(table_fit(procs, NPROCS, 0, 10, shown, width), 3);
	assert_true(shown[1] && shown[2] && shown[3]);
}

static void test_hidden_columns(void **state)
{
	bool shown[TABLE_MAX_COLS];
	int width[TABLE_MAX_COLS];

	(void)state;
	/* The operator hid P99 (bit 3): the room goes to the flex column. */
	assert_int_equal(table_fit(procs, NPROCS, 1u << 3, 60, shown, width), 4);
	assert_false(shown[3]);
	assert_int_equal(width[4], 8 + 12 + 8);
	/* Even a must-keep column can be hidden by the operator. */
	assert_int_equal(table_fit(procs, NPROCS, 1u << 1, 60, shown, width), 4);
	assert_false(shown[1]);
}

static void test_wide_grows_before_flex(void **state)
{
	static const struct table_col clients[] = {
		{ .title = "CLIENT", .width = 15, .wide = 39 },
		{ .title = "P99", .width = 7, .right = true },
		{ .title = "PROCESS", .width = 16, .flex = true, .drop = 2 },
	};
	bool shown[TABLE_MAX_COLS];
	int width[TABLE_MAX_COLS];

	(void)state;
	/* 15+7+16 + 2 = 40; 10 spare: CLIENT grows by 10, PROCESS keeps 16. */
	assert_int_equal(table_fit(clients, 3, 0, 50, shown, width), 3);
	assert_int_equal(width[0], 25);
	assert_int_equal(width[2], 16);
	/* 100: CLIENT stops at 39, PROCESS gets the rest. */
	table_fit(clients, 3, 0, 100, shown, width);
	assert_int_equal(width[0], 39);
	assert_int_equal(width[0] + width[1] + width[2] + 2, 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fit_flex_takes_rest),
		cmocka_unit_test(test_drop_by_priority),
		cmocka_unit_test(test_hidden_columns),
		cmocka_unit_test(test_wide_grows_before_flex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
