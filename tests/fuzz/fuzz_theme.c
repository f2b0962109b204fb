/*
 * fuzz_theme.c - any theme file text: no crash, every role stays in range,
 * and max_colour covers every colour used (the UI's fallback to fewer
 * colours relies on it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ui/theme_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(const char *msg, void *ctx)
{
	(void)msg;
	(void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;

	theme_defaults(&t);
	theme_parse(&t, (const char *)data, size, "fuzz.theme", ignore, NULL);
	for (int r = 0; r < THEME_ROLE_NR; r++) {
		const struct theme_style *s = &t.roles[r];

		if (s->fg < THEME_DEFAULT || s->fg > 255 || s->bg < THEME_DEFAULT || s->bg > 255)
			abort();
		if (s->fg > t.max_colour || s->bg > t.max_colour || t.max_colour > 255)
			abort();
		if (s->attrs & ~(unsigned int)(THEME_ATTR_ITALIC * 2 - 1))
			abort();
	}
	return 0;
}
