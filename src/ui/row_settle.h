/*
 * row_settle.h - table rows that keep their place under small changes.
 *
 * A table sorted by a number (time, calls, a percentile, requests) re-sorts
 * every tick, and two rows whose numbers differ by a few percent swap places
 * tick after tick: each swap rewrites both lines on the operator's terminal,
 * although nothing an operator would act on changed. A settle pass runs after
 * the sort: each row keeps the sort value it was placed by (its "settled"
 * value) while its own value stays within ROW_SETTLE_BAND_PCT of it (or
 * within a count's own noise, 2 sqrt(n)), and rows
 * with equal settled values keep last tick's order. A row whose value moved
 * further is placed by its new value at once; a new row by its value. The
 * numbers drawn are always this tick's; only the order may lag, by less than
 * the band.
 *
 * A row that leaves (it went idle, or its process exited) while it was on
 * one of the first ROW_SETTLE_HOLD_LINES lines, after at least
 * ROW_SETTLE_HOLD_MIN_AGE ticks in the table, stays ROW_SETTLE_HOLD_TICKS
 * ticks more, placed by its settled value and drawn with this tick's numbers
 * (none: a held row has a zero histogram, so it reads 0 calls and "-"), then
 * goes: short-lived processes no longer reshuffle every line below them each
 * tick. A row seen for one tick only is not held: under fast process churn
 * (hundreds of one-tick processes a second) held rows would fill the table
 * and push the live work off it. A held row that has calls again is an
 * ordinary row at once. It is not dimmed: 0 calls and "-" say it is idle,
 * and a dimmed line costs its whole line again on the terminal twice
 * (measured +13 % bytes per tick).
 *
 * Pure (no curses): unit-tested in tests/unit/test_row_settle.c. Main thread.
 */
#ifndef LATTOP_UI_ROW_SETTLE_H
#define LATTOP_UI_ROW_SETTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/client_view.h"
#include "core/view.h"

/* How far a row's value may move from the one it was placed by before it is re-placed. */
#define ROW_SETTLE_BAND_PCT 25
/* Ticks a row that left stays on its line (0: leaves at once). */
#define ROW_SETTLE_HOLD_TICKS 3
/* Only rows that were in the table at least this many ticks are held (see row_settle_order). */
#define ROW_SETTLE_HOLD_MIN_AGE 2
/* Only rows that were on the first this many lines are held (the rest are not on screen). */
#define ROW_SETTLE_HOLD_LINES 64
/* A row's identity as bytes (a client key is the longest). */
#define ROW_SETTLE_ID_LEN 40

struct row_settle_item {
	unsigned char id[ROW_SETTLE_ID_LEN];	/* zero-padded */
	uint64_t value;				/* what the table sorts by */
	bool held;				/* not in this tick: kept from last tick */
};

struct row_settle_rec;

struct row_settle {
	struct row_settle_rec *rec;	/* last tick's rows, sorted by identity */
	size_t n, cap;
	int sort;			/* the order @rec was made under (-1: none) */
	bool desc;
	int group;			/* the view grouping (a drill-down changes it) */
	struct view_row *held;		/* row_settle_view: last tick's first lines, zero histograms */
	size_t n_held;
	uint64_t tick_id;		/* row_settle_tick's */
	bool tick_known;
	bool same_tick;			/* the next pass is on the same data: held rows do not age */
};

void row_settle_init(struct row_settle *rs);
void row_settle_free(struct row_settle *rs);

/*
 * The data of the next pass is tick @tick_id (e.g. the snapshot's elapsed
 * time): a pass on the same tick as the last (a redraw after a key) does not
 * age held rows. Without it, every pass is a new tick.
 */
void row_settle_tick(struct row_settle *rs, uint64_t tick_id);

/* Forget the last order: the next pass keeps the plain sort. */
void row_settle_reset(struct row_settle *rs);

/*
 * The engine: @items in their plain sorted order (by @sort, @desc, under
 * @group), then any held items (rows of last tick not in this one, .held);
 * @order[j] gets the index of the item for line j. *@n_lines gets the number
 * of lines: the held items that are not kept (held long enough, not on the
 * first ROW_SETTLE_HOLD_LINES lines last tick, in the table for fewer than
 * ROW_SETTLE_HOLD_MIN_AGE ticks, or unknown) are in
 * @order[*n_lines..n-1]. Another @sort, @desc or @group than last time starts
 * from the plain order and keeps no held item. 0 or -ENOMEM (then @order is
 * the plain order, held items dropped, and the memory is reset).
 */
int row_settle_order(struct row_settle *rs, const struct row_settle_item *items, size_t n,
		     int sort, bool desc, int group, size_t *order, size_t *n_lines);

/* Whether a row of a settled view is a held row (no calls this tick). */
bool row_settle_row_held(const struct view_row *r);

/*
 * Settle a syscalls/processes view already sorted by @key, @desc. Sorts
 * that are not by a number (name, pid, cgroup) are left alone. 0 or -ENOMEM
 * (the view keeps its plain sort).
 */
int row_settle_view(struct row_settle *rs, struct view *v, enum view_sort key, bool desc,
		    int group);

/* The same for the clients table (rows are pointers into the snapshot). */
int row_settle_clients(struct row_settle *rs, struct client_view *v, enum client_sort key,
		       bool desc);

#endif
