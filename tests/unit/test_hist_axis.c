/*
 * test_hist_axis.c - the histogram pane keeps last tick's rows while they
 * hold every row with calls (or, when those do not fit, p50's row to the
 * slowest), starts afresh otherwise or for another histogram, and never
 * shows more rows than the pane has.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ui/hist_axis.h"

#define MAX_ROW 40

static void rows(struct hist_axis *ax, uint64_t owner, int dlo, int dhi, int p50, int room,
		 int want_lo, int want_hi)
{
	int lo, hi;

	hist_axis_rows(ax, owner, dlo, dhi, p50, MAX_ROW, room, &lo, &hi);
	assert_int_equal(lo, want_lo);
	assert_int_equal(hi, want_hi);
	assert_true(hi - lo + 1 <= room);
	assert_true(lo >= 0 && hi <= MAX_ROW);
}

static void test_first_is_own_rows_with_edges(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	rows(&ax, 1, 10, 14, 12, 9, 9, 15);	/* one empty row each side, as DTrace */
	hist_axis_reset(&ax);
	rows(&ax, 1, 10, 14, 12, 6, 9, 14);	/* room for one edge: the one below */
	hist_axis_reset(&ax);
	rows(&ax, 1, 10, 14, 12, 5, 10, 14);	/* no room for edges */
	hist_axis_reset(&ax);
	rows(&ax, 1, 0, 2, 1, 9, 0, 3);		/* no row below 0 */
	hist_axis_reset(&ax);
	rows(&ax, 1, 38, MAX_ROW, 39, 9, 37, MAX_ROW);	/* none above the last */
}

static void test_rows_kept_while_they_hold_the_calls(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	rows(&ax, 1, 10, 14, 12, 9, 9, 15);
	/* The fastest call a row slower, the slowest one faster: same rows. */
	rows(&ax, 1, 11, 13, 12, 9, 9, 15);
	/* A call one row further up: still held (the edge above is not needed). */
	rows(&ax, 1, 10, 15, 12, 9, 9, 15);
	/* Two rows further down: afresh, 8..15 and as many edges as fit (7), with 9..15. */
	rows(&ax, 1, 8, 15, 12, 9, 7, 15);
	/* Far away: this tick's own rows (with 7..15 they would not fit). */
	rows(&ax, 1, 20, 22, 21, 9, 19, 23);
}

static void test_tight_pane_keeps_rows_without_edges(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	/* 8 rows with calls in a pane of 8: no room for the empty edges. */
	rows(&ax, 1, 5, 12, 8, 8, 5, 12);
	/* The slowest call a row faster: the rows stay (12 reads 0). */
	rows(&ax, 1, 5, 11, 8, 8, 5, 12);
	/* Then the fastest a row faster: 4..11 fits, 4..12 does not: afresh. */
	rows(&ax, 1, 4, 11, 8, 8, 4, 11);
}

static void test_window_when_calls_do_not_fit(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	/* Calls on rows 2..20, p50 on 8, room 6: p50 to the slowest does not fit either. */
	rows(&ax, 1, 2, 20, 8, 6, 8, 13);
	/* Calls 2..11, p50 on 8: p50..11 is 4 rows, centred in 6: 7..12. */
	hist_axis_reset(&ax);
	rows(&ax, 1, 2, 11, 8, 6, 7, 12);
	/* p50 a row up, the slowest a row down: both still in 7..12, kept. */
	rows(&ax, 1, 2, 12, 7, 6, 7, 12);
	/* The slowest past the window: a new window, from p50's row. */
	rows(&ax, 1, 2, 13, 8, 6, 8, 13);
	/* p50 a row down: still in it. */
	rows(&ax, 1, 2, 13, 9, 6, 8, 13);
}

static void test_wide_rows_give_way(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	rows(&ax, 1, 2, 20, 10, 30, 1, 21);	/* an outlier on each side */
	for (int t = 0; t < HIST_AXIS_WIDE_TICKS; t++)
		rows(&ax, 1, 9, 11, 10, 30, 1, 21);	/* kept: wider, but not for long yet */
	rows(&ax, 1, 9, 11, 10, 30, 8, 12);	/* too wide too long: its own rows */
	rows(&ax, 1, 9, 11, 10, 30, 8, 12);
	/* Two rows of slack are not "wide": kept however long. */
	rows(&ax, 1, 9, 13, 10, 30, 8, 14);
	for (int t = 0; t < 2 * HIST_AXIS_WIDE_TICKS; t++)
		rows(&ax, 1, 10, 12, 10, 30, 8, 14);	/* own rows 9..13 */
}

static void test_other_owner_starts_afresh(void **state)
{
	struct hist_axis ax;

	(void)state;
	hist_axis_reset(&ax);
	rows(&ax, 1, 5, 12, 8, 12, 4, 13);
	rows(&ax, 2, 10, 12, 11, 12, 9, 13);
	hist_axis_reset(&ax);
	rows(&ax, 2, 11, 12, 11, 12, 10, 13);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_is_own_rows_with_edges),
		cmocka_unit_test(test_rows_kept_while_they_hold_the_calls),
		cmocka_unit_test(test_tight_pane_keeps_rows_without_edges),
		cmocka_unit_test(test_window_when_calls_do_not_fit),
		cmocka_unit_test(test_wide_rows_give_way),
		cmocka_unit_test(test_other_owner_starts_afresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
