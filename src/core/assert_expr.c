/*
 * assert_expr.c - a hand-written scanner for one assertion: small enough
 * that every error can name its column and what was expected there.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/assert_expr.h"
#include "core/family.h"
#include "core/filter.h"
#include "core/hist.h"
#include "core/syscall_names.h"

static const struct {
	const char *name;
	enum assert_metric metric;
} metric_names[] = {
	{ "p50", ASSERT_P50 },	   { "p90", ASSERT_P90 },     { "p99", ASSERT_P99 },
	{ "p999", ASSERT_P999 },   { "p99.9", ASSERT_P999 },  { "max", ASSERT_MAX },
	{ "avg", ASSERT_AVG },	   { "count", ASSERT_COUNT }, { "calls", ASSERT_COUNT },
	{ "errors", ASSERT_ERRORS },
};

/* Canonical names, by metric. */
static const char *const metric_text[ASSERT_METRIC_NR] = {
	"p50", "p90", "p99", "p999", "max", "avg", "count", "errors",
};

static const char *const op_text[] = { "<", "<=", ">", ">=", "==", "!=" };

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "ms", 1000000 },
	{ "s", 1000000000 },
};

struct scan {
	const char *s;
	size_t pos;
	char *err;
	size_t errlen;
};

static int scan_fail(struct scan *sc, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int scan_fail(struct scan *sc, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(sc->err, sc->errlen, "column %zu: ", pos + 1);
	if (n >= 0 && (size_t)n < sc->errlen) {
		va_start(ap, fmt);
		vsnprintf(sc->err + n, sc->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static void skip_ws(struct scan *sc)
{
	while (sc->s[sc->pos] == ' ' || sc->s[sc->pos] == '\t')
		sc->pos++;
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* A word of @extra-or-word characters at pos; its length (0: none). */
static size_t word_len(const struct scan *sc, const char *extra)
{
	size_t n = 0;

	while (sc->s[sc->pos + n] && (is_word(sc->s[sc->pos + n]) ||
				      strchr(extra, sc->s[sc->pos + n])))
		n++;
	return n;
}

/* What the scanner sees at pos, for messages: a short printable excerpt. */
static const char *seen(const struct scan *sc, char *buf, size_t len)
{
	size_t n = 0;

	if (!sc->s[sc->pos])
		return "the end";
	buf[n++] = '\'';
	for (size_t i = sc->pos; sc->s[i] && sc->s[i] != ' ' && n < len - 5 && i < sc->pos + 12; i++)
		buf[n++] = sc->s[i] >= 0x20 && sc->s[i] < 0x7f ? sc->s[i] : '?';
	buf[n++] = '\'';
	buf[n] = '\0';
	return buf;
}

static int parse_metric(struct scan *sc, struct assert_expr *out)
{
	size_t n = word_len(sc, ".");
	char what[24];

	for (size_t i = 0; n && i < sizeof(metric_names) / sizeof(metric_names[0]); i++)
		if (strlen(metric_names[i].name) == n &&
		    !strncmp(sc->s + sc->pos, metric_names[i].name, n)) {
			out->metric = metric_names[i].metric;
			sc->pos += n;
			return 0;
		}
	return scan_fail(sc, sc->pos, "unknown metric %s: want p50, p90, p99, p999, max, avg, "
			 "count, calls or errors", seen(sc, what, sizeof(what)));
}

static int parse_field_value(struct scan *sc, struct assert_expr *out);

/* ", FIELD:VALUE" after a family: a key field of that family and its text. */
static int parse_fam_field(struct scan *sc, struct assert_expr *out)
{
	const struct family_desc *d = family_get((enum snap_family)out->fam);
	char what[24];
	size_t start, n;

	sc->pos++;	/* ',' */
	skip_ws(sc);
	start = sc->pos;
	n = word_len(sc, "");
	for (unsigned int i = 0; n && i < d->n_fields; i++) {
		const char *name = family_field_name(d->fields[i]);

		if (strlen(name) == n && !strncmp(sc->s + start, name, n))
			out->field = (int)d->fields[i];
	}
	if (out->field < 0) {
		char fields[64] = "";

		for (unsigned int i = 0; i < d->n_fields; i++)
			snprintf(fields + strlen(fields), sizeof(fields) - strlen(fields), "%s%s",
				 i ? ", " : "", family_field_name(d->fields[i]));
		return scan_fail(sc, start, "%s has no field %s: want %s", d->term,
				 seen(sc, what, sizeof(what)), fields);
	}
	sc->pos += n;
	skip_ws(sc);
	if (sc->s[sc->pos] != ':')
		return scan_fail(sc, sc->pos, "expected ':' after '%s', found %s",
				 family_field_name((enum fam_field)out->field),
				 seen(sc, what, sizeof(what)));
	sc->pos++;
	return parse_field_value(sc, out);
}

/* The VALUE after "FIELD:" (or after "fn:"), up to the next blank or ')'. */
static int parse_field_value(struct scan *sc, struct assert_expr *out)
{
	char what[24];
	size_t start, n;

	skip_ws(sc);
	start = sc->pos;
	n = word_len(sc, ".-/:+@");
	if (!n)
		return scan_fail(sc, sc->pos, "expected a value for '%s', found %s",
				 family_field_name((enum fam_field)out->field),
				 seen(sc, what, sizeof(what)));
	if (n >= sizeof(out->field_value))
		return scan_fail(sc, start, "value too long");
	memcpy(out->field_value, sc->s + start, n);
	out->field_value[n] = '\0';
	if (out->field == FAM_F_OP && family_block_op_parse(out->field_value) < 0)
		return scan_fail(sc, start, "unknown op '%s': want read, write, flush, discard or "
				 "other", out->field_value);
	sc->pos += n;
	skip_ws(sc);
	return 0;
}

/* "cg", blanks, ':' at pos: its length; 0 when not there. */
static size_t at_cg(const struct scan *sc)
{
	size_t n = 2;

	if (strncmp(sc->s + sc->pos, "cg", 2))
		return 0;
	while (sc->s[sc->pos + n] == ' ' || sc->s[sc->pos + n] == '\t')
		n++;
	return sc->s[sc->pos + n] == ':' ? n + 1 : 0;
}

/* "cg:TEXT": printable, up to a blank, ',' or ')'. */
static int parse_cg(struct scan *sc, struct assert_expr *out)
{
	size_t start, n = 0;

	if (out->cg[0])
		return scan_fail(sc, sc->pos, "one cg: per assertion");
	sc->pos += at_cg(sc);
	skip_ws(sc);
	start = sc->pos;
	while (sc->s[start + n] > 0x20 && sc->s[start + n] < 0x7f && sc->s[start + n] != ')' &&
	       sc->s[start + n] != ',')
		n++;
	if (!n)
		return scan_fail(sc, start, "expected part of a cgroup's name or path after 'cg:'");
	if (n >= sizeof(out->cg))
		return scan_fail(sc, start, "cgroup text longer than %zu characters",
				 sizeof(out->cg) - 1);
	memcpy(out->cg, sc->s + start, n);
	out->cg[n] = '\0';
	sc->pos += n;
	skip_ws(sc);
	return 0;
}

/* ')' closing the selection after @name, or a message. */
static int parse_close(struct scan *sc, const char *name, bool fam)
{
	char what[24];

	if (sc->s[sc->pos] == ')') {
		sc->pos++;
		return 0;
	}
	return scan_fail(sc, sc->pos, "expected ')'%s after '%s', found %s",
			 fam ? ", ', FIELD:VALUE' or ', cg:TEXT'" : " or ', cg:TEXT'", name,
			 seen(sc, what, sizeof(what)));
}

static int parse_syscall(struct scan *sc, struct assert_expr *out)
{
	char name[64], what[24];
	size_t start, n;
	enum snap_family fam;
	int nr;

	out->nr = -1;
	out->fam = -1;
	out->field = -1;
	if (sc->s[sc->pos] != '(')
		return 0;
	sc->pos++;
	skip_ws(sc);
	if (at_cg(sc)) {	/* every syscall of a cgroup */
		int ret = parse_cg(sc, out);

		return ret ?: parse_close(sc, "cg:", false);
	}
	start = sc->pos;
	n = word_len(sc, "");
	if (!n)
		return scan_fail(sc, sc->pos, "expected a syscall name, found %s",
				 seen(sc, what, sizeof(what)));
	if (n >= sizeof(name))
		return scan_fail(sc, start, "syscall name too long");
	memcpy(name, sc->s + start, n);
	name[n] = '\0';
	if (family_find(name, &fam)) {
		int ret;

		out->fam = (int)fam;
		sc->pos += n;
		/* fn:NAME is short for (fn, function:NAME), as the dashboard's filter writes it. */
		if (fam == SNAP_FAM_FUNC && sc->s[sc->pos] == ':') {
			sc->pos++;
			out->field = FAM_F_FUNC;
			if ((ret = parse_field_value(sc, out)))
				return ret;
		}
		skip_ws(sc);
		while (sc->s[sc->pos] == ',') {
			size_t comma = sc->pos;

			sc->pos++;
			skip_ws(sc);
			if (at_cg(sc)) {
				ret = parse_cg(sc, out);
			} else if (out->field < 0) {
				sc->pos = comma;
				ret = parse_fam_field(sc, out);
			} else {
				ret = scan_fail(sc, sc->pos, "expected 'cg:TEXT' after ',', found %s",
						seen(sc, what, sizeof(what)));
			}
			if (ret)
				return ret;
			skip_ws(sc);
		}
		return parse_close(sc, name, true);
	}
	nr = syscall_lookup(name);
	if (nr < 0)
		return scan_fail(sc, start, "unknown syscall '%s'", name);
	out->nr = nr;
	sc->pos += n;
	skip_ws(sc);
	if (sc->s[sc->pos] == ',') {
		int ret;

		sc->pos++;
		skip_ws(sc);
		if (!at_cg(sc))
			return scan_fail(sc, sc->pos, "expected 'cg:TEXT' after ',', found %s",
					 seen(sc, what, sizeof(what)));
		if ((ret = parse_cg(sc, out)))
			return ret;
	}
	return parse_close(sc, name, false);
}

static int parse_op(struct scan *sc, struct assert_expr *out)
{
	const char *p = sc->s + sc->pos;
	char what[24];

	if (p[0] == '<' || p[0] == '>') {
		bool eq = p[1] == '=';

		out->op = p[0] == '<' ? (eq ? ASSERT_LE : ASSERT_LT) : (eq ? ASSERT_GE : ASSERT_GT);
		sc->pos += 1 + eq;
		return 0;
	}
	if ((p[0] == '=' || p[0] == '!') && p[1] == '=') {
		out->op = p[0] == '=' ? ASSERT_EQ : ASSERT_NE;
		sc->pos += 2;
		return 0;
	}
	if (p[0] == '=')
		return scan_fail(sc, sc->pos, "'=' is not a comparison: use '=='");
	return scan_fail(sc, sc->pos, "expected a comparison (< <= > >= == !=), found %s",
			 seen(sc, what, sizeof(what)));
}

/*
 * The number as a mantissa and a count of decimals (at most 9), both exact.
 * Overflow and digits past the ninth decimal are errors.
 */
static int parse_number(struct scan *sc, uint64_t *mant, unsigned int *decimals)
{
	size_t start = sc->pos;
	char what[24];
	bool dot = false;

	*mant = 0;
	*decimals = 0;
	if (sc->s[sc->pos] < '0' || sc->s[sc->pos] > '9')
		return scan_fail(sc, sc->pos, "expected a number, found %s%s",
				 seen(sc, what, sizeof(what)),
				 sc->s[sc->pos] == '-' ? " (values are never negative)" : "");
	for (;; sc->pos++) {
		char c = sc->s[sc->pos];

		if (c == '.' && !dot) {
			dot = true;
			if (sc->s[sc->pos + 1] < '0' || sc->s[sc->pos + 1] > '9')
				return scan_fail(sc, sc->pos + 1, "expected a digit after '.'");
			continue;
		}
		if (c == '.')
			return scan_fail(sc, sc->pos, "a second '.' in the number");
		if (c < '0' || c > '9')
			break;
		if (dot && ++*decimals > 9)
			return scan_fail(sc, sc->pos, "more than 9 decimals");
		if (*mant > (UINT64_MAX - (uint64_t)(c - '0')) / 10)
			return scan_fail(sc, start, "number too large");
		*mant = *mant * 10 + (uint64_t)(c - '0');
	}
	return 0;
}

static int parse_value(struct scan *sc, struct assert_expr *out)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
					  100000000, 1000000000 };
	size_t start = sc->pos, num_end, unit_at, n;
	uint64_t mant, mult = 0;
	unsigned int decimals;
	bool time = assert_expr_is_time(out);
	int ret;

	ret = parse_number(sc, &mant, &decimals);
	if (ret)
		return ret;
	num_end = sc->pos;
	skip_ws(sc);
	unit_at = sc->pos;
	n = word_len(sc, "");
	if (n && (sc->s[unit_at] < '0' || sc->s[unit_at] > '9')) {
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].name) == n && !strncmp(sc->s + unit_at, units[i].name, n))
				mult = units[i].ns;
		if (!mult)
			return scan_fail(sc, unit_at, "unknown unit '%.*s': want ns, us, ms or s",
					 (int)(n < 16 ? n : 16), sc->s + unit_at);
		if (!time)
			return scan_fail(sc, unit_at, "%s takes no unit",
					 metric_text[out->metric]);
		sc->pos += n;
	} else {
		sc->pos = num_end;	/* the spaces belong to what follows */
		if (time)
			return scan_fail(sc, num_end, "%s is a time: give a unit, e.g. %.*sms "
					 "(ns, us, ms or s)", metric_text[out->metric],
					 (int)(num_end - start < 20 ? num_end - start : 20),
					 sc->s + start);
	}
	if (!time) {
		if (decimals)
			return scan_fail(sc, start, "%s is a whole number",
					 metric_text[out->metric]);
		out->value = mant;
	} else {
		/* mant / 10^decimals units: whole ns or an error, never rounded */
		if (mant > UINT64_MAX / mult)
			return scan_fail(sc, start, "value too large (at most 18446744073s)");
		if ((mant * mult) % pow10[decimals])
			return scan_fail(sc, start, "finer than 1 ns");
		out->value = mant * mult / pow10[decimals];
	}
	/* canonical: no leading zeros, the decimals as written */
	if (decimals)
		snprintf(out->value_text, sizeof(out->value_text), "%llu.%0*llu%.*s",
			 (unsigned long long)(mant / pow10[decimals]), (int)decimals,
			 (unsigned long long)(mant % pow10[decimals]), (int)(time ? n : 0),
			 sc->s + unit_at);
	else
		snprintf(out->value_text, sizeof(out->value_text), "%llu%.*s",
			 (unsigned long long)mant, (int)(time ? n : 0), sc->s + unit_at);
	return 0;
}

