/*
 * test_row_settle.c - rows keep their line while their sort value stays
 * within the band, move at once past it, and new or sorted-anew rows take
 * their plain place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ui/row_settle.h"

/* A syscalls view (pid 0) with rows nr 0..n-1 whose time is @sum_ns[i], plainly sorted. */
static void build(struct view *v, const uint64_t *sum_ns, size_t n)
{
	v->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct view_row *r = &v->rows[v->n++];

		memset(r, 0, sizeof(*r));
		r->nr = (uint32_t)i;
		r->hist.count = 1;
		r->hist.sum_ns = sum_ns[i];
	}
	view_sort(v, VIEW_SORT_TIME, true);
}

static void order(const struct view *v, uint32_t *nr)
{
	for (size_t i = 0; i < v->n; i++)
		nr[i] = v->rows[i].nr;
}

static struct view *new_view(size_t cap)
{
	struct view *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	v->rows = calloc(cap, sizeof(*v->rows));
	assert_non_null(v->rows);
	v->cap = cap;
	return v;
}

static void free_view(struct view *v)
{
	free(v->rows);
	free(v);
}

/* Two rows 2 % apart that trade places every tick stay where they were first put. */
static void test_small_swap_holds(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint64_t t1[] = { 1000, 1020, 500 }, t2[] = { 1020, 1000, 510 };
	uint32_t nr[3];

	(void)state;
	row_settle_init(&rs);
	build(v, t1, 3);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	order(v, nr);
	assert_int_equal(nr[0], 1);	/* first tick: the plain order */
	assert_int_equal(nr[1], 0);
	assert_int_equal(nr[2], 2);
	for (int tick = 0; tick < 6; tick++) {
		build(v, tick % 2 ? t1 : t2, 3);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
		order(v, nr);
		assert_int_equal(nr[0], 1);
		assert_int_equal(nr[1], 0);
		assert_int_equal(nr[2], 2);
		/* The numbers are this tick's, whatever the line. */
		assert_int_equal(v->rows[0].hist.sum_ns, tick % 2 ? 1020 : 1000);
	}
	row_settle_free(&rs);
	free_view(v);
}

/* Past the band a row moves at once, and its new value is what it is placed by next. */
static void test_big_change_moves(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint64_t t1[] = { 1000, 900, 800 }, t2[] = { 1000, 900, 1300 }, t3[] = { 1000, 900, 1250 };
	uint32_t nr[3];

	(void)state;
	row_settle_init(&rs);
	build(v, t1, 3);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	build(v, t2, 3);	/* 800 -> 1300: +62 %, past the band */
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 2);
	assert_int_equal(nr[1], 0);
	assert_int_equal(nr[2], 1);
	build(v, t3, 3);	/* 1300 -> 1250: settled at 1300, stays first */
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 2);
	row_settle_free(&rs);
	free_view(v);
}

/*
 * A settled row never sits above a row whose value is beyond the band of
 * its own: 1000 settled, now 1240 for another row (1000 * 1.25 = 1250), so
 * the two may stay out of order, but a row at 1300 passes.
 */
static void test_order_error_bounded(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint64_t t1[] = { 1000, 999 }, t2[] = { 1000, 1240 }, t3[] = { 1000, 1300 };
	uint32_t nr[2];

	(void)state;
	row_settle_init(&rs);
	build(v, t1, 2);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	build(v, t2, 2);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 0);	/* 1240 is within 25 % of its settled 999 */
	build(v, t3, 2);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 1);
	row_settle_free(&rs);
	free_view(v);
}

/* build() for the calls sort: each row's count is @calls[i]. */
static void build_calls(struct view *v, const uint64_t *calls, size_t n)
{
	build(v, calls, n);
	for (size_t i = 0; i < v->n; i++)
		v->rows[i].hist.count = v->rows[i].hist.sum_ns;
	view_sort(v, VIEW_SORT_COUNT, true);
}

/* Small counts: a row of 9 calls that reads 14 is within its noise (2 sqrt(9) = 6); 21 is not. */
static void test_count_noise_band(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint64_t t1[] = { 10, 9 }, t2[] = { 10, 14 }, t3[] = { 10, 21 };
	uint32_t nr[2];

	(void)state;
	row_settle_init(&rs);
	build_calls(v, t1, 2);
	row_settle_view(&rs, v, VIEW_SORT_COUNT, true, 0);
	build_calls(v, t2, 2);
	row_settle_view(&rs, v, VIEW_SORT_COUNT, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 0);
	assert_int_equal(v->rows[1].hist.count, 14);	/* this tick's number, on its old line */
	build_calls(v, t3, 2);
	row_settle_view(&rs, v, VIEW_SORT_COUNT, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 1);
	row_settle_free(&rs);
	free_view(v);
}

