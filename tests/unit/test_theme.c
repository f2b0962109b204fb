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
		cmocka_unit_test(test_shipped_roles_have_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
