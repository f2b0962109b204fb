/*
 * term.h - owning the terminal: curses set-up, and its restoration on every
 * exit path (normal; stop signals come through collect/consumer.h's
 * self-pipe; fatal signals via async-signal-safe writes). Main thread only.
 */
#ifndef LATTOP_UI_TERM_H
#define LATTOP_UI_TERM_H

#include <stdbool.h>

/*
 * Whether the dashboard can take the terminal: stdin and stdout are ttys,
 * TERM is set and terminfo knows it. 0, or -ENOTTY/-ENOTSUP with one line
 * in @err (before anything else starts, so lattop fails fast and clearly).
 */
int term_check(char *err, size_t errlen);

/* Take the terminal. 0 or negative errno (not a terminal, no terminfo). */
int term_open(bool mouse);

/* Give it back. Idempotent; safe to call when term_open failed. */
void term_close(void);

#endif
