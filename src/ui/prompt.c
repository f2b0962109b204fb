/*
 * prompt.c - the keys of the dashboard's one-line prompts and menus: the
 * filter (applied as you type, as htop's F4), search (F3: jump to a row),
 * the process and syscall pickers (type-ahead) and the F6 sort menu.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collect/collector.h"
#include "core/options.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/fmt_addr.h"
#include "ui/ui_state.h"

#define KEY_ESCAPE 27
#define KEY_CTRL_U 0x15

void ui_filter_set(struct ui *ui, const struct filter *f)
{
	ui->filter = *f;
	filter_format(&ui->filter, ui->filter_text, sizeof(ui->filter_text));
	ui_selection_reset(ui, TABLE_SYSCALLS);
	ui_selection_reset(ui, TABLE_PROCS);
	ui_selection_reset(ui, TABLE_CLIENTS);
	ui_selection_reset(ui, TABLE_FAMILY);
	ui_fleet_select_apply(ui);
}

static bool is_enter(int key)
{
	return key == '\n' || key == '\r' || key == KEY_ENTER;
}

/* Line editing shared by the prompts: 1 when @key changed the text, 0 when not an edit key. */
static int edit_line(struct ui *ui, int key)
{
	if (key == KEY_CTRL_U) {	/* empty the line, as in a shell */
		ui->prompt_len = 0;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (!ui->prompt_len)
			return 1;
		ui->prompt_len--;
	} else if (key >= 0x20 && key < 0x7f && ui->prompt_len + 1 < sizeof(ui->prompt_buf)) {
		ui->prompt_buf[ui->prompt_len++] = (char)key;
	} else {
		return 0;
	}
	ui->prompt_buf[ui->prompt_len] = '\0';
	return 1;
}

void ui_prompt_open(struct ui *ui, enum ui_prompt kind, const char *text)
{
	ui->prompt = kind;
	snprintf(ui->prompt_buf, sizeof(ui->prompt_buf), "%s", text ? text : "");
	ui->prompt_len = strlen(ui->prompt_buf);
	ui->prompt_error[0] = '\0';
	ui->prompt_saved_filter = ui->filter;
}

/* The filter prompt: every edit that parses is applied at once; Esc puts back the old one. */
static int filter_key(struct ui *ui, int key)
{
	struct filter f;
	char err[160];

	if (key == KEY_ESCAPE) {
		ui->prompt = PROMPT_NONE;
		if (!ui->prompt_len) {
			filter_clear(&f);
			ui_filter_set(ui, &f);
			ui_set_status(ui, false, "filter cleared");
		} else {
			ui_filter_set(ui, &ui->prompt_saved_filter);
			ui_set_status(ui, false, "filter: %s (unchanged)",
				      ui->filter_text[0] ? ui->filter_text : "(none)");
		}
		return REDRAW_DATA | REDRAW_ALL;
	}
	if (is_enter(key)) {
		ui->prompt = PROMPT_NONE;
		if (filter_parse(&f, ui->prompt_buf, err, sizeof(err))) {
			ui_filter_set(ui, &ui->prompt_saved_filter);
			ui_set_status(ui, true, "filter: %s", err);
			return REDRAW_DATA | REDRAW_ALL;
		}
		ui_filter_set(ui, &f);
		ui_set_status(ui, false, "filter: %s", ui->filter_text[0] ? ui->filter_text : "(none)");
		return REDRAW_DATA | REDRAW_ALL;
	}
	if (!edit_line(ui, key))
		return REDRAW_NONE;
	/* As you type: a half-typed term ("pid:") keeps the last filter that parsed. */
	if (filter_parse(&f, ui->prompt_buf, err, sizeof(err))) {
		snprintf(ui->prompt_error, sizeof(ui->prompt_error), "%s", err);
		return REDRAW_STATUS;
	}
	ui->prompt_error[0] = '\0';
	ui_filter_set(ui, &f);
	return REDRAW_DATA | REDRAW_ALL;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	if (!n)
		return false;
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* What a search matches in a row: what the row's name columns show. */
static void view_row_text(const struct view_row *r, char *buf, size_t len)
{
	char comm[ABI_COMM_LEN * 2] = "", name[40] = "";

	if (r->pid)
		sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
	if (r->nr != UINT32_MAX)
		ui_fmt_syscall(name, sizeof(name), r->nr, r->wait);
	snprintf(buf, len, "%s %s %u", name, comm, r->pid);
}

static void client_row_text(const struct snap_client_row *r, char *buf, size_t len)
{
	char addr[FMT_ADDR_LEN], comm[ABI_COMM_LEN * 2];

	fmt_addr(addr, sizeof(addr), &r->key);
	sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
	snprintf(buf, len, "%s %u %s %u", addr, r->key.port, comm, r->key.tgid);
}

size_t ui_focused_rows(const struct ui *ui)
{
	if (ui->focus == TABLE_FAMILY)
		return ui->fam_pane > 0 ? ui->fam[ui->fam_pane - 1].view.n : 0;
	if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui))
		return ui->cgroups.n;
	if (ui->focus == TABLE_PROCS && ui_fleet_hosts_shown(ui))
		return ui->snap->n_hosts;
	return ui->focus == TABLE_CLIENTS ? ui->clients.view.n : ui->tables[ui->focus].view.n;
}

