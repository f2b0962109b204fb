/*
 * web_config.c - the --web-config subset of YAML (see web_config.h): line
 * based, two levels, indentation-aware. Refuses rather than guesses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/web_config.h"

enum section { SEC_NONE = 0, SEC_TLS, SEC_USERS };

struct wc_parser {
	struct web_config *wc;
	enum section sec;
	size_t child_indent;	/* of the current section's keys; 0: not seen yet */
	bool seen_tls, seen_users;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int fail(struct wc_parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "line %u: ", p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A scalar (key or value) of [s, e): quoted or plain, copied to @out. 0 or -EINVAL. */
static int scalar(struct wc_parser *p, const char *s, const char *e, char *out, size_t outlen,
		  const char *what)
{
	size_t n = 0;

	while (e > s && e[-1] == ' ')
		e--;
	if (s == e)
		return fail(p, "%s is empty", what);
	if (*s == '\'' || *s == '"') {
		char q = *s++;

		if (e - s < 1 || e[-1] != q)
			return fail(p, "%s: unterminated quote", what);
		e--;
		for (; s < e; s++) {
			if (q == '"' && *s == '\\')
				return fail(p, "%s: escapes in \"...\" are not supported: use '...'",
					    what);
			if (*s == q) {
				/* '' is one quote inside '...'; a lone quote ends the scalar early. */
				if (q != '\'' || s + 1 >= e || s[1] != '\'')
					return fail(p, "%s: text after the closing quote", what);
				s++;
			}
			if (n + 1 >= outlen)
				return fail(p, "%s is too long (at most %zu bytes)", what, outlen - 1);
			out[n++] = *s;
		}
	} else {
		if (strchr("[]{}&*!|>%@`,", *s) || (*s == '-' && (s + 1 == e || s[1] == ' ')) ||
		    (*s == '?' && (s + 1 == e || s[1] == ' ')))
			return fail(p, "%s: YAML flow style, anchors, tags and block scalars are "
				    "not supported: write a plain or quoted value", what);
		for (; s < e; s++) {
			if (n + 1 >= outlen)
				return fail(p, "%s is too long (at most %zu bytes)", what, outlen - 1);
			out[n++] = *s;
		}
	}
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			return fail(p, "%s: control character", what);
	if (!n)
		return fail(p, "%s is empty", what);
	return 0;
}

/*
 * Split a line (indentation already skipped) at its key's ':' into key and
 * value; strips a trailing comment. *@vs == *@ve: no value (a mapping).
 */
static int split_key(struct wc_parser *p, const char *s, const char *e, char *key, size_t keylen,
		     const char **vs, const char **ve)
{
	const char *k_end, *v;

	if (*s == '\'' || *s == '"') {
		const char *q = s + 1;

		/* A quoted key (a user name): find its closing quote, '' doubled in '...'. */
		for (;; q++) {
			if (q >= e)
				return fail(p, "unterminated quote");
			if (*q == *s) {
				if (*s == '\'' && q + 1 < e && q[1] == '\'') {
					q++;
					continue;
				}
				break;
			}
		}
		k_end = q + 1;
		if (k_end >= e || *k_end != ':')
			return fail(p, "want KEY: VALUE");
	} else {
		k_end = s;
		while (k_end < e && *k_end != ':' && *k_end != '#')
			k_end++;
		if (k_end >= e || *k_end != ':')
			return fail(p, "want KEY: VALUE");
	}
	if (scalar(p, s, k_end, key, keylen, "key"))
		return -EINVAL;
	v = k_end + 1;
	if (v < e && *v != ' ')
		return fail(p, "want a space after ':'");
	while (v < e && *v == ' ')
		v++;
	*vs = v;
	if (v < e && *v == '#') {
		*ve = v;
		return 0;
	}
	/* A comment starts at " #" outside quotes. */
	if (v < e && (*v == '\'' || *v == '"')) {
		const char *q = v + 1;

		for (; q < e; q++) {
			if (*q != *v)
				continue;
			if (*v == '\'' && q + 1 < e && q[1] == '\'') {
				q++;
				continue;
			}
			break;
		}
		if (q < e)
			q++;
		*ve = q;
		while (q < e && *q == ' ')
			q++;
		if (q < e && *q != '#')
			return fail(p, "text after the closing quote");
		return 0;
	}
	*ve = v;
	while (*ve < e && !(**ve == '#' && (*ve)[-1] == ' '))
		(*ve)++;
	return 0;
}

/* bcrypt as crypt(3) and htpasswd -B write it: $2[aby]$NN$ + 53 of ./A-Za-z0-9. */
static bool is_bcrypt(const char *h)
{
	static const char alpha[] =
		"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	size_t n = strlen(h);

	if (n != 60 || h[0] != '$' || h[1] != '2' || !strchr("aby", h[2]) || h[3] != '$' ||
	    h[4] < '0' || h[4] > '3' || h[5] < '0' || h[5] > '9' || h[6] != '$')
		return false;
	if ((h[4] - '0') * 10 + (h[5] - '0') < 4 || (h[4] - '0') * 10 + (h[5] - '0') > 31)
		return false;
	return strspn(h + 7, alpha) == 53;
}

static int top_key(struct wc_parser *p, const char *key, bool has_value)
{
	if (!strcmp(key, "tls_server_config")) {
		if (p->seen_tls)
			return fail(p, "tls_server_config given twice");
		p->seen_tls = true;
		p->sec = SEC_TLS;
	} else if (!strcmp(key, "basic_auth_users")) {
		if (p->seen_users)
			return fail(p, "basic_auth_users given twice");
		p->seen_users = true;
		p->sec = SEC_USERS;
	} else if (!strcmp(key, "http_server_config")) {
		return fail(p, "http_server_config is not supported by lattop (only "
			    "tls_server_config and basic_auth_users)");
	} else {
		return fail(p, "unknown key '%s': want tls_server_config or basic_auth_users", key);
	}
	if (has_value)
		return fail(p, "%s takes indented KEY: VALUE lines, not a value", key);
	p->child_indent = 0;
	return 0;
}

static int child_key(struct wc_parser *p, const char *key, const char *vs, const char *ve)
{
	struct web_config *wc = p->wc;

	if (vs == ve)
		return fail(p, "%s needs a value", key);
	if (p->sec == SEC_TLS) {
		char *dst;

		if (!strcmp(key, "cert_file"))
			dst = wc->cert_file;
		else if (!strcmp(key, "key_file"))
			dst = wc->key_file;
		else
			return fail(p, "tls_server_config: '%s' is not supported by lattop (only "
				    "cert_file and key_file)", key);
		if (*dst)
			return fail(p, "%s given twice", key);
		return scalar(p, vs, ve, dst, WEB_CONFIG_PATH_MAX, key);
	}
	struct web_config_user *u = &wc->users[wc->n_users];

	if (wc->n_users == WEB_CONFIG_MAX_USERS)
		return fail(p, "too many basic_auth_users (at most %d)", WEB_CONFIG_MAX_USERS);
	if (strlen(key) >= sizeof(u->name))
		return fail(p, "user name too long (at most %zu bytes)", sizeof(u->name) - 1);
	if (strchr(key, ':'))
		return fail(p, "user name '%s': basic auth names cannot contain ':'", key);
	for (size_t i = 0; i < wc->n_users; i++)
		if (!strcmp(wc->users[i].name, key))
			return fail(p, "user '%s' given twice", key);
	if (scalar(p, vs, ve, u->hash, sizeof(u->hash), "password hash"))
		return -EINVAL;
	if (!is_bcrypt(u->hash))
		return fail(p, "user '%s': the password must be a bcrypt hash ($2y$10$... as "
			    "'htpasswd -nBC 10 USER' prints), not a plain password", key);
	strcpy(u->name, key);
	wc->n_users++;
	return 0;
}

static int one_line(struct wc_parser *p, const char *s, const char *e)
{
	char key[WEB_CONFIG_NAME_MAX];
	const char *vs = NULL, *ve = NULL;
	size_t indent = 0;

	if (e > s && e[-1] == '\r')
		e--;
	while (s + indent < e && s[indent] == ' ')
		indent++;
	if (s + indent < e && s[indent] == '\t')
		return fail(p, "tab in indentation: indent with spaces");
	s += indent;
	if (s == e || *s == '#')
		return 0;
	if (indent == 0 && e - s >= 3 && (!strncmp(s, "---", 3) || !strncmp(s, "...", 3)) &&
	    (e - s == 3 || s[3] == ' '))
		return fail(p, "one YAML document only, without '---' or '...'");
	if (split_key(p, s, e, key, sizeof(key), &vs, &ve))
		return -EINVAL;
	if (indent == 0)
		return top_key(p, key, vs != ve);
	if (p->sec == SEC_NONE)
		return fail(p, "indented line outside a section");
	if (!p->child_indent)
		p->child_indent = indent;
	else if (indent != p->child_indent)
		return fail(p, "indentation %zu where the section's keys have %zu", indent,
			    p->child_indent);
	return child_key(p, key, vs, ve);
}

int web_config_parse(struct web_config *wc, const char *text, size_t len, char *err,
		     size_t errlen)
{
	struct wc_parser p = { .wc = wc, .err = err, .errlen = errlen };
	const char *s = text, *end = text + len;

	const char *nul = memchr(text, '\0', len);

	memset(wc, 0, sizeof(*wc));
	if (errlen)
		err[0] = '\0';
	if (nul) {
		p.line = 1;
		for (const char *c = text; c < nul; c++)
			p.line += *c == '\n';
		fail(&p, "NUL byte: not a text file");
		goto bad;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end;

		p.line++;
		if (one_line(&p, s, e))
			goto bad;
		s = nl ? nl + 1 : end;
	}
	if (p.seen_tls && !web_config_has_tls(wc)) {
		snprintf(err, errlen, "tls_server_config needs both cert_file and key_file");
		goto bad;
	}
	return 0;
bad:
	memset(wc, 0, sizeof(*wc));
	return -EINVAL;
}
