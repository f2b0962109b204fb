/* table.c - header + rows + selection, columns fitted to the window by priority. */
#include <string.h>

#include "ui/draw.h"
#include "core/sanitize.h"
#include "ui/table.h"
#include "ui/theme.h"

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

static void draw_header(WINDOW *w, int y, const struct table_spec *t, const bool shown[],
			const int width[], int avail)
{
	attr_t head = theme_attr(THEME_ROLE_table_head);
	attr_t sorted = theme_attr(THEME_ROLE_table_sort);
	int x = 0;

	wattrset(w, head);
	mvwhline(w, y, 0, ' ', avail);
	for (size_t c = 0; c < t->ncols && c < TABLE_MAX_COLS; c++) {
		attr_t a = (int)c == t->sort_col ? sorted : head;

		if (!shown[c])
			continue;
		if (x >= avail)
			break;
		if (t->cols[c].right)
			draw_text_right(w, y, x, width[c], t->cols[c].title, a);
		else
			draw_text(w, y, x, width[c], t->cols[c].title, a, false);
		x += width[c] + 1;
	}
}

void table_draw(WINDOW *w, int y0, int h, const struct table_spec *t, size_t nrows,
		struct table_pos *pos)
{
	int width[TABLE_MAX_COLS], avail = getmaxx(w), visible = h - 1;
	bool shown[TABLE_MAX_COLS];

	if (h < 1)
		return;
	table_fit(t->cols, t->ncols, t->hidden, avail, shown, width);
	draw_header(w, y0, t, shown, width, avail);
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
		bool selected = row == pos->sel && !t->no_selection;
		attr_t own = t->row_attr ? t->row_attr(t->ctx, row) : 0;
		attr_t a = selected ? theme_attr(t->focused ? THEME_ROLE_selected :
							     THEME_ROLE_selected_inactive) :
			   own ? own : theme_attr(THEME_ROLE_normal);
		int y = y0 + 1 + line, x = 0;
		bool mark = own != 0;	/* '!' before the first cell: seen without colour too */

		if (selected || own) {
			wattrset(w, a);
			mvwhline(w, y, 0, ' ', avail);
		}
		for (size_t c = 0; c < t->ncols && c < TABLE_MAX_COLS; c++) {
			char buf[256] = "";
			bool untrusted = false;
			int cx = x, cw = width[c];

			if (!shown[c])
				continue;
			if (x >= avail)
				break;
			t->cell(t->ctx, row, c, buf, sizeof(buf), &untrusted);
			if (mark && !untrusted) {
				size_t n = strnlen(buf, sizeof(buf) - 2);

				memmove(buf + 1, buf, n + 1);
				buf[0] = '!';
			} else if (mark) {	/* untrusted text is sanitised alone: the mark beside it */
				draw_text(w, y, x, 1, "!", a, false);
				cx = x + 1;
				cw = width[c] - 1;
			}
			mark = false;
			if (untrusted && t->cols[c].mid_cut) {
				char clean[sizeof(buf)];

				sanitize_text(clean, sizeof(clean), buf, strnlen(buf, sizeof(buf)));
				draw_text_mid(w, y, cx, cw, clean, a);
			} else if (t->cols[c].mid_cut)
				draw_text_mid(w, y, cx, cw, buf, a);
			else if (untrusted)
				draw_untrusted(w, y, cx, cw, buf, strnlen(buf, sizeof(buf)), a, false);
			else if (t->cols[c].right)
				draw_text_right(w, y, cx, cw, buf, a);
			else
				draw_text(w, y, cx, cw, buf, a, false);
			x += width[c] + 1;
		}
	}
	wattrset(w, A_NORMAL);
}
