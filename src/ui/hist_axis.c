/* hist_axis.c - the histogram pane's value axis, kept from tick to tick (see hist_axis.h). */
#include "ui/hist_axis.h"

void hist_axis_reset(struct hist_axis *ax)
{
	ax->known = false;
	ax->top_row = -1;
}

void hist_axis_fit(struct hist_axis *ax, uint64_t owner, int lo, int hi, int room, int *out_lo,
		   int *out_hi)
{
	int ulo = lo, uhi = hi;

	if (ax->known && ax->owner == owner) {
		ulo = ax->lo < lo ? ax->lo : lo;
		uhi = ax->hi > hi ? ax->hi : hi;
	}
	if (uhi - ulo + 1 > room) {	/* last tick's rows and this tick's do not fit together */
		ulo = lo;
		uhi = hi;
	}
	if (!ax->known || ax->owner != owner)
		ax->top_row = -1;
	ax->owner = owner;
	ax->lo = ulo;
	ax->hi = uhi;
	ax->known = true;
	*out_lo = ulo;
	*out_hi = uhi;
}

int hist_axis_window(struct hist_axis *ax, int lo, int n, int keep, int want, int p50_line,
		     int last_line)
{
	int top = want;

	if (ax->known && ax->top_row >= 0) {
		int prev = ax->top_row - lo;

		if (prev >= 0 && prev <= p50_line && last_line < prev + keep && prev + keep <= n)
			top = prev;
	}
	if (top > n - keep)
		top = n - keep;
	if (top < 0)
		top = 0;
	ax->top_row = lo + top;
	return top;
}
