/* test_theme.c - theme files: values, comments, warnings with file:line, defaults kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ui/theme_parse.h"

struct warnings {
	int n;
	char last[256];
};

static void on_warn(const char *msg, void *ctx)
{
	struct warnings *w = ctx;

	w->n++;
	snprintf(w->last, sizeof(w->last), "%s", msg);
}

static int parse(struct theme *t, const char *text, struct warnings *w)
{
	memset(w, 0, sizeof(*w));
	theme_defaults(t);
	return theme_parse(t, text, strlen(text), "x.theme", on_warn, w);
}

static void test_valid(void **state)
{
	struct theme t;
	struct warnings w;

	(void)state;
	assert_int_equal(parse(&t, "# comment\n\nheader = white on blue bold underline\n"
				   "bar=green   # trailing comment\np99 = 203\n"
				   "status = bright-yellow on default\n", &w), 0);
	assert_int_equal(t.roles[THEME_ROLE_header].fg, 7);
	assert_int_equal(t.roles[THEME_ROLE_header].bg, 4);
	assert_int_equal(t.roles[THEME_ROLE_header].attrs, THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE);
	assert_int_equal(t.roles[THEME_ROLE_bar].fg, 2);
	assert_int_equal(t.roles[THEME_ROLE_bar].bg, THEME_DEFAULT);
	assert_int_equal(t.roles[THEME_ROLE_p99].fg, 203);
	assert_int_equal(t.roles[THEME_ROLE_status].fg, 11);
	assert_true(t.max_colour >= 203);
}

static void test_unknown_role_and_bad_values(void **state)
{
	struct theme t, defaults;
	struct warnings w;

	(void)state;
	theme_defaults(&defaults);
	assert_int_equal(parse(&t, "bar = green\nnosuchrole = red\n", &w), 1);
	assert_string_equal(w.last, "x.theme:2: unknown role 'nosuchrole'");
	assert_int_equal(parse(&t, "\n\np50 = purple\n", &w), 1);
	assert_string_equal(w.last, "x.theme:3: bad colour 'purple'");
	assert_memory_equal(&t.roles[THEME_ROLE_p50], &defaults.roles[THEME_ROLE_p50],
			    sizeof(struct theme_style));
	assert_int_equal(parse(&t, "p50 = red on\n", &w), 1);
	assert_string_equal(w.last, "x.theme:1: bad background colour ''");
	assert_int_equal(parse(&t, "p50 = red blink\n", &w), 1);
	assert_string_equal(w.last, "x.theme:1: bad attribute 'blink'");
	assert_int_equal(parse(&t, "p50 = 256\np99 = -1\nbar = 007\n", &w), 3);
	assert_int_equal(parse(&t, "just words\n", &w), 1);
	assert_int_equal(parse(&t, "bar =\n", &w), 1);
	/* Later good lines still apply after a bad one. */
	assert_int_equal(parse(&t, "bad = 1\nbar = blue\n", &w), 1);
	assert_int_equal(t.roles[THEME_ROLE_bar].fg, 4);
}

static void test_attrs_and_backgrounds(void **state)
{
	struct theme t;
	struct warnings w;

	(void)state;
	assert_int_equal(parse(&t, "bar = 1 on 2 bold dim reverse underline standout italic\n"
				   "p50 = Yellow ON Bright-Blue BOLD\n"
				   "dim = default on 255\n", &w), 0);
	assert_int_equal(t.roles[THEME_ROLE_bar].fg, 1);
	assert_int_equal(t.roles[THEME_ROLE_bar].bg, 2);
	assert_int_equal(t.roles[THEME_ROLE_bar].attrs,
			 THEME_ATTR_BOLD | THEME_ATTR_DIM | THEME_ATTR_REVERSE |
				 THEME_ATTR_UNDERLINE | THEME_ATTR_STANDOUT | THEME_ATTR_ITALIC);
	assert_int_equal(t.roles[THEME_ROLE_p50].fg, 3);
	assert_int_equal(t.roles[THEME_ROLE_p50].bg, 12);
	assert_int_equal(t.roles[THEME_ROLE_p50].attrs, THEME_ATTR_BOLD);
	assert_int_equal(t.roles[THEME_ROLE_dim].fg, THEME_DEFAULT);
	assert_int_equal(t.roles[THEME_ROLE_dim].bg, 255);
	assert_int_equal(t.max_colour, 255);
	/* A line replaces the whole style: attrs of an earlier line do not stick. */
	assert_int_equal(parse(&t, "bar = red bold\nbar = blue\n", &w), 0);
	assert_int_equal(t.roles[THEME_ROLE_bar].fg, 4);
	assert_int_equal(t.roles[THEME_ROLE_bar].attrs, 0);
}

