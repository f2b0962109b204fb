/* compare_text.c - `lattop compare` report as text tables or one JSON object. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "core/sanitize.h"
#include "export/compare_text.h"
#include "export/json.h"
#include "export/fmt_duration.h"

#define NAME_OUT_LEN (CMP_NAME_LEN * 3)
#define PATH_OUT_LEN 1024

static const char *verdict_text(enum cmp_verdict v)
{
	switch (v) {
	case CMP_OK:
		return "ok";
	case CMP_REGRESSION:
		return "REGRESSION";
	case CMP_IMPROVED:
		return "improved";
	case CMP_TOO_FEW:
		return "too few samples: not judged";
	case CMP_ONLY_BASELINE:
		return "only in the baseline: not judged";
	default:
		return "only in the current run: not judged";
	}
}

static void stats_values(const struct cmp_stats *st, uint64_t v[5])
{
	v[0] = st->p50_ns;
	v[1] = st->p90_ns;
	v[2] = st->p99_ns;
	v[3] = st->p999_ns;
	v[4] = st->max_ns;
}

static void text_run_row(FILE *f, const char *label, const struct cmp_result *r, int run)
{
	char d[FMT_DURATION_LEN];
	uint64_t v[5];

	if (!r->present[run]) {
		fprintf(f, "  %-9s %9s  (no samples)\n", label, "0");
		return;
	}
	stats_values(&r->st[run], v);
	fprintf(f, "  %-9s %9" PRIu64, label, r->st[run].count);
	for (int i = 0; i < 5; i++) {
		fmt_duration_ns(d, sizeof(d), v[i]);
		fprintf(f, " %9s", d);
	}
	fputc('\n', f);
}

static void text_change_row(FILE *f, const struct cmp_result *r)
{
	uint64_t b[5], c[5];
	char cell[24];

	stats_values(&r->st[0], b);
	stats_values(&r->st[1], c);
	fprintf(f, "  %-9s %9s", "change", "");
	for (int i = 0; i < 5; i++) {
		if (b[i])
			snprintf(cell, sizeof(cell), "%+.1f%%",
				 ((double)c[i] - (double)b[i]) * 100.0 / (double)b[i]);
		else
			snprintf(cell, sizeof(cell), "%s", c[i] ? "n/a" : "+0.0%");
		fprintf(f, " %9s", cell);
	}
	fputc('\n', f);
}

static void text_ratio(FILE *f, const char *what, const struct cmp_interval *iv, double thr_pct)
{
	fprintf(f, "  %s ratio %.3f, %.0f %% interval [%.3f, %.3f] (regression above %.3f)\n", what,
		iv->est, CMP_CONFIDENCE * 100.0, iv->low, iv->high, 1.0 + thr_pct / 100.0);
}

static void text_series(FILE *f, const struct cmp_result *r, const struct cmp_opts *o)
{
	const struct cmp_series *s = r->series;
	bool exact = r->present[0] ? r->st[0].exact : r->st[1].exact;
	char name[NAME_OUT_LEN];

	sanitize_text(name, sizeof(name), s->name, strlen(s->name));
	fprintf(f, "%s %s (%s)\n", compare_kind_name(s->kind), name,
		exact ? "exact percentiles" :
		"histogram estimates within 6.25 %; ratios interpolated in buckets");
	fprintf(f, "  %-9s %9s %9s %9s %9s %9s %9s\n", "", "count", "p50", "p90", "p99", "p99.9",
		"max");
	text_run_row(f, "baseline", r, 0);
	text_run_row(f, "current", r, 1);
	if (r->present[0] && r->present[1])
		text_change_row(f, r);
	if (r->p99.valid)
		text_ratio(f, "p99", &r->p99, o->threshold_p99_pct);
	if (r->p50.valid)
		text_ratio(f, "p50", &r->p50, o->threshold_p50_pct);
	if (r->verdict == CMP_TOO_FEW)
		fprintf(f, "  verdict: %s (%" PRIu64 " and %" PRIu64
			" samples, --min-samples %" PRIu64 ")\n", verdict_text(r->verdict),
			r->st[0].count, r->st[1].count, o->min_samples);
	else if (r->verdict == CMP_REGRESSION)
		fprintf(f, "  verdict: REGRESSION of %s\n",
			r->p99_regressed && r->p50_regressed ? "p99 and p50" :
			r->p99_regressed ? "p99" : "p50");
	else
		fprintf(f, "  verdict: %s\n", verdict_text(r->verdict));
	fputc('\n', f);
}

int compare_text_write(FILE *f, const struct compare_report *r)
{
	const struct cmp_opts *o = r->opts;
	char p0[PATH_OUT_LEN], p1[PATH_OUT_LEN], delta[FMT_DURATION_LEN];
	size_t listed = 0;

	sanitize_text(p0, sizeof(p0), r->path[0], strlen(r->path[0]));
	sanitize_text(p1, sizeof(p1), r->path[1], strlen(r->path[1]));
	fmt_duration_ns(delta, sizeof(delta), o->min_delta_ns);
	fprintf(f, "lattop compare: baseline %s (%s), current %s (%s)\n", p0, r->input_kind[0], p1,
		r->input_kind[1]);
	fprintf(f, "regression: p99 up more than %g %%", o->threshold_p99_pct);
	if (o->threshold_p50_pct >= 0.0)
		fprintf(f, " or p50 up more than %g %%", o->threshold_p50_pct);
	fprintf(f, " over the whole %.0f %% bootstrap interval (%" PRIu32
		" resamples, seed %" PRIu64 "),\nand by at least %s; fewer than %" PRIu64
		" samples in a run: not judged\n\n",
		CMP_CONFIDENCE * 100.0, o->resamples, o->seed, delta, o->min_samples);
	for (size_t i = 0; i < r->n; i++)
		text_series(f, &r->res[i], o);
	if (r->dropped)
		fprintf(f, "warning: %zu client series not compared (more than %d series)\n",
			r->dropped, CMP_MAX_SERIES);
	if (r->sum->regressions) {
		fprintf(f, "verdict: REGRESSION in %zu of %zu judged series:", r->sum->regressions,
			r->sum->judged);
		for (size_t i = 0; i < r->n && listed < 10; i++) {
			char name[NAME_OUT_LEN];

			if (r->res[i].verdict != CMP_REGRESSION)
				continue;
			sanitize_text(name, sizeof(name), r->res[i].series->name,
				      strlen(r->res[i].series->name));
			fprintf(f, "%s %s %s", listed ? "," : "",
				compare_kind_name(r->res[i].series->kind), name);
			listed++;
		}
		fprintf(f, "%s\n", r->sum->regressions > listed ? ", ..." : "");
	} else if (!r->sum->judged) {
		fprintf(f, "verdict: ok: nothing could be judged (%zu series: %zu too few samples, "
			"%zu in one run only)\n", r->sum->series, r->sum->too_few, r->sum->one_sided);
	} else {
		fprintf(f, "verdict: ok: %zu series judged, none regressed (%zu improved, "
			"%zu too few samples, %zu in one run only)\n", r->sum->judged,
			r->sum->improved, r->sum->too_few, r->sum->one_sided);
	}
	return ferror(f) ? -EIO : 0;
}

/* --- JSON ---------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
	json_write_string(f, s, strlen(s));
}

/* JSON has no infinity: a ratio over a zero baseline is written as 1e308. */
static void json_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("null", f);
	else if (isinf(v))
		fputs(v > 0 ? "1e308" : "-1e308", f);
	else
		fprintf(f, "%.6g", v);
}

