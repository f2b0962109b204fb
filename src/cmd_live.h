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

/* Where themes are: $LATTOP_THEMES_DIR, ./themes, ../themes beside the binary, the installed ones. */
const char *lattop_themes_dir(void);

#endif
