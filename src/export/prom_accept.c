/*
 * prom_accept.c - which exposition format a scraper's Accept header asks for
 * (media ranges with parameters and q-values, RFC 9110 12.5.1), and the
 * Content-Type of each format.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "export/prom_expo.h"

const char *prom_content_type(enum prom_format f)
{
	return f == PROM_OPENMETRICS_1 ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
				       : "text/plain; version=0.0.4; charset=utf-8";
}

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool token_is(const char *p, size_t len, const char *word)
{
	return strlen(word) == len && !strncasecmp(p, word, len);
}

/* q-value of "0.5", "1", "1.000"; -1 when malformed. */
static double parse_q(const char *p, size_t len)
{
	char tmp[16];
	char *end;
	double q;

	if (!len || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	q = strtod(tmp, &end);
	if (*end || q < 0 || q > 1)
		return -1;
	return q;
}

/*
 * One media range of an Accept header ("type/sub;param=v;q=0.5") in [p, end):
 * its q for OpenMetrics 1.0.0 (*om) and for text 0.0.4 (*text); -1: not matched.
 */
static void negotiate_range(const char *p, const char *end, double *om, double *text)
{
	const char *semi = end > p ? memchr(p, ';', (size_t)(end - p)) : NULL;
	const char *type_end = semi ? semi : end;
	bool is_om = false, is_text = false, any = false, version_ok = true;
	double q = 1;

	p = skip_ws(p, end);
	while (type_end > p && (type_end[-1] == ' ' || type_end[-1] == '\t'))
		type_end--;
	if (token_is(p, (size_t)(type_end - p), "application/openmetrics-text"))
		is_om = true;
	else if (token_is(p, (size_t)(type_end - p), "text/plain"))
		is_text = true;
	else if (token_is(p, (size_t)(type_end - p), "*/*") ||
		 token_is(p, (size_t)(type_end - p), "text/*"))
		any = true;
	else
		return;
	while (semi) {
		const char *ps = skip_ws(semi + 1, end), *eq, *ve;

		if (ps >= end)
			break;
		semi = memchr(ps, ';', (size_t)(end - ps));
		ve = semi ? semi : end;
		while (ve > ps && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ve <= ps)
			continue;
		eq = memchr(ps, '=', (size_t)(ve - ps));
		if (!eq)
			continue;
		const char *v = skip_ws(eq + 1, ve);
		size_t klen = (size_t)(eq - ps);

		while (klen && (ps[klen - 1] == ' ' || ps[klen - 1] == '\t'))
			klen--;
		if (token_is(ps, klen, "q"))
			q = parse_q(v, (size_t)(ve - v));
		else if (token_is(ps, klen, "version"))
			version_ok = is_om ? token_is(v, (size_t)(ve - v), "1.0.0")
					   : token_is(v, (size_t)(ve - v), "0.0.4");
	}
	if (q <= 0 || !version_ok)
		return;
	if (is_om && q > *om)
		*om = q;
	if ((is_text || any) && q > *text)
		*text = q;
}

enum prom_format prom_negotiate(const char *accept)
{
	double om = -1, text = -1;
	const char *p = accept;

	if (!accept)
		return PROM_TEXT_004;
	while (*p) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);

		negotiate_range(p, end, &om, &text);
		p = comma ? comma + 1 : end;
	}
	/* Asked for by name and liked at least as much as text: OpenMetrics. */
	return om > 0 && om >= text ? PROM_OPENMETRICS_1 : PROM_TEXT_004;
}
