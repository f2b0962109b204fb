/*
 * settings.h - the dashboard's settings file, lattoprc (htop keeps htoprc):
 * one `key = value` per line, `#` starts a comment line, blank lines are
 * skipped.
 *
 *	theme = NAME | /ABSOLUTE/PATH      a shipped theme, or a theme file
 *	interval = SECONDS                 0.1 to 60, snapped to the ladder
 *	                                   0.1 0.2 0.5 1 2 5 10 30 60 (an "s" may follow)
 *	sort.syscalls = KEY [asc]          KEY as view_sort_name() prints it
 *	sort.processes = KEY [asc]
 *	sort.clients = KEY [asc]           KEY as client_sort_name() prints it
 *	hide.syscalls = TITLE,TITLE        column titles as the tables show them
 *	hide.processes = TITLE,...         (case does not matter); empty: none hidden
 *	hide.clients = TITLE,...
 *	waits = on | off                   the waits view (key w)
 *	slo = EXPR                         repeatable: a threshold in run --assert's grammar
 *
 * A bad line is reported as "FILE:LINE: reason" and ignored; the other
 * lines still apply. Pure: no I/O (the file itself: ui/settings_file.h), no
 * curses. Which columns and themes exist is passed in (struct settings_schema).
 */
#ifndef LATTOP_UI_SETTINGS_H
#define LATTOP_UI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/interval_ladder.h"

/* The tables whose sort and hidden columns are kept; same order as enum ui_cols. */
enum settings_table { SETTINGS_SYSCALLS, SETTINGS_PROCESSES, SETTINGS_CLIENTS, SETTINGS_TABLE_NR };

#define SETTINGS_THEME_LEN 128
#define SETTINGS_SLO_MAX 16
#define SETTINGS_SLO_LEN 128
#define SETTINGS_COLS_MAX 32		/* hidden columns are a uint32_t bit mask */
#define SETTINGS_LINE_MAX 512		/* a longer line is a bad line */
#define SETTINGS_FILE_MAX 65536		/* a bigger file is not read */
#define SETTINGS_PROBLEMS_MAX 8		/* bad lines whose message is kept */
#define SETTINGS_PROBLEM_LEN 256

/* The interval ladder (core/interval_ladder.h, the one '+' and '-' use), in ms. */
#define SETTINGS_INTERVAL_STEPS ((int)interval_ladder_len)
#define settings_interval_ladder_ms(i) ((uint32_t)(interval_ladder_ns[i] / 1000000u))

/* What the dashboard has: theme names and each table's column titles. */
struct settings_schema {
	const char *const *themes;	/* NULL: any theme name is accepted */
	size_t n_themes;
	const char *const *cols[SETTINGS_TABLE_NR];	/* titles, index = column */
	size_t n_cols[SETTINGS_TABLE_NR];		/* at most SETTINGS_COLS_MAX */
};

struct ui_settings {
	char theme[SETTINGS_THEME_LEN];
	uint32_t interval_ms;			/* always a ladder step */
	int sort[SETTINGS_TABLE_NR];		/* enum view_sort (0..VIEW_SORT_NR), enum client_sort */
	bool sort_asc[SETTINGS_TABLE_NR];
	uint32_t hidden[SETTINGS_TABLE_NR];	/* bit i: column i hidden */
	bool waits;
	size_t n_slo;
	char slo[SETTINGS_SLO_MAX][SETTINGS_SLO_LEN];	/* as written, each one parses */
};

/* Bad lines of one parse: how many, and the messages of the first few. */
struct settings_problems {
	size_t n;
	char msg[SETTINGS_PROBLEMS_MAX][SETTINGS_PROBLEM_LEN];	/* "FILE:LINE: reason" */
};

/* Sort keys a table offers: view sorts (with "nr") for syscalls and processes, client sorts. */
int settings_sort_count(enum settings_table t);
const char *settings_sort_name(enum settings_table t, int sort);

/* What lattop uses without a file: theme default, 1 s, sort by time / requests, all shown. */
void settings_defaults(struct ui_settings *s);

/*
 * Apply @len bytes of @text (need not be NUL-terminated; a NUL byte makes
 * its line bad) over @s. Lines are numbered from 1; @file names the file in
 * messages. @p (may be NULL) receives the bad lines. Returns how many lines
 * were bad.
 */
size_t settings_parse(struct ui_settings *s, const struct settings_schema *sc, const char *text,
		      size_t len, const char *file, struct settings_problems *p);

/*
 * The file text for @s, every key written, NUL-terminated. Returns its
 * length, or -ENOSPC when @len is too small (16 KiB always suffices).
 */
int settings_format(const struct ui_settings *s, const struct settings_schema *sc, char *buf,
		    size_t len);

bool settings_equal(const struct ui_settings *a, const struct ui_settings *b);

/* The ladder step nearest to @seconds (by ratio), or 0 when outside 0.1..60 s or not a number. */
uint32_t settings_interval_snap_ms(double seconds);

/* The step @dir (+1 longer, -1 shorter) from @ms's nearest step, clamped to the ends. */
uint32_t settings_interval_step_ms(uint32_t ms, int dir);

#endif