static struct table_pos *focused_pos(struct ui *ui)
{
	struct ui_fam_state *fs = ui_fam_focused(ui);

	if (fs)
		return &fs->pos;
	if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui))
		return &ui->cgroups.pos;
	return ui->focus == TABLE_CLIENTS ? &ui->clients.pos : &ui->tables[ui->focus].pos;
}

/*
 * Select the first row at or after @from (wrapping) whose text contains the
 * search text. true when one was found.
 */
static bool search_from(struct ui *ui, size_t from)
{
	size_t n = ui_focused_rows(ui);
	char text[160];

	for (size_t k = 0; k < n; k++) {
		size_t i = (from + k) % n;

		if (ui->focus == TABLE_FAMILY)
			ui_fam_row_text(ui, i, text, sizeof(text));
		else if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui))
			ui_cgroups_row_text(ui, i, text, sizeof(text));
		else if (ui->focus == TABLE_CLIENTS)
			client_row_text(ui->clients.view.rows[i], text, sizeof(text));
		else
			view_row_text(&ui->tables[ui->focus].view.rows[i], text, sizeof(text));
		if (contains_nocase(text, ui->prompt_buf)) {
			focused_pos(ui)->sel = i;
			if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui))
				ui_cgroups_moved(ui);
			else
				ui_selection_moved(ui);
			return true;
		}
	}
	return false;
}

int ui_search_next(struct ui *ui)
{
	if (!ui->search_text[0]) {
		ui_set_status(ui, false, "search: nothing to find yet (F3 or / then text)");
		return REDRAW_STATUS;
	}
	snprintf(ui->prompt_buf, sizeof(ui->prompt_buf), "%s", ui->search_text);
	if (!search_from(ui, focused_pos(ui)->sel + 1))
		ui_set_status(ui, true, "search: no row matches \"%s\"", ui->search_text);
	else
		ui_set_status(ui, false, "search: \"%s\" (F3 or n: next)", ui->search_text);
	return REDRAW_TABLES | REDRAW_STATUS;
}

static int search_key(struct ui *ui, int key)
{
	if (key == KEY_ESCAPE || is_enter(key)) {
		ui->prompt = PROMPT_NONE;
		snprintf(ui->search_text, sizeof(ui->search_text), "%s", ui->prompt_buf);
		if (ui->search_text[0])
			ui_set_status(ui, false, "search: \"%s\" (F3 or n: next)", ui->search_text);
		return REDRAW_STATUS | REDRAW_TABLES;
	}
	if (key == KEY_F(3)) {	/* htop: F3 again finds the next match */
		if (!search_from(ui, focused_pos(ui)->sel + 1))
			snprintf(ui->prompt_error, sizeof(ui->prompt_error), "no other match");
		return REDRAW_STATUS | REDRAW_TABLES;
	}
	if (!edit_line(ui, key))
		return REDRAW_NONE;
	ui->prompt_error[0] = '\0';
	if (ui->prompt_len && !search_from(ui, 0))
		snprintf(ui->prompt_error, sizeof(ui->prompt_error), "no match");
	return REDRAW_STATUS | REDRAW_TABLES;
}

