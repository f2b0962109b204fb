/* table_fit.c - which columns fit a pane, and how wide: pure, unit-tested. */
#include "ui/table.h"

/* Cells a set of columns needs: widths plus one space between neighbours. */
static int need_of(const struct table_col *cols, size_t ncols, const bool shown[])
{
	int need = 0, n = 0;

	for (size_t i = 0; i < ncols; i++)
		if (shown[i])
			need += cols[i].width + (n++ ? 1 : 0);
	return need;
}

size_t table_fit(const struct table_col *cols, size_t ncols, uint32_t hidden, int avail,
		 bool shown[], int width[])
{
	size_t n = 0;

	if (ncols > TABLE_MAX_COLS)
		ncols = TABLE_MAX_COLS;
	for (size_t i = 0; i < ncols; i++) {
		shown[i] = !(hidden & (1u << i)) && avail >= cols[i].min_pane;
		width[i] = cols[i].width;
	}
	/* Drop the highest-numbered priority first; among equals, the rightmost. */
	while (need_of(cols, ncols, shown) > avail) {
		int worst = -1;

		for (size_t i = 0; i < ncols; i++)
			if (shown[i] && cols[i].drop > 0 &&
			    (worst < 0 || cols[i].drop >= cols[worst].drop))
				worst = (int)i;
		if (worst < 0)
			break;	/* only must-keep columns left: they are cut at the edge */
		shown[worst] = false;
	}
	/* Room left: columns with a wider form grow first, then the flex column takes the rest. */
	for (size_t i = 0; i < ncols; i++) {
		int spare = avail - need_of(cols, ncols, shown);

		for (size_t j = 0; j < i; j++)
			if (shown[j])
				spare -= width[j] - cols[j].width;
		if (shown[i] && cols[i].wide > width[i] && spare > 0)
			width[i] += spare < cols[i].wide - width[i] ? spare : cols[i].wide - width[i];
	}
	for (size_t i = 0; i < ncols; i++) {
		if (shown[i] && cols[i].flex) {
			int spare = avail - need_of(cols, ncols, shown);

			for (size_t j = 0; j < ncols; j++)
				if (shown[j])
					spare -= width[j] - cols[j].width;
			if (spare > 0)
				width[i] += spare;
			break;
		}
	}
	for (size_t i = 0; i < ncols; i++)
		n += shown[i];
	return n;
}
