/* pane_tables.c - the syscalls and processes tables, and the views behind them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "export/fmt_breakdown.h"
#include "core/hist.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "core/wait_class.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/proc_cmdline.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

enum sys_col { SC_NAME, SC_RATE, SC_ERRS, SC_P50, SC_P99, SC_MAX, SC_SHARE, SC_WHY, SC_SPARK };
static const struct table_col sys_cols[] = {
	[SC_NAME] = { "SYSCALL", 22, false, false, 0 },
	[SC_RATE] = { "CALLS/s", 8, true, false, 0 },
	[SC_ERRS] = { "ERR/s", 7, true, false, 3 },
	[SC_P50] = { "P50", 7, true, false, 2 },
	[SC_P99] = { "P99", 7, true, false, 0 },
	[SC_MAX] = { "MAX", 7, true, false, 1 },
	[SC_SHARE] = { "TIME%", 6, true, false, 4 },
	/*
	 * The largest part of the calls' time (breakdown): fits 80 columns, and is
	 * the first to go below that (the other columns keep their old places).
	 */
	[SC_WHY] = { "WHY", 9, false, false, 5 },
	/*
	 * Off until asked for (F2), the first to go, and only on a wide pane: it
	 * rewrites all its cells every tick (~200 bytes a tick over the link).
	 */
	[SC_SPARK] = { "P99~", UI_SPARK_CELLS, false, false, 5, 0, UI_SPARK_MIN_PANE, true },
};

enum proc_col { PC_PID, PC_COMM, PC_RATE, PC_P99, PC_CGROUP, PC_SPARK, PC_SLOWEST, PC_CMD };
static const struct table_col proc_cols[] = {
	[PC_PID] = { "PID", 7, true, false, 2 },
	[PC_COMM] = { "COMMAND", 13, false, false, 0, 15 },
	[PC_RATE] = { "CALLS/s", 7, true, false, 0 },
	[PC_P99] = { "P99", 7, true, false, 0 },
	/*
	 * Hidden when the run has no cgroups. At 80 columns it takes SLOWEST's place
	 * ("which service" first), cut head…tail; it grows with the pane.
	 */
	[PC_CGROUP] = { "CGROUP", 10, false, false, 1, 28, 0, false, true },
	[PC_SPARK] = { "P99~", UI_SPARK_CELLS, false, false, 5, 0, UI_SPARK_MIN_PANE, true },
	/* Goes before PID (its equal, further right): at 80 columns CGROUP takes its place. */
	[PC_SLOWEST] = { "SLOWEST", 10, false, false, 2, 16 },
	[PC_CMD] = { "CMD", 12, false, true, 3 },	/* the command line takes what is left */
};

void ui_fmt_syscall(char *buf, size_t len, uint32_t nr, bool wait)
{
	wait_class_label(nr, wait, buf, len);
}

/* Calls per second over the view's time base (the tick, or since start). */
double ui_per_second(const struct ui *ui, uint64_t n)
{
	uint64_t base_ns = ui->cumulative ? ui->snap->elapsed_ns : ui->snap->interval_ns;

	return base_ns ? (double)n * 1e9 / (double)base_ns : 0.0;
}

void ui_fmt_rate(char *buf, size_t len, double r)
{
	if (r >= 1e6)
		snprintf(buf, len, "%.1fM", r / 1e6);
	else if (r >= 1e4)
		snprintf(buf, len, "%.1fk", r / 1e3);
	else if (r >= 10 || r == 0)
		snprintf(buf, len, "%.0f", r);
	else
		snprintf(buf, len, "%.1f", r);
}

static void fmt_pct(const struct view_row *r, int pct10, char *buf, size_t len)
{
	if (!r->hist.timed)
		snprintf(buf, len, "-");
	else
		fmt_duration_ns(buf, len, hist_percentile_ns(&r->hist, pct10 / 10.0));
}

