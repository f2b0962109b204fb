/*
 * theme_parse.h - theme files, parsed without curses so they can be tested
 * and fuzzed. A theme file is lines of
 *     role = colour [on colour] [attr ...]     # comment
 * colour: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-<name>, or 0-255; attr: bold, dim, reverse, underline, standout,
 * italic. Unknown roles and bad values are reported with file:line and the
 * role keeps its default.
 */
#ifndef LATTOP_UI_THEME_PARSE_H
#define LATTOP_UI_THEME_PARSE_H

#include <stddef.h>

/* Colour roles: one table, with the built-in default of each (fg, bg, attrs). */
#define THEME_ROLES(X)                                                  \
	X(normal, THEME_DEFAULT, THEME_DEFAULT, 0)                      \
	X(header, 15, 24, THEME_ATTR_BOLD)                              \
	X(title, 14, THEME_DEFAULT, THEME_ATTR_BOLD)                    \
	X(table_head, 0, 6, 0)                                          \
	X(selected, 0, 14, 0)                                           \
	X(selected_inactive, 0, 7, 0)                                   \
	X(bar, 2, THEME_DEFAULT, 0)                                     \
	X(p50, 3, THEME_DEFAULT, THEME_ATTR_BOLD)                       \
	X(p99, 1, THEME_DEFAULT, THEME_ATTR_BOLD)                       \
	X(error, 1, THEME_DEFAULT, THEME_ATTR_BOLD)                     \
	X(status, 11, THEME_DEFAULT, 0)                                 \
	X(footer_key, 0, 6, 0)                                          \
	X(footer_text, THEME_DEFAULT, THEME_DEFAULT, 0)                 \
	X(paused, 0, 3, THEME_ATTR_BOLD)                                \
	X(dim, 8, THEME_DEFAULT, 0)                                     \
	X(table_sort, 0, 3, THEME_ATTR_BOLD)                            \
	X(warn, 3, THEME_DEFAULT, THEME_ATTR_BOLD)                      \
	X(breach, 1, THEME_DEFAULT, THEME_ATTR_BOLD)                    \
	/* heatmap cells, fewest to most calls: background shades (no colour: a density ramp) */ \
	X(heat1, THEME_DEFAULT, 17, 0)                                  \
	X(heat2, THEME_DEFAULT, 25, 0)                                  \
	X(heat3, THEME_DEFAULT, 35, 0)                                  \
	X(heat4, THEME_DEFAULT, 178, 0)                                 \
	X(heat5, THEME_DEFAULT, 196, 0)

#define THEME_DEFAULT (-1)

enum theme_attr {
	THEME_ATTR_BOLD = 1 << 0,
	THEME_ATTR_DIM = 1 << 1,
	THEME_ATTR_REVERSE = 1 << 2,
	THEME_ATTR_UNDERLINE = 1 << 3,
	THEME_ATTR_STANDOUT = 1 << 4,
	THEME_ATTR_ITALIC = 1 << 5,
};

#define THEME_ROLE_ENUM(name, fg, bg, attrs) THEME_ROLE_##name,
enum theme_role { THEME_ROLES(THEME_ROLE_ENUM) THEME_ROLE_NR };
#undef THEME_ROLE_ENUM

struct theme_style {
	int fg;			/* 0-255 or THEME_DEFAULT */
	int bg;
	unsigned int attrs;	/* enum theme_attr bits */
};

struct theme {
	struct theme_style roles[THEME_ROLE_NR];
	int max_colour;		/* highest colour index used; tells how many colours it needs */
};

/* The built-in defaults. */
void theme_defaults(struct theme *t);

const char *theme_role_name(enum theme_role role);

/*
 * Parse @len bytes of @text (the contents of @file, used in messages) over
 * the current values of @t. Each problem calls @warn with "file:line: what"
 * and is otherwise skipped. Returns the number of warnings.
 */
int theme_parse(struct theme *t, const char *text, size_t len, const char *file,
		void (*warn)(const char *msg, void *ctx), void *ctx);

#endif
