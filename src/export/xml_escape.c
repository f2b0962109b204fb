/* xml_escape.c - sanitise, then escape the five XML specials (see xml_escape.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "export/xml_escape.h"

static const char *xml_entity(char c)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&apos;";
	default:
		return NULL;
	}
}

char *xml_escape_dup(const char *src, size_t srclen)
{
	const char *nul = memchr(src, '\0', srclen);
	size_t n = nul ? (size_t)(nul - src) : srclen, o = 0;
	char *clean, *out;

	/* The sanitiser never lengthens: each bad byte or code point becomes one '?'. */
	clean = malloc(n + 1);
	if (!clean)
		return NULL;
	n = sanitize_text(clean, n + 1, src, n);
	if (n > (SIZE_MAX - 1) / XML_ESCAPE_GROWTH) {
		free(clean);
		errno = ENOMEM;
		return NULL;
	}
	out = malloc(n * XML_ESCAPE_GROWTH + 1);
	if (!out) {
		free(clean);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *ent = xml_entity(clean[i]);

		if (ent) {
			size_t len = strlen(ent);

			memcpy(out + o, ent, len);
			o += len;
		} else {
			out[o++] = clean[i];
		}
	}
	out[o] = '\0';
	free(clean);
	return out;
}