bool assert_expr_is_time(const struct assert_expr *e)
{
	return e->metric != ASSERT_COUNT && e->metric != ASSERT_ERRORS;
}

int assert_expr_parse(const char *text, struct assert_expr *out, char *err, size_t errlen)
{
	struct scan sc = { text, 0, err, errlen };
	struct assert_expr e;
	char what[24];
	int ret;

	if (errlen)
		err[0] = '\0';
	memset(&e, 0, sizeof(e));
	if (strlen(text) > ASSERT_EXPR_MAX)
		return scan_fail(&sc, ASSERT_EXPR_MAX, "expression longer than %d characters",
				 ASSERT_EXPR_MAX);
	skip_ws(&sc);
	if (!text[sc.pos])
		return scan_fail(&sc, sc.pos, "empty assertion: want e.g. 'p99(read) < 2ms'");
	ret = parse_metric(&sc, &e);
	if (!ret) {
		skip_ws(&sc);
		ret = parse_syscall(&sc, &e);
	}
	if (!ret) {
		skip_ws(&sc);
		ret = parse_op(&sc, &e);
	}
	if (!ret) {
		skip_ws(&sc);
		ret = parse_value(&sc, &e);
	}
	if (ret)
		return ret;
	skip_ws(&sc);
	if (text[sc.pos])
		return scan_fail(&sc, sc.pos, "unexpected %s after the value",
				 seen(&sc, what, sizeof(what)));
	*out = e;
	return 0;
}

