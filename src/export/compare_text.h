/*
 * compare_text.h - the report of `lattop compare`: a text table per series
 * and a final verdict line, or one JSON object with the same data.
 *
 * JSON schema (times in ns, ratios current/baseline, null when absent):
 * {"baseline":{"path":"..","kind":"csv"|"recording"},"current":{same},
 *  "threshold_p99_pct":10,"threshold_p50_pct":null|N,"min_samples":100,
 *  "min_delta_ns":1000,"confidence":0.95,"resamples":10000,"seed":1,
 *  "series":[{"kind":"event"|"syscall"|"client","name":"..",
 *    "estimate":"exact"|"histogram","verdict":"ok"|"regression"|"improved"|
 *      "too_few_samples"|"only_baseline"|"only_current",
 *    "baseline":{"count":N,"p50_ns":N,"p90_ns":N,"p99_ns":N,"p999_ns":N,"max_ns":N}|null,
 *    "current":{same}|null,
 *    "change_pct":{"p50":x,"p90":x,"p99":x,"p999":x,"max":x}|null,   (null entry: baseline 0)
 *    "p99_ratio":{"estimate":x,"low":x,"high":x}|null,
 *    "p50_ratio":{same}|null, "p99_regressed":bool, "p50_regressed":bool}, ...],
 *  "judged":N,"regressions":N,"improved":N,"too_few":N,"one_sided":N,
 *  "dropped_series":N,"verdict":"ok"|"regression"}
 * An infinite ratio (baseline 0, current > 0) is written as 1e308.
 */
#ifndef LATTOP_EXPORT_COMPARE_TEXT_H
#define LATTOP_EXPORT_COMPARE_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "core/compare.h"

struct compare_report {
	const char *path[2];		/* baseline, current (as given) */
	const char *input_kind[2];	/* "csv" or "recording" */
	const struct cmp_opts *opts;
	const struct cmp_result *res;
	size_t n;
	const struct cmp_summary *sum;
	size_t dropped;			/* series not kept (over CMP_MAX_SERIES) */
};

/* 0, or -EIO when writing failed. */
int compare_text_write(FILE *f, const struct compare_report *r);
int compare_json_write(FILE *f, const struct compare_report *r);

#endif
