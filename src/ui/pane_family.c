/*
 * pane_family.c - the family tables (run queue, block I/O) as panes: one
 * descriptor per family (columns, what each shows, default sort) over one
 * generic table. 'f' puts them in place of the processes pane in turn; the
 * keys act on them through the ui_fam_* functions, never per family.
 */
#include <stdio.h>
#include <string.h>

#include "core/family.h"
#include "core/sanitize.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/header.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

/* A family pane: its columns, and which value (enum fam_col) each column shows. */
struct fam_pane_desc {
	const char *tab;		/* the pane's title */
	const struct table_col *cols;
	const enum fam_col *shows;
	size_t ncols;
	enum fam_col sort;		/* the default sort key */
};

static const struct table_col runq_cols[] = {
	{ .title = "PID", .width = 7, .right = true, .drop = 2 },
	{ .title = "COMMAND", .width = 13, .wide = 15 },
	{ .title = "CPU", .width = 4, .right = true, .drop = 4 },
	{ .title = "WAITS/s", .width = 8, .right = true },
	{ .title = "AVG", .width = 7, .right = true, .drop = 3 },
	{ .title = "P99", .width = 7, .right = true },
	{ .title = "MAX", .width = 7, .right = true, .drop = 1 },
	{ .title = "TIME%", .width = 6, .right = true, .drop = 4 },
};
static const enum fam_col runq_shows[] = {
	FAM_COL_PID, FAM_COL_COMM, FAM_COL_CPU, FAM_COL_RATE, FAM_COL_AVG, FAM_COL_P99,
	FAM_COL_MAX, FAM_COL_SHARE,
};

static const struct table_col block_cols[] = {
	{ .title = "DEV", .width = 7, .wide = 12 },
	{ .title = "OP", .width = 5, .drop = 1 },
	{ .title = "PID", .width = 7, .right = true, .drop = 3 },
	{ .title = "COMMAND", .width = 13, .wide = 15 },
	{ .title = "IO/s", .width = 7, .right = true },
	{ .title = "AVG", .width = 7, .right = true, .drop = 4 },
	{ .title = "P99", .width = 7, .right = true },
	{ .title = "MAX", .width = 7, .right = true, .drop = 2 },
	{ .title = "Q-AVG", .width = 7, .right = true, .drop = 5 },
	{ .title = "Q-P99", .width = 7, .right = true, .drop = 5 },
	{ .title = "D-AVG", .width = 7, .right = true, .drop = 5 },
	{ .title = "D-P99", .width = 7, .right = true, .drop = 5 },
};
static const enum fam_col block_shows[] = {
	FAM_COL_DEV, FAM_COL_OP, FAM_COL_PID, FAM_COL_COMM, FAM_COL_RATE, FAM_COL_AVG,
	FAM_COL_P99, FAM_COL_MAX, FAM_COL_PART0_AVG, FAM_COL_PART0_P99, FAM_COL_PART1_AVG,
	FAM_COL_PART1_P99,
};

/* Functions (-u, --usdt): the function first, it names the row. */
static const struct table_col func_cols[] = {
	{ .title = "FUNCTION", .width = 22, .wide = 40, .mid_cut = true },
	{ .title = "BINARY", .width = 10, .wide = 18, .drop = 3 },
	{ .title = "PID", .width = 7, .right = true, .drop = 2 },
	{ .title = "COMMAND", .width = 10, .wide = 15, .drop = 5 },
	{ .title = "CALLS/s", .width = 8, .right = true },
	{ .title = "AVG", .width = 7, .right = true, .drop = 4 },
	{ .title = "P99", .width = 7, .right = true },
	{ .title = "MAX", .width = 7, .right = true, .drop = 1 },
	{ .title = "TIME%", .width = 6, .right = true, .drop = 4 },
};
static const enum fam_col func_shows[] = {
	FAM_COL_FUNC, FAM_COL_BINARY, FAM_COL_PID, FAM_COL_COMM, FAM_COL_RATE, FAM_COL_AVG,
	FAM_COL_P99, FAM_COL_MAX, FAM_COL_SHARE,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(N(runq_cols) == N(runq_shows) && N(block_cols) == N(block_shows) &&
	       N(func_cols) == N(func_shows),
	       "a value for every column");

static const struct fam_pane_desc fam_panes[SNAP_FAM_NR] = {
	[SNAP_FAM_RUNQ] = { .tab = "Run queue", .cols = runq_cols, .shows = runq_shows,
			    .ncols = N(runq_cols), .sort = FAM_COL_SHARE },
	[SNAP_FAM_BLOCK] = { .tab = "Block I/O", .cols = block_cols, .shows = block_shows,
			     .ncols = N(block_cols), .sort = FAM_COL_SHARE },
	[SNAP_FAM_FUNC] = { .tab = "Functions", .cols = func_cols, .shows = func_shows,
			    .ncols = N(func_cols), .sort = FAM_COL_SHARE },
};

void ui_fam_init(struct ui *ui)
{
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		fam_view_init(&ui->fam[f].view, (enum snap_family)f);
		ui->fam[f].sort = fam_panes[f].sort;
	}
}