static bool compare(uint64_t a, enum assert_op op, uint64_t b)
{
	switch (op) {
	case ASSERT_LT:
		return a < b;
	case ASSERT_LE:
		return a <= b;
	case ASSERT_GT:
		return a > b;
	case ASSERT_GE:
		return a >= b;
	case ASSERT_EQ:
		return a == b;
	case ASSERT_NE:
		return a != b;
	}
	return false;
}

int assert_expr_eval_hist(const struct assert_expr *e, const struct abi_hist *h, bool *passed,
			  uint64_t *actual)
{
	static const double pct[] = { [ASSERT_P50] = 50, [ASSERT_P90] = 90, [ASSERT_P99] = 99,
				      [ASSERT_P999] = 99.9 };

	*passed = false;
	*actual = 0;
	if (assert_expr_is_time(e) && !h->timed)
		return -ENODATA;
	switch (e->metric) {
	case ASSERT_P50:
	case ASSERT_P90:
	case ASSERT_P99:
	case ASSERT_P999:
		*actual = hist_percentile_ns(h, pct[e->metric]);
		break;
	case ASSERT_MAX:
		*actual = h->max_ns;
		break;
	case ASSERT_AVG:
		*actual = h->sum_ns / h->timed;
		break;
	case ASSERT_COUNT:
		*actual = h->count;
		break;
	case ASSERT_ERRORS:
		*actual = h->errors;
		break;
	default:
		return -EINVAL;
	}
	*passed = compare(*actual, e->op, e->value);
	return 0;
}