static void sys_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	const struct view *v = &ui->tables[TABLE_SYSCALLS].view;
	const struct view_row *r = &v->rows[row];

	(void)untrusted;
	switch ((enum sys_col)col) {
	case SC_NAME:
		ui_fmt_syscall(buf, len, r->nr, r->wait);
		break;
	case SC_RATE:
		ui_fmt_rate(buf, len, ui_per_second(ui, r->hist.count));
		break;
	case SC_ERRS:
		ui_fmt_rate(buf, len, ui_per_second(ui, r->hist.errors));
		break;
	case SC_P50:
		fmt_pct(r, 500, buf, len);
		break;
	case SC_P99:
		fmt_pct(r, 990, buf, len);
		break;
	case SC_MAX:
		if (r->hist.timed)
			fmt_duration_ns(buf, len, r->hist.max_ns);
		else
			snprintf(buf, len, "-");
		break;
	case SC_SHARE:
		snprintf(buf, len, "%.1f", v->total_sum_ns ?
				   100.0 * (double)r->hist.sum_ns / (double)v->total_sum_ns : 0.0);
		break;
	case SC_WHY:
		if (ui->snap->breakdown && !row_settle_row_held(r))
			fmt_breakdown_cell(buf, len, r->hist.part_ns);
		else
			snprintf(buf, len, "-");
		break;
	case SC_SPARK:
		ui_sparkline(ui, TABLE_SYSCALLS, row, buf, len);
		break;
	}
}

static void proc_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	const struct view_row *r = &ui->tables[TABLE_PROCS].view.rows[row];

	switch ((enum proc_col)col) {
	case PC_PID:
		snprintf(buf, len, "%u", r->pid);
		break;
	case PC_COMM:
		/* Raw kernel bytes: the table sanitises them before drawing. */
		snprintf(buf, len, "%.*s", ABI_COMM_LEN, r->comm);
		*untrusted = true;
		break;
	case PC_CGROUP:
		/* A held row keeps no pointer into an older snapshot: look the name up. */
		ui_fmt_cgroup(ui, r->cgroup_id,
			      r->cg ? r->cg : snapshot_cgroup(ui->snap, r->cgroup_id), buf, len);
		*untrusted = true;
		break;
	case PC_RATE:
		ui_fmt_rate(buf, len, ui_per_second(ui, r->hist.count));
		break;
	case PC_P99:
		fmt_pct(r, 990, buf, len);
		break;
	case PC_SPARK:
		ui_sparkline(ui, TABLE_PROCS, row, buf, len);
		break;
	case PC_SLOWEST:
		if (row_settle_row_held(r))
			snprintf(buf, len, "-");	/* no calls this tick */
		else if (ui->drill == DRILL_SYSCALL || r->nr != UINT32_MAX)
			ui_fmt_syscall(buf, len, r->nr, r->wait);
		else
			syscall_name_or_nr(r->slowest_nr, buf, (unsigned int)len);
		break;
	case PC_CMD:
		ui_fmt_cmdline(ui, r->pid, r->pstart_ns, buf, len);
		*untrusted = true;
		break;
	}
}

void ui_fmt_cmdline(struct ui *ui, uint32_t pid, uint64_t pstart_ns, char *buf, size_t len)
{
	/* Only a live source has /proc for its pids (a replay's or simulation's are not here). */
	if (strcmp(ui->snap->source, "bpf")) {
		snprintf(buf, len, "-");
		return;
	}
	if (!ui->cmdlines)
		ui->cmdlines = proc_cmdline_new();
	snprintf(buf, len, "%s", ui->cmdlines ? proc_cmdline_get(ui->cmdlines, pid, pstart_ns) :
						"-");
}

size_t ui_table_columns(enum ui_cols t, const struct table_col **cols)
{
	switch (t) {
	case COLS_SYSCALLS:
		*cols = sys_cols;
		return sizeof(sys_cols) / sizeof(sys_cols[0]);
	case COLS_PROCS:
		*cols = proc_cols;
		return sizeof(proc_cols) / sizeof(proc_cols[0]);
	case COLS_CLIENTS:
	case COLS_NR:
		break;
	}
	return ui_clients_columns(cols);
}

int ui_sort_column(enum ui_cols t, int sort)
{
	static const int sys_of[VIEW_SORT_NR] = {
		[VIEW_SORT_TIME] = SC_SHARE, [VIEW_SORT_COUNT] = SC_RATE,
		[VIEW_SORT_ERRORS] = SC_ERRS, [VIEW_SORT_P50] = SC_P50, [VIEW_SORT_P99] = SC_P99,
		[VIEW_SORT_MAX] = SC_MAX, [VIEW_SORT_NAME] = SC_NAME, [VIEW_SORT_PID] = -1,
		[VIEW_SORT_CGROUP] = -1,
	};
	static const int proc_of[VIEW_SORT_NR] = {
		[VIEW_SORT_TIME] = -1, [VIEW_SORT_COUNT] = PC_RATE, [VIEW_SORT_ERRORS] = -1,
		[VIEW_SORT_P50] = -1, [VIEW_SORT_P99] = PC_P99, [VIEW_SORT_MAX] = -1,
		[VIEW_SORT_NAME] = PC_COMM, [VIEW_SORT_PID] = PC_PID,
		[VIEW_SORT_CGROUP] = PC_CGROUP,
	};

	if (t == COLS_CLIENTS)
		return ui_clients_sort_column(sort);
	if (sort < 0 || sort >= VIEW_SORT_NR)
		return -1;
	return t == COLS_SYSCALLS ? sys_of[sort] : proc_of[sort];
}

