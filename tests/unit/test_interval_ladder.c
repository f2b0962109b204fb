/*
 * test_interval_ladder.c - '+' / '-' step a bounded ladder of round
 * intervals: every rung up and down, the ends hold, values off the ladder
 * snap to the next rung in the direction asked, and 1 s is reachable again
 * from the 0.1 s floor (the bug of halving/doubling).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/interval_ladder.h"

#define MS 1000000ull

static void test_rungs_up_and_down(void **state)
{
	static const uint64_t want[] = { 100, 200, 500, 1000, 2000, 5000, 10000, 30000, 60000 };
	uint64_t ns = 100 * MS;

	(void)state;
	assert_int_equal(interval_ladder_len, 9);
	for (size_t i = 1; i < 9; i++) {
		ns = interval_ladder_step(ns, 1);
		assert_int_equal(ns, want[i] * MS);
	}
	for (size_t i = 9; i-- > 1;) {
		ns = interval_ladder_step(ns, 0);
		assert_int_equal(ns, want[i - 1] * MS);
	}
}

static void test_ends_hold(void **state)
{
	(void)state;
	assert_int_equal(interval_ladder_step(60000 * MS, 1), 60000 * MS);
	assert_int_equal(interval_ladder_step(100 * MS, 0), 100 * MS);
	/* Beyond the ends (a long -i): back onto the ladder. */
	assert_int_equal(interval_ladder_step(3600000 * MS, 1), 60000 * MS);
	assert_int_equal(interval_ladder_step(3600000 * MS, 0), 60000 * MS);
	assert_int_equal(interval_ladder_step(1, 0), 100 * MS);
	assert_int_equal(interval_ladder_step(1, 1), 100 * MS);
}

static void test_off_ladder_snaps(void **state)
{
	(void)state;
	assert_int_equal(interval_ladder_step(700 * MS, 1), 1000 * MS);
	assert_int_equal(interval_ladder_step(700 * MS, 0), 500 * MS);
	assert_int_equal(interval_ladder_step(3276800 * MS, 0), 60000 * MS);
	assert_int_equal(interval_ladder_step(1000 * MS + 1, 0), 1000 * MS);
	assert_int_equal(interval_ladder_step(1000 * MS - 1, 1), 1000 * MS);
}

static void test_one_second_reachable_from_floor(void **state)
{
	uint64_t ns = 10000 * MS;

	(void)state;
	for (int i = 0; i < 20; i++)
		ns = interval_ladder_step(ns, 0);
	assert_int_equal(ns, 100 * MS);
	ns = interval_ladder_step(ns, 1);
	ns = interval_ladder_step(ns, 1);
	ns = interval_ladder_step(ns, 1);
	assert_int_equal(ns, 1000 * MS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rungs_up_and_down),
		cmocka_unit_test(test_ends_hold),
		cmocka_unit_test(test_off_ladder_snaps),
		cmocka_unit_test(test_one_second_reachable_from_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