/* The family's rows (those matching the field, if any) merged, then as for syscalls. */
static int eval_fam(const struct assert_expr *e, const struct snapshot *s, bool *passed,
		    uint64_t *actual, char *err, size_t errlen)
{
	static struct abi_hist h;	/* 2.4 KiB: not on the stack (callers are one thread) */
	const struct family_desc *d = family_get((enum snap_family)e->fam);
	const struct snap_table *t = &s->fam[e->fam];
	char v[64], rows[160] = "";
	int ret;

	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < t->n; i++) {
		if (e->cg[0] && !filter_cgroup_has(s, t->rows[i].key.cgid, e->cg))
			continue;
		if (e->field >= 0 &&
		    strcmp(family_field_fmt(&t->rows[i], (enum fam_field)e->field, v, sizeof(v)),
			   e->field_value))
			continue;
		snapshot_hist_merge(s, &t->rows[i].total, &h);
	}
	ret = assert_expr_eval_hist(e, &h, passed, actual);
	if (e->field >= 0)
		snprintf(rows, sizeof(rows), " with %s %s",
			 family_field_name((enum fam_field)e->field), e->field_value);
	if (e->cg[0])
		snprintf(rows + strlen(rows), sizeof(rows) - strlen(rows), " in cgroup %s", e->cg);
	if (ret == -ENODATA)
		snprintf(err, errlen, "no %s%s events%s%s", h.count ? "timed " : "", d->name, rows,
			 t->state == SNAP_FAM_ON ? "" : " (not collected)");
	else if (ret)
		snprintf(err, errlen, "bad metric");
	return ret;
}

