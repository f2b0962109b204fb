/* keys.c - key bindings as data; each action returns enum ui_redraw bits. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collect/collector.h"
#include "core/interval_ladder.h"
#include "core/syscall_names.h"
#include "export/fmt_duration.h"
#include "ui/keys.h"
#include "ui/theme.h"
#include "ui/ui.h"
#include "ui/ui_state.h"

#define CTRL(k) ((k) & 0x1f)
#define KEY_ESCAPE 27
#define KEY_TAB '\t'

/* The focused syscall-view table (a family pane or the clients: the syscalls table's). */
static struct ui_table_state *focused(struct ui *ui)
{
	return &ui->tables[ui->focus < TABLE_NR ? ui->focus : TABLE_SYSCALLS];
}

static int act_quit(struct ui *ui)
{
	(void)ui;
	return REDRAW_QUIT;
}

static int act_help(struct ui *ui)
{
	ui->help = !ui->help;
	ui->help_top = 0;
	return REDRAW_ALL;
}

/*
 * Tab visits every pane on screen: syscalls, processes (or the clients in
 * their place), the histogram (Up/Down scroll it), the clients (when they
 * have their own area). S-Tab goes the other way.
 */
enum pane_stop { STOP_SYSCALLS, STOP_PROCS, STOP_HIST, STOP_CLIENTS, STOP_NR };

static enum pane_stop current_stop(const struct ui *ui)
{
	if (ui->hist_focus)
		return STOP_HIST;
	if (ui->focus == TABLE_FAMILY)
		return STOP_PROCS;
	if (ui->focus == TABLE_CLIENTS)
		return ui->clients.in_procs ? STOP_PROCS : STOP_CLIENTS;
	return ui->focus == TABLE_PROCS ? STOP_PROCS : STOP_SYSCALLS;
}

static bool stop_shown(const struct ui *ui, enum pane_stop s)
{
	if (s == STOP_CLIENTS)
		return !ui->clients.in_procs && ui_clients_visible(ui);
	return true;
}

static int next_pane(struct ui *ui, int step)
{
	enum pane_stop s = current_stop(ui);

	do
		s = (enum pane_stop)(((int)s + step + STOP_NR) % STOP_NR);
	while (!stop_shown(ui, s));
	ui->hist_focus = s == STOP_HIST;
	if (s == STOP_SYSCALLS)
		ui->focus = TABLE_SYSCALLS;
	else if (s == STOP_PROCS)
		ui->focus = ui->clients.in_procs ? TABLE_CLIENTS : ui->fam_pane ? TABLE_FAMILY :
			    TABLE_PROCS;
	else if (s == STOP_CLIENTS)
		ui->focus = TABLE_CLIENTS;
	/*
	 * STOP_HIST keeps ui->focus: the histogram shows that table's selection,
	 * pinned to its row from here (as if moved to), so the histogram being
	 * read does not turn into another row's when the table re-sorts.
	 */
	if (ui->hist_focus) {
		ui_selection_moved(ui);
		ui_set_status(ui, false, "histogram: Up/Down scroll, Home: back to p50..max");
	}
	return REDRAW_TABLES | REDRAW_STATUS;
}

static int act_next_pane(struct ui *ui) { return next_pane(ui, 1); }
static int act_prev_pane(struct ui *ui) { return next_pane(ui, -1); }

