/* sample_csv.c - incremental parser of latency sample CSVs (see sample_csv.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/sample_csv.h"
#include "core/sanitize.h"

#define HEADER_HINT "want a header line timestamp_ns,latency_ns[,event]"
#define CELL_ECHO_MAX 32

void sample_csv_init(struct sample_csv *p, sample_csv_row_fn on_row, void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->on_row = on_row;
	p->ctx = ctx;
	p->col_ts = p->col_lat = p->col_event = -1;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct sample_csv *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	p->err_line = p->line + 1;
	p->failed = true;
	return -EINVAL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The next cell of [*pp, end) into @out (@outsz, NUL-terminated; NULL to
 * skip it), unquoted and without surrounding blanks. Advances past the comma.
 * 0; -EINVAL for an unterminated quote; -E2BIG when it does not fit @out.
 */
static int next_cell(const char **pp, const char *end, char *out, size_t outsz, size_t *outlen)
{
	const char *s = *pp;
	size_t n = 0;
	bool big = false;

	while (s < end && is_blank(*s))
		s++;
	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s >= end)
				return -EINVAL;
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"')
					s++;
				else
					break;
			}
			if (out && n + 1 < outsz)
				out[n++] = *s;
			else if (out)
				big = true;
		}
		s++;
		/* After the closing quote only blanks may come before the comma. */
		while (s < end && *s != ',') {
			if (!is_blank(*s))
				return -EINVAL;
			s++;
		}
	} else {
		for (; s < end && *s != ','; s++) {
			if (out && n + 1 < outsz)
				out[n++] = *s;
			else if (out)
				big = true;
		}
		while (n > 0 && out && is_blank(out[n - 1]))
			n--;
	}
	if (s < end)
		s++;	/* the comma */
	*pp = s;
	if (out) {
		out[n] = '\0';
		if (outlen)
			*outlen = n;
	}
	return big ? -E2BIG : 0;
}

/* A short, sanitised copy of a cell for an error message. */
static const char *echo(char *buf, size_t len, const char *cell)
{
	sanitize_text(buf, len, cell, strlen(cell));
	return buf;
}

static bool looks_numeric(const char *s)
{
	return (*s >= '0' && *s <= '9') || *s == '-' || *s == '+' || *s == '.';
}

static int parse_header(struct sample_csv *p, const char *s, const char *end)
{
	char cell[64];
	int idx = 0;

	while (s < end || idx == 0) {
		int ret = next_cell(&s, end, cell, sizeof(cell), NULL);

		if (ret == -EINVAL)
			return fail(p, "unterminated quote in the header; " HEADER_HINT);
		if (idx == 0 && looks_numeric(cell))
			return fail(p, "no header: the first line is data; " HEADER_HINT);
		if (ret == 0) {
			if (!strcasecmp(cell, "timestamp_ns") && p->col_ts < 0)
				p->col_ts = idx;
			else if (!strcasecmp(cell, "latency_ns") && p->col_lat < 0)
				p->col_lat = idx;
			else if ((!strcasecmp(cell, "event") || !strcasecmp(cell, "syscall")) &&
				 p->col_event < 0)
				p->col_event = idx;
		}
		if (++idx > 1024)
			break;
	}
	if (p->col_lat < 0 && p->col_ts < 0)
		return fail(p, "not a lattop recording, and not a sample CSV: " HEADER_HINT);
	if (p->col_lat < 0)
		return fail(p, "wrong header: no latency_ns column; " HEADER_HINT);
	if (p->col_ts < 0)
		return fail(p, "wrong header: no timestamp_ns column; " HEADER_HINT);
	p->ncols = p->col_ts > p->col_lat ? p->col_ts : p->col_lat;
	if (p->col_event > p->ncols)
		p->ncols = p->col_event;
	p->ncols++;
	p->has_event = p->col_event >= 0;
	p->have_header = true;
	return 0;
}