static void json_stats(FILE *f, const char *key, const struct cmp_result *r, int run)
{
	const struct cmp_stats *st = &r->st[run];

	fprintf(f, ",\"%s\":", key);
	if (!r->present[run]) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"count\":%" PRIu64 ",\"p50_ns\":%" PRIu64 ",\"p90_ns\":%" PRIu64
		",\"p99_ns\":%" PRIu64 ",\"p999_ns\":%" PRIu64 ",\"max_ns\":%" PRIu64 "}",
		st->count, st->p50_ns, st->p90_ns, st->p99_ns, st->p999_ns, st->max_ns);
}

static void json_change(FILE *f, const struct cmp_result *r)
{
	static const char *const keys[] = { "p50", "p90", "p99", "p999", "max" };
	uint64_t b[5], c[5];

	fputs(",\"change_pct\":", f);
	if (!r->present[0] || !r->present[1]) {
		fputs("null", f);
		return;
	}
	stats_values(&r->st[0], b);
	stats_values(&r->st[1], c);
	for (int i = 0; i < 5; i++) {
		fprintf(f, "%c\"%s\":", i ? ',' : '{', keys[i]);
		if (b[i])
			json_num(f, ((double)c[i] - (double)b[i]) * 100.0 / (double)b[i]);
		else
			fputs(c[i] ? "null" : "0", f);
	}
	fputc('}', f);
}