static int move_by(struct ui *ui, long delta)
{
	if (ui->help) {	/* the help screen scrolls; drawing clamps it to its length */
		long top = (long)ui->help_top + delta;

		ui->help_top = top < 0 ? 0 : top > 100000 ? 100000 : (int)top;
		return REDRAW_OVERLAY;
	}
	if (ui->hist_focus) {	/* drawing clamps the scroll to the histogram's lines */
		long scroll = (long)ui->hist_scroll + delta;

		ui->hist_scroll = scroll < -1000 ? -1000 : scroll > 1000 ? 1000 : (int)scroll;
		return REDRAW_TABLES;
	}
	if (ui_fam_focused(ui))
		table_move(&ui_fam_focused(ui)->pos, ui_focused_rows(ui), delta);
	else if (ui->focus == TABLE_CLIENTS)
		table_move(&ui->clients.pos, ui->clients.view.n, delta);
	else if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui)) {
		table_move(&ui->cgroups.pos, ui->cgroups.n, delta);
		ui_cgroups_moved(ui);
		return REDRAW_TABLES;
	} else if (ui->focus == TABLE_PROCS && ui_fleet_hosts_shown(ui))
		table_move(&ui->hosts_pos, ui->snap->n_hosts, delta);
	else
		table_move(&focused(ui)->pos, focused(ui)->view.n, delta);
	ui_selection_moved(ui);
	return REDRAW_TABLES;
}

static long page(const struct ui *ui)
{
	enum layout_area a = ui->focus == TABLE_SYSCALLS ? AREA_SYSCALLS :
			     ui->focus == TABLE_CLIENTS && !ui->clients.in_procs ? AREA_CLIENTS :
										   AREA_PROCS;
	const struct layout_rect *r = &ui->layout.area[a];

	return r->h > 3 ? r->h - 2 : 1;
}

static int act_up(struct ui *ui) { return move_by(ui, -1); }
static int act_down(struct ui *ui) { return move_by(ui, 1); }
static int act_pgup(struct ui *ui) { return move_by(ui, -page(ui)); }
static int act_pgdn(struct ui *ui) { return move_by(ui, page(ui)); }
static int act_home(struct ui *ui)
{
	if (ui->hist_focus && !ui->help) {
		ui->hist_scroll = 0;
		return REDRAW_TABLES;
	}
	int redraw = move_by(ui, ui->help ? -100000 : -(long)ui_focused_rows(ui));

	/* Back to the top line: the selection is that line again, not the row there now. */
	if (!ui->help && (ui->focus == TABLE_SYSCALLS || ui->focus == TABLE_PROCS) &&
	    !ui_fam_focused(ui) && !(ui->focus == TABLE_PROCS && ui_cgroups_shown(ui)))
		focused(ui)->sel_known = false;
	return redraw;
}

static int act_end(struct ui *ui) { return move_by(ui, ui->help ? 100000 : (long)ui_focused_rows(ui)); }

/* Enter on a client: its request-latency histogram stays in the histogram pane. */
static int pin_client(struct ui *ui)
{
	struct ui_clients_state *cs = &ui->clients;

	if (!cs->view.n)
		return REDRAW_NONE;
	cs->pin = cs->view.rows[cs->pos.sel < cs->view.n ? cs->pos.sel : 0]->key;
	cs->pinned = true;
	ui_set_status(ui, false, "histogram: this client's request latency, pinned (Esc: unpin)");
	return REDRAW_TABLES | REDRAW_STATUS;
}

static int act_enter(struct ui *ui)
{
	struct ui_table_state *t;

	if (ui->hist_focus)	/* from the histogram: the stacks of its slow calls */
		return ui_stacks_toggle(ui);
	if (ui->focus == TABLE_CLIENTS)
		return pin_client(ui);
	if (ui->focus == TABLE_FAMILY)
		return ui_fam_enter(ui);
	if (ui->focus == TABLE_PROCS && ui_cgroups_shown(ui))
		return ui_cgroups_enter(ui);
	if (ui->focus == TABLE_PROCS && ui_fleet_hosts_shown(ui))
		return ui_fleet_host_enter(ui);
	t = focused(ui);
	if (!t->view.n)
		return REDRAW_NONE;
	ui->drill_row = t->view.rows[t->pos.sel];
	if (ui->focus == TABLE_SYSCALLS && ui->drill != DRILL_PROCESS) {
		/* A syscall: which processes make it, and its histogram. */
		ui->drill = DRILL_SYSCALL;
		ui->focus = TABLE_PROCS;
	} else {
		ui->drill = DRILL_PROCESS;
		ui->focus = TABLE_SYSCALLS;
	}
	ui->hist_focus = false;
	/* The table drilled into starts at its top; Esc gives it back its own selection. */
	ui->drill_back = focused(ui)->sel_id;
	ui->drill_back_known = focused(ui)->sel_known;
	ui_selection_reset(ui, ui->focus);
	return REDRAW_DATA | REDRAW_ALL;
}