/* Type-ahead in the pickers: the first choice whose name contains what was typed. */
static void picker_jump(struct ui *ui)
{
	char text[64];

	for (size_t i = 0; i < ui->pick.n; i++) {
		const struct view_row *r = &ui->pick.rows[i];

		view_row_text(r, text, sizeof(text));
		if (contains_nocase(text, ui->prompt_buf)) {
			ui->pick_pos.sel = i;
			ui->prompt_error[0] = '\0';
			return;
		}
	}
	snprintf(ui->prompt_error, sizeof(ui->prompt_error), "no match");
}

/* 'G': the same keys over the cgroups (pane_cgroups.c has the list). */
static int cgpick_key(struct ui *ui, int key)
{
	size_t n = ui->cgroups.pick_n;

	switch (key) {
	case KEY_ESCAPE:
		ui->prompt = PROMPT_NONE;
		return REDRAW_ALL;
	case KEY_UP: case KEY_DOWN: case KEY_PPAGE: case KEY_NPAGE: case KEY_HOME: case KEY_END:
		table_move(&ui->pick_pos, n, key == KEY_UP ? -1 : key == KEY_DOWN ? 1 :
			   key == KEY_PPAGE ? -10 : key == KEY_NPAGE ? 10 :
			   key == KEY_HOME ? -(long)n : (long)n);
		return REDRAW_OVERLAY;
	case '\n': case '\r': case KEY_ENTER:
		return ui_cgpick_choose(ui);
	default:
		if (!edit_line(ui, key))
			return REDRAW_NONE;
		if (ui->prompt_len)
			ui_cgpick_jump(ui, ui->prompt_buf);
		return REDRAW_OVERLAY;
	}
}

static int picker_key(struct ui *ui, int key)
{
	struct filter f = ui->filter;
	const struct view_row *r;

	switch (key) {
	case KEY_ESCAPE:
		ui->prompt = PROMPT_NONE;
		return REDRAW_ALL;
	case KEY_UP:
		table_move(&ui->pick_pos, ui->pick.n, -1);
		return REDRAW_OVERLAY;
	case KEY_DOWN:
		table_move(&ui->pick_pos, ui->pick.n, 1);
		return REDRAW_OVERLAY;
	case KEY_PPAGE:
		table_move(&ui->pick_pos, ui->pick.n, -10);
		return REDRAW_OVERLAY;
	case KEY_NPAGE:
		table_move(&ui->pick_pos, ui->pick.n, 10);
		return REDRAW_OVERLAY;
	case KEY_HOME:
		table_move(&ui->pick_pos, ui->pick.n, -(long)ui->pick.n);
		return REDRAW_OVERLAY;
	case KEY_END:
		table_move(&ui->pick_pos, ui->pick.n, (long)ui->pick.n);
		return REDRAW_OVERLAY;
	case '\n': case '\r': case KEY_ENTER:
		ui->prompt = PROMPT_NONE;
		if (!ui->pick.n)
			return REDRAW_ALL;
		r = &ui->pick.rows[ui->pick_pos.sel];
		if (ui->pick.rows[0].nr == UINT32_MAX) {	/* processes */
			f.n_pid = 1;
			f.pid[0] = r->pid;
		} else {
			f.n_sys = 1;
			f.sys_nr[0] = r->nr;
		}
		ui_filter_set(ui, &f);
		ui_set_status(ui, false, "filter: %s", ui->filter_text);
		return REDRAW_DATA | REDRAW_ALL;
	default:
		if (!edit_line(ui, key))
			return REDRAW_NONE;
		if (ui->prompt_len)
			picker_jump(ui);
		return REDRAW_OVERLAY;
	}
}

/* The sort menu's choices: the sort keys of the focused table's visible columns. */
size_t ui_sort_choices(const struct ui *ui, int *keys, size_t cap)
{
	if (ui->focus == TABLE_FAMILY)
		return ui_fam_sort_choices(ui, keys, cap);
	if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui))
		return 0;	/* the Containers pane is sorted by calls */
	enum ui_cols t = ui->focus == TABLE_CLIENTS ? COLS_CLIENTS :
			 ui->focus == TABLE_PROCS ? COLS_PROCS : COLS_SYSCALLS;
	enum layout_area area = t == COLS_SYSCALLS ? AREA_SYSCALLS :
				t == COLS_CLIENTS && !ui->clients.in_procs ? AREA_CLIENTS : AREA_PROCS;
	const struct table_col *cols;
	size_t ncols = ui_table_columns(t, &cols), n = 0;
	int nkeys = t == COLS_CLIENTS ? CLIENT_SORT_NR : VIEW_SORT_NR;
	bool shown[TABLE_MAX_COLS];
	int width[TABLE_MAX_COLS];

	/* The columns on screen (hidden by the operator or dropped for width: not offered). */
	table_fit(cols, ncols, ui_cols_hidden(ui, t), ui->layout.area[area].w, shown, width);
	/* In column order, as the operator reads them. */
	for (size_t c = 0; c < ncols && c < TABLE_MAX_COLS; c++) {
		if (!shown[c])
			continue;
		for (int k = 0; k < nkeys && n < cap; k++)
			if (ui_sort_column(t, k) == (int)c) {
				keys[n++] = k;
				break;
			}
	}
	return n;
}

