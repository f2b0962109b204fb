/* sanitize.c - untrusted bytes to printable, valid UTF-8 ('?' for anything else). */
#include <stdbool.h>
#include <stdint.h>

#include "core/sanitize.h"

/*
 * Decode one UTF-8 sequence at @s (at most @n bytes). Returns its length and
 * the code point, or 0 when the bytes are not valid UTF-8 (overlong forms,
 * surrogates, > U+10FFFF, truncated or stray continuation bytes).
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2, c = s[0] & 0x1F, min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3, c = s[0] & 0x0F, min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* Code points that must never reach a terminal: controls and bidi overrides. */
static bool unsafe_code_point(uint32_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == 0x061C ||
	       c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069);
}

size_t sanitize_text(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t in = 0, out = 0;

	if (!dstsz)
		return 0;
	while (in < srclen && s[in]) {
		size_t end = in, len;
		uint32_t cp;

		/* A NUL ends the string even inside a sequence. */
		while (end < srclen && end - in < 4 && s[end])
			end++;
		len = utf8_decode(s + in, end - in, &cp);
		if (!len || unsafe_code_point(cp)) {
			if (out + 1 >= dstsz)
				break;
			dst[out++] = '?';
			in += len ? len : 1;
			continue;
		}
		if (out + len >= dstsz)
			break;	/* never cut a sequence */
		for (size_t i = 0; i < len; i++)
			dst[out++] = (char)s[in + i];
		in += len;
	}
	dst[out] = '\0';
	return out;
}

size_t sanitize_safe_len(const char *s, size_t n)
{
	uint32_t cp;
	size_t len = utf8_decode((const unsigned char *)s, n < 4 ? n : 4, &cp);

	return len && !unsafe_code_point(cp) ? len : 0;
}

size_t sanitize_text_hex(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t in = 0, out = 0;

	if (!dstsz)
		return 0;
	while (in < srclen && s[in]) {
		size_t end = in, len;

		/* A NUL ends the string even inside a sequence. */
		while (end < srclen && end - in < 4 && s[end])
			end++;
		len = sanitize_safe_len(src + in, end - in);
		if (!len) {
			if (out + 4 >= dstsz)
				break;
			dst[out++] = '\\';
			dst[out++] = 'x';
			dst[out++] = hex[s[in] >> 4];
			dst[out++] = hex[s[in] & 15];
			in++;
			continue;
		}
		if (out + len >= dstsz)
			break;
		for (size_t i = 0; i < len; i++)
			dst[out++] = (char)s[in + i];
		in += len;
	}
	dst[out] = '\0';
	return out;
}
