/* settings.c - lattoprc text: parse (bad lines reported and skipped) and write. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/assert_expr.h"
#include "core/client_view.h"
#include "core/sanitize.h"
#include "core/view.h"
#include "ui/settings.h"

static const char *const table_names[SETTINGS_TABLE_NR] = { "syscalls", "processes", "clients" };

int settings_sort_count(enum settings_table t)
{
	/* The syscall tables' sort keys include "nr" (VIEW_SORT_NR), as F6 cycles them. */
	return t == SETTINGS_CLIENTS ? CLIENT_SORT_NR : VIEW_SORT_NR + 1;
}

const char *settings_sort_name(enum settings_table t, int sort)
{
	if (sort < 0 || sort >= settings_sort_count(t))
		return "?";
	return t == SETTINGS_CLIENTS ? client_sort_name((enum client_sort)sort) :
				       view_sort_name((enum view_sort)sort);
}

void settings_defaults(struct ui_settings *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->theme, sizeof(s->theme), "default");
	s->interval_ms = 1000;
	s->sort[SETTINGS_SYSCALLS] = VIEW_SORT_TIME;
	s->sort[SETTINGS_PROCESSES] = VIEW_SORT_TIME;
	s->sort[SETTINGS_CLIENTS] = CLIENT_SORT_REQUESTS;
}

uint32_t settings_interval_snap_ms(double seconds)
{
	uint32_t best = 0;
	double best_ratio = 0;

	/* A little slack at the ends, so that "0.1" and "60" written by hand never miss. */
	if (!(seconds >= 0.1 * 0.999 && seconds <= 60 * 1.001))
		return 0;
	for (int i = 0; i < SETTINGS_INTERVAL_STEPS; i++) {
		double step = settings_interval_ladder_ms(i) / 1000.0;
		double ratio = seconds > step ? seconds / step : step / seconds;

		if (!best || ratio < best_ratio) {
			best = settings_interval_ladder_ms(i);
			best_ratio = ratio;
		}
	}
	return best;
}

uint32_t settings_interval_step_ms(uint32_t ms, int dir)
{
	uint32_t snapped = settings_interval_snap_ms(ms / 1000.0);
	int i = 0;

	if (!snapped)
		snapped = ms < 100 ? 100 : 60000;
	while (i < SETTINGS_INTERVAL_STEPS - 1 && settings_interval_ladder_ms(i) != snapped)
		i++;
	i += dir > 0 ? 1 : dir < 0 ? -1 : 0;
	if (i < 0)
		i = 0;
	if (i >= SETTINGS_INTERVAL_STEPS)
		i = SETTINGS_INTERVAL_STEPS - 1;
	return settings_interval_ladder_ms(i);
}

/* --- parsing --------------------------------------------------------------- */

struct parse_ctx {
	const struct settings_schema *sc;
	const char *file;
	size_t line;
	struct settings_problems *p;
	size_t bad;
};

static void __attribute__((format(printf, 2, 3))) problem(struct parse_ctx *c, const char *fmt,
							   ...)
{
	char reason[SETTINGS_PROBLEM_LEN];
	va_list ap;

	c->bad++;
	if (!c->p)
		return;
	if (c->p->n < SETTINGS_PROBLEMS_MAX) {
		va_start(ap, fmt);
		vsnprintf(reason, sizeof(reason), fmt, ap);
		va_end(ap);
		/* A very long path cuts the reason short, never the line number. */
		if (snprintf(c->p->msg[c->p->n], SETTINGS_PROBLEM_LEN, "%s:%zu: %s", c->file,
			     c->line, reason) >= SETTINGS_PROBLEM_LEN)
			c->p->msg[c->p->n][SETTINGS_PROBLEM_LEN - 1] = '\0';
	}
	c->p->n++;
}