bool ui_sort_descending(enum ui_cols t, int sort, bool inverted)
{
	/* Names and addresses read A to Z, pids upwards; numbers biggest first. */
	bool natural_up = t == COLS_CLIENTS ? sort == CLIENT_SORT_ADDR || sort == CLIENT_SORT_CGROUP :
			  sort == VIEW_SORT_NAME || sort == VIEW_SORT_PID || sort == VIEW_SORT_CGROUP;

	return natural_up == inverted;
}

const char *ui_sort_note(enum ui_cols t, int sort, bool inverted)
{
	if (!inverted)
		return "";
	return ui_sort_descending(t, sort, inverted) ? " desc" : " asc";
}

uint32_t ui_hidden_pid(const struct ui *ui)
{
	/* Only live: a replay's pids are another run's. */
	return ui->show_own || !ui->snap || strcmp(ui->snap->source, "bpf") ? 0 :
									     (uint32_t)getpid();
}

enum filter_waits ui_waits_filter(const struct ui *ui)
{
	return ui->show_waits ? FILTER_WAITS_ALL : FILTER_WAITS_HIDE;
}

/*
 * Held rows (row_settle.h) were chosen by the last filter and time base:
 * another filter, 'c' or a seek starts afresh, and a redraw of the same tick
 * does not age them. A bytewise compare: a difference in padding only resets.
 */
static void settle_prepare(struct ui_table_state *ts, const struct filter *f, const struct ui *ui)
{
	uint64_t now = ui->snap->elapsed_ns, last = ts->settle.tick_id;
	/* A seek in a replay (back, or past the next tick) is not a row leaving. */
	bool seek = ts->settle.tick_known &&
		    (now < last || now - last > 2 * ui->snap->interval_ns + 1);

	if (memcmp(&ts->settle_f, f, sizeof(*f)) || ts->settle_cumulative != ui->cumulative || seek)
		row_settle_reset(&ts->settle);
	memcpy(&ts->settle_f, f, sizeof(*f));
	ts->settle_cumulative = ui->cumulative;
	row_settle_tick(&ts->settle, ui->snap->elapsed_ns);
}

int ui_views_rebuild(struct ui *ui)
{
	struct filter sys_f = ui->filter, proc_f = ui->filter;
	struct ui_table_state *st = &ui->tables[TABLE_SYSCALLS], *pt = &ui->tables[TABLE_PROCS];
	enum view_group sys_g = VIEW_BY_SYSCALL, proc_g = VIEW_BY_PROCESS;
	int ret;

	if (!ui->snap) {
		st->view.n = pt->view.n = 0;
		return 0;
	}
	/* The work view leaves out calls that waited for an event; 'w' shows them. */
	sys_f.waits = proc_f.waits = ui_waits_filter(ui);
	sys_f.hide_pid = proc_f.hide_pid = ui_hidden_pid(ui);	/* lattop's own rows: 'O' */
	/* A drill-down narrows one table to the chosen syscall or process. */
	if (ui->drill == DRILL_PROCESS) {
		sys_f.n_pid = 1;
		sys_f.pid[0] = ui->drill_row.pid;
		sys_g = VIEW_BY_PROC_SYSCALL;
		proc_f = sys_f;
	} else if (ui->drill == DRILL_SYSCALL) {
		proc_f.n_sys = 1;
		proc_f.sys_nr[0] = ui->drill_row.nr;
		proc_f.waits = ui->drill_row.wait ? FILTER_WAITS_ONLY : FILTER_WAITS_HIDE;
		proc_g = VIEW_BY_PROC_SYSCALL;
	}
	ret = view_build(&st->view, ui->snap, &sys_f, sys_g, ui->cumulative);
	if (!ret)
		ret = view_build(&pt->view, ui->snap, &proc_f, proc_g, ui->cumulative);
	view_sort(&st->view, st->sort, ui_sort_descending(COLS_SYSCALLS, st->sort, st->ascending));
	view_sort(&pt->view, pt->sort, ui_sort_descending(COLS_PROCS, pt->sort, pt->ascending));
	/* Small changes keep rows on their lines: a swap rewrites two lines on the terminal. */
	settle_prepare(st, &sys_f, ui);
	settle_prepare(pt, &proc_f, ui);
	if (!ret)
		ret = row_settle_view(&st->settle, &st->view, st->sort,
				       ui_sort_descending(COLS_SYSCALLS, st->sort, st->ascending),
				       (int)sys_g);
	if (!ret)
		ret = row_settle_view(&pt->settle, &pt->view, pt->sort,
				       ui_sort_descending(COLS_PROCS, pt->sort, pt->ascending),
				       (int)proc_g);
	if (!ret) {
		struct filter cf = ui->filter;

		cf.hide_pid = ui_hidden_pid(ui);
		ret = client_view_build(&ui->clients.view, ui->snap, &cf, ui->cumulative);
	}
	client_view_sort(&ui->clients.view, ui->clients.sort,
			 ui_sort_descending(COLS_CLIENTS, (int)ui->clients.sort, ui->clients.ascending));
	if (!ret)
		ret = row_settle_clients(&ui->clients.settle, &ui->clients.view, ui->clients.sort,
					 ui_sort_descending(COLS_CLIENTS, (int)ui->clients.sort,
							    ui->clients.ascending));
	ui_selection_restore(ui);
	if (!ret)
		ret = ui_fam_rebuild(ui);
	if (!ret)
		ret = ui_cgroups_rebuild(ui);
	return ret;
}

