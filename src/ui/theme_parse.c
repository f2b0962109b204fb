/* theme_parse.c - "role = colour [on colour] [attrs]" lines into a role table. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui/theme_parse.h"

#define ROLE_NAME(name, fg, bg, attrs) #name,
static const char *const role_names[THEME_ROLE_NR] = { THEME_ROLES(ROLE_NAME) };
#undef ROLE_NAME

#define ROLE_STYLE(name, fg, bg, attrs) { fg, bg, attrs },
static const struct theme_style role_defaults[THEME_ROLE_NR] = { THEME_ROLES(ROLE_STYLE) };
#undef ROLE_STYLE

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static const struct {
	const char *name;
	unsigned int bit;
} attr_names[] = {
	{ "bold", THEME_ATTR_BOLD },	       { "dim", THEME_ATTR_DIM },
	{ "reverse", THEME_ATTR_REVERSE },     { "underline", THEME_ATTR_UNDERLINE },
	{ "standout", THEME_ATTR_STANDOUT },   { "italic", THEME_ATTR_ITALIC },
};

/* Highest colour index any role uses, after all lines: what the terminal must offer. */
static void update_max_colour(struct theme *t)
{
	t->max_colour = 7;
	for (int i = 0; i < THEME_ROLE_NR; i++) {
		if (t->roles[i].fg > t->max_colour)
			t->max_colour = t->roles[i].fg;
		if (t->roles[i].bg > t->max_colour)
			t->max_colour = t->roles[i].bg;
	}
}

void theme_defaults(struct theme *t)
{
	memcpy(t->roles, role_defaults, sizeof(t->roles));
	update_max_colour(t);
}

const char *theme_role_name(enum theme_role role)
{
	return (unsigned int)role < THEME_ROLE_NR ? role_names[role] : "?";
}

/* Colour word to index; -2 when it is not a colour. */
static int parse_colour(const char *w)
{
	char *end;
	long v;
	int bright = 0;

	if (!strcasecmp(w, "default"))
		return THEME_DEFAULT;
	if (!strncasecmp(w, "bright-", 7)) {
		bright = 8;
		w += 7;
	}
	for (int i = 0; i < 8; i++)
		if (!strcasecmp(w, colour_names[i]))
			return i + bright;
	if (bright || !*w)
		return -2;
	v = strtol(w, &end, 10);
	if (*end || v < 0 || v > 255 || (w[0] == '0' && w[1]))
		return -2;
	return (int)v;
}

static int parse_attr(const char *w, unsigned int *bits)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
		if (!strcasecmp(w, attr_names[i].name)) {
			*bits |= attr_names[i].bit;
			return 0;
		}
	}
	return -1;
}

static void report(void (*warn)(const char *, void *), void *ctx, const char *file, int line,
		   const char *what, const char *word)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s:%d: %s '%.40s'", file, line, what, word);
	if (warn)
		warn(msg, ctx);
}

/*
 * Only blanks between the end of the role name @from (where strtok put its
 * NUL) and '=' @eq: "bar extra = red" names no role. An '=' before the
 * name fails too.
 */
static bool blank_before(const char *from, const char *eq)
{
	if (eq < from)
		return false;
	for (const char *p = from + 1; p < eq; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

/* One line, already without comment and newline. Returns warnings (0 or 1). */
static int parse_line(struct theme *t, char *line, const char *file, int lineno,
		      void (*warn)(const char *, void *), void *ctx)
{
	char *eq = strchr(line, '='), *save = NULL, *w, *key;
	struct theme_style st = { THEME_DEFAULT, THEME_DEFAULT, 0 };
	int role = -1, c;

	/* '\r' is blank too: theme files edited on Windows still parse. */
	key = strtok_r(line, " \t\r=", &save);
	if (!key)
		return 0; /* blank */
	if (!eq || !blank_before(key + strlen(key), eq)) {
		report(warn, ctx, file, lineno, "expected 'role = colour', got", key);
		return 1;
	}
	for (int i = 0; i < THEME_ROLE_NR; i++)
		if (!strcmp(key, role_names[i]))
			role = i;
	if (role < 0) {
		report(warn, ctx, file, lineno, "unknown role", key);
		return 1;
	}
	save = NULL;
	w = strtok_r(eq + 1, " \t\r", &save);
	if (!w) {
		report(warn, ctx, file, lineno, "missing colour for", key);
		return 1;
	}
	c = parse_colour(w);
	if (c == -2) {
		report(warn, ctx, file, lineno, "bad colour", w);
		return 1;
	}
	st.fg = c;
	while ((w = strtok_r(NULL, " \t\r", &save))) {
		if (!strcasecmp(w, "on")) {
			w = strtok_r(NULL, " \t\r", &save);
			c = w ? parse_colour(w) : -2;
			if (c == -2) {
				report(warn, ctx, file, lineno, "bad background colour", w ? w : "");
				return 1;
			}
			st.bg = c;
		} else if (parse_attr(w, &st.attrs)) {
			report(warn, ctx, file, lineno, "bad attribute", w);
			return 1;
		}
	}
	t->roles[role] = st;
	return 0;
}

int theme_parse(struct theme *t, const char *text, size_t len, const char *file,
		void (*warn)(const char *msg, void *ctx), void *ctx)
{
	int warnings = 0, lineno = 0;
	size_t start = 0;

	while (start < len) {
		size_t end = start;
		char line[512], *hash;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		if (end - start >= sizeof(line)) {
			report(warn, ctx, file, lineno, "line too long", "");
			warnings++;
		} else {
			memcpy(line, text + start, end - start);
			line[end - start] = '\0';
			if (memchr(line, '\0', end - start)) {
				report(warn, ctx, file, lineno, "NUL byte in", "line");
				warnings++;
			} else {
				hash = strchr(line, '#');
				if (hash)
					*hash = '\0';
				warnings += parse_line(t, line, file, lineno, warn, ctx);
			}
		}
		start = end + 1;
	}
	update_max_colour(t);
	return warnings;
}
