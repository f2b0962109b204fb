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
/* A row's identity as bytes (a client key is the longest). */
#define ROW_SETTLE_ID_LEN 40

struct row_settle_item {
	unsigned char id[ROW_SETTLE_ID_LEN];	/* zero-padded */
	uint64_t value;				/* what the table sorts by */
};

struct row_settle_rec;

struct row_settle {
	struct row_settle_rec *rec;	/* last tick's rows, sorted by identity */
	size_t n, cap;
	int sort;			/* the order @rec was made under (-1: none) */
	bool desc;
	int group;			/* the view grouping (a drill-down changes it) */
};

void row_settle_init(struct row_settle *rs);
void row_settle_free(struct row_settle *rs);

/* Forget the last order: the next pass keeps the plain sort. */
void row_settle_reset(struct row_settle *rs);

/*
 * The engine: @items in their plain sorted order (by @sort, @desc, under
 * @group); @order[j] gets the index of the item for line j. Another @sort,
 * @desc or @group than last time starts from the plain order. 0 or -ENOMEM
 * (then @order is the plain order and the memory is reset).
 */
int row_settle_order(struct row_settle *rs, const struct row_settle_item *items, size_t n,
		     int sort, bool desc, int group, size_t *order);

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
