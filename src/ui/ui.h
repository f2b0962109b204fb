/*
 * ui.h - the interactive curses dashboard. Consumes snapshots from the
 * collector's ring; never touches BPF. Runs on the main thread.
 */
#ifndef LATTOP_UI_UI_H
#define LATTOP_UI_UI_H

#include <stdbool.h>
#include <stdio.h>

#include "collect/collector.h"
#include "core/filter.h"

struct ui_opts {
	const char *theme;		/* name in the themes dir, or a path; NULL = default */
	const char *themes_dir;		/* where named themes live */
	bool no_color;			/* --no-color (NO_COLOR is checked by the UI itself) */
	bool mouse;			/* --mouse */
	bool cumulative;		/* start in cumulative mode */
	const char *snapshot_dir;	/* for the 's' hotkey; NULL = "." */
	const struct filter *filter;	/* initial filter (from -p/-c/-s); may be NULL */
	const char *features;		/* one line: what collection is active and what is not, and why */
	const char *host;		/* shown in the header */
	const char *kernel;
	bool clients;			/* the source collects per-client tables */
	unsigned long long replay_ticks;	/* replay: ticks in the recording (0: live) */
	const char *const *slo;		/* --slo thresholds (run --assert grammar), already checked */
	size_t n_slo;
	bool no_config;			/* --no-config or record: no settings file read or written */
	bool interval_given;		/* -i given: the settings file's interval does not apply */
	const char *replay_path;	/* replay: the recording (the heatmap reads all of it) */
	unsigned int max_keys;		/* --max-keys / --max-clients: named in remedies */
	unsigned int max_clients;
	/*
	 * The fleet view: narrow the syscall rows to the @n hosts @names (0:
	 * every host) from the source's next tick. Main thread; NULL when not a fleet.
	 */
	void (*fleet_select)(void *ctx, const char *const *names, size_t n);
	void *fleet_ctx;
};

/*
 * Main thread. Take over the terminal, run until the operator quits, a
 * terminating signal arrives, the terminal goes away, or the collector
 * stops; restore the terminal on every path. 0 on a normal quit, a negative
 * errno otherwise (the caller prints the message after the terminal is back).
 */
int ui_run(struct collector *c, const struct ui_opts *o);

/* Main thread, before anything slow: can the dashboard run here? 0 or -errno, reason in @err. */
int ui_check_terminal(char *err, size_t errlen);

/* The key table as a Markdown table (for --keys and the README). */
void ui_keys_markdown(FILE *out);

/* The column glossary (ui/columns.c) as a Markdown table: `lattop --columns`, the README. */
void ui_columns_markdown(FILE *out);

#endif
