/* hist_axis.c - the histogram pane's rows, kept from tick to tick (see hist_axis.h). */
#include "ui/hist_axis.h"

void hist_axis_reset(struct hist_axis *ax)
{
	ax->known = false;
	ax->wide_ticks = 0;
}

static bool holds(const struct hist_axis *ax, int lo, int hi, int room)
{
	return ax->lo <= lo && hi <= ax->hi && ax->hi - ax->lo + 1 <= room;
}

/* The rows with calls and as many of the two empty edge rows as fit. */
static void own_rows(int data_lo, int data_hi, int max_row, int room, int *lo, int *hi)
{
	*lo = data_lo;
	*hi = data_hi;
	if (*lo > 0 && *hi - *lo + 2 <= room)
		(*lo)--;
	if (*hi < max_row && *hi - *lo + 2 <= room)
		(*hi)++;
}

/* @room rows from p50's towards the slowest, p50 centred in what is left when they fit. */
static void window_rows(int data_lo, int data_hi, int p50_row, int max_row, int room, int *lo,
			int *hi)
{
	int need = data_hi - p50_row + 1, first = p50_row;

	if (need < room)
		first = p50_row - (room - need) / 2;
	if (first < data_lo - 1)
		first = data_lo - 1;
	if (first > max_row - room + 1)
		first = max_row - room + 1;
	if (first < 0)
		first = 0;
	*lo = first;
	*hi = first + room - 1;
}

void hist_axis_rows(struct hist_axis *ax, uint64_t owner, int data_lo, int data_hi, int p50_row,
		    int max_row, int room, int *lo, int *hi)
{
	bool same = ax->known && ax->owner == owner;

	if (!same)
		ax->wide_ticks = 0;
	if (data_hi - data_lo + 1 <= room) {
		int own_lo, own_hi;

		own_rows(data_lo, data_hi, max_row, room, &own_lo, &own_hi);
		if (same && ax->wide_ticks >= HIST_AXIS_WIDE_TICKS) {
			*lo = own_lo;	/* the outlier that widened them is long gone */
			*hi = own_hi;
		} else if (same && holds(ax, data_lo, data_hi, room)) {
			*lo = ax->lo;
			*hi = ax->hi;
		} else {
			*lo = own_lo;
			*hi = own_hi;
			if (same) {	/* grown by last tick's rows, when they fit together */
				int ulo = ax->lo < *lo ? ax->lo : *lo, uhi = ax->hi > *hi ? ax->hi : *hi;

				if (uhi - ulo + 1 <= room) {
					*lo = ulo;
					*hi = uhi;
				}
			}
		}
		if ((*hi - *lo) - (own_hi - own_lo) > HIST_AXIS_SLACK_ROWS)
			ax->wide_ticks++;
		else
			ax->wide_ticks = 0;
	} else if (same && ax->hi - ax->lo + 1 == room && holds(ax, p50_row, data_hi, room)) {
		*lo = ax->lo;
		*hi = ax->hi;
	} else {
		window_rows(data_lo, data_hi, p50_row, max_row, room, lo, hi);
	}
	ax->owner = owner;
	ax->lo = *lo;
	ax->hi = *hi;
	ax->known = true;
}
