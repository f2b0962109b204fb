/*
 * table.h - the one table widget: a header row and scrolling rows with a
 * selection, columns from a data table. Every table pane uses it.
 *
 * Columns have fixed widths except one flexible text column, which goes
 * last (htop): numbers stay next to their names on a wide terminal. When
 * the pane is too narrow, columns are dropped by priority, never cut.
 */
#ifndef LATTOP_UI_TABLE_H
#define LATTOP_UI_TABLE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TABLE_MAX_COLS 16

struct table_col {
	const char *title;
	int width;		/* columns; the flex column: its minimum */
	bool right;		/* right-aligned (numbers) */
	bool flex;		/* takes the width left over (at most one, drawn last) */
	int drop;		/* 0: always shown; higher numbers are dropped first when narrow */
	int wide;		/* 0, or the width it grows to when there is room (IPv6 addresses) */
	int min_pane;		/* 0, or shown only in a pane at least this wide (costly columns) */
	bool off;		/* hidden until the operator shows it (F2; the settings file) */
	bool mid_cut;		/* text too wide keeps its head and tail (names that
				 * differ at the end: ngx_http_process_request_line, ..._uri) */
};

/* Cell text; set *@untrusted when it comes from the traced system. */
typedef void (*table_cell_fn)(void *ctx, size_t row, size_t col, char *buf, size_t len,
			      bool *untrusted);

/* Optional: an attribute for a whole row (e.g. a broken threshold), or 0 for the default. */
typedef attr_t (*table_row_attr_fn)(void *ctx, size_t row);

struct table_pos {
	size_t sel;	/* selected row */
	size_t top;	/* first visible row */
};

struct table_spec {
	const struct table_col *cols;
	size_t ncols;
	uint32_t hidden;	/* bit i: column i hidden by the operator */
	int sort_col;		/* column whose title is highlighted as the sort key; -1: none */
	bool focused;
	bool no_selection;	/* the selected row is not in the table (followed, gone): mark none */
	table_cell_fn cell;
	table_row_attr_fn row_attr;	/* may be NULL */
	void *ctx;
};

/*
 * Draw @nrows rows into @w from line @y0 (header first) over @h lines.
 * Keeps the selection in range and visible.
 */
void table_draw(WINDOW *w, int y0, int h, const struct table_spec *t, size_t nrows,
		struct table_pos *pos);

/*
 * Which columns fit in @avail cells: shown[i] set and width[i] filled for
 * each. Pure (unit-tested). Returns how many are shown.
 */
size_t table_fit(const struct table_col *cols, size_t ncols, uint32_t hidden, int avail,
		 bool shown[], int width[]);

/* Move the selection by @delta rows (clamped), or to an end. */
void table_move(struct table_pos *pos, size_t nrows, long delta);

#endif