static int act_back(struct ui *ui)
{
	if (ui->help) {
		ui->help = false;
		return REDRAW_ALL;
	}
	if (ui->clients.pinned) {
		ui->clients.pinned = false;
		return REDRAW_TABLES;
	}
	if (ui_fam_focused(ui))
		return ui_fam_back(ui);
	/* The Containers pane closes; a cgroup's processes go back to it. */
	if (ui->drill == DRILL_NONE && (ui_cgroups_shown(ui) || ui->cgroups.drilled))
		return ui_cgroups_back(ui);
	if (ui->drill == DRILL_NONE && ui->fleet_host[0])
		return ui_fleet_host_back(ui);
	if (ui->drill == DRILL_NONE)
		return REDRAW_NONE;
	{
		/* The drilled table gets its old selection back; the other one never lost its. */
		struct ui_table_state *drilled = focused(ui);

		drilled->sel_id = ui->drill_back;
		drilled->sel_known = ui->drill_back_known;
		drilled->sel_gone = false;
	}
	ui->focus = ui->drill == DRILL_SYSCALL ? TABLE_SYSCALLS : TABLE_PROCS;
	ui->drill = DRILL_NONE;
	ui->hist_focus = false;
	return REDRAW_DATA | REDRAW_ALL;
}

static int act_filter(struct ui *ui)
{
	ui_prompt_open(ui, PROMPT_FILTER, ui->filter_text);
	return REDRAW_STATUS;
}

static int act_search(struct ui *ui)
{
	ui_prompt_open(ui, PROMPT_SEARCH, "");
	return REDRAW_STATUS;
}

static int act_search_next(struct ui *ui) { return ui_search_next(ui); }

/* 'F' (htop): the selection waits for its row when the row leaves the view. */
static int act_follow(struct ui *ui)
{
	struct ui_fam_state *fs = ui_fam_focused(ui);
	bool *follow = fs ? &fs->follow : ui->focus == TABLE_CLIENTS ? &ui->clients.follow :
		       &focused(ui)->follow;
	char what[96] = "the selected client";

	*follow = !*follow;
	if (fs && fs->view.n)
		ui_fam_row_text(ui, fs->pos.sel, what, sizeof(what));
	else if (ui->focus < TABLE_NR && focused(ui)->view.n)
		ui_row_label(&focused(ui)->view.rows[focused(ui)->pos.sel], what, sizeof(what));
	if (*follow)
		ui_set_status(ui, false, "following %s: kept selected while it re-sorts and when it "
			      "leaves the view (F stops)", what);
	else
		ui_set_status(ui, false, "not following: a row that leaves the view passes the "
			      "selection to its neighbour");
	return REDRAW_TABLES | REDRAW_STATUS;
}

static int open_picker(struct ui *ui, enum ui_prompt kind)
{
	struct filter f = ui->filter;
	bool sys = kind == PICK_SYSCALL;

	if (!ui->snap)
		return REDRAW_NONE;
	/* Offer what the other terms of the filter leave: the syscalls of the chosen process. */
	if (sys)
		f.n_sys = 0;
	else
		f.n_pid = f.n_comm = 0;
	f.waits = ui_waits_filter(ui);	/* offer what the tables show */
	f.hide_pid = ui_hidden_pid(ui);
	if (view_build(&ui->pick, ui->snap, &f, sys ? VIEW_BY_SYSCALL : VIEW_BY_PROCESS,
		       ui->cumulative))
		return REDRAW_NONE;
	view_sort(&ui->pick, sys ? VIEW_SORT_NAME : VIEW_SORT_COUNT, !sys);
	ui->pick_pos.sel = ui->pick_pos.top = 0;
	ui_prompt_open(ui, kind, "");
	return REDRAW_OVERLAY;
}

