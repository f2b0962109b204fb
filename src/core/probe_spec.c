/* probe_spec.c - split -u / --usdt specs (see probe_spec.h for the rules). */
#include "core/probe_spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt,
						      ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Copy [@p, @p + @n) into @dst of @cap bytes; false when it does not fit or is empty. */
static bool take(char *dst, size_t cap, const char *p, size_t n)
{
	if (!n || n >= cap)
		return false;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return true;
}

/* Printable, no blanks: what a path or a symbol glob may hold here. */
static bool plain_text(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* A USDT provider or probe name: a C identifier. */
static bool ident(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

int probe_spec_parse_uprobe(const char *text, struct probe_spec *out, char *err, size_t errlen)
{
	const char *colon = strrchr(text, ':');
	struct probe_spec s;

	memset(&s, 0, sizeof(s));
	s.kind = PROBE_SPEC_UPROBE;
	if (!colon)
		return fail(err, errlen, "bad -u: want BINARY:FUNCTION");
	if (!take(s.binary, sizeof(s.binary), text, (size_t)(colon - text)) || !plain_text(s.binary))
		return fail(err, errlen, "bad -u: BINARY is empty, too long or has blanks or "
			    "control characters; want BINARY:FUNCTION");
	if (!take(s.function, sizeof(s.function), colon + 1, strlen(colon + 1)) ||
	    !plain_text(s.function))
		return fail(err, errlen, "bad -u: FUNCTION is empty, longer than %d or has blanks "
			    "or control characters; want BINARY:FUNCTION", PROBE_SPEC_FUNC_MAX - 1);
	*out = s;
	return 0;
}

int probe_spec_parse_usdt(const char *text, struct probe_spec *out, char *err, size_t errlen)
{
	const char *cut[3] = { NULL, NULL, NULL };	/* the last three ':' from the right */
	size_t n_cut = 0;
	struct probe_spec s;
	char *dst[3];
	int n_names;

	memset(&s, 0, sizeof(s));
	s.kind = PROBE_SPEC_USDT;
	for (const char *p = text + strlen(text); p > text && n_cut < 3;) {
		p--;
		if (*p == ':')
			cut[n_cut++] = p;
	}
	if (n_cut < 2)
		return fail(err, errlen, "bad --usdt: want BINARY:PROVIDER:PROBE or "
			    "BINARY:PROVIDER:START:END");
	/* Three ':' or more: BINARY:PROVIDER:START:END; two: BINARY:PROVIDER:PROBE. */
	n_names = n_cut == 3 ? 3 : 2;
	dst[0] = s.provider;
	dst[1] = s.probe;
	dst[2] = s.end;
	if (!take(s.binary, sizeof(s.binary), text, (size_t)(cut[n_names - 1] - text)) ||
	    !plain_text(s.binary))
		return fail(err, errlen, "bad --usdt: BINARY is empty, too long or has blanks or "
			    "control characters");
	for (int i = 0; i < n_names; i++) {
		/* Name i runs from after cut[n_names - 1 - i] to the next ':' (or the end). */
		const char *start = cut[n_names - 1 - i] + 1;
		const char *end = i + 1 < n_names ? cut[n_names - 2 - i] : text + strlen(text);

		if (!take(dst[i], PROBE_SPEC_NAME_MAX, start, (size_t)(end - start)) ||
		    !ident(dst[i]))
			return fail(err, errlen, "bad --usdt: %s must be a name of letters, digits "
				    "and '_' (at most %d)", i == 0 ? "PROVIDER" : i == 1 ? "PROBE" : "END",
				    PROBE_SPEC_NAME_MAX - 1);
	}
	*out = s;
	return 0;
}

bool probe_spec_is_glob(const char *function)
{
	return strpbrk(function, "*?[") != NULL;
}

void probe_spec_format(const struct probe_spec *s, char *buf, size_t len)
{
	if (s->kind == PROBE_SPEC_UPROBE)
		snprintf(buf, len, "%s:%s", s->binary, s->function);
	else if (s->end[0])
		snprintf(buf, len, "%s:%s:%s:%s", s->binary, s->provider, s->probe, s->end);
	else
		snprintf(buf, len, "%s:%s:%s", s->binary, s->provider, s->probe);
}

void probe_spec_usdt_label(const struct probe_spec *s, char *buf, size_t len)
{
	if (s->end[0])
		snprintf(buf, len, "%s:%s->%s", s->provider, s->probe, s->end);
	else
		snprintf(buf, len, "%s:%s", s->provider, s->probe);
}