/* An unsigned decimal integer cell: the whole cell, no sign, no overflow. */
static int parse_u64_cell(struct sample_csv *p, const char *name, const char *cell, uint64_t *out)
{
	char e[CELL_ECHO_MAX];
	uint64_t v = 0;

	if (!*cell)
		return fail(p, "empty %s", name);
	if (*cell == '-')
		return fail(p, "negative %s '%s'", name, echo(e, sizeof(e), cell));
	for (const char *c = cell; *c; c++) {
		unsigned int d = (unsigned int)(*c - '0');

		if (d > 9)
			return fail(p, "%s '%s' is not an integer number of ns", name,
				    echo(e, sizeof(e), cell));
		if (v > (UINT64_MAX - d) / 10)
			return fail(p, "%s '%s' is out of range", name, echo(e, sizeof(e), cell));
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_sample(struct sample_csv *p, const char *s, const char *end)
{
	struct sample_csv_row row = { .event = "" };
	char cell[SAMPLE_CSV_EVENT_MAX];
	int ret;

	for (int idx = 0; idx < p->ncols; idx++) {
		bool want = idx == p->col_ts || idx == p->col_lat || idx == p->col_event;
		size_t n = 0;

		if (s >= end && !(idx > 0 && s[-1] == ',' && s == end))
			return fail(p, "%d cells, want at least %d (as the header says)", idx,
				    p->ncols);
		ret = next_cell(&s, end, want ? cell : NULL, sizeof(cell), &n);
		if (ret == -EINVAL)
			return fail(p, "unterminated quote in cell %d", idx + 1);
		if (ret == -E2BIG && idx == p->col_event)
			return fail(p, "event name longer than %d bytes", SAMPLE_CSV_EVENT_MAX - 1);
		if (ret == -E2BIG)
			return fail(p, "%s is too long for a number",
				    idx == p->col_ts ? "timestamp_ns" : "latency_ns");
		if (idx == p->col_ts)
			ret = parse_u64_cell(p, "timestamp_ns", cell, &row.ts_ns);
		else if (idx == p->col_lat)
			ret = parse_u64_cell(p, "latency_ns", cell, &row.lat_ns);
		else if (idx == p->col_event) {
			memcpy(p->event, cell, n + 1);
			row.event = p->event;
			row.event_len = n;
		}
		if (ret)
			return ret;
	}
	p->rows++;
	ret = p->on_row ? p->on_row(p->ctx, &row) : 0;
	if (ret)
		p->failed = true;
	return ret;
}

/*
 * bpftrace's own stdout in the recipes' CSVs: "Attaching N probes..." and, at
 * exit, the maps still holding entries ("@conn_start[12]: 3456", "@x:").
 * No CSV cell of ours starts with '@' or "Attaching ".
 */
static bool is_bpftrace_line(const char *s, const char *end)
{
	static const char attaching[] = "Attaching ";

	if (*s == '@')
		return true;
	return end - s >= (long)sizeof(attaching) - 1 &&
	       !memcmp(s, attaching, sizeof(attaching) - 1) && end - s >= 3 &&
	       !memcmp(end - 3, "...", 3);
}

/* One complete line in p->buf (without its LF). */
static int process_line(struct sample_csv *p)
{
	const char *s = p->buf, *end = p->buf + p->len;
	const char *t;

	if (end > s && end[-1] == '\r')
		end--;
	if (!p->have_header && p->line == 0 && end - s >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	for (t = s; t < end && is_blank(*t); t++)
		;
	if (t == end)
		return 0;	/* blank line */
	if (is_bpftrace_line(t, end)) {
		p->skipped++;
		return 0;
	}
	return p->have_header ? parse_sample(p, s, end) : parse_header(p, s, end);
}

int sample_csv_feed(struct sample_csv *p, const char *data, size_t len)
{
	if (p->failed)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		int ret;

		if (c == '\n') {
			ret = process_line(p);
			if (ret)
				return ret;
			p->line++;
			p->len = 0;
			continue;
		}
		if (c == '\0')
			return fail(p, p->have_header ? "NUL byte: not a text file" :
					"NUL byte: neither a lattop recording nor a sample CSV");
		if (p->len >= SAMPLE_CSV_LINE_MAX)
			return fail(p, "line longer than %d bytes", SAMPLE_CSV_LINE_MAX);
		p->buf[p->len++] = c;
	}
	return 0;
}

int sample_csv_finish(struct sample_csv *p)
{
	int ret;

	if (p->failed)
		return -EINVAL;
	if (p->len) {
		ret = process_line(p);
		if (ret)
			return ret;
		p->line++;
		p->len = 0;
	}
	if (!p->have_header)
		return fail(p, "empty file; " HEADER_HINT " and one sample per line");
	if (!p->rows)
		return fail(p, "no samples after the header");
	return 0;
}

int sample_csv_parse(struct sample_csv *p, const char *data, size_t len, sample_csv_row_fn on_row,
		     void *ctx)
{
	int ret;

	sample_csv_init(p, on_row, ctx);
	ret = sample_csv_feed(p, data, len);
	return ret ? ret : sample_csv_finish(p);
}
