/* pane_sortmenu.c - the F6 menu: the sort keys of the columns the focused table shows. */
#include <stdio.h>

#include "core/client_view.h"
#include "core/view.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

struct menu_ctx {
	struct ui *ui;
	const int *keys;
	const struct table_col *cols;
	enum ui_cols t;
};

static void menu_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	const struct menu_ctx *m = ctx;
	int key = m->keys[row], c = m->ui->focus == TABLE_FAMILY ? -1 : ui_sort_column(m->t, key);
	const char *name = m->ui->focus == TABLE_FAMILY ? fam_col_sort_name((enum fam_col)key) :
			   m->t == COLS_CLIENTS ? client_sort_name((enum client_sort)key) :
						  view_sort_name((enum view_sort)key);

	(void)untrusted;
	if (m->ui->focus == TABLE_FAMILY) {	/* family panes: their own descriptor's titles */
		snprintf(buf, len, "%s", col == 0 ? ui_fam_sort_title(m->ui, key) : name);
		return;
	}
	if (col == 0)
		snprintf(buf, len, "%s", c >= 0 ? m->cols[c].title : "?");
	else
		snprintf(buf, len, "%s", name);
}

void pane_sortmenu_draw(struct ui *ui, WINDOW *w)
{
	static const struct table_col cols[] = {
		{ .title = "COLUMN", .width = 10 },
		{ .title = "SORT BY", .width = 10, .flex = true },
	};
	int keys[TABLE_MAX_COLS];
	struct menu_ctx m = { ui, keys, NULL,
			      ui->focus == TABLE_CLIENTS ? COLS_CLIENTS :
			      ui->focus == TABLE_PROCS ? COLS_PROCS : COLS_SYSCALLS };
	size_t n = ui_sort_choices(ui, keys, TABLE_MAX_COLS);
	const struct table_spec spec = {
		.cols = cols, .ncols = 2, .sort_col = -1, .focused = true, .cell = menu_cell,
		.ctx = &m,
	};
	WINDOW *inner;

	ui_table_columns(m.t, &m.cols);
	werase(w);
	box(w, 0, 0);
	draw_text(w, 0, 2, getmaxx(w) - 4, " Sort by (Enter, Esc) ", theme_attr(THEME_ROLE_title),
		  false);
	inner = derwin(w, getmaxy(w) - 2, getmaxx(w) - 2, 1, 1);
	if (inner) {
		table_draw(inner, 0, getmaxy(inner), &spec, n, &ui->pick_pos);
		delwin(inner);
	}
}
