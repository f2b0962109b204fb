/*
 * fuzz_settings.c - any lattoprc text: no crash; every value stays in range
 * (interval on the ladder, sorts known, hidden bits only of existing
 * columns, thresholds that parse); every message is one printable line
 * with file:line; what parses serialises to a file that parses back to
 * the same settings, with no bad line, and serialises to the same text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert_expr.h"
#include "ui/settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const themes[] = { "default", "basic", "mono", "high-contrast" };
static const char *const sys_cols[] = { "SYSCALL", "CALLS/s", "ERR/s", "P50", "P99", "MAX", "TIME%" };
static const char *const proc_cols[] = { "PID", "COMMAND", "CALLS/s", "P99", "SLOWEST" };
static const char *const client_cols[] = { "CLIENT", "PORT", "PROCESS", "REQ/s", "P50", "P99",
					   "CONN/s", "OPEN", "LIFE P99", "IN", "OUT", "RST", "RTX" };
static const struct settings_schema schema = {
	.themes = themes,
	.n_themes = 4,
	.cols = { sys_cols, proc_cols, client_cols },
	.n_cols = { 7, 5, 13 },
};

static void check_values(const struct ui_settings *s)
{
	struct assert_expr e;
	char err[160];
	bool on_ladder = false;

	for (int i = 0; i < SETTINGS_INTERVAL_STEPS; i++)
		on_ladder |= s->interval_ms == settings_interval_ladder_ms(i);
	if (!on_ladder || !s->theme[0] || s->n_slo > SETTINGS_SLO_MAX)
		abort();
	for (int t = 0; t < SETTINGS_TABLE_NR; t++) {
		if (s->sort[t] < 0 || s->sort[t] >= settings_sort_count(t))
			abort();
		if (schema.n_cols[t] < 32 && s->hidden[t] >> schema.n_cols[t])
			abort();
	}
	for (size_t i = 0; i < s->n_slo; i++)
		if (assert_expr_parse(s->slo[i], &e, err, sizeof(err)))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[16384], again[16384];
	struct ui_settings s, back;
	struct settings_problems p;
	size_t bad;
	int n;

	settings_defaults(&s);
	bad = settings_parse(&s, &schema, (const char *)data, size, "rc", &p);
	if (bad != p.n)
		abort();
	for (size_t i = 0; i < p.n && i < SETTINGS_PROBLEMS_MAX; i++) {
		/* One line for the status bar, nothing a terminal would act on. */
		if (strncmp(p.msg[i], "rc:", 3))
			abort();
		for (const unsigned char *c = (const unsigned char *)p.msg[i]; *c; c++)
			if (*c < 0x20 || *c == 0x7f)
				abort();
	}
	check_values(&s);
	n = settings_format(&s, &schema, text, sizeof(text));
	if (n < 0 || (size_t)n != strlen(text))
		abort();
	settings_defaults(&back);
	if (settings_parse(&back, &schema, text, (size_t)n, "rc", &p) || !settings_equal(&s, &back))
		abort();
	if (settings_format(&back, &schema, again, sizeof(again)) != n || strcmp(text, again))
		abort();
	return 0;
}
