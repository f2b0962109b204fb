/* fuzz_filter.c - the filter prompt: parse never crashes; parse -> format -> parse is stable. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[FILTER_TEXT_MAX + 8], err[160], again[FILTER_TEXT_MAX];
	struct filter f, g;

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (filter_parse(&f, text, err, sizeof(err)) != 0) {
		if (!err[0])
			abort(); /* every error explains itself */
		return 0;
	}
	filter_format(&f, again, sizeof(again));
	if (filter_parse(&g, again, err, sizeof(err)) != 0 || memcmp(&f, &g, sizeof(f)))
		abort();
	return 0;
}