static int act_pick_process(struct ui *ui) { return open_picker(ui, PICK_PROCESS); }
static int act_pick_cgroup(struct ui *ui) { return ui_cgpick_open(ui); }
static int act_containers(struct ui *ui) { return ui_cgroups_toggle(ui); }
static int act_pick_syscall(struct ui *ui) { return open_picker(ui, PICK_SYSCALL); }

static int current_sort(const struct ui *ui)
{
	if (ui->focus == TABLE_FAMILY)
		return ui->fam_pane > 0 ? (int)ui->fam[ui->fam_pane - 1].sort : 0;
	return ui->focus == TABLE_CLIENTS ? (int)ui->clients.sort : (int)ui->tables[ui->focus].sort;
}

void ui_sort_set(struct ui *ui, int key)
{
	const char *name;

	if (ui->focus == TABLE_FAMILY) {
		ui_fam_sort_set(ui, key);
		return;
	}
	if (ui->focus == TABLE_CLIENTS) {
		ui->clients.sort = (enum client_sort)key;
		name = client_sort_name(ui->clients.sort);
	} else {
		focused(ui)->sort = (enum view_sort)key;
		name = view_sort_name(focused(ui)->sort);
	}
	ui_set_status(ui, false, "sorted by %s (F6: menu, I: invert)", name);
}

/* F6 (htop): a menu of the columns shown; the current sort key is preselected. */
static int act_sort_menu(struct ui *ui)
{
	int keys[TABLE_MAX_COLS];
	size_t n = ui_sort_choices(ui, keys, TABLE_MAX_COLS);

	ui->pick_pos.sel = ui->pick_pos.top = 0;
	for (size_t i = 0; i < n; i++)
		if (keys[i] == current_sort(ui))
			ui->pick_pos.sel = i;
	ui_prompt_open(ui, PROMPT_SORT, "");
	return REDRAW_OVERLAY;
}

/* > and <: the next or previous visible column as the sort key. */
static int sort_step(struct ui *ui, int step)
{
	int keys[TABLE_MAX_COLS];
	size_t n = ui_sort_choices(ui, keys, TABLE_MAX_COLS), at = 0;

	if (!n)
		return REDRAW_NONE;
	for (size_t i = 0; i < n; i++)
		if (keys[i] == current_sort(ui))
			at = i;
	ui_sort_set(ui, keys[(at + (size_t)((int)n + step)) % n]);
	return REDRAW_DATA | REDRAW_TABLES | REDRAW_STATUS;
}

static int act_sort_next(struct ui *ui) { return sort_step(ui, 1); }
static int act_sort_prev(struct ui *ui) { return sort_step(ui, -1); }

static int act_invert(struct ui *ui)
{
	if (ui_fam_focused(ui))
		ui_fam_focused(ui)->ascending = !ui_fam_focused(ui)->ascending;
	else if (ui->focus == TABLE_CLIENTS)
		ui->clients.ascending = !ui->clients.ascending;
	else
		focused(ui)->ascending = !focused(ui)->ascending;
	return REDRAW_DATA | REDRAW_TABLES;
}

/* htop's sort keys, where lattop has the same idea. */
static int act_sort_time(struct ui *ui)
{
	if (ui->focus == TABLE_CLIENTS) {
		ui_set_status(ui, false, "T sorts by time: not in the clients table (F6: its columns)");
		return REDRAW_STATUS;
	}
	ui_sort_set(ui, ui->focus == TABLE_FAMILY ? FAM_COL_SHARE : VIEW_SORT_TIME);
	return REDRAW_DATA | REDRAW_TABLES | REDRAW_STATUS;
}

static int act_sort_p99(struct ui *ui)
{
	ui_sort_set(ui, ui->focus == TABLE_CLIENTS ? CLIENT_SORT_P99 :
			ui->focus == TABLE_FAMILY ? FAM_COL_P99 : VIEW_SORT_P99);
	return REDRAW_DATA | REDRAW_TABLES | REDRAW_STATUS;
}

