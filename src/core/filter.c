/* filter.c - parse, format and match the operator's filter. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/filter.h"
#include "core/syscall_names.h"

void filter_clear(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

bool filter_is_empty(const struct filter *f)
{
	return !f->n_comm && !f->n_pid && !f->n_sys;
}

/* One "kind:" term; @val is NUL-terminated and non-empty. */
typedef int (*term_parser)(struct filter *f, const char *val, char *err, size_t errlen);

static int add_pid(struct filter *f, const char *val, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || *end || val[0] < '1' || val[0] > '9' || v > 0x7fffffff) {
		snprintf(err, errlen, "bad pid '%s'", val);
		return -EINVAL;
	}
	if (f->n_pid == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many pids (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	f->pid[f->n_pid++] = (uint32_t)v;
	return 0;
}

static int add_sys(struct filter *f, const char *val, char *err, size_t errlen)
{
	int nr = syscall_lookup(val);

	if (nr < 0) {
		snprintf(err, errlen, "unknown syscall '%s'", val);
		return -EINVAL;
	}
	if (f->n_sys == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many syscalls (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	f->sys_nr[f->n_sys++] = (uint32_t)nr;
	return 0;
}

static int add_comm(struct filter *f, const char *val, char *err, size_t errlen)
{
	if (strlen(val) >= ABI_COMM_LEN) {
		snprintf(err, errlen, "process name '%.20s' longer than %d bytes", val,
			 ABI_COMM_LEN - 1);
		return -EINVAL;
	}
	if (f->n_comm == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many process names (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	snprintf(f->comm[f->n_comm++], ABI_COMM_LEN, "%s", val);
	return 0;
}

/* Term kinds; a new kind (ip:, port:) is one more row. */
static const struct {
	const char *prefix;
	term_parser parse;
} term_kinds[] = {
	{ "pid:", add_pid },
	{ "sys:", add_sys },
	{ "comm:", add_comm },
};

/* "kind:a,b,c": each comma-separated value through @parse. */
static int parse_list(struct filter *f, char *list, term_parser parse, const char *kind,
		      char *err, size_t errlen)
{
	char *save = NULL, *val;
	int ret, n = 0;

	for (val = strtok_r(list, ",", &save); val; val = strtok_r(NULL, ",", &save)) {
		ret = parse(f, val, err, errlen);
		if (ret)
			return ret;
		n++;
	}
	if (!n) {
		snprintf(err, errlen, "'%s' needs a value", kind);
		return -EINVAL;
	}
	return 0;
}

static int parse_term(struct filter *f, char *term, char *err, size_t errlen)
{
	char *colon = strchr(term, ':');

	for (size_t i = 0; i < sizeof(term_kinds) / sizeof(term_kinds[0]); i++) {
		size_t plen = strlen(term_kinds[i].prefix);

		if (!strncmp(term, term_kinds[i].prefix, plen))
			return parse_list(f, term + plen, term_kinds[i].parse, term_kinds[i].prefix,
					  err, errlen);
	}
	if (colon) {
		snprintf(err, errlen, "unknown filter '%.*s' (want NAME, pid:N, sys:NAME)",
			 (int)(colon - term + 1), term);
		return -EINVAL;
	}
	return add_comm(f, term, err, errlen);
}

int filter_parse(struct filter *f, const char *text, char *err, size_t errlen)
{
	char buf[FILTER_TEXT_MAX], *save = NULL, *term;
	struct filter next;
	int ret;

	if (errlen)
		err[0] = '\0';
	if (strlen(text) >= sizeof(buf)) {
		snprintf(err, errlen, "filter longer than %d bytes", FILTER_TEXT_MAX - 1);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	filter_clear(&next);
	for (term = strtok_r(buf, " \t", &save); term; term = strtok_r(NULL, " \t", &save)) {
		ret = parse_term(&next, term, err, errlen);
		if (ret)
			return ret;
	}
	*f = next;
	return 0;
}

/* Append to @buf at *@off, never past @len; keeps the string terminated. */
static void append(char *buf, size_t len, size_t *off, const char *s)
{
	int n;

	if (*off >= len)
		return;
	n = snprintf(buf + *off, len - *off, "%s", s);
	if (n > 0)
		*off += (size_t)n < len - *off ? (size_t)n : len - *off - 1;
}

void filter_format(const struct filter *f, char *buf, size_t len)
{
	char item[64];
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < f->n_comm; i++) {
		/* A name that looks like "kind:..." must keep the explicit prefix. */
		snprintf(item, sizeof(item), "%s%s%s", off ? " " : "",
			 strchr(f->comm[i], ':') ? "comm:" : "", f->comm[i]);
		append(buf, len, &off, item);
	}
	for (size_t i = 0; i < f->n_pid; i++) {
		snprintf(item, sizeof(item), "%s%u", i ? "," : (off ? " pid:" : "pid:"), f->pid[i]);
		append(buf, len, &off, item);
	}
	for (size_t i = 0; i < f->n_sys; i++) {
		char name[40];

		syscall_name_or_nr(f->sys_nr[i], name, sizeof(name));
		snprintf(item, sizeof(item), "%s%s", i ? "," : (off ? " sys:" : "sys:"), name);
		append(buf, len, &off, item);
	}
}

bool filter_match_proc(const struct filter *f, uint32_t pid, const char *comm)
{
	bool ok;

	if (f->n_pid) {
		ok = false;
		for (size_t i = 0; i < f->n_pid && !ok; i++)
			ok = f->pid[i] == pid;
		if (!ok)
			return false;
	}
	if (f->n_comm) {
		char name[ABI_COMM_LEN + 1];

		/* comm from the kernel may lack a terminator. */
		size_t len = strnlen(comm, ABI_COMM_LEN);

		memcpy(name, comm, len);
		name[len] = '\0';
		ok = false;
		for (size_t i = 0; i < f->n_comm && !ok; i++)
			ok = strstr(name, f->comm[i]) != NULL;
		if (!ok)
			return false;
	}
	return true;
}

bool filter_match_sys(const struct filter *f, const struct snap_sys_row *r)
{
	if (f->n_sys) {
		bool ok = false;

		for (size_t i = 0; i < f->n_sys && !ok; i++)
			ok = f->sys_nr[i] == r->nr;
		if (!ok)
			return false;
	}
	return filter_match_proc(f, r->pid, r->comm);
}
