/*
 * test_hist_axis.c - the histogram pane's rows stay put while last tick's
 * and this tick's fit together, start afresh when they do not or when
 * another histogram is shown, and the window over rows that do not fit
 * keeps its first row while p50 and the slowest line are in it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/hist_axis.h"

static void fit(struct hist_axis *ax, uint64_t owner, int lo, int hi, int room, int want_lo,
		int want_hi)
{
	int a, b;

	hist_axis_fit(ax, owner, lo, hi, room, &a, &b);
	assert_int_equal(a, want_lo);
	assert_int_equal(b, want_hi);
}

static void test_first_fit_is_own_rows(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	fit(&ax, 1, 10, 14, 9, 10, 14);
}

static void test_rows_kept_while_they_fit(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	fit(&ax, 1, 10, 14, 9, 10, 14);
	/* The fastest call a bucket slower, the slowest one faster: same lines. */
	fit(&ax, 1, 11, 13, 9, 10, 14);
	/* One further out on each side: the axis grows, the old lines stay. */
	fit(&ax, 1, 9, 15, 9, 9, 15);
	fit(&ax, 1, 12, 17, 9, 9, 17);
	/* 9..18 is 10 rows, one more than the pane: this tick's own rows. */
	fit(&ax, 1, 12, 18, 9, 12, 18);
	fit(&ax, 1, 13, 16, 9, 12, 18);
}

static void test_other_owner_starts_afresh(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	fit(&ax, 1, 5, 12, 9, 5, 12);
	fit(&ax, 2, 10, 12, 9, 10, 12);
	hist_axis_reset(&ax);
	fit(&ax, 2, 11, 12, 9, 11, 12);
}

static void test_window_kept_while_p50_and_tail_in_it(void **state)
{
	struct hist_axis ax;
	int lo, hi, top;

	(void)state;
	hist_axis_reset(&ax);
	/* 20 rows in a pane of 6: a window. */
	hist_axis_fit(&ax, 1, 0, 19, 6, &lo, &hi);
	assert_int_equal(lo, 0);
	top = hist_axis_window(&ax, lo, 20, 6, 8, 9, 12);
	assert_int_equal(top, 8);
	/* p50 one line down, centring would start at 9: the window stays at 8. */
	hist_axis_fit(&ax, 1, 0, 19, 6, &lo, &hi);
	assert_int_equal(hist_axis_window(&ax, lo, 20, 6, 9, 10, 13), 8);
	/* The rows start one further down (the same rows: top row 8 is line 7 now). */
	hist_axis_fit(&ax, 1, 1, 19, 6, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hist_axis_window(&ax, lo, 19, 6, 8, 9, 12), 7);
	/* The slowest line below the window: it moves where the pane wants it. */
	assert_int_equal(hist_axis_window(&ax, lo, 19, 6, 9, 9, 14), 9);
	/* p50 above the window: it moves too. */
	assert_int_equal(hist_axis_window(&ax, lo, 19, 6, 6, 7, 10), 6);
	/* Never past the end. */
	assert_int_equal(hist_axis_window(&ax, lo, 19, 6, 17, 17, 18), 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_fit_is_own_rows),
		cmocka_unit_test(test_rows_kept_while_they_fit),
		cmocka_unit_test(test_other_owner_starts_afresh),
		cmocka_unit_test(test_window_kept_while_p50_and_tail_in_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