void ui_fam_fini(struct ui *ui)
{
	for (int f = 0; f < SNAP_FAM_NR; f++)
		fam_view_free(&ui->fam[f].view);
}

static bool descending(const struct ui_fam_state *st)
{
	return fam_col_natural_up(st->sort) == st->ascending;
}

/* After a rebuild: the same row (identity) selected again, as the other tables do. */
static void restore(struct ui_fam_state *st)
{
	const struct fam_view *v = &st->view;

	if (!v->n)
		return;
	if (st->sel_known) {
		for (size_t i = 0; i < v->n; i++) {
			if (fam_key_same(&v->rows[i].key, &st->sel_key)) {
				st->pos.sel = i;
				st->sel_gone = false;
				return;
			}
		}
		st->sel_gone = true;
		if (st->follow)
			return;
	}
	if (st->pos.sel >= v->n)
		st->pos.sel = v->n - 1;
	st->sel_key = v->rows[st->pos.sel].key;
	st->sel_known = true;
	st->sel_gone = false;
}

int ui_fam_rebuild(struct ui *ui)
{
	struct filter f = ui->filter;
	int ret = 0;

	f.hide_pid = ui_hidden_pid(ui);
	for (int i = 0; i < SNAP_FAM_NR; i++) {
		struct ui_fam_state *st = &ui->fam[i];

		if (!ret)
			ret = fam_view_build(&st->view, ui->snap, &f, ui->cumulative);
		fam_view_sort(&st->view, st->sort, descending(st));
		restore(st);
	}
	return ret;
}

struct ui_fam_state *ui_fam_focused(struct ui *ui)
{
	return ui->focus == TABLE_FAMILY && ui->fam_pane > 0 ? &ui->fam[ui->fam_pane - 1] : NULL;
}

static const struct fam_pane_desc *shown_desc(const struct ui *ui)
{
	return ui->fam_pane > 0 ? &fam_panes[ui->fam_pane - 1] : NULL;
}

/* Functions are traced only when asked for (-u, --usdt): their pane is skipped otherwise. */
static bool fam_skipped(const struct ui *ui, int pane)
{
	return pane - 1 == SNAP_FAM_FUNC &&
	       (!ui->snap || ui->snap->fam[SNAP_FAM_FUNC].state != SNAP_FAM_ON);
}

int ui_fam_cycle(struct ui *ui)
{
	ui->cgroups.open = false;	/* one table at a time in the processes pane */
	do
		ui->fam_pane = (ui->fam_pane + 1) % (SNAP_FAM_NR + 1);
	while (ui->fam_pane && fam_skipped(ui, ui->fam_pane));
	if (ui->fam_pane) {
		const struct snap_table *t = ui->snap ? &ui->snap->fam[ui->fam_pane - 1] : NULL;
		const struct family_desc *d = family_get((enum snap_family)(ui->fam_pane - 1));

		ui->clients.in_procs = false;
		ui->focus = TABLE_FAMILY;
		ui->hist_focus = false;
		if (t && t->state != SNAP_FAM_ON)
			ui_set_status(ui, true, "%s: not collected%s%s", d->title, t->note[0] ?
				      ": " : "", t->note);
		else if (ui->fam_pane - 1 == SNAP_FAM_FUNC)	/* the cost first: 80 columns cut */
			ui_set_status(ui, false, "functions: a uprobe costs ~" UI_UPROBE_COST_TEXT
				      " a call (a trap); %s (f: next, Esc: processes)", d->what);
		else
			ui_set_status(ui, false, "%s: %s (f: next, Esc: processes)", d->title, d->what);
	} else {
		if (ui->focus == TABLE_FAMILY)
			ui->focus = TABLE_PROCS;
		ui_set_status(ui, false, "processes (f: run queue, block I/O%s)",
			      fam_skipped(ui, SNAP_FAM_FUNC + 1) ? "" : ", functions");
	}
	return REDRAW_DATA | REDRAW_TABLES | REDRAW_STATUS;
}