static int sortmenu_key(struct ui *ui, int key)
{
	int keys[TABLE_MAX_COLS];
	size_t n = ui_sort_choices(ui, keys, TABLE_MAX_COLS);

	switch (key) {
	case KEY_ESCAPE: case KEY_F(6):
		ui->prompt = PROMPT_NONE;
		return REDRAW_ALL;
	case KEY_UP: case 'k':
		table_move(&ui->pick_pos, n, -1);
		return REDRAW_OVERLAY;
	case KEY_DOWN: case 'j':
		table_move(&ui->pick_pos, n, 1);
		return REDRAW_OVERLAY;
	case KEY_HOME:
		table_move(&ui->pick_pos, n, -(long)n);
		return REDRAW_OVERLAY;
	case KEY_END:
		table_move(&ui->pick_pos, n, (long)n);
		return REDRAW_OVERLAY;
	case '\n': case '\r': case KEY_ENTER:
		ui->prompt = PROMPT_NONE;
		if (ui->pick_pos.sel < n)
			ui_sort_set(ui, keys[ui->pick_pos.sel]);
		return REDRAW_DATA | REDRAW_ALL;
	default:
		return REDRAW_NONE;
	}
}

/* 'D': a --slow threshold; applied on Enter through the source (the next tick has it). */
static int slow_key(struct ui *ui, int key)
{
	uint64_t ns = 0;
	int ret;

	if (key == KEY_ESCAPE) {
		ui->prompt = PROMPT_NONE;
		ui_set_status(ui, false, "--slow unchanged");
		return REDRAW_STATUS;
	}
	if (!is_enter(key)) {
		if (!edit_line(ui, key))
			return REDRAW_NONE;
		ui->prompt_error[0] = '\0';
		return REDRAW_STATUS;
	}
	if (strcmp(ui->prompt_buf, "off") && strcmp(ui->prompt_buf, "0") &&
	    options_parse_duration(ui->prompt_buf, &ns)) {
		snprintf(ui->prompt_error, sizeof(ui->prompt_error),
			 "'%.20s' is no duration: want 5ms, 500us, 1s or off", ui->prompt_buf);
		return REDRAW_STATUS;
	}
	ui->prompt = PROMPT_NONE;
	ret = collector_set_slow_ns(ui->c, ns);
	if (ret == -EOPNOTSUPP)
		ui_set_status(ui, true, "--slow: this source has no stacks (a replay shows the "
			      "recorded ones)");
	else if (ret)
		ui_set_status(ui, true, "--slow: cannot set: %s", strerror(-ret));
	else if (ns)
		ui_set_status(ui, false, "--slow %s: stacks of slower calls from the next tick "
			      "(S shows them)", ui->prompt_buf);
	else
		ui_set_status(ui, false, "--slow off: no more stacks are recorded");
	return REDRAW_STATUS | REDRAW_HEADER;
}

int ui_prompt_key(struct ui *ui, int key)
{
	switch (ui->prompt) {
	case PROMPT_SLOW:
		return slow_key(ui, key);
	case PROMPT_FILTER:
		return filter_key(ui, key);
	case PROMPT_SEARCH:
		return search_key(ui, key);
	case PICK_PROCESS:
	case PICK_SYSCALL:
		return picker_key(ui, key);
	case PICK_CGROUP:
		return cgpick_key(ui, key);
	case PROMPT_SORT:
		return sortmenu_key(ui, key);
	case PROMPT_NONE:
		break;
	}
	return REDRAW_NONE;
}
