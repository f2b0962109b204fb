/* cmd_live.h - the live path (no command word, record, replay, serve); see cmd_live.c. */
#ifndef LATTOP_CMD_LIVE_H
#define LATTOP_CMD_LIVE_H

#include "core/options.h"

/*
 * Runs until the ticks end or a stop signal. @closed_fds: bit i set when fd
 * i was closed at start (main.c reopened it on /dev/null). Returns the exit
 * status: 0 ok, 1 runtime failure, 2 usage error or bad recording.
 */
int cmd_live(int argc, char **argv, struct options *o, unsigned int closed_fds);

struct collector;
struct filter;
struct snapshot;

/*
 * Batch text or JSON (or nothing, o->output NONE): one report per published
 * snapshot, in order of arrival; @on_tick (may be NULL) sees each first. A
 * stop signal asks the collector for the partial tick so far (marked final),
 * written like any other before the loop ends. 0 (a reader that went away,
 * EPIPE, is a quiet end), or -errno with a one-line reason in @err for a
 * write error, or the collector's error.
 */
int cmd_stream(struct collector *c, const struct options *o, const struct filter *f,
	       void (*on_tick)(const struct snapshot *s, void *ctx), void *ctx, char *err,
	       size_t errlen);

/* Where themes are: $LATTOP_THEMES_DIR, ./themes, ../themes beside the binary, the installed ones. */
const char *lattop_themes_dir(void);

#endif