int assert_expr_eval(const struct assert_expr *e, const struct snapshot *cumulative, bool *passed,
		     uint64_t *actual, char *err, size_t errlen)
{
	struct abi_hist h;
	char name[32];
	int ret;

	*passed = false;
	*actual = 0;
	if (errlen)
		err[0] = '\0';
	if (!cumulative) {
		snprintf(err, errlen, "no data");
		return -EINVAL;
	}
	if (e->fam >= 0 && e->fam < SNAP_FAM_NR)
		return eval_fam(e, cumulative, passed, actual, err, errlen);
	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < cumulative->n_sys; i++)
		if ((e->nr < 0 || cumulative->sys[i].nr == (uint32_t)e->nr) &&
		    (!e->cg[0] || filter_cgroup_has(cumulative, cumulative->sys[i].cgroup_id, e->cg)))
			snapshot_hist_merge(cumulative, &cumulative->sys[i].total, &h);
	ret = assert_expr_eval_hist(e, &h, passed, actual);
	if (ret == -ENODATA) {
		const char *in = e->cg[0] ? " in cgroup " : "";

		if (e->nr < 0)
			snprintf(err, errlen, "no %scalls%s%s", h.count ? "timed " : "", in, e->cg);
		else
			snprintf(err, errlen, "no %s%s calls%s%s", h.count ? "timed " : "",
				 syscall_name_or_nr((uint32_t)e->nr, name, sizeof(name)), in, e->cg);
	} else if (ret) {
		snprintf(err, errlen, "bad metric");
	}
	return ret;
}

size_t assert_expr_text(const struct assert_expr *e, char *buf, size_t len)
{
	char name[160] = "", sys[32];
	int n;

	if (e->fam >= 0 && e->field >= 0)
		snprintf(name, sizeof(name), "(%s, %s:%s", family_get((enum snap_family)e->fam)->term,
			 family_field_name((enum fam_field)e->field), e->field_value);
	else if (e->fam >= 0)
		snprintf(name, sizeof(name), "(%s", family_get((enum snap_family)e->fam)->term);
	else if (e->nr >= 0)
		snprintf(name, sizeof(name), "(%s",
			 syscall_name_or_nr((uint32_t)e->nr, sys, sizeof(sys)));
	if (e->cg[0])
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%scg:%s",
			 name[0] ? ", " : "(", e->cg);
	if (name[0])
		strcat(name, ")");
	n = snprintf(buf, len, "%s%s %s %s", metric_text[e->metric % ASSERT_METRIC_NR], name,
		     op_text[e->op], e->value_text);
	return n < 0 ? 0 : (size_t)n;
}
