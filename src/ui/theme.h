/*
 * theme.h - colour roles on the screen: loads a theme file (by name from the
 * themes directory, or a path), falls back to monochrome when colours are
 * off (NO_COLOR, --no-color, no colour terminal) or too few, and answers the
 * curses attribute of each role.
 */
#ifndef LATTOP_UI_THEME_H
#define LATTOP_UI_THEME_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "ui/theme_parse.h"

/* Names of the shipped themes, in the order 't' cycles through them. */
extern const char *const theme_names[];
extern const size_t theme_count;

/*
 * After term_open. Apply theme @name_or_path (NULL = "default"). Warnings
 * and errors go to @msg (one line) for the status bar. 0, or a negative errno
 * when the file could not be read (defaults are used).
 */
int theme_apply(const char *name_or_path, const char *themes_dir, bool no_color, char *msg,
		size_t msglen);

/* Curses attributes (colour pair included) of a role. */
attr_t theme_attr(enum theme_role role);

/* Does @role have a colour on this terminal and theme (false: mono, --no-color, default)? */
bool theme_role_coloured(enum theme_role role);

#endif
