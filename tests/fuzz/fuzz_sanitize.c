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
		uint32_t c;
		size_t n;

		if (s[i] < 0x80)
			c = s[i], n = 1;
		else if ((s[i] & 0xE0) == 0xC0)
			c = s[i] & 0x1F, n = 2;
		else if ((s[i] & 0xF0) == 0xE0)
			c = s[i] & 0x0F, n = 3;
		else if ((s[i] & 0xF8) == 0xF0)
			c = s[i] & 0x07, n = 4;
		else
			abort();
		if (i + n > len)
			abort();
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				abort();
			c = (c << 6) | (s[i + k] & 0x3F);
		}
		if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
		    (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C ||
		    (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
			abort();
		i += n;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t dstsz = size ? (size_t)data[0] % 64 + 1 : 1, n;
	char *dst = malloc(dstsz);

	if (!dst)
		return 0;
	n = sanitize_text(dst, dstsz, (const char *)data, size);
	if (n >= dstsz || strlen(dst) != n)
		abort();
	check((const unsigned char *)dst, n);
	free(dst);
	return 0;
}
