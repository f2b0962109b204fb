/*
 * fuzz_probe_spec.c - the -u / --usdt spec and ld.so.cache parsers: never
 * crash; an error is one line; an accepted spec formats back to a text
 * that parses to the same spec.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ld_cache.h"
#include "core/probe_spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int (*parse)(const char *, struct probe_spec *, char *, size_t),
		  const char *text)
{
	static struct probe_spec s, t;
	static char out[PROBE_SPEC_PATH_MAX + 512];
	char err[160], label[256];

	err[0] = '\0';
	if (parse(text, &s, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return;
	}
	probe_spec_format(&s, out, sizeof(out));
	if (parse(out, &t, err, sizeof(err)) || memcmp(&s, &t, sizeof(s)))
		abort();
	probe_spec_usdt_label(&s, label, sizeof(label));
	(void)probe_spec_is_glob(s.function);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[PROBE_SPEC_PATH_MAX + 1024];
	char path[512];

	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	check(probe_spec_parse_uprobe, text);
	check(probe_spec_parse_usdt, text);
	/* The same bytes as a cache (the want name from its first bytes). */
	(void)ld_cache_find(data, size, size > 4 ? "libc" : "", 0, path, sizeof(path));
	return 0;
}