static int act_pause(struct ui *ui)
{
	ui->paused = !ui->paused;
	collector_pause(ui->c, ui->paused);	/* a replay stops too; live collection goes on */
	/* The ring slot will be reused while paused: draw from a private copy. */
	if (ui->paused && ui->snap && snapshot_copy(&ui->paused_copy, ui->snap) == 0)
		ui->snap = &ui->paused_copy;
	else if (!ui->paused)
		ui->snap = ui->latest;
	if (collector_seekable(ui->c))
		ui_set_status(ui, false, ui->paused ? "paused: the replay waits; Space resumes, "
				      ". , step, [ ] jump" : "resumed: replaying");
	else
		ui_set_status(ui, false, ui->paused ? "paused: collection continues, Space resumes" :
						      "resumed: showing the latest tick");
	return REDRAW_DATA | REDRAW_ALL;
}

/* Replay: steps and jumps pause the replay; the collector publishes the tick at once. */
static int replay_move(struct ui *ui, enum source_seek how, const char *what)
{
	if (!collector_seekable(ui->c)) {
		ui_set_status(ui, true, "%s: only in a replay (lattop replay FILE)", what);
		return REDRAW_STATUS;
	}
	if (!ui->paused)
		act_pause(ui);
	collector_seek(ui->c, how);
	ui_set_status(ui, false, "%s (paused; Space resumes)", what);
	return REDRAW_ALL;
}

static int act_step_fwd(struct ui *ui) { return replay_move(ui, SOURCE_SEEK_NEXT, "next tick"); }
static int act_step_back(struct ui *ui) { return replay_move(ui, SOURCE_SEEK_BACK, "previous tick"); }
static int act_jump_start(struct ui *ui) { return replay_move(ui, SOURCE_SEEK_START, "first tick"); }
static int act_jump_end(struct ui *ui) { return replay_move(ui, SOURCE_SEEK_END, "last tick"); }

static int change_interval(struct ui *ui, bool longer)
{
	uint64_t ns = collector_interval(ui->c);

	if (collector_seekable(ui->c)) {
		ui_set_status(ui, true, "a replay keeps the recorded intervals (replay --speed N)");
		return REDRAW_STATUS;
	}
	/* Round rungs, bounded: applied at once (the collector reschedules this tick). */
	ns = interval_ladder_step(ns, longer);
	collector_set_interval(ui->c, ns);
	ui_set_status(ui, false, "interval %gs%s", (double)ns / 1e9,
		      ns == interval_ladder_ns[longer ? interval_ladder_len - 1 : 0] ?
		      (longer ? " (the longest; - shortens)" : " (the shortest; + lengthens)") : "");
	return REDRAW_HEADER | REDRAW_STATUS;
}

static int act_slower(struct ui *ui) { return change_interval(ui, true); }
static int act_faster(struct ui *ui) { return change_interval(ui, false); }

static int act_cumulative(struct ui *ui)
{
	ui->cumulative = !ui->cumulative;
	ui_set_status(ui, false, ui->cumulative ? "cumulative: totals since start" :
						  "interval: this tick only");
	return REDRAW_DATA | REDRAW_ALL;
}

static int act_fine(struct ui *ui)
{
	ui->fine_hist = !ui->fine_hist;
	return REDRAW_TABLES;
}

static int act_heatmap(struct ui *ui)
{
	ui->heatmap = !ui->heatmap;
	ui_set_status(ui, false, ui->heatmap ? "heatmap: the selected row's latency over the last "
		      "ticks (H: histogram)" : "histogram of this tick (H: heatmap)");
	return REDRAW_TABLES | REDRAW_STATUS;
}

int ui_theme_step(struct ui *ui, int dir)
{
	char msg[256];

	ui->theme_idx = (ui->theme_idx + (dir < 0 ? theme_count - 1 : 1)) % theme_count;
	theme_apply(theme_names[ui->theme_idx], ui->o->themes_dir, ui->o->no_color, msg,
		    sizeof(msg));
	if (msg[0])
		ui_set_status(ui, true, "%s", msg);
	else
		ui_set_status(ui, false, "theme %s", theme_names[ui->theme_idx]);
	return REDRAW_ALL;
}