void ui_fam_moved(struct ui *ui)
{
	struct ui_fam_state *st = ui_fam_focused(ui);

	if (st && st->view.n && st->pos.sel < st->view.n) {
		st->sel_key = st->view.rows[st->pos.sel].key;
		st->sel_known = true;
		st->sel_gone = false;
	}
}

int ui_fam_enter(struct ui *ui)
{
	struct ui_fam_state *st = ui_fam_focused(ui);
	const struct family_desc *d;

	if (!st || !st->view.n)
		return REDRAW_NONE;
	d = family_get(st->view.fam);
	if (!d->n_parts) {
		ui_set_status(ui, false, "%s: the histogram pane shows the selected row; it has "
			      "no parts", d->title);
		return REDRAW_STATUS;
	}
	/* Whole latency, then each part, then the whole again. */
	st->hist_part = (st->hist_part + 1) % ((int)d->n_parts + 1);
	if (st->hist_part)
		ui_set_status(ui, false, "histogram: %s time of the selected row (Enter: next, Esc: "
			      "whole)", d->part_names[st->hist_part - 1]);
	else
		ui_set_status(ui, false, "histogram: whole latency of the selected row");
	return REDRAW_TABLES | REDRAW_STATUS;
}

int ui_fam_back(struct ui *ui)
{
	struct ui_fam_state *st = ui_fam_focused(ui);

	if (st && st->hist_part) {
		st->hist_part = 0;
		return REDRAW_TABLES;
	}
	ui->fam_pane = 0;
	ui->focus = TABLE_PROCS;
	return REDRAW_DATA | REDRAW_TABLES;
}

const struct fam_view_row *ui_fam_selected(const struct ui *ui, enum snap_family *f)
{
	const struct ui_fam_state *st;

	if (ui->focus != TABLE_FAMILY || ui->fam_pane <= 0)
		return NULL;
	st = &ui->fam[ui->fam_pane - 1];
	if (!st->view.n || (st->follow && st->sel_gone))
		return NULL;
	if (f)
		*f = st->view.fam;
	return &st->view.rows[st->pos.sel < st->view.n ? st->pos.sel : 0];
}

/* The value of column kind @c of @r as a cell. */
static void fam_cell_text(const struct ui *ui, enum snap_family f, const struct fam_view_row *r,
			  enum fam_col c, char *buf, size_t len, bool *untrusted)
{
	const struct snap_fam_row *sr = NULL;
	struct snap_fam_row tmp;
	uint64_t ns = 0;

