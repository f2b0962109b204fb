/* fuzz_sanitize.c - any bytes in, valid UTF-8 with no control or bidi characters out. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent check of the output: strict UTF-8, no C0/C1/DEL/bidi. */
static void check(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint32_t c, min;
		size_t n;

		if (s[i] < 0x80)
			c = s[i], n = 1, min = 0;
		else if ((s[i] & 0xE0) == 0xC0)
			c = s[i] & 0x1F, n = 2, min = 0x80;
		else if ((s[i] & 0xF0) == 0xE0)
			c = s[i] & 0x0F, n = 3, min = 0x800;
		else if ((s[i] & 0xF8) == 0xF0)
			c = s[i] & 0x07, n = 4, min = 0x10000;
		else
			abort();
		if (i + n > len)
			abort();
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				abort();
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < min)
			abort(); /* overlong */
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) ||
		    (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
		    c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0xD800 && c <= 0xDFFF) ||
		    c > 0x10FFFF)
			abort();
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size heap buffers: ASan sees any write past dstsz. */
	size_t dstsz = size ? (size_t)data[0] % 64 + 1 : 1, n, full_n;
	char *dst = malloc(dstsz), *full = malloc(size + 1);

	if (!dst || !full)
		abort();
	n = sanitize_text(dst, dstsz, (const char *)data, size);
	if (n >= dstsz || strlen(dst) != n)
		abort();
	check((const unsigned char *)dst, n);
	/* Room for everything: one byte out per byte in at most (one '?' per bad byte). */
	full_n = sanitize_text(full, size + 1, (const char *)data, size);
	if (full_n > size || strlen(full) != full_n)
		abort();
	check((const unsigned char *)full, full_n);
	/* A short buffer holds a prefix of the full output, cut between characters. */
	if (n > full_n || memcmp(dst, full, n))
		abort();
	if (n < full_n && ((unsigned char)full[n] & 0xC0) == 0x80)
		abort();
	free(full);
	free(dst);
	return 0;
}
