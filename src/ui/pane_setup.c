/*
 * pane_setup.c - the F2 setup screen, drawn over the panes like the help:
 * each setting with its value; Left/Right or Enter change it at once, the
 * hidden columns of a table are a checkbox list. Closing saves what changed.
 */
#include <stdio.h>
#include <string.h>

#include "collect/collector.h"
#include "core/sanitize.h"
#include "ui/draw.h"
#include "ui/settings_ui.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

#define KEY_ESCAPE 27

enum setup_item {
	SI_THEME,
	SI_INTERVAL,
	SI_SORT_SYS,
	SI_SORT_PROC,
	SI_SORT_CLI,
	SI_WAITS,
	SI_HIDE_SYS,
	SI_HIDE_PROC,
	SI_HIDE_CLI,
	SI_NR
};

/* Labels are the file's keys: the screen teaches the file. */
static const char *const item_key[SI_NR] = {
	"theme", "interval", "sort.syscalls", "sort.processes", "sort.clients", "waits",
	"hide.syscalls", "hide.processes", "hide.clients",
};
static const char *const item_help[SI_NR] = {
	"colours (t cycles them too)", "seconds per tick (+ - too)",
	"syscalls table sort (F6, I)", "processes table sort", "clients table sort",
	"waits view at start (w)", "Enter: choose columns", "Enter: choose columns",
	"Enter: choose columns",
};

static bool is_sort(int item) { return item >= SI_SORT_SYS && item <= SI_SORT_CLI; }
static bool is_hide(int item) { return item >= SI_HIDE_SYS && item <= SI_HIDE_CLI; }

static void item_value(const struct ui *ui, const struct ui_settings *now, int item, char *buf,
		       size_t len)
{
	const struct settings_ui *cfg = &ui->cfg;
	int t;

	if (item == SI_THEME) {
		/* A theme path from the file: the operator's, but still bytes from a file. */
		sanitize_text(buf, len, now->theme, strlen(now->theme));
	} else if (item == SI_INTERVAL) {
		snprintf(buf, len, "%gs%s", now->interval_ms / 1000.0,
			 collector_seekable(ui->c) ? " (live runs; a replay keeps its own)" : "");
	} else if (is_sort(item)) {
		t = item - SI_SORT_SYS;
		snprintf(buf, len, "%s%s", settings_sort_name(t, now->sort[t]),
			 now->sort_asc[t] ? " asc" : "");
	} else if (item == SI_WAITS) {
		snprintf(buf, len, "%s", now->waits ? "on" : "off");
	} else {
		size_t used = 0;

		t = item - SI_HIDE_SYS;
		buf[0] = '\0';
		for (size_t i = 0; i < cfg->schema.n_cols[t] && used + 1 < len; i++)
			if (now->hidden[t] & (1u << i))
				used += (size_t)snprintf(buf + used, len - used, "%s%s",
							 used ? "," : "", cfg->titles[t][i]);
		if (!buf[0])
			snprintf(buf, len, "(none hidden)");
	}
}

static int change_interval(struct ui *ui, const struct ui_settings *now, int dir)
{
	uint32_t ms = settings_interval_step_ms(now->interval_ms, dir);

	if (collector_seekable(ui->c)) {
		ui->cfg.replay_interval_ms = ms;
		ui_set_status(ui, false, "interval %gs for live runs (a replay keeps its own)",
			      ms / 1000.0);
	} else {
		collector_set_interval(ui->c, (uint64_t)ms * 1000000ull);
		ui_set_status(ui, false, "interval %gs", ms / 1000.0);
	}
	return REDRAW_HEADER | REDRAW_STATUS | REDRAW_OVERLAY;
}

/* Sorts step through key, then key ascending, as the file writes them. */
static int change_sort(struct ui *ui, int t, int dir)
{
	int n = 2 * settings_sort_count(t), idx;
	bool *asc = t == SETTINGS_CLIENTS ? &ui->clients.ascending : &ui->tables[t].ascending;
	int key = t == SETTINGS_CLIENTS ? (int)ui->clients.sort : (int)ui->tables[t].sort;

	idx = (2 * key + (*asc ? 1 : 0) + dir + n) % n;
	*asc = idx % 2;
	if (t == SETTINGS_CLIENTS)
		ui->clients.sort = (enum client_sort)(idx / 2);
	else
		ui->tables[t].sort = (enum view_sort)(idx / 2);
	return REDRAW_DATA | REDRAW_ALL;
}