static void json_ratio(FILE *f, const char *key, const struct cmp_interval *iv)
{
	fprintf(f, ",\"%s\":", key);
	if (!iv->valid) {
		fputs("null", f);
		return;
	}
	fputs("{\"estimate\":", f);
	json_num(f, iv->est);
	fputs(",\"low\":", f);
	json_num(f, iv->low);
	fputs(",\"high\":", f);
	json_num(f, iv->high);
	fputc('}', f);
}

static void json_series(FILE *f, const struct cmp_result *r)
{
	bool exact = r->present[0] ? r->st[0].exact : r->st[1].exact;

	fprintf(f, "{\"kind\":\"%s\",\"name\":", compare_kind_name(r->series->kind));
	json_str(f, r->series->name);
	fprintf(f, ",\"estimate\":\"%s\",\"verdict\":\"%s\"", exact ? "exact" : "histogram",
		compare_verdict_name(r->verdict));
	json_stats(f, "baseline", r, 0);
	json_stats(f, "current", r, 1);
	json_change(f, r);
	json_ratio(f, "p99_ratio", &r->p99);
	json_ratio(f, "p50_ratio", &r->p50);
	fprintf(f, ",\"p99_regressed\":%s,\"p50_regressed\":%s}",
		r->p99_regressed ? "true" : "false", r->p50_regressed ? "true" : "false");
}

int compare_json_write(FILE *f, const struct compare_report *r)
{
	const struct cmp_opts *o = r->opts;
	const struct cmp_summary *s = r->sum;

	for (int i = 0; i < 2; i++) {
		fprintf(f, "%s\"%s\":{\"path\":", i ? "," : "{", i ? "current" : "baseline");
		json_str(f, r->path[i]);
		fprintf(f, ",\"kind\":\"%s\"}", r->input_kind[i]);
	}
	fputs(",\"threshold_p99_pct\":", f);
	json_num(f, o->threshold_p99_pct);
	fputs(",\"threshold_p50_pct\":", f);
	if (o->threshold_p50_pct >= 0.0)
		json_num(f, o->threshold_p50_pct);
	else
		fputs("null", f);
	fprintf(f, ",\"min_samples\":%" PRIu64 ",\"min_delta_ns\":%" PRIu64 ",\"confidence\":%g"
		",\"resamples\":%" PRIu32 ",\"seed\":%" PRIu64 ",\"series\":[", o->min_samples,
		o->min_delta_ns, CMP_CONFIDENCE, o->resamples, o->seed);
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			fputc(',', f);
		json_series(f, &r->res[i]);
	}
	fprintf(f, "],\"judged\":%zu,\"regressions\":%zu,\"improved\":%zu,\"too_few\":%zu,"
		"\"one_sided\":%zu,\"dropped_series\":%zu,\"verdict\":\"%s\"}\n", s->judged,
		s->regressions, s->improved, s->too_few, s->one_sided, r->dropped,
		s->regressions ? "regression" : "ok");
	return ferror(f) ? -EIO : 0;
}
