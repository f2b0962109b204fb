/*
 * ui.c - the dashboard's loop: poll the terminal, the collector's wake fd and
 * the signal pipe; take the newest snapshot; handle keys; draw a frame.
 *
 * Frame discipline for slow links: each pane is werase'd, drawn and
 * wnoutrefresh'ed into its own window, then one doupdate() sends only what
 * changed. Nothing is drawn between snapshots unless a key asks for it.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/consumer.h"
#include "core/sanitize.h"
#include "ui/draw.h"
#include "ui/header.h"
#include "ui/keys.h"
#include "ui/proc_cmdline.h"
#include "ui/term.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

/* Reads that return nothing although poll said "readable": the terminal is gone. */
#define TTY_DEAD_READS 8

void ui_set_status(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof(ui->status), fmt, ap);
	va_end(ap);
	ui->status_error = error;
	ui->status_warn = false;
	ui->status_stale = true;
}

static void windows_free(struct ui *ui)
{
	for (int i = 0; i < AREA_NR; i++) {
		if (ui->win[i])
			delwin(ui->win[i]);
		ui->win[i] = NULL;
	}
}

static void relayout(struct ui *ui)
{
	windows_free(ui);
	layout_compute(&ui->layout, LINES, COLS, ui->o->clients);
	werase(stdscr);
	/*
	 * The cursor is hidden: no window asks for it to be put back where it
	 * was drawn, which cost a cursor move (~8 bytes) at the end of every frame.
	 */
	leaveok(stdscr, TRUE);
	wnoutrefresh(stdscr);
	if (ui->layout.too_small)
		return;
	for (int i = 0; i < AREA_NR; i++) {
		const struct layout_rect *r = &ui->layout.area[i];

		if (r->h > 0 && r->w > 0)
			ui->win[i] = newwin(r->h, r->w, r->y, r->x);
		if (ui->win[i])
			leaveok(ui->win[i], TRUE);
	}
}

/*
 * The panes, in drawing order. Each is a window from the layout; a frame
 * redraws only the panes whose stale_on bits it carries.
 */
static const struct pane_ops ui_panes[] = {
	{ "header", AREA_HEADER, REDRAW_HEADER, pane_header_draw },
	{ "syscalls", AREA_SYSCALLS, REDRAW_TABLES, pane_syscalls_draw },
	{ "processes", AREA_PROCS, REDRAW_TABLES, pane_procs_draw },
	{ "histogram", AREA_HIST, REDRAW_TABLES, pane_hist_draw },
	{ "clients", AREA_CLIENTS, REDRAW_TABLES, pane_clients_draw },
	{ "status", AREA_STATUS, REDRAW_STATUS, pane_status_draw },
	{ "footer", AREA_FOOTER, REDRAW_FOOTER, pane_footer_draw },
};

static bool pane_under_help(enum layout_area area)
{
	return area != AREA_HEADER && area != AREA_STATUS && area != AREA_FOOTER;
}

/* Help and pickers are short-lived windows drawn over the panes, last. */
static void draw_overlay(struct ui *ui)
{
	WINDOW *w = NULL;

	if (ui->help || ui->cfg.open || ui->stacks_open) {
		w = newwin(LINES - 4, COLS, 2, 0);
		if (w)
			(ui->cfg.open ? pane_setup_draw : ui->help ? pane_help_draw :
			 pane_stacks_draw)(ui, w);
	} else if (ui->prompt == PICK_PROCESS || ui->prompt == PICK_SYSCALL ||
		   ui->prompt == PICK_CGROUP) {
		int h = LINES - 6, wd = COLS > 50 ? 50 : COLS - 2;

		w = newwin(h, wd, 3, (COLS - wd) / 2);
		if (w)
			pane_picker_draw(ui, w);
	} else if (ui->prompt == PROMPT_SORT) {
		int keys[TABLE_MAX_COLS];
		int n = (int)ui_sort_choices(ui, keys, TABLE_MAX_COLS);
		int h = n + 3 < LINES - 4 ? n + 3 : LINES - 4;	/* borders and the header line */

		w = newwin(h, 30, 3, 2);
		if (w)
			pane_sortmenu_draw(ui, w);
	}
	if (w) {
		leaveok(w, TRUE);
		wnoutrefresh(w);
		delwin(w);
	}
}

bool ui_overlay_open(const struct ui *ui)
{
	return ui->help || ui->cfg.open || ui->stacks_open || ui->prompt == PICK_PROCESS ||
	       ui->prompt == PICK_SYSCALL || ui->prompt == PICK_CGROUP || ui->prompt == PROMPT_SORT;
}