static int change(struct ui *ui, int dir)
{
	struct ui_settings now;
	int item = ui->cfg.sel;

	settings_ui_gather(ui, &now);
	switch (item) {
	case SI_THEME:
		return ui_theme_step(ui, dir);
	case SI_INTERVAL:
		return change_interval(ui, &now, dir);
	case SI_WAITS:
		ui->show_waits = !ui->show_waits;
		ui->tables[TABLE_SYSCALLS].pos.sel = ui->tables[TABLE_PROCS].pos.sel = 0;
		return REDRAW_DATA | REDRAW_ALL;
	default:
		if (is_sort(item))
			return change_sort(ui, item - SI_SORT_SYS, dir);
		/* A table's columns: a checkbox list. */
		ui->cfg.sub = item - SI_HIDE_SYS;
		ui->cfg.sub_sel = 0;
		return REDRAW_OVERLAY;
	}
}

int pane_setup_toggle(struct ui *ui)
{
	char msg[sizeof(ui->status)];

	if (!ui->cfg.open) {
		ui->cfg.open = true;
		ui->cfg.sub = -1;
		ui->help = false;
		return REDRAW_ALL;
	}
	ui->cfg.open = false;
	ui_set_status(ui, settings_ui_save(ui, msg, sizeof(msg)) < 0, "%s", msg);
	return REDRAW_ALL;
}

static int sub_key(struct ui *ui, int key)
{
	struct settings_ui *cfg = &ui->cfg;
	int n = (int)cfg->schema.n_cols[cfg->sub];

	switch (key) {
	case KEY_UP: case 'k':
		cfg->sub_sel = cfg->sub_sel > 0 ? cfg->sub_sel - 1 : 0;
		return REDRAW_OVERLAY;
	case KEY_DOWN: case 'j':
		cfg->sub_sel = cfg->sub_sel + 1 < n ? cfg->sub_sel + 1 : n - 1;
		return REDRAW_OVERLAY;
	case ' ': case '\n': case '\r': case KEY_ENTER:
		if (cfg->sub_sel >= 0 && cfg->sub_sel < n)
			ui->col_hidden[cfg->sub] ^= 1u << cfg->sub_sel;
		return REDRAW_DATA | REDRAW_ALL;
	case KEY_ESCAPE: case KEY_LEFT: case 'h': case KEY_BACKSPACE: case 127:
		cfg->sub = -1;
		return REDRAW_OVERLAY;
	case KEY_F(2): case KEY_F(10): case 'q':
		cfg->sub = -1;
		return pane_setup_toggle(ui);
	default:
		return REDRAW_NONE;
	}
}

int pane_setup_key(struct ui *ui, int key)
{
	struct settings_ui *cfg = &ui->cfg;

	if (cfg->sub >= 0)
		return sub_key(ui, key);
	switch (key) {
	case KEY_UP: case 'k':
		cfg->sel = cfg->sel > 0 ? cfg->sel - 1 : 0;
		return REDRAW_OVERLAY;
	case KEY_DOWN: case 'j':
		cfg->sel = cfg->sel + 1 < SI_NR ? cfg->sel + 1 : SI_NR - 1;
		return REDRAW_OVERLAY;
	case KEY_HOME:
		cfg->sel = 0;
		return REDRAW_OVERLAY;
	case KEY_END:
		cfg->sel = SI_NR - 1;
		return REDRAW_OVERLAY;
	case KEY_LEFT: case 'h':
		return change(ui, -1);
	case KEY_RIGHT: case 'l': case ' ': case '\n': case '\r': case KEY_ENTER:
		return change(ui, 1);
	case KEY_ESCAPE: case KEY_F(2): case KEY_F(10): case 'q':
		return pane_setup_toggle(ui);
	default:
		ui_set_status(ui, false, "setup: Up/Down select, Left/Right/Enter change, Esc or "
					 "F2 closes and saves");
		return REDRAW_STATUS;
	}
}