const struct view_row *ui_selected_row(const struct ui *ui, enum ui_table *from)
{
	enum ui_table t = ui->focus;
	const struct ui_table_state *ts;

	if (t >= TABLE_NR)	/* clients, families: the syscalls table's selection */
		t = TABLE_SYSCALLS;
	ts = &ui->tables[t];	/* only now: tables[] has no clients or families entry */
	if (!ts->view.n) {
		t = t == TABLE_SYSCALLS ? TABLE_PROCS : TABLE_SYSCALLS;
		ts = &ui->tables[t];
	}
	if (!ts->view.n || (ts->follow && ts->sel_gone))
		return NULL;	/* a followed row that is not in this tick has no histogram */
	if (from)
		*from = t;
	return &ts->view.rows[ts->pos.sel < ts->view.n ? ts->pos.sel : 0];
}

void pane_syscalls_draw(struct ui *ui, WINDOW *w)
{
	struct ui_table_state *t = &ui->tables[TABLE_SYSCALLS];
	char title[160], comm[ABI_COMM_LEN * 2];
	struct table_spec spec;

	if (ui->drill == DRILL_PROCESS) {
		sanitize_text(comm, sizeof(comm), ui->drill_row.comm, ABI_COMM_LEN);
		snprintf(title, sizeof(title), " Syscalls of %s[%u] (Esc: back) ", comm,
			 ui->drill_row.pid);
	} else {
		snprintf(title, sizeof(title), " Syscalls  sort:%s%s%s%s%s ", view_sort_name(t->sort),
			 ui_sort_note(COLS_SYSCALLS, t->sort, t->ascending),
			 t->follow ? "  FOLLOW" : "", t->gone_note[0] ? "  " : "", t->gone_note);
	}
	draw_title(w, title, ui->focus == TABLE_SYSCALLS && !ui->hist_focus);
	spec = (struct table_spec){
		.cols = sys_cols, .ncols = sizeof(sys_cols) / sizeof(sys_cols[0]),
		.hidden = ui->col_hidden[COLS_SYSCALLS],
		.sort_col = ui_sort_column(COLS_SYSCALLS, t->sort),
		.focused = ui->focus == TABLE_SYSCALLS && !ui->hist_focus,
		.no_selection = t->follow && t->sel_gone, .cell = sys_cell,
		.ctx = ui, .row_attr = ui_slo_syscalls_attr,
	};
	table_draw(w, 1, getmaxy(w) - 1, &spec, t->view.n, &t->pos);
}

/*
 * CGROUP grows only as wide as the longest name it shows (at most @col's
 * wide): on a host where every process is in "/" the room stays CMD's.
 */
static int cgroup_col_wide(const struct ui *ui, const struct view *v, struct table_col col)
{
	int longest = col.width;

	for (size_t i = 0; i < v->n && longest < col.wide; i++) {
		char buf[SNAP_CGROUP_NAME_LEN + 8];
		int n;

		ui_fmt_cgroup(ui, v->rows[i].cgroup_id, v->rows[i].cg, buf, sizeof(buf));
		n = (int)strlen(buf);
		if (n > longest)
			longest = n;
	}
	return longest < col.wide ? longest : col.wide;
}