	memset(&tmp, 0, sizeof(tmp));
	tmp.key = r->key;
	memcpy(tmp.label, r->label, sizeof(tmp.label));
	memcpy(tmp.detail, r->detail, sizeof(tmp.detail));
	sr = &tmp;
	switch (c) {
	case FAM_COL_FUNC:	/* sanitised by family_field_fmt */
		family_field_fmt(sr, FAM_F_FUNC, buf, len);
		return;
	case FAM_COL_BINARY: {	/* the file name: the path is in the histogram's title */
		const char *base = fam_basename(r->detail);

		sanitize_text(buf, len, base, strnlen(base, SNAP_LABEL_LEN));
		return;
	}
	case FAM_COL_PID:
		snprintf(buf, len, r->key.tgid ? "%u" : "-", r->key.tgid);
		return;
	case FAM_COL_COMM:	/* raw kernel bytes: the table sanitises them */
		snprintf(buf, len, "%.*s", ABI_COMM_LEN, r->key.comm);
		*untrusted = true;
		return;
	case FAM_COL_CPU:
		family_field_fmt(sr, FAM_F_CPU, buf, len);
		return;
	case FAM_COL_DEV:	/* sanitised by family_field_fmt */
		family_field_fmt(sr, FAM_F_DEV, buf, len);
		return;
	case FAM_COL_OP:
		family_field_fmt(sr, FAM_F_OP, buf, len);
		return;
	case FAM_COL_RATE:
		ui_fmt_rate(buf, len, ui_per_second(ui, r->count));
		return;
	case FAM_COL_SHARE: {
		const struct fam_view *v = &ui->fam[f].view;

		snprintf(buf, len, "%.1f", v->total_sum_ns ?
			 100.0 * (double)r->sum_ns / (double)v->total_sum_ns : 0.0);
		return;
	}
	case FAM_COL_AVG: ns = fam_avg_ns(r->sum_ns, r->count); break;
	case FAM_COL_P99: ns = r->p99_ns; break;
	case FAM_COL_MAX: ns = r->max_ns; break;
	case FAM_COL_PART0_AVG: ns = r->part_avg_ns[0]; break;
	case FAM_COL_PART0_P99: ns = r->part_p99_ns[0]; break;
	case FAM_COL_PART1_AVG: ns = r->part_avg_ns[1]; break;
	case FAM_COL_PART1_P99: ns = r->part_p99_ns[1]; break;
	default:
		snprintf(buf, len, "?");
		return;
	}
	fmt_duration_ns(buf, len, ns);
}

static void fam_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	enum snap_family f = (enum snap_family)(ui->fam_pane - 1);
	const struct fam_pane_desc *d = &fam_panes[f];

	fam_cell_text(ui, f, &ui->fam[f].view.rows[row], d->shows[col], buf, len, untrusted);
}

/* The column of @d showing sort key @key, or -1. */
static int column_of(const struct fam_pane_desc *d, int key)
{
	for (size_t c = 0; c < d->ncols; c++)
		if ((int)d->shows[c] == key)
			return (int)c;
	return -1;
}

void pane_family_draw(struct ui *ui, WINDOW *w)
{
	enum snap_family f = (enum snap_family)(ui->fam_pane - 1);
	const struct fam_pane_desc *d = &fam_panes[f];
	const struct family_desc *fd = family_get(f);
	struct ui_fam_state *st = &ui->fam[f];
	const struct snap_table *t = ui->snap ? &ui->snap->fam[f] : NULL;
	bool focused = ui->focus == TABLE_FAMILY && !ui->hist_focus;
	char title[200];
	struct table_spec spec;

	snprintf(title, sizeof(title), " %s  sort:%s%s%s%s  (f: %s) ", d->tab,
		 fam_col_sort_name(st->sort), st->ascending ? (descending(st) ? " desc" : " asc") :
		 "", st->follow ? "  FOLLOW" : "", st->hist_part ? "  hist:part" : "",
		 f + 1 < SNAP_FAM_NR && !fam_skipped(ui, f + 2) ? fam_panes[f + 1].tab :
		 "processes");
	draw_title(w, title, focused);
	spec = (struct table_spec){
		.cols = d->cols, .ncols = d->ncols, .sort_col = column_of(d, (int)st->sort),
		.focused = focused, .no_selection = st->follow && st->sel_gone, .cell = fam_cell,
		.ctx = ui,
	};
	table_draw(w, 1, getmaxy(w) - 1, &spec, st->view.n, &st->pos);
	if (!st->view.n && getmaxy(w) > 3) {	/* why the table is empty */
		char why[200];

		if (!t || t->state != SNAP_FAM_ON)
			snprintf(why, sizeof(why), "%s: not collected%s%s", fd->title,
				 t && t->note[0] ? ": " : "", t ? t->note : "");
		else
			snprintf(why, sizeof(why), "no %s in this %s%s", fd->what,
				 ui->cumulative ? "run" : "tick",
				 filter_is_empty(&ui->filter) ? "" : " (filter)");
		draw_text(w, 3, 1, getmaxx(w) - 2, why, theme_attr(THEME_ROLE_dim), true);
	}
}

