/* theme.c - theme files to curses colour pairs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/theme.h"

const char *const theme_names[] = { "default", "basic", "mono", "high-contrast" };
const size_t theme_count = sizeof(theme_names) / sizeof(theme_names[0]);

static attr_t role_attrs[THEME_ROLE_NR];
static bool role_coloured[THEME_ROLE_NR];	/* has a colour pair (not mono, not default) */

struct warn_sink {
	char *msg;
	size_t len;
	int n;
};

static void keep_first_warning(const char *w, void *ctx)
{
	struct warn_sink *s = ctx;

	if (!s->n++)
		snprintf(s->msg, s->len, "theme: %s", w);
}

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap);
	close(fd);
	if (n < 0)
		return -errno;
	*len = (size_t)n;
	return 0;
}

static attr_t curses_attrs(unsigned int bits)
{
	attr_t a = A_NORMAL;

	if (bits & THEME_ATTR_BOLD)
		a |= A_BOLD;
	if (bits & THEME_ATTR_DIM)
		a |= A_DIM;
	if (bits & THEME_ATTR_REVERSE)
		a |= A_REVERSE;
	if (bits & THEME_ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (bits & THEME_ATTR_STANDOUT)
		a |= A_STANDOUT;
	if (bits & THEME_ATTR_ITALIC)
		a |= A_ITALIC;
	return a;
}

static void load_mono(struct theme *t)
{
	static const char mono[] =
		"header = default reverse bold\ntitle = default bold\n"
		"table_head = default underline bold\nselected = default reverse\n"
		"selected_inactive = default underline\np50 = default bold\n"
		"p99 = default bold underline\nerror = default bold\nstatus = default bold\n"
		"footer_key = default reverse\npaused = default reverse bold\ndim = default dim\n"
		"bar = default\ntable_sort = default reverse bold\nwarn = default bold\n"
		"breach = default bold underline\nheat1 = default\nheat2 = default\n"
		"heat3 = default\nheat4 = default\nheat5 = default\n";

	theme_defaults(t);
	theme_parse(t, mono, sizeof(mono) - 1, "built-in mono", NULL, NULL);
}

int theme_apply(const char *name_or_path, const char *themes_dir, bool no_color, char *msg,
		size_t msglen)
{
	static char text[16384];
	struct warn_sink sink = { msg, msglen, 0 };
	struct theme t;
	char path[512];
	size_t len = 0;
	bool colour;
	int ret = 0;

	msg[0] = '\0';
	if (!name_or_path)
		name_or_path = "default";
	if (strchr(name_or_path, '/'))
		snprintf(path, sizeof(path), "%s", name_or_path);
	else
		snprintf(path, sizeof(path), "%s/%s.theme", themes_dir ? themes_dir : "themes",
			 name_or_path);
	theme_defaults(&t);
	ret = read_file(path, text, sizeof(text), &len);
	if (ret)
		snprintf(msg, msglen, "theme %s: %s; using defaults", path, strerror(-ret));
	else
		theme_parse(&t, text, len, path, keep_first_warning, &sink);
	if (sink.n > 1) {
		size_t used = strlen(msg);

		snprintf(msg + used, msglen - used, " (+%d more)", sink.n - 1);
	}
	colour = !no_color && !getenv("NO_COLOR") && has_colors();
	if (colour && start_color() == OK) {
		use_default_colors();
		/* A 256-colour theme on an 8-colour terminal: the basic palette, then mono. */
		if (t.max_colour >= COLORS) {
			snprintf(path, sizeof(path), "%s/basic.theme", themes_dir ? themes_dir : "themes");
			theme_defaults(&t);
			if (COLORS < 8 || read_file(path, text, sizeof(text), &len) ||
			    theme_parse(&t, text, len, path, NULL, NULL))
				load_mono(&t);
		}
	} else {
		colour = false;
		load_mono(&t);
	}
	for (int r = 0; r < THEME_ROLE_NR; r++) {
		role_attrs[r] = curses_attrs(t.roles[r].attrs);
		role_coloured[r] = false;
		/*
		 * Default on default needs no pair: text then has the same
		 * attributes as erased blanks, and curses sends no SGR switch
		 * at every boundary between them (bytes over SSH).
		 */
		if (t.roles[r].fg == THEME_DEFAULT && t.roles[r].bg == THEME_DEFAULT)
			continue;
		if (colour && r + 1 < COLOR_PAIRS) {
			init_pair((short)(r + 1), (short)t.roles[r].fg, (short)t.roles[r].bg);
			role_attrs[r] |= COLOR_PAIR(r + 1);
			role_coloured[r] = true;
		}
	}
	return ret;
}

attr_t theme_attr(enum theme_role role)
{
	return (unsigned int)role < THEME_ROLE_NR ? role_attrs[role] : A_NORMAL;
}

bool theme_role_coloured(enum theme_role role)
{
	return (unsigned int)role < THEME_ROLE_NR && role_coloured[role];
}
