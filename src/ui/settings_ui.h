/*
 * settings_ui.h - the settings file as the dashboard uses it: read at start
 * and applied under the command line (which wins), edited on the F2 setup
 * screen (ui/pane_setup.c), saved when a setting changed there and on quit.
 * Only what the operator changed in this session is written: a value that
 * came from the command line stays out of the file. Main thread only.
 */
#ifndef LATTOP_UI_SETTINGS_UI_H
#define LATTOP_UI_SETTINGS_UI_H

#include <curses.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/settings.h"
#include "ui/table.h"

struct ui;

struct settings_ui {
	char path[PATH_MAX];		/* "" without a usable home */
	bool no_write;			/* --no-config, no path, or a file that was not read */
	char why_not[256];		/* why it is not read or written, for the status line */
	struct ui_settings file;	/* as read (defaults without a file), or as last saved */
	struct ui_settings start;	/* as applied at start, or at the last save */
	size_t start_theme_idx;
	uint32_t replay_interval_ms;	/* a replay keeps its intervals: the setting is only kept */
	struct settings_problems problems;	/* bad lines when the file was read */
	const char *titles[SETTINGS_TABLE_NR][TABLE_MAX_COLS];
	struct settings_schema schema;
	/* The F2 setup screen. */
	bool open;
	int sel;			/* selected setting */
	int sub;			/* -1, or the table whose columns are listed (Space toggles) */
	int sub_sel;
};

/* ui_init, after the defaults: read the file, apply it where the command line did not. */
void settings_ui_load(struct ui *ui);

/* The theme to apply at start: --theme, else the file's. */
const char *settings_ui_theme(const struct ui *ui);

/* The settings as the dashboard has them now (theme, interval, sorts, hidden, waits). */
void settings_ui_gather(const struct ui *ui, struct ui_settings *now);

/*
 * Save what changed since start (or the last save) over what the file had.
 * 1 saved, 0 nothing changed or --no-config, or a negative errno; a line
 * for the status bar in @msg either way.
 */
int settings_ui_save(struct ui *ui, char *msg, size_t len);

/* The F2 setup screen: open/close (saving on close), its keys, its drawing. */
int pane_setup_toggle(struct ui *ui);
int pane_setup_key(struct ui *ui, int key);
void pane_setup_draw(struct ui *ui, WINDOW *w);

#endif