void ui_fam_row_text(const struct ui *ui, size_t row, char *buf, size_t len)
{
	enum snap_family f = (enum snap_family)(ui->fam_pane - 1);
	const struct fam_view_row *r = &ui->fam[f].view.rows[row];

	ui_fam_row_title(ui, f, r, buf, len);
}

void ui_fam_row_title(const struct ui *ui, enum snap_family f, const struct fam_view_row *r,
		      char *buf, size_t len)
{
	const struct family_desc *d = family_get(f);
	char field[4][SNAP_LABEL_LEN * 2], comm[ABI_COMM_LEN * 2];
	size_t n = 0, used = 0;

	(void)ui;
	buf[0] = '\0';
	sanitize_text(comm, sizeof(comm), r->key.comm, strnlen(r->key.comm, ABI_COMM_LEN));
	for (unsigned int i = 0; i < d->n_fields && n < 4; i++) {
		struct snap_fam_row tmp;

		if (d->fields[i] == FAM_F_PID || d->fields[i] == FAM_F_COMM)
			continue;
		if (d->fields[i] == FAM_F_CPU && r->key.a == ABI_FAM_ANY)
			continue;
		memset(&tmp, 0, sizeof(tmp));
		tmp.key = r->key;
		memcpy(tmp.label, r->label, sizeof(tmp.label));
		memcpy(tmp.detail, r->detail, sizeof(tmp.detail));
		if (d->fields[i] == FAM_F_CPU) {	/* "cpu 3": a bare number reads as a pid */
			char cpu[16];

			snprintf(field[n], sizeof(field[n]), "cpu %s",
				 family_field_fmt(&tmp, FAM_F_CPU, cpu, sizeof(cpu)));
		} else {
			family_field_fmt(&tmp, d->fields[i], field[n], sizeof(field[n]));
		}
		n++;
	}
	used = (size_t)snprintf(buf, len, "%s[%u]", comm, r->key.tgid);
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " %s", field[i]);
}

size_t ui_fam_sort_choices(const struct ui *ui, int *keys, size_t cap)
{
	const struct fam_pane_desc *d = shown_desc(ui);
	bool shown[TABLE_MAX_COLS];
	int width[TABLE_MAX_COLS];
	size_t n = 0;

	if (!d)
		return 0;
	table_fit(d->cols, d->ncols, 0, ui->layout.area[AREA_PROCS].w, shown, width);
	for (size_t c = 0; c < d->ncols && c < TABLE_MAX_COLS && n < cap; c++)
		if (shown[c])
			keys[n++] = (int)d->shows[c];
	return n;
}

const char *ui_fam_sort_title(const struct ui *ui, int key)
{
	const struct fam_pane_desc *d = shown_desc(ui);
	int c = d ? column_of(d, key) : -1;

	return c >= 0 ? d->cols[c].title : "?";
}

void ui_fam_sort_set(struct ui *ui, int key)
{
	struct ui_fam_state *st = ui_fam_focused(ui);

	if (!st || key < 0 || key >= FAM_COL_NR)
		return;
	st->sort = (enum fam_col)key;
	ui_set_status(ui, false, "sorted by %s (F6: menu, I: invert)",
		      fam_col_sort_name(st->sort));
}

void ui_fam_header(const struct ui *ui, char *buf, size_t len)
{
	const struct snapshot *s = ui->snap;
	size_t used = 0;

	buf[0] = '\0';
	if (!s)
		return;
	for (int f = 0; f < SNAP_FAM_NR && used < len; f++) {
		if (f == SNAP_FAM_FUNC && s->fam[f].state != SNAP_FAM_ON)
			continue;	/* only traced when asked for (-u, --usdt): no "off" noise */
		used += (size_t)snprintf(buf + used, len - used, "%s%s:%s", f ? " " : "",
					 family_get((enum snap_family)f)->term,
					 s->fam[f].state == SNAP_FAM_ON ? "on" : "off");
	}
	if (used < len)
		snprintf(buf + used, len - used, " why:%s", s->breakdown ? "on" : "off");
}