static void test_line_endings_and_comments(void **state)
{
	struct theme t;
	struct warnings w;

	(void)state;
	/* CRLF, no final newline, comments anywhere, blank and comment-only lines. */
	assert_int_equal(parse(&t, "# whole line\r\n   \r\nbar = green\r\n"
				   "\t# indented comment\np99 = red#no space\nstatus=cyan", &w), 0);
	assert_int_equal(t.roles[THEME_ROLE_bar].fg, 2);
	assert_int_equal(t.roles[THEME_ROLE_p99].fg, 1);
	assert_int_equal(t.roles[THEME_ROLE_status].fg, 6);
	/* A '#' inside a role name starts a comment: the rest of the line is ignored. */
	assert_int_equal(parse(&t, "bar # = red\n", &w), 1);
	assert_string_equal(w.last, "x.theme:1: expected 'role = colour', got 'bar'");
}

static void test_hostile_input(void **state)
{
	struct theme t, defaults;
	struct warnings w;
	char big[2048];
	static const char nul[] = "bar = red\0 blue\np50 = green\n";

	(void)state;
	theme_defaults(&defaults);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(parse(&t, big, &w), 1);
	assert_string_equal(w.last, "x.theme:1: line too long ''");
	memset(&w, 0, sizeof(w));
	theme_defaults(&t);
	assert_int_equal(theme_parse(&t, nul, sizeof(nul) - 1, "n.theme", on_warn, &w), 1);
	assert_string_equal(w.last, "n.theme:1: NUL byte in 'line'");
	assert_memory_equal(&t.roles[THEME_ROLE_bar], &defaults.roles[THEME_ROLE_bar],
			    sizeof(struct theme_style));
	assert_int_equal(t.roles[THEME_ROLE_p50].fg, 2);
	/* No warning callback: problems are still counted. */
	theme_defaults(&t);
	assert_int_equal(theme_parse(&t, "x = 1\ny = 2\n", 12, "q.theme", NULL, NULL), 2);
	/* A word after the role name but before '=' is not a role. */
	assert_int_equal(parse(&t, "bar extra = red\n", &w), 1);
}

/* The shipped themes parse without a single warning (run from the source tree). */
static void test_shipped_theme_files(void **state)
{
	static const char *const names[] = { "default", "basic", "mono", "high-contrast" };

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256], text[16384];
		struct theme t;
		struct warnings w;
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "themes/%s.theme", names[i]);
		f = fopen(path, "r");
		if (!f) {
			snprintf(path, sizeof(path), "../themes/%s.theme", names[i]);
			f = fopen(path, "r");
		}
		assert_non_null(f);
		n = fread(text, 1, sizeof(text), f);
		fclose(f);
		memset(&w, 0, sizeof(w));
		theme_defaults(&t);
		assert_int_equal(theme_parse(&t, text, n, path, on_warn, &w), 0);
		if (!strcmp(names[i], "basic"))
			assert_true(t.max_colour <= 15);
	}
}

static void test_shipped_roles_have_names(void **state)
{
	(void)state;
	for (int r = 0; r < THEME_ROLE_NR; r++)
		assert_string_not_equal(theme_role_name((enum theme_role)r), "?");
	assert_string_equal(theme_role_name(THEME_ROLE_NR), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_unknown_role_and_bad_values),
		cmocka_unit_test(test_attrs_and_backgrounds),
		cmocka_unit_test(test_line_endings_and_comments),
		cmocka_unit_test(test_hostile_input),
		cmocka_unit_test(test_shipped_theme_files),
		cmocka_unit_test(test_shipped_roles_have_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
