/*
 * keys.h - the key table: every binding, its action and its help text. The
 * help screen and the README's key list are generated from it.
 */
#ifndef LATTOP_UI_KEYS_H
#define LATTOP_UI_KEYS_H

#include <stddef.h>

struct ui;

struct key_binding {
	const char *keys;	/* as shown to the operator */
	const char *help;
	int (*action)(struct ui *ui);
	int codes[4];		/* curses key codes, 0-terminated */
};

extern const struct key_binding key_table[];
extern const size_t key_table_len;

#endif