static void draw_sub(struct ui *ui, WINDOW *w, int y, int width)
{
	const struct settings_ui *cfg = &ui->cfg;
	attr_t normal = theme_attr(THEME_ROLE_normal), sel = theme_attr(THEME_ROLE_selected);
	char line[96];

	snprintf(line, sizeof(line), "Columns of the %s table (Space: show/hide, Esc: back)",
		 item_key[SI_HIDE_SYS + cfg->sub] + 5);
	draw_text(w, y++, 2, width - 4, line, theme_attr(THEME_ROLE_title), false);
	for (size_t i = 0; i < cfg->schema.n_cols[cfg->sub] && y < getmaxy(w) - 1; i++) {
		snprintf(line, sizeof(line), "[%c] %s",
			 ui->col_hidden[cfg->sub] & (1u << i) ? ' ' : 'x', cfg->titles[cfg->sub][i]);
		draw_text(w, y++, 4, width - 8, line, (int)i == cfg->sub_sel ? sel : normal, true);
	}
}

static void draw_items(struct ui *ui, WINDOW *w, int *y, int width)
{
	attr_t normal = theme_attr(THEME_ROLE_normal), sel = theme_attr(THEME_ROLE_selected),
	       dim = theme_attr(THEME_ROLE_dim);
	struct ui_settings now;
	char value[160], line[256];

	settings_ui_gather(ui, &now);
	for (int i = 0; i < SI_NR && *y < getmaxy(w) - 1; i++, (*y)++) {
		item_value(ui, &now, i, value, sizeof(value));
		snprintf(line, sizeof(line), "%-15s %s %s %s", item_key[i],
			 is_hide(i) ? " " : "<", value, is_hide(i) ? "" : ">");
		draw_text(w, *y, 2, width - 4, line, i == ui->cfg.sel ? sel : normal, false);
		if (width > 62 && draw_width(line) + 4 < 48)	/* a long column list keeps the room */
			draw_text(w, *y, 48, width - 50, item_help[i], dim, false);
	}
}

void pane_setup_draw(struct ui *ui, WINDOW *w)
{
	const struct settings_ui *cfg = &ui->cfg;
	attr_t normal = theme_attr(THEME_ROLE_normal), dim = theme_attr(THEME_ROLE_dim),
	       bad = theme_attr(THEME_ROLE_error);
	int width = getmaxx(w), height = getmaxy(w), y = 2;
	char line[PATH_MAX + 64];

	werase(w);
	draw_title(w, " Setup: Up/Down select, Left/Right/Enter change, Esc/F2 close + save ", true);
	if (cfg->sub >= 0)
		draw_sub(ui, w, y, width);
	else
		draw_items(ui, w, &y, width);
	if (cfg->sub >= 0)
		return;
	y++;
	if (y < height - 1) {
		if (ui->o->no_config)
			snprintf(line, sizeof(line), "file: none (--no-config or record: not read, not saved)");
		else if (cfg->no_write)
			snprintf(line, sizeof(line), "file: %s", cfg->why_not);
		else
			snprintf(line, sizeof(line), "file: %s (saved on close and on quit)",
				 cfg->path);
		draw_text(w, y++, 2, width - 4, line, cfg->no_write && !ui->o->no_config ? bad : dim,
			  false);
	}
	for (size_t i = 0; i < cfg->problems.n && i < SETTINGS_PROBLEMS_MAX && y < height - 1;
	     i++)
		draw_text(w, y++, 2, width - 4, cfg->problems.msg[i], bad, false);
	if (y < height - 1) {
		snprintf(line, sizeof(line), "slo: %zu threshold%s%s", ui->n_slo,
			 ui->n_slo == 1 ? "" : "s",
			 ui->o->n_slo ? " from --slo" : ui->n_slo ? " from the file (edit it there)" :
				 " (add \"slo = p99(read) < 10ms\" lines to the file)");
		draw_text(w, y++, 2, width - 4, line, normal, false);
	}
	for (size_t i = 0; i < ui->n_slo && y < height - 1; i++)
		draw_text(w, y++, 6, width - 8, ui->slo_text[i], dim, false);
}