/* A new row takes its plain place; a row that left is forgotten. */
static void test_new_and_gone_rows(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint64_t t1[] = { 1000, 900, 800 };
	uint64_t t2[] = { 1000, 900, 800, 950 };
	uint32_t nr[4];

	(void)state;
	row_settle_init(&rs);
	build(v, t1, 3);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	build(v, t2, 4);	/* nr 3 at 950 */
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	order(v, nr);
	assert_int_equal(nr[0], 0);
	assert_int_equal(nr[1], 3);
	assert_int_equal(nr[2], 1);
	assert_int_equal(nr[3], 2);
	row_settle_free(&rs);
	free_view(v);
}

/* Another sort key, grouping or a non-number sort starts from the plain order. */
static void test_other_order_starts_afresh(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint64_t t1[] = { 1000, 990 }, t2[] = { 990, 1000 };
	uint32_t nr[2];

	(void)state;
	row_settle_init(&rs);
	build(v, t1, 2);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0);
	build(v, t2, 2);
	row_settle_view(&rs, v, VIEW_SORT_TIME, true, 1);	/* a drill-down */
	order(v, nr);
	assert_int_equal(nr[0], 1);
	build(v, t1, 2);
	row_settle_view(&rs, v, VIEW_SORT_NAME, false, 1);	/* left alone */
	order(v, nr);
	assert_int_equal(nr[0], 0);
	assert_int_equal(rs.n, 0);
	row_settle_free(&rs);
	free_view(v);
}

/* A permutation of many rows keeps every row once (the in-place cycles). */
static void test_many_rows_permutation(void **state)
{
	enum { N = 500 };
	struct row_settle rs;
	struct view *v = new_view(N);
	uint64_t t[N];
	bool seen[N];

	(void)state;
	srand(7);
	row_settle_init(&rs);
	for (int tick = 0; tick < 20; tick++) {
		for (size_t i = 0; i < N; i++)
			t[i] = 1000 + (uint64_t)(rand() % 600);
		build(v, t, N);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
		memset(seen, 0, sizeof(seen));
		for (size_t i = 0; i < N; i++) {
			assert_false(seen[v->rows[i].nr]);
			seen[v->rows[i].nr] = true;
			assert_int_equal(v->rows[i].hist.sum_ns, t[v->rows[i].nr]);
		}
	}
	row_settle_free(&rs);
	free_view(v);
}

/* Rows nr[i] with time sum_ns[i] (nr as given, not 0..n-1), plainly sorted. */
static void build_nr(struct view *v, const uint32_t *nrs, const uint64_t *sum_ns, size_t n)
{
	v->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct view_row *r = &v->rows[v->n++];

		memset(r, 0, sizeof(*r));
		r->nr = nrs[i];
		r->hist.count = 1;
		r->hist.timed = 1;
		r->hist.sum_ns = sum_ns[i];
	}
	view_sort(v, VIEW_SORT_TIME, true);
}

/*
 * A row that leaves stays on its line ROW_SETTLE_HOLD_TICKS ticks with a zero
 * histogram (this tick's numbers: none), then goes; rows below keep theirs.
 */
static void test_gone_row_held_then_leaves(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(3);
	uint32_t all[] = { 0, 1, 2 }, two[] = { 0, 2 };
	uint64_t t3[] = { 3000, 2000, 1000 }, t2[] = { 3000, 1000 };
	uint32_t nr[3];

	(void)state;
	row_settle_init(&rs);
	for (int tick = 0; tick < ROW_SETTLE_HOLD_MIN_AGE; tick++) {
		build_nr(v, all, t3, 3);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	}
	for (int tick = 1; tick <= ROW_SETTLE_HOLD_TICKS; tick++) {
		build_nr(v, two, t2, 2);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
		assert_int_equal(v->n, 3);
		order(v, nr);
		assert_int_equal(nr[0], 0);
		assert_int_equal(nr[1], 1);	/* held on its line */
		assert_int_equal(nr[2], 2);
		assert_true(row_settle_row_held(&v->rows[1]));
		assert_int_equal(v->rows[1].hist.count, 0);
		assert_int_equal(v->rows[1].hist.sum_ns, 0);
		assert_false(row_settle_row_held(&v->rows[0]));
		assert_int_equal(v->rows[2].hist.sum_ns, 1000);	/* this tick's */
	}
	build_nr(v, two, t2, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 2);	/* held long enough: gone */
	order(v, nr);
	assert_int_equal(nr[0], 0);
	assert_int_equal(nr[1], 2);
	row_settle_free(&rs);
	free_view(v);
}

/* A held row with calls again is an ordinary row (its numbers, no copy); another sort drops held rows. */
static void test_held_row_back_and_resort(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(8);
	uint32_t all[] = { 0, 1, 2 }, two[] = { 0, 2 };
	uint64_t t3[] = { 3000, 2000, 1000 }, t2[] = { 3000, 1000 }, back[] = { 3000, 2100, 1000 };
	uint32_t nr[3];

	(void)state;
	row_settle_init(&rs);
	for (int tick = 0; tick < ROW_SETTLE_HOLD_MIN_AGE; tick++) {
		build_nr(v, all, t3, 3);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	}
	build_nr(v, two, t2, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 3);
	build_nr(v, all, back, 3);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 3);	/* not twice */
	order(v, nr);
	assert_int_equal(nr[1], 1);
	assert_false(row_settle_row_held(&v->rows[1]));
	assert_int_equal(v->rows[1].hist.sum_ns, 2100);
	/* Gone again, then the operator sorts by calls: no held row in the new order. */
	build_nr(v, two, t2, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 3);
	build_nr(v, two, t2, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_COUNT, true, 0), 0);
	assert_int_equal(v->n, 2);
	/* A sort that is not by a number keeps nothing either. */
	build_nr(v, all, t3, 3);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	build_nr(v, two, t2, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_NAME, false, 0), 0);
	assert_int_equal(v->n, 2);
	row_settle_free(&rs);
	free_view(v);
}