static void draw_frame(struct ui *ui, unsigned int redraw)
{
	bool overlay = ui_overlay_open(ui);

	if (ui->layout.too_small) {
		char msg[64];

		werase(stdscr);
		snprintf(msg, sizeof(msg), "terminal too small: %dx%d, need %dx%d", COLS, LINES,
			 LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
		draw_text(stdscr, LINES / 2, 0, COLS, msg, A_BOLD, false);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	if (redraw & REDRAW_DATA)
		redraw |= REDRAW_TABLES;
	if (ui->status_stale)
		redraw |= REDRAW_STATUS;
	ui->status_stale = false;
	for (size_t i = 0; i < sizeof(ui_panes) / sizeof(ui_panes[0]); i++) {
		const struct pane_ops *p = &ui_panes[i];
		WINDOW *w = ui->win[p->area];

		if (!w || !(redraw & p->stale_on) ||
		    ((ui->help || ui->cfg.open || ui->stacks_open) && pane_under_help(p->area)))
			continue;
		werase(w);
		p->draw(ui, w);
		wnoutrefresh(w);
	}
	/* Whatever was drawn may have covered part of the overlay: it goes on top again. */
	if (overlay)
		draw_overlay(ui);
	doupdate();
}

int ui_key(struct ui *ui, int key)
{
	if (key == KEY_RESIZE) {
		relayout(ui);
		return REDRAW_ALL;
	}
	if (ui->prompt != PROMPT_NONE)
		return ui_prompt_key(ui, key);
	if (key == KEY_MOUSE) {
		MEVENT ev;

		getmouse(&ev);	/* consumed; only enabled with --mouse */
		return REDRAW_NONE;
	}
	if (ui->cfg.open)
		return pane_setup_key(ui, key);
	if (ui->stacks_open && !ui->help) {	/* it scrolls; the other keys act as usual */
		bool handled;
		int r = ui_stacks_key(ui, key, &handled);

		if (handled)
			return r;
	}
	for (size_t i = 0; i < key_table_len; i++)
		for (int k = 0; k < 4 && key_table[i].codes[k]; k++)
			if (key_table[i].codes[k] == key)
				return key_table[i].action(ui);
	return ui_key_unbound(ui, key);
}

static void ui_init(struct ui *ui, struct collector *c, const struct ui_opts *o)
{
	memset(ui, 0, sizeof(*ui));
	ui->c = c;
	ui->o = o;
	ui->cumulative = o->cumulative;
	snapshot_init(&ui->paused_copy);
	for (int t = 0; t < TABLE_NR; t++) {
		view_init(&ui->tables[t].view);
		row_settle_init(&ui->tables[t].settle);
		ui->tables[t].sort = VIEW_SORT_TIME;
	}
	view_init(&ui->pick);
	hist_axis_reset(&ui->hist_axis);
	row_settle_init(&ui->clients.settle);
	ui_fam_init(ui);
	if (o->filter)
		ui_filter_set(ui, o->filter);
	for (size_t i = 0; i < theme_count; i++)
		if (o->theme && !strcmp(o->theme, theme_names[i]))
			ui->theme_idx = i;
	ui_set_status(ui, false, "%s", o->features ? o->features : "");
	settings_ui_load(ui);	/* after the defaults above; the command line still wins */
	ui_history_init(ui);
}

static void ui_fini(struct ui *ui)
{
	windows_free(ui);
	term_close();
	for (int t = 0; t < TABLE_NR; t++) {
		view_free(&ui->tables[t].view);
		row_settle_free(&ui->tables[t].settle);
	}
	view_free(&ui->pick);
	ui_fam_fini(ui);
	ui_cgroups_fini(ui);
	client_view_free(&ui->clients.view);
	row_settle_free(&ui->clients.settle);
	snapshot_free(&ui->paused_copy);
	proc_cmdline_free(ui->cmdlines);
	ui_history_fini(ui);
}

/* Keys until the terminal has none left; returns redraw bits, or -1 when the tty is gone. */
static int read_keys(struct ui *ui)
{
	int redraw = 0, key, got = 0;

	while ((key = getch()) != ERR) {
		got++;
		redraw |= ui_key(ui, key);
		if (redraw & REDRAW_QUIT)
			break;
	}
	return got ? redraw : -1;
}

int ui_check_terminal(char *err, size_t errlen)
{
	return term_check(err, errlen);
}

/*
 * A source's trouble (the fleet view: "prometheus: timeout after 2 s") on the
 * status line when it starts or changes, and that it is over when it is.
 */
static void ui_source_status(struct ui *ui)
{
	char clean[4 * SNAP_NOTE_LEN];
	const char *now = ui->snap ? ui->snap->note : "";

	if (!strncmp(now, ui->source_note, sizeof(ui->source_note)))
		return;
	if (now[0]) {
		sanitize_text(clean, sizeof(clean), now, SNAP_NOTE_LEN);
		ui_set_status(ui, true, "%s%s", clean, ui->snap->stale ? " (stale)" : "");
	} else {
		ui_set_status(ui, false, "%s: answering again", ui->snap->source);
	}
	snprintf(ui->source_note, sizeof(ui->source_note), "%.*s", SNAP_NOTE_LEN - 1, now);
}

int ui_run(struct collector *c, const struct ui_opts *o)
{
	struct ui ui;
	char msg[256];
	int ret, saved, dead_reads = 0, redraw = REDRAW_ALL;
	bool at_end = false;
	const char *codeset;

	setlocale(LC_ALL, "");
	codeset = nl_langinfo(CODESET);
	draw_set_ascii(!codeset || strcmp(codeset, "UTF-8"));
	ui_init(&ui, c, o);
	ret = term_open(o->mouse);
	if (ret) {
		ui_fini(&ui);
		return ret;
	}
	theme_apply(settings_ui_theme(&ui), o->themes_dir, o->no_color, msg, sizeof(msg));
	if (msg[0])
		ui_set_status(&ui, true, "%s", msg);
	relayout(&ui);
	ret = 0;
	for (;;) {
		int sig, ev;

		if (redraw & REDRAW_DATA) {
			ui_views_rebuild(&ui);
			ui_slo_eval(&ui);
			ui_slo_status(&ui);
			ui_source_status(&ui);
		}
		if (redraw & REDRAW_HARD)
			clearok(curscr, TRUE);
		if (redraw)
			draw_frame(&ui, (unsigned int)redraw);
		redraw = 0;
		ev = consumer_wait(c, STDIN_FILENO, -1, &sig);
		if (ev < 0) {
			ret = ev;
			break;
		}
		if (ev & CONSUMER_INTERRUPTED) {
			/* SIGWINCH: curses turns it into KEY_RESIZE on the next read. */
			int k = read_keys(&ui);

			redraw = k > 0 ? k : 0;
			continue;
		}
		if (ev & (CONSUMER_SIGNAL | CONSUMER_INPUT_GONE))
			break;	/* a stop signal, or the terminal went away: leave, do not spin */
		if (ev & CONSUMER_INPUT) {
			int k = read_keys(&ui);

			if (k < 0) {
				if (++dead_reads >= TTY_DEAD_READS)
					break;
			} else {
				dead_reads = 0;
				if (k & REDRAW_QUIT)
					break;
				redraw |= k;
			}
		}
		if (ev & CONSUMER_SNAPSHOT) {
			uint64_t skipped = 0;
			bool done;
			const struct snapshot *s = consumer_take(c, &skipped, &done);

			ui.skipped += skipped;
			if (s)
				ui.latest = s;
			ui_history_tick(&ui, s);
			/*
			 * Paused before the first tick arrived: show that tick, from a copy.
			 * A paused replay publishes only what a step asked for: show it.
			 */
			if (s && ui.paused && (!ui.snap || collector_seekable(c)) &&
			    snapshot_copy(&ui.paused_copy, s) == 0) {
				ui.snap = &ui.paused_copy;
				redraw |= REDRAW_DATA | REDRAW_HEADER | REDRAW_TABLES;
			}
			if (s)
				header_tick(&ui);	/* own CPU share; remedies of abnormal counters */
			if (s && !ui.paused) {
				ui.snap = s;
				/* A tick changes the numbers, not the status line or the key hints. */
				redraw |= REDRAW_DATA | REDRAW_HEADER | REDRAW_TABLES;
			}
			if (collector_at_end(c) != at_end) {
				at_end = !at_end;
				if (at_end)
					ui_set_status(&ui, false, "end of recording: , steps back, [ "
						      "jumps to the start, q quits");
				redraw |= REDRAW_HEADER | REDRAW_STATUS;
			}
			if (done) {
				ret = collector_error(c);
				break;
			}
		}
	}
	/* Quitting saves what the operator changed (nothing when nothing did). */
	saved = settings_ui_save(&ui, msg, sizeof(msg));
	ui_fini(&ui);
	if (saved < 0)
		fprintf(stderr, "lattop: %s\n", msg);
	return ret;
}