static int act_theme(struct ui *ui) { return ui_theme_step(ui, 1); }

static int act_redraw(struct ui *ui)
{
	(void)ui;
	return REDRAW_HARD | REDRAW_ALL;
}

/* On a small terminal the clients table has no area of its own: it takes the processes pane. */
static int act_clients(struct ui *ui)
{
	if (!ui->o->clients) {
		ui_set_status(ui, true, "clients: not collected in this run");
		return REDRAW_STATUS;
	}
	ui->clients.in_procs = !ui->clients.in_procs;
	if (ui->clients.in_procs)
		ui->fam_pane = 0;	/* one table at a time in the processes pane */
	if (ui->clients.in_procs)
		ui->cgroups.open = false;
	if (ui->clients.in_procs)
		ui->focus = TABLE_CLIENTS;
	else if (ui->focus == TABLE_CLIENTS && !ui_clients_visible(ui))
		ui->focus = TABLE_PROCS;
	return REDRAW_TABLES;
}

/* The work view (default) hides calls that waited for an event; the waits view adds them. */
static int act_waits(struct ui *ui)
{
	ui->show_waits = !ui->show_waits;	/* the selection keeps its row when it is still shown */
	ui_set_status(ui, false, ui->show_waits ?
		      "waits view: sleeps, polls, futex waits, idle reads shown (w: work view)" :
		      "work view: calls that waited for an event hidden (w shows them)");
	return REDRAW_DATA | REDRAW_ALL;
}

/*
 * Keys an htop user presses by habit. Each either does what lattop has of
 * the same idea or says why not: a key never does nothing silently.
 */
static int say(struct ui *ui, const char *what)
{
	ui_set_status(ui, false, "%s", what);
	return REDRAW_STATUS;
}

static int act_htop_tree(struct ui *ui)
{
	return say(ui, "F5: no process tree here; Enter on a process shows its syscalls");
}

static int act_htop_nice(struct ui *ui)
{
	return say(ui, "F7/F8: lattop does not change priorities; it only observes");
}

static int act_htop_kill(struct ui *ui)
{
	return say(ui, "F9: lattop sends no signals; it only observes (q quits lattop)");
}

static int act_htop_misc(struct ui *ui)
{
	return say(ui, "x u M: no file locks, users or memory here; p picks a process, / filters");
}

int ui_key_unbound(struct ui *ui, int key)
{
	const char *name = keyname(key);

	ui_set_status(ui, false, "key %s does nothing here; ? lists the keys", name ? name : "?");
	return REDRAW_STATUS;
}

/* 'O': lattop's own activity (its map reads, terminal writes) is hidden by default. */
static int act_own(struct ui *ui)
{
	ui->show_own = !ui->show_own;
	ui_set_status(ui, false, ui->show_own ? "lattop's own rows shown (O hides them)" :
						"lattop's own rows hidden (O shows them)");
	return REDRAW_DATA | REDRAW_ALL;
}

/* 'B': the kernel's BPF run-time statistics, held on by lattop's own fd while wanted. */
static int act_bpf_stats(struct ui *ui)
{
	bool on = !ui->chrome.bpf_stats_held;
	int ret = collector_hold_bpf_stats(ui->c, on);

	if (ret == -EOPNOTSUPP) {
		ui_set_status(ui, true, "bpf stats: only when tracing live (not replay or simulation)");
		return REDRAW_STATUS;
	}
	if (ret) {
		ui_set_status(ui, true, "bpf stats: cannot turn on: %s", strerror(-ret));
		return REDRAW_STATUS;
	}
	ui->chrome.bpf_stats_held = on;
	if (on)
		ui_set_status(ui, false, "BPF stats on: the header shows each probe family's run "
			      "time from the next tick; they cost a little on every BPF run (B: off)");
	else
		ui_set_status(ui, false, "BPF stats released (still on if kernel.bpf_stats_enabled=1 "
			      "or another tool holds them)");
	ui->status_warn = on;
	return REDRAW_STATUS;
}

