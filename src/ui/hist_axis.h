/*
 * hist_axis.h - the histogram pane's value axis, kept from tick to tick.
 *
 * DTrace's quantize rows run from one empty row below the fastest call to
 * one above the slowest, so the lines move up or down a whole line whenever
 * one call lands a bucket further out: every line of the pane (value, bar,
 * count) is then rewritten on the operator's terminal, although the shape
 * barely changed. The axis keeps last tick's rows while they still hold
 * this tick's (the extra rows read 0, as DTrace's inner empty rows do) and
 * all fit the pane; otherwise it starts again from this tick's rows. When
 * the rows do not fit and the pane shows a window of them (p50 to the
 * slowest), the window keeps its first line while p50 and the slowest line
 * are still in it.
 *
 * Pure (no curses): unit-tested in tests/unit/test_hist_axis.c. Main thread.
 */
#ifndef LATTOP_UI_HIST_AXIS_H
#define LATTOP_UI_HIST_AXIS_H

#include <stdbool.h>
#include <stdint.h>

struct hist_axis {
	uint64_t owner;		/* whose histogram the axis is for (a hash of the row's name) */
	int lo, hi;		/* quantize rows shown last tick, inclusive */
	int top_row;		/* first row of the window when the rows did not fit (-1: none) */
	bool known;
};

/* Forget the axis: the next fit takes the histogram's own rows. */
void hist_axis_reset(struct hist_axis *ax);

/*
 * Rows to show for a histogram of @owner whose own rows are @lo..@hi, in a
 * pane of @room lines: *@out_lo..*@out_hi (always a superset of lo..hi).
 * Another owner, or rows that no longer fit with last tick's, start afresh.
 */
void hist_axis_fit(struct hist_axis *ax, uint64_t owner, int lo, int hi, int room, int *out_lo,
		   int *out_hi);

/*
 * First line of the window of @keep lines over @n lines, when they do not
 * fit: @want is where the pane would start (p50's line, centred), and last
 * tick's first row is kept while @p50_line and @last_line are still in it.
 * Lines count from row @lo (the first of this tick's fit).
 */
int hist_axis_window(struct hist_axis *ax, int lo, int n, int keep, int want, int p50_line,
		     int last_line);

#endif