/* Passes on the same tick (a redraw after a key) do not age a held row. */
static void test_same_tick_does_not_age(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(4);
	uint32_t all[] = { 0, 1 }, one[] = { 0 };
	uint64_t t[] = { 2000, 1000 };

	(void)state;
	row_settle_init(&rs);
	/* Redraws of a row's first tick do not make it old enough to be held. */
	for (int redraw = 0; redraw < 5; redraw++) {
		row_settle_tick(&rs, 0);
		build_nr(v, all, t, 2);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	}
	row_settle_tick(&rs, 1);
	build_nr(v, one, t, 1);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 1);
	row_settle_tick(&rs, 0);
	build_nr(v, all, t, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	row_settle_tick(&rs, 1);
	build_nr(v, all, t, 2);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	for (uint64_t tick = 2; tick < 2 + ROW_SETTLE_HOLD_TICKS; tick++) {
		for (int redraw = 0; redraw < 5; redraw++) {
			row_settle_tick(&rs, tick);
			build_nr(v, one, t, 1);
			assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
			assert_int_equal(v->n, 2);
			assert_true(row_settle_row_held(&v->rows[1]));
		}
	}
	row_settle_tick(&rs, 2 + ROW_SETTLE_HOLD_TICKS);
	build_nr(v, one, t, 1);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 1);
	row_settle_free(&rs);
	free_view(v);
}

/* Every row of a tick left (an idle table): they are held, then the table is empty. */
static void test_all_rows_left(void **state)
{
	struct row_settle rs;
	struct view *v = new_view(4);
	uint32_t all[] = { 0, 1 };
	uint64_t t[] = { 2000, 1000 };

	(void)state;
	row_settle_init(&rs);
	for (int tick = 0; tick < ROW_SETTLE_HOLD_MIN_AGE; tick++) {
		build_nr(v, all, t, 2);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	}
	for (int tick = 1; tick <= ROW_SETTLE_HOLD_TICKS; tick++) {
		v->n = 0;
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
		assert_int_equal(v->n, 2);
		assert_int_equal(v->rows[0].nr, 0);
		assert_true(row_settle_row_held(&v->rows[0]));
	}
	v->n = 0;
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, 0);
	row_settle_free(&rs);
	free_view(v);
}

/*
 * Fast process churn: every tick brings new one-tick rows and the last
 * tick's leave. None of them is held, so the steady row and this tick's
 * rows are all the table shows; a row that stayed two ticks is held.
 */
static void test_one_tick_rows_not_held(void **state)
{
	enum { CHURN = 10 };
	struct row_settle rs;
	struct view *v = new_view(2 * CHURN + 2);
	uint32_t nrs[CHURN + 1];
	uint64_t t[CHURN + 1];

	(void)state;
	row_settle_init(&rs);
	for (uint32_t tick = 0; tick < 6; tick++) {
		nrs[0] = 1000;		/* the steady row: on top */
		t[0] = 1000000;
		for (uint32_t i = 1; i <= CHURN; i++) {
			nrs[i] = tick * 100 + i;	/* new "processes" each tick */
			t[i] = 1000 + i;
		}
		build_nr(v, nrs, t, CHURN + 1);
		assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
		assert_int_equal(v->n, CHURN + 1);
		for (size_t j = 0; j < v->n; j++)
			assert_false(row_settle_row_held(&v->rows[j]));
	}
	/* The steady row leaves after six ticks: held. */
	build_nr(v, nrs + 1, t + 1, CHURN);
	assert_int_equal(row_settle_view(&rs, v, VIEW_SORT_TIME, true, 0), 0);
	assert_int_equal(v->n, CHURN + 1);
	assert_int_equal(v->rows[0].nr, 1000);
	assert_true(row_settle_row_held(&v->rows[0]));
	row_settle_free(&rs);
	free_view(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_swap_holds),
		cmocka_unit_test(test_big_change_moves),
		cmocka_unit_test(test_order_error_bounded),
		cmocka_unit_test(test_count_noise_band),
		cmocka_unit_test(test_new_and_gone_rows),
		cmocka_unit_test(test_other_order_starts_afresh),
		cmocka_unit_test(test_many_rows_permutation),
		cmocka_unit_test(test_gone_row_held_then_leaves),
		cmocka_unit_test(test_one_tick_rows_not_held),
		cmocka_unit_test(test_held_row_back_and_resort),
		cmocka_unit_test(test_all_rows_left),
		cmocka_unit_test(test_same_tick_does_not_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
