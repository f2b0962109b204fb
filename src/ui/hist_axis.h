/*
 * hist_axis.h - the histogram pane's rows, kept from tick to tick.
 *
 * DTrace's quantize rows run from one empty row below the fastest call to
 * one above the slowest, so the lines move up or down a whole line whenever
 * one call lands a bucket further out; on a small pane the rows do not fit
 * and the window over them (p50 to the slowest) moves with p50. Either way
 * every line of the pane (value, bar, count) is rewritten on the operator's
 * terminal although the shape barely changed. The axis keeps last tick's
 * rows while they still hold what must be seen: every row with calls when
 * they fit the pane, else p50's row to the slowest. Rows added that way
 * read 0, as DTrace's inner empty rows do; nothing with calls is hidden
 * that the pane would have shown. Kept rows more than HIST_AXIS_SLACK_ROWS
 * beyond the histogram's own for HIST_AXIS_WIDE_TICKS ticks in a row (an
 * outlier long gone) give way to its own rows: a tall pane does not fill
 * up with empty rows.
 *
 * Pure (no curses): unit-tested in tests/unit/test_hist_axis.c. Main thread.
 */
#ifndef LATTOP_UI_HIST_AXIS_H
#define LATTOP_UI_HIST_AXIS_H

#include <stdbool.h>
#include <stdint.h>

/* Rows the kept rows may have beyond the histogram's own without ageing. */
#define HIST_AXIS_SLACK_ROWS 2
/* Ticks in a row that kept rows may be wider than that. */
#define HIST_AXIS_WIDE_TICKS 10

struct hist_axis {
	uint64_t owner;		/* whose histogram the rows are for (a hash of its title) */
	int lo, hi;		/* rows shown last tick, inclusive */
	int wide_ticks;		/* ticks in a row the rows were wider than the histogram's own */
	bool known;
};

/* Forget the rows: the next pick is the histogram's own. */
void hist_axis_reset(struct hist_axis *ax);

/*
 * Rows *@lo..*@hi to show (at most @room of them, @room >= 1) for the
 * histogram of @owner whose rows with calls are @data_lo..@data_hi, with p50
 * in row @p50_row; rows run 0..@max_row. When the rows with calls fit:
 * last tick's rows if they hold them, else these with an empty row each
 * side (as DTrace; merged with last tick's when that fits), those alone
 * when the kept rows have been too wide too long. When they do
 * not fit: @room rows from p50's row towards the slowest, last tick's while
 * they hold p50's row and the slowest.
 */
void hist_axis_rows(struct hist_axis *ax, uint64_t owner, int data_lo, int data_hi, int p50_row,
		    int max_row, int room, int *lo, int *hi);

#endif
