/*
 * pane_hosts.c - the fleet view's hosts (snapshot.hosts) in place of the
 * processes pane: per host calls/s, worst p99, lost events/s, up or down.
 * Drawn with the shared table engine; host names are untrusted.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/sanitize.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

static const struct table_col host_cols[] = {
	{ .title = "HOST", .width = 12, .wide = 32 },
	{ .title = "UP", .width = 4 },
	{ .title = "CALLS/s", .width = 8, .right = true },
	{ .title = "WORST P99", .width = 9, .right = true },
	{ .title = "LOST/s", .width = 7, .right = true, .drop = 1 },
	{ .title = "ERR/s", .width = 7, .right = true, .drop = 2 },
	{ .title = "CALLS", .width = 10, .right = true, .drop = 3 },
};

bool ui_fleet_hosts_shown(const struct ui *ui)
{
	return ui->snap && !strcmp(ui->snap->source, "fleet") && !ui->clients.in_procs &&
	       ui->fam_pane == 0 && ui->drill == DRILL_NONE;
}

static double per_tick_second(const struct ui *ui, uint64_t n)
{
	uint64_t ns = ui->snap->interval_ns;

	return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

static void host_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	const struct snap_host *h = &ui->snap->hosts[row];

	switch (col) {
	case 0:
		snprintf(buf, len, "%.*s", SNAP_HOST_LEN, h->name);
		*untrusted = true;
		return;
	case 1:
		snprintf(buf, len, "%s", h->up ? "up" : "DOWN");
		return;
	case 2:
		ui_fmt_rate(buf, len, per_tick_second(ui, h->calls));
		return;
	case 3:
		if (h->worst_p99_ns)
			fmt_duration_ns(buf, len, h->worst_p99_ns);
		else
			snprintf(buf, len, "-");
		return;
	case 4:
		ui_fmt_rate(buf, len, per_tick_second(ui, h->lost));
		return;
	case 5:
		ui_fmt_rate(buf, len, per_tick_second(ui, h->errors));
		return;
	default:
		snprintf(buf, len, "%" PRIu64, h->calls_total);
		return;
	}
}

static attr_t host_attr(void *ctx, size_t row)
{
	struct ui *ui = ctx;

	return ui->snap->hosts[row].up ? 0 : theme_attr(THEME_ROLE_breach);
}

void ui_fleet_select_apply(struct ui *ui)
{
	const char *names[FILTER_MAX_TERMS];
	size_t n = 0;

	if (!ui->o->fleet_select)
		return;
	if (ui->fleet_host[0])
		names[n++] = ui->fleet_host;
	else
		for (; n < ui->filter.n_host; n++)
			names[n] = ui->filter.host[n];
	ui->o->fleet_select(ui->o->fleet_ctx, names, n);
}

int ui_fleet_host_enter(struct ui *ui)
{
	const struct snapshot *s = ui->snap;
	char clean[4 * SNAP_HOST_LEN];

	if (!s->n_hosts || !ui->o->fleet_select)
		return REDRAW_NONE;
	if (ui->hosts_pos.sel >= s->n_hosts)
		ui->hosts_pos.sel = s->n_hosts - 1;
	memcpy(ui->fleet_host, s->hosts[ui->hosts_pos.sel].name, sizeof(ui->fleet_host));
	ui->fleet_host[sizeof(ui->fleet_host) - 1] = '\0';
	ui_fleet_select_apply(ui);
	sanitize_text(clean, sizeof(clean), ui->fleet_host, sizeof(ui->fleet_host));
	ui_set_status(ui, false, "host %s: its syscalls and histograms only, from the next tick "
		      "(Esc: every host)", clean);
	return REDRAW_TABLES | REDRAW_STATUS;
}

int ui_fleet_host_back(struct ui *ui)
{
	if (!ui->o->fleet_select)
		return REDRAW_NONE;
	ui->fleet_host[0] = '\0';
	ui_fleet_select_apply(ui);
	ui_set_status(ui, false, "%s, merged, from the next tick",
		      ui->filter.n_host ? "the filter's hosts" : "every host");
	return REDRAW_TABLES | REDRAW_STATUS;
}

void pane_hosts_draw(struct ui *ui, WINDOW *w)
{
	const struct snapshot *s = ui->snap;
	size_t down = 0;
	char title[160 + 4 * SNAP_HOST_LEN], sel[4 * SNAP_HOST_LEN];
	struct table_spec spec;

	for (size_t i = 0; i < s->n_hosts; i++)
		down += !s->hosts[i].up;
	sanitize_text(sel, sizeof(sel), ui->fleet_host, sizeof(ui->fleet_host));
	snprintf(title, sizeof(title), " Hosts  %zu up, %zu down%s%s%s%s ", s->n_hosts - down,
		 down, s->stale ? "  STALE" : "", sel[0] ? "  rows of: " : "", sel,
		 sel[0] ? " (Esc: all)" : "");
	draw_title(w, title, ui->focus == TABLE_PROCS && !ui->hist_focus);
	spec = (struct table_spec){
		.cols = host_cols, .ncols = sizeof(host_cols) / sizeof(host_cols[0]),
		.sort_col = -1, .focused = ui->focus == TABLE_PROCS && !ui->hist_focus,
		.cell = host_cell, .row_attr = host_attr, .ctx = ui,
	};
	table_draw(w, 1, getmaxy(w) - 1, &spec, s->n_hosts, &ui->hosts_pos);
	if (!s->n_hosts && getmaxy(w) > 3)
		draw_text(w, 3, 1, getmaxx(w) - 2,
			  s->note[0] ? "no hosts (see the status line)" : "no hosts",
			  theme_attr(THEME_ROLE_dim), true);
}
