/* fuzz_filter.c - the filter prompt: parse never crashes; parse -> format -> parse is stable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FILTER_TEXT_MAX + 8], err[160], out[FILTER_TEXT_MAX], again[FILTER_TEXT_MAX];
	char big[4 * FILTER_TEXT_MAX];
	struct filter f, g, before;
	struct snap_sys_row row;

	/* A little past the limit, so the length check is exercised too. */
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	filter_clear(&f);
	before = f;
	if (filter_parse(&f, text, err, sizeof(err)) != 0) {
		/* Every error explains itself on one line and leaves the filter alone. */
		if (!err[0] || strchr(err, '\n') || memcmp(&f, &before, sizeof(f)))
			abort();
		return 0;
	}
	/* An accepted filter's text always fits the prompt: never cut short. */
	filter_format(&f, out, sizeof(out));
	filter_format(&f, big, sizeof(big));
	if (strcmp(out, big))
		abort();
	if (filter_parse(&g, out, err, sizeof(err)) != 0 || memcmp(&f, &g, sizeof(f)))
		abort();
	/* Canonical: formatting the re-parsed filter gives the same text. */
	filter_format(&g, again, sizeof(again));
	if (strcmp(out, again))
		abort();
	if (filter_is_empty(&f) != !out[0])
		abort();
	/* Matching any row is safe, including a comm with no terminator. */
	memset(&row, 0, sizeof(row));
	memcpy(row.comm, text, size < sizeof(row.comm) ? size : sizeof(row.comm));
	row.pid = f.n_pid ? f.pid[0] : 1;
	row.nr = f.n_sys ? f.sys_nr[0] : 0;
	if (filter_is_empty(&f) && !filter_match_sys(&f, &row))
		abort();
	/* A row with the first of each kind's values matches when names do. */
	if (f.n_comm) {
		memset(row.comm, 0, sizeof(row.comm));
		memcpy(row.comm, f.comm[0], strlen(f.comm[0]));
	}
	if (!filter_match_sys(&f, &row))
		abort();
	return 0;
}
