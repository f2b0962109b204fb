/* table.c - header + rows + selection, column widths fitted to the window. */
#include <string.h>

#include "ui/draw.h"
#include "ui/table.h"
#include "ui/theme.h"

#define TABLE_MAX_COLS 16

/* Widths that fit @avail: drop columns from the right, give the rest to flex. */
static size_t fit_columns(const struct table_col *cols, size_t ncols, int avail, int *width)
{
	int fixed = 0;
	size_t n = 0;

	for (size_t i = 0; i < ncols && i < TABLE_MAX_COLS; i++) {
		int need = (cols[i].flex ? 8 : cols[i].width) + (n ? 1 : 0);

		if (fixed + need > avail)
			break;
		fixed += need;
		width[i] = cols[i].flex ? 8 : cols[i].width;
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		if (cols[i].flex) {
			width[i] += avail - fixed;
			break;
		}
	}
	return n;
}

void table_move(struct table_pos *pos, size_t nrows, long delta)
{
	long sel = (long)pos->sel + delta;

	if (!nrows) {
		pos->sel = 0;
		return;
	}
	if (sel < 0)
		sel = 0;
	if (sel >= (long)nrows)
		sel = (long)nrows - 1;
	pos->sel = (size_t)sel;
}

void table_draw(WINDOW *w, int y0, int h, const struct table_col *cols, size_t ncols,
		size_t nrows, struct table_pos *pos, bool focused, table_cell_fn cell, void *ctx)
{
	int width[TABLE_MAX_COLS], avail = getmaxx(w), visible = h - 1;
	size_t n = fit_columns(cols, ncols, avail, width);
	attr_t head = theme_attr(THEME_ROLE_table_head);
	int x = 0;

	if (h < 1)
		return;
	/* header */
	wattrset(w, head);
	mvwhline(w, y0, 0, ' ', avail);
	for (size_t c = 0; c < n; c++) {
		if (cols[c].right)
			draw_text_right(w, y0, x, width[c], cols[c].title, head);
		else
			draw_text(w, y0, x, width[c], cols[c].title, head, false);
		x += width[c] + 1;
	}
	table_move(pos, nrows, 0);
	if (visible <= 0)
		return;
	if (pos->sel < pos->top)
		pos->top = pos->sel;
	if (pos->sel >= pos->top + (size_t)visible)
		pos->top = pos->sel - (size_t)visible + 1;
	if (pos->top + (size_t)visible > nrows)
		pos->top = nrows > (size_t)visible ? nrows - (size_t)visible : 0;
	for (int line = 0; line < visible && pos->top + (size_t)line < nrows; line++) {
		size_t row = pos->top + (size_t)line;
		bool selected = row == pos->sel;
		attr_t a = selected ? theme_attr(focused ? THEME_ROLE_selected :
							  THEME_ROLE_selected_inactive) :
				      theme_attr(THEME_ROLE_normal);
		int y = y0 + 1 + line;

		x = 0;
		if (selected) {
			wattrset(w, a);
			mvwhline(w, y, 0, ' ', avail);
		}
		for (size_t c = 0; c < n; c++) {
			char buf[128] = "";
			bool untrusted = false;

			cell(ctx, row, c, buf, sizeof(buf), &untrusted);
			if (untrusted)
				draw_untrusted(w, y, x, width[c], buf, strnlen(buf, sizeof(buf)), a,
					       false);
			else if (cols[c].right)
				draw_text_right(w, y, x, width[c], buf, a);
			else
				draw_text(w, y, x, width[c], buf, a, false);
			x += width[c] + 1;
		}
	}
	wattrset(w, A_NORMAL);
}
