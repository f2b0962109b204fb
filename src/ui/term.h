/*
 * term.h - owning the terminal: curses set-up, and its restoration on every
 * exit path (normal, SIGINT/SIGTERM/SIGHUP via a self-pipe, fatal signals via
 * async-signal-safe writes). Main thread only.
 */
#ifndef LATTOP_UI_TERM_H
#define LATTOP_UI_TERM_H

#include <stdbool.h>

/* Take the terminal. 0 or negative errno (not a terminal, no terminfo). */
int term_open(bool mouse);

/* Give it back. Idempotent; safe to call when term_open failed. */
void term_close(void);

/* Readable when SIGINT, SIGTERM or SIGHUP arrived. */
int term_signal_fd(void);

/* The signal that arrived, or 0 (drains the self-pipe). */
int term_take_signal(void);

#endif