void pane_procs_draw(struct ui *ui, WINDOW *w)
{
	struct ui_table_state *t = &ui->tables[TABLE_PROCS];
	char title[160], name[40];
	struct table_col cols[sizeof(proc_cols) / sizeof(proc_cols[0])];
	struct table_spec spec;

	if (ui->clients.in_procs) {
		pane_clients_draw(ui, w);
		return;
	}
	if (ui->fam_pane > 0) {
		pane_family_draw(ui, w);
		return;
	}
	if (ui_cgroups_shown(ui)) {
		pane_cgroups_draw(ui, w);
		return;
	}
	if (ui_fleet_hosts_shown(ui)) {
		pane_hosts_draw(ui, w);
		return;
	}
	if (ui->drill == DRILL_SYSCALL) {
		ui_fmt_syscall(name, sizeof(name), ui->drill_row.nr, ui->drill_row.wait);
		snprintf(title, sizeof(title), " Processes calling %s (Esc: back) ", name);
	} else {
		snprintf(title, sizeof(title), " Processes  sort:%s%s%s%s%s ", view_sort_name(t->sort),
			 ui_sort_note(COLS_PROCS, t->sort, t->ascending), t->follow ? "  FOLLOW" : "",
			 t->gone_note[0] ? "  " : "", t->gone_note);
	}
	draw_title(w, title, ui->focus == TABLE_PROCS && !ui->hist_focus);
	memcpy(cols, proc_cols, sizeof(cols));
	cols[PC_CGROUP].wide = cgroup_col_wide(ui, &t->view, proc_cols[PC_CGROUP]);
	spec = (struct table_spec){
		.cols = cols, .ncols = sizeof(proc_cols) / sizeof(proc_cols[0]),
		.hidden = ui_cols_hidden(ui, COLS_PROCS),
		.sort_col = ui_sort_column(COLS_PROCS, t->sort),
		.focused = ui->focus == TABLE_PROCS && !ui->hist_focus,
		.no_selection = t->follow && t->sel_gone, .cell = proc_cell,
		.ctx = ui, .row_attr = ui_slo_procs_attr,
	};
	table_draw(w, 1, getmaxy(w) - 1, &spec, t->view.n, &t->pos);
}

/* Choices of the p/y pickers: one row per process or syscall of the snapshot. */
static void pick_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	const struct view_row *r = &ui->pick.rows[row];

	if (ui->prompt == PICK_SYSCALL) {
		if (col == 0)
			ui_fmt_syscall(buf, len, r->nr, r->wait);
		else
			ui_fmt_rate(buf, len, ui_per_second(ui, r->hist.count));
		return;
	}
	if (col == 0) {
		snprintf(buf, len, "%u %.*s", r->pid, ABI_COMM_LEN, r->comm);
		*untrusted = true;
	} else {
		ui_fmt_rate(buf, len, ui_per_second(ui, r->hist.count));
	}
}

void pane_picker_draw(struct ui *ui, WINDOW *w)
{
	static const struct table_col cols[] = {
		{ .title = "NAME", .width = 16, .flex = true },
		{ .title = "CALLS/s", .width = 9, .right = true, .drop = 1 },
	};
	bool cg = ui->prompt == PICK_CGROUP;
	const struct table_spec spec = {
		.cols = cols, .ncols = 2, .sort_col = -1, .focused = true,
		.cell = cg ? ui_cgpick_cell : pick_cell, .ctx = ui,
	};
	size_t n = cg ? ui->cgroups.pick_n : ui->pick.n;

	werase(w);
	box(w, 0, 0);
	{
		char title[FILTER_TEXT_MAX + 200];

		/* What was typed (type-ahead), or how to use the list. */
		snprintf(title, sizeof(title), " Pick a %s: %s%s%s ",
			 cg ? "cgroup" : ui->prompt == PICK_SYSCALL ? "syscall" : "process",
			 ui->prompt_len ? ui->prompt_buf : "type to jump, Enter, Esc",
			 ui->prompt_error[0] ? "  " : "", ui->prompt_error);
		draw_text(w, 0, 2, getmaxx(w) - 4, title, theme_attr(THEME_ROLE_title), false);
	}
	{
		WINDOW *inner = derwin(w, getmaxy(w) - 2, getmaxx(w) - 2, 1, 1);

		if (inner) {
			table_draw(inner, 0, getmaxy(inner), &spec, n, &ui->pick_pos);
			delwin(inner);
		}
	}
}
