/*
 * fuzz_csv.c - one CSV text cell from arbitrary bytes: always quoted, no
 * control bytes, every inner quote doubled, and the unquoted text is the
 * sanitised input (with a ' in front when it would start a formula).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "export/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int is_formula_start(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@';	/* tab, CR: already '?' */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char clean[256], inner[600];
	char *buf = NULL;
	size_t len = 0, n = 0;
	const char *s;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return 0;
	csv_write_cell(f, (const char *)data, size);
	if (fclose(f) != 0)
		abort();
	/* Quoted: starts and ends with '"'. */
	if (len < 2 || buf[0] != '"' || buf[len - 1] != '"' || strlen(buf) != len)
		abort();
	/* No control bytes (C0, DEL) anywhere. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 || c == 0x7f)
			abort();
	}
	/* Every inner quote is doubled; undo the doubling into inner[]. */
	for (size_t i = 1; i < len - 1; i++) {
		if (buf[i] == '"') {
			if (i + 1 >= len - 1 || buf[i + 1] != '"')
				abort();
			i++;
		}
		if (n + 1 >= sizeof(inner))
			abort();
		inner[n++] = buf[i];
	}
	inner[n] = '\0';
	/* The content is the sanitised input, quote-prefixed if it looks like a formula. */
	sanitize_text(clean, sizeof(clean), (const char *)data, size);
	s = inner;
	if (is_formula_start(clean[0])) {
		if (*s != '\'')
			abort();
		s++;
	}
	if (strcmp(s, clean))
		abort();
	free(buf);
	return 0;
}