/* 'f': the family tables (run queue, block I/O) in turn in the processes pane. */
static int act_families(struct ui *ui) { return ui_fam_cycle(ui); }

/* 'S': the selected row's stacks of slow calls (--slow). */
static int act_stacks(struct ui *ui) { return ui_stacks_toggle(ui); }

/* 'D': the --slow threshold from the dashboard, as a duration or "off". */
static int act_slow(struct ui *ui)
{
	char now[24] = "";

	if (ui->snap && ui->snap->slow_ns)
		fmt_duration_ns(now, sizeof(now), ui->snap->slow_ns);
	ui_prompt_open(ui, PROMPT_SLOW, now);
	return REDRAW_STATUS;
}

static int act_snapshot(struct ui *ui)
{
	ui_snapshot_write(ui);
	return REDRAW_STATUS;
}

const struct key_binding key_table[] = {
	{ "q F10", "quit", act_quit, { 'q', KEY_F(10), 0 } },
	{ "? h F1", "this help (Esc closes)", act_help, { '?', 'h', KEY_F(1), 0 } },
	{ "Tab S-Tab", "next / previous pane: syscalls, processes, histogram (Up/Down scroll it, "
	  "Home re-centres), clients (when shown; C shows them)", act_next_pane, { KEY_TAB, 0 } },
	{ "", "", act_prev_pane, { KEY_BTAB, 0 } },
	{ "Up k", "move up", act_up, { KEY_UP, 'k', 0 } },
	{ "Down j", "move down", act_down, { KEY_DOWN, 'j', 0 } },
	{ "PgUp PgDn", "move a page", act_pgup, { KEY_PPAGE, 0 } },
	{ "", "", act_pgdn, { KEY_NPAGE, 0 } },
	{ "Home End", "first / last row", act_home, { KEY_HOME, 0 } },
	{ "", "", act_end, { KEY_END, 0 } },
	{ "Enter", "drill down: syscall -> processes, process -> syscalls; client -> its histogram",
	  act_enter,
	  { '\n', '\r', KEY_ENTER, 0 } },
	{ "Esc Bksp", "back (to the row you drilled from); unpin a client", act_back,
	  { KEY_ESCAPE, KEY_BACKSPACE, 127, 0 } },
	{ "F", "follow the selected row: it stays selected when it leaves the view and comes "
	  "back (the selection always keeps its row across re-sorts)", act_follow, { 'F', 0 } },
	{ "/ F4", "filter as you type: NAME pid:N sys:a,b ip:ADDR[/BITS] port:N dev:NAME fn:TEXT "
	  "cg:TEXT (Enter "
	  "keeps, "
	  "Esc restores, Esc on empty clears, Ctrl-U empties)", act_filter, { '/', KEY_F(4), 0 } },
	{ "F3", "search: jump to a row whose name contains the text (F3 again or n: next)",
	  act_search, { KEY_F(3), 0 } },
	{ "n", "next search match", act_search_next, { 'n', 0 } },
	{ "p", "pick a process to filter on (type to jump)", act_pick_process, { 'p', 0 } },
	{ "y", "pick a syscall to filter on (type to jump)", act_pick_syscall, { 'y', 0 } },
	{ "G", "pick a cgroup (container, pod, service) to filter on: sets the cg: term (type to "
	  "jump)", act_pick_cgroup, { 'G', 0 } },
	{ "F6", "sort menu: the columns shown", act_sort_menu, { KEY_F(6), 0 } },
	{ "> <", "sort by the next / previous column shown", act_sort_next, { '>', 0 } },
	{ "", "", act_sort_prev, { '<', 0 } },
	{ "I", "invert the sort order (names A-Z and numbers biggest first by default)", act_invert,
	  { 'I', 0 } },
	{ "T P", "sort by TIME% / by P99 (as htop's T and P)", act_sort_time, { 'T', 0 } },
	{ "", "", act_sort_p99, { 'P', 0 } },
	{ "F5 F7 F8 F9 x u M", "htop keys with no lattop meaning: the status line says what to "
	  "use instead", act_htop_tree, { KEY_F(5), 0 } },
	{ "", "", act_htop_nice, { KEY_F(7), KEY_F(8), 0 } },
	{ "", "", act_htop_kill, { KEY_F(9), 0 } },
	{ "", "", act_htop_misc, { 'x', 'u', 'M', 0 } },
	{ "Space Z", "pause the display (collection continues; a replay waits)", act_pause,
	  { ' ', 'Z', 0 } },
	{ ". ,", "replay: one tick forward / back (pauses)", act_step_fwd, { '.', 0 } },
	{ "", "", act_step_back, { ',', 0 } },
	{ "[ ]", "replay: jump to the first / last tick (pauses)", act_jump_start, { '[', 0 } },
	{ "", "", act_jump_end, { ']', 0 } },
	{ "+ -", "longer / shorter interval: 0.1 0.2 0.5 1 2 5 10 30 60 s, applied at once", act_slower, { '+', '=', 0 } },
	{ "", "", act_faster, { '-', 0 } },
	{ "w", "work view (default: calls that waited for an event hidden) vs waits view (all "
	  "calls, wait rows marked \"(wait)\")", act_waits, { 'w', 0 } },
	{ "c", "interval vs cumulative values", act_cumulative, { 'c', 0 } },
	{ "C", "clients table in place of the processes pane", act_clients, { 'C', 0 } },
	{ "g", "Containers pane in place of the processes pane: per cgroup (systemd unit, "
	  "container, pod) processes, calls, errors, worst p99 and its syscall, requests; Enter: "
	  "its processes (filter cg:NAME), Enter again: a process's syscalls; Esc: back",
	  act_containers, { 'g', 0 } },
	{ "f", "run queue, then block I/O, then functions (when traced: -u, --usdt), then "
	  "processes again in the processes pane (same keys: "
	  "filter, sort, F6, I, F, search; Enter: the histogram's parts, queue / device; Esc: "
	  "processes)", act_families, { 'f', 0 } },
	{ "l", "histogram: powers of two vs finer log-linear buckets", act_fine, { 'l', 0 } },
	{ "H", "histogram pane: the selected row's latency heatmap over the last ticks (a replay: "
	  "the whole recording) vs this tick's histogram", act_heatmap, { 'H', 0 } },
	{ "t", "next colour theme", act_theme, { 't', 0 } },
	{ "F2", "setup: theme, interval, sorts, hidden columns, waits view; saved to lattoprc",
	  pane_setup_toggle, { KEY_F(2), 0 } },
	{ "O", "show / hide lattop's own rows (hidden by default)", act_own, { 'O', 0 } },
	{ "B", "BPF run-time statistics on/off (kernel.bpf_stats_enabled; costs a little per "
	  "call): the header shows each probe family's BPF time per second", act_bpf_stats,
	  { 'B', 0 } },
	{ "S", "stacks of the selected row's slow calls (--slow): slowest first, counts, max, "
	  "kernel and user frames; scrolls (Up/Down, PgUp/PgDn); Enter in the histogram opens it "
	  "too; S or Esc closes", act_stacks, { 'S', 0 } },
	{ "D", "--slow threshold: type a duration (5ms, 500us) or off; stacks of slower calls "
	  "from the next tick", act_slow, { 'D', 0 } },
	{ "s", "snapshot the screen and the tick's data to files (with the selected row's stacks)",
	  act_snapshot, { 's', 0 } },
	{ "Ctrl-L", "redraw the terminal", act_redraw, { CTRL('l'), 0 } },
};
const size_t key_table_len = sizeof(key_table) / sizeof(key_table[0]);

void ui_keys_markdown(FILE *out)
{
	fputs("| keys | action |\n| --- | --- |\n", out);
	for (size_t i = 0; i < key_table_len; i++)
		if (key_table[i].keys[0])
			fprintf(out, "| `%s` | %s |\n", key_table[i].keys, key_table[i].help);
}