/* A value from the file, safe for the status line: sanitised and cut short. */
static const char *quote(char *buf, size_t len, const char *s)
{
	char cut[48];
	size_t n = strlen(s);

	if (n > 40) {
		memcpy(cut, s, 37);
		memcpy(cut + 37, "...", 4);
		s = cut;
		n = 40;
	}
	sanitize_text(buf, len, s, n);
	return buf;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

static int table_of(const char *name)
{
	for (int t = 0; t < SETTINGS_TABLE_NR; t++)
		if (!strcmp(name, table_names[t]))
			return t;
	return -1;
}

static void set_theme(struct ui_settings *s, struct parse_ctx *c, const char *v)
{
	const struct settings_schema *sc = c->sc;
	char q[64], want[160] = "";
	bool known = !sc || !sc->themes;

	for (size_t i = 0; !known && i < sc->n_themes; i++)
		known = !strcmp(v, sc->themes[i]);
	if (!*v) {
		problem(c, "theme: empty");
	} else if (strlen(v) >= sizeof(s->theme)) {
		problem(c, "theme: longer than %zu bytes", sizeof(s->theme) - 1);
	} else if (!known && v[0] != '/') {
		for (size_t i = 0; i < sc->n_themes; i++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s, ",
				 sc->themes[i]);
		problem(c, "unknown theme '%s': want %san absolute path", quote(q, sizeof(q), v),
			want);
	} else {
		snprintf(s->theme, sizeof(s->theme), "%s", v);
	}
}

static void set_interval(struct ui_settings *s, struct parse_ctx *c, const char *v)
{
	char *end, q[64];
	double secs;
	uint32_t ms;

	errno = 0;
	secs = strtod(v, &end);
	if (end != v && *end == 's')
		end++;
	ms = end != v && !*end && !errno && isfinite(secs) ? settings_interval_snap_ms(secs) : 0;
	if (!ms) {
		problem(c, "interval '%s': want seconds from 0.1 to 60", quote(q, sizeof(q), v));
		return;
	}
	s->interval_ms = ms;
}

static void set_sort(struct ui_settings *s, struct parse_ctx *c, int t, char *v)
{
	char *dir = v + strcspn(v, " \t"), q[64], want[160] = "";
	bool asc = false;

	if (*dir) {
		*dir++ = '\0';
		dir = trim(dir);
		if (strcmp(dir, "asc")) {
			problem(c, "sort.%s: '%s' after the key: want nothing or asc",
				table_names[t], quote(q, sizeof(q), dir));
			return;
		}
		asc = true;
	}
	for (int k = 0; k < settings_sort_count(t); k++) {
		if (!strcmp(v, settings_sort_name(t, k))) {
			s->sort[t] = k;
			s->sort_asc[t] = asc;
			return;
		}
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", k ? " " : "",
			 settings_sort_name(t, k));
	}
	problem(c, "sort.%s: unknown key '%s': want one of %s", table_names[t],
		quote(q, sizeof(q), v), want);
}

static void set_hidden(struct ui_settings *s, struct parse_ctx *c, int t, char *v)
{
	const struct settings_schema *sc = c->sc;
	size_t ncols = sc ? sc->n_cols[t] : 0;
	uint32_t mask = 0;
	char q[64];

	if (ncols > SETTINGS_COLS_MAX)
		ncols = SETTINGS_COLS_MAX;
	for (char *save = NULL, *tok = strtok_r(v, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		tok = trim(tok);
		if (!*tok)
			continue;
		for (i = 0; i < ncols; i++)
			if (!strcasecmp(tok, sc->cols[t][i]))
				break;
		if (i == ncols) {
			problem(c, "hide.%s: no column '%s' in that table", table_names[t],
				quote(q, sizeof(q), tok));
			return;
		}
		mask |= 1u << i;
	}
	s->hidden[t] = mask;
}

static void set_waits(struct ui_settings *s, struct parse_ctx *c, const char *v)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };
	char q[64];

	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (!strcmp(v, on[i]) || !strcmp(v, off[i])) {
			s->waits = !strcmp(v, on[i]);
			return;
		}
	}
	problem(c, "waits '%s': want on or off", quote(q, sizeof(q), v));
}

static void add_slo(struct ui_settings *s, struct parse_ctx *c, const char *v)
{
	struct assert_expr e;
	char err[160], q[64];

	if (s->n_slo == SETTINGS_SLO_MAX) {
		problem(c, "slo: more than %d thresholds", SETTINGS_SLO_MAX);
	} else if (strlen(v) >= SETTINGS_SLO_LEN) {
		problem(c, "slo: longer than %d bytes", SETTINGS_SLO_LEN - 1);
	} else if (assert_expr_parse(v, &e, err, sizeof(err))) {
		problem(c, "slo '%s': %s", quote(q, sizeof(q), v), err);
	} else {
		snprintf(s->slo[s->n_slo++], SETTINGS_SLO_LEN, "%s", v);
	}
}

