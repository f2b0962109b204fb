/*
 * table.h - the one table widget: a header row and scrolling rows with a
 * selection, columns from a data table. Every table pane uses it.
 */
#ifndef LATTOP_UI_TABLE_H
#define LATTOP_UI_TABLE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

struct table_col {
	const char *title;
	int width;		/* columns; the flex column takes what is left */
	bool right;		/* right-aligned (numbers) */
	bool flex;
};

/* Cell text; set *@untrusted when it comes from the traced system. */
typedef void (*table_cell_fn)(void *ctx, size_t row, size_t col, char *buf, size_t len,
			      bool *untrusted);

struct table_pos {
	size_t sel;	/* selected row */
	size_t top;	/* first visible row */
};

/*
 * Draw @nrows rows of @cols into @w from line @y0 (header first) over @h
 * lines. Keeps the selection in range and visible.
 */
void table_draw(WINDOW *w, int y0, int h, const struct table_col *cols, size_t ncols,
		size_t nrows, struct table_pos *pos, bool focused, table_cell_fn cell, void *ctx);

/* Move the selection by @delta rows (clamped), or to an end. */
void table_move(struct table_pos *pos, size_t nrows, long delta);

#endif