static void parse_line(struct ui_settings *s, struct parse_ctx *c, char *line)
{
	char *eq, *key, *val, q[64];
	const char *dot;
	int t;

	line = trim(line);
	if (!*line || *line == '#')
		return;
	eq = strchr(line, '=');
	if (!eq) {
		problem(c, "'%s': want key = value", quote(q, sizeof(q), line));
		return;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	dot = strchr(key, '.');
	t = dot ? table_of(dot + 1) : -1;
	if (!strcmp(key, "theme"))
		set_theme(s, c, val);
	else if (!strcmp(key, "interval"))
		set_interval(s, c, val);
	else if (!strcmp(key, "waits"))
		set_waits(s, c, val);
	else if (!strcmp(key, "slo"))
		add_slo(s, c, val);
	else if (t >= 0 && dot - key == 4 && !strncmp(key, "sort", 4))
		set_sort(s, c, t, val);
	else if (t >= 0 && dot - key == 4 && !strncmp(key, "hide", 4))
		set_hidden(s, c, t, val);
	else
		problem(c, "unknown key '%s'", quote(q, sizeof(q), key));
}

/* Control bytes (a NUL among them) have no place in a settings line; tabs are blanks. */
static bool line_clean(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return false;
	}
	return true;
}

size_t settings_parse(struct ui_settings *s, const struct settings_schema *sc, const char *text,
		      size_t len, const char *file, struct settings_problems *p)
{
	struct parse_ctx c = { .sc = sc, .file = file ? file : "lattoprc", .p = p };
	char line[SETTINGS_LINE_MAX];
	size_t pos = 0;

	if (p)
		memset(p, 0, sizeof(*p));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		c.line++;
		if (n && text[pos + n - 1] == '\r')	/* CRLF from an editor elsewhere */
			n--;
		if (n >= sizeof(line))
			problem(&c, "line longer than %d bytes", SETTINGS_LINE_MAX - 1);
		else if (!line_clean(text + pos, n))
			problem(&c, "control character in the line");
		else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			parse_line(s, &c, line);
		}
		pos += (nl ? (size_t)(nl - (text + pos)) : len - pos) + 1;
	}
	return c.bad;
}

/* --- writing --------------------------------------------------------------- */

struct out {
	char *buf;
	size_t len, used;
	bool full;
};

static void __attribute__((format(printf, 2, 3))) put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->full = true;
		o->buf[o->used] = '\0';	/* never half a line */
		return;
	}
	o->used += (size_t)n;
}

int settings_format(const struct ui_settings *s, const struct settings_schema *sc, char *buf,
		    size_t len)
{
	struct out o = { buf, len, 0, false };

	if (!len)
		return -ENOSPC;
	buf[0] = '\0';
	put(&o, "# lattop dashboard settings. lattop rewrites this file when a setting changes\n"
		"# (F2 setup screen, or on quit); comments are not kept. lattop --no-config\n"
		"# ignores it; the command line wins over it.\n");
	put(&o, "theme = %s\n", s->theme);
	put(&o, "interval = %g\n", s->interval_ms / 1000.0);
	for (int t = 0; t < SETTINGS_TABLE_NR; t++)
		put(&o, "sort.%s = %s%s\n", table_names[t], settings_sort_name(t, s->sort[t]),
		    s->sort_asc[t] ? " asc" : "");
	for (int t = 0; t < SETTINGS_TABLE_NR; t++) {
		size_t ncols = sc ? sc->n_cols[t] : 0;
		const char *sep = "";

		put(&o, "hide.%s =", table_names[t]);
		for (size_t i = 0; i < ncols && i < SETTINGS_COLS_MAX; i++) {
			if (s->hidden[t] & (1u << i)) {
				put(&o, "%s%s", *sep ? sep : " ", sc->cols[t][i]);
				sep = ",";
			}
		}
		put(&o, "\n");
	}
	put(&o, "waits = %s\n", s->waits ? "on" : "off");
	for (size_t i = 0; i < s->n_slo; i++)
		put(&o, "slo = %s\n", s->slo[i]);
	return o.full ? -ENOSPC : (int)o.used;
}

bool settings_equal(const struct ui_settings *a, const struct ui_settings *b)
{
	if (strcmp(a->theme, b->theme) || a->interval_ms != b->interval_ms ||
	    a->waits != b->waits || a->n_slo != b->n_slo)
		return false;
	for (int t = 0; t < SETTINGS_TABLE_NR; t++)
		if (a->sort[t] != b->sort[t] || a->sort_asc[t] != b->sort_asc[t] ||
		    a->hidden[t] != b->hidden[t])
			return false;
	for (size_t i = 0; i < a->n_slo; i++)
		if (strcmp(a->slo[i], b->slo[i]))
			return false;
	return true;
}
