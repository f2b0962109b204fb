/*
 * compare.h - baseline vs current latency distributions: percentiles, a
 * bootstrap confidence interval on the p99 (and p50) ratio, and a verdict.
 * Pure C11 over abstract series; knows nothing of files or formats.
 *
 * A series (an event, a syscall, a client) holds per run either exact
 * samples or a log-linear histogram (struct abi_hist).
 *
 * Percentiles: exact samples use the nearest-rank rule, the sample of rank
 * ceil(pct/100 * n) in sorted order (1-based); histograms use
 * hist_percentile_ns (the same rank, reported as its bucket's midpoint:
 * within 6.25 % of the exact value).
 *
 * Confidence: a percentile bootstrap of the ratio current/baseline of the
 * percentile, CMP_RESAMPLES resamples with a fixed-seed PRNG (xoshiro256**;
 * the seed mixes opts.seed and the series name, so a series' interval does
 * not depend on the other series). Each resample is of all n values of each
 * run -- no subsampling and no cap: the k-th smallest of n draws from the
 * empirical distribution is the value at rank ceil(V * n) with
 * V ~ Beta(k, n + 1 - k) (the k-th order statistic of n uniforms), so one
 * Beta draw per run gives one resampled percentile exactly. Histograms are
 * resampled the same way (multinomially over their buckets). The interval is
 * the central CMP_CONFIDENCE of the resampled ratios.
 *
 * For histograms the ratio, its interval and the min-delta test use the
 * percentile's rank interpolated linearly inside its bucket (its c values
 * spread evenly over [lo, hi]) rather than the bucket midpoint the tables
 * show: midpoints jump by a whole bucket (up to 12.5 %) when a percentile
 * crosses a bucket edge, which a tight interval would report as a change.
 *
 * Verdict of a series (thresholds in %, t = threshold / 100):
 * - too_few: fewer than min_samples in either run: not judged;
 * - only_baseline / only_current: present in one run: not judged;
 * - regression: the whole p99 interval lies above 1 + t and current p99 -
 *   baseline p99 >= min_delta_ns; likewise for p50 when its threshold is set;
 * - improved: the whole interval lies below 1 - t and baseline - current
 *   >= min_delta_ns (p99, or p50 when set), and nothing regressed;
 * - ok: anything else.
 */
#ifndef LATTOP_CORE_COMPARE_H
#define LATTOP_CORE_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

#define CMP_NAME_LEN 80
#define CMP_MAX_SERIES 4096
#define CMP_RESAMPLES 10000
#define CMP_CONFIDENCE 0.95

enum cmp_kind {
	CMP_EVENT = 0,		/* CSV events, recorded raw samples */
	CMP_SYSCALL,		/* a syscall over every process */
	CMP_CLIENT,		/* request latency of one client (address, port, direction) */
	CMP_FAMILY,		/* a row of a family table: CMP_FAMILY + enum snap_family */
	/*
	 * A syscall of one cgroup, over its processes ("nginx.service read"):
	 * a regression in one service is named even when the host-wide
	 * syscall series hides it. After every family kind.
	 */
	CMP_CGROUP = 64,
};

enum cmp_run {
	CMP_BASELINE = 0,
	CMP_CURRENT = 1,
};

/* One run's values of one series: exact samples, or a histogram. */
struct cmp_dist {
	uint64_t *lat_ns;	/* samples; sorted by compare_series */
	size_t n;
	size_t cap;
	struct abi_hist *hist;	/* non-NULL: a histogram (samples added later go into it) */
};

struct cmp_series {
	enum cmp_kind kind;
	char name[CMP_NAME_LEN];	/* raw bytes, may be untrusted: sanitise before output */
	struct cmp_dist run[2];
};

struct cmp_set {
	struct cmp_series *s;
	size_t n;
	size_t cap;
	size_t last;		/* last series looked up: samples tend to repeat it */
};

struct cmp_opts {
	double threshold_p99_pct;	/* default 10 */
	double threshold_p50_pct;	/* < 0: p50 not judged (default) */
	uint64_t min_samples;		/* default 100 */
	uint64_t min_delta_ns;		/* default 1000 (1 us) */
	uint64_t seed;			/* default 1 */
	uint32_t resamples;		/* default CMP_RESAMPLES */
};

struct cmp_stats {
	uint64_t count;			/* values the percentiles are over */
	uint64_t p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
	bool exact;			/* from samples (else a histogram estimate) */
};

/* Ratio current/baseline of one percentile and its bootstrap interval. */
struct cmp_interval {
	bool valid;
	double est, low, high;		/* may be INFINITY when the baseline is 0 */
};

enum cmp_verdict {
	CMP_OK = 0,
	CMP_REGRESSION,
	CMP_IMPROVED,
	CMP_TOO_FEW,
	CMP_ONLY_BASELINE,
	CMP_ONLY_CURRENT,
};

struct cmp_result {
	const struct cmp_series *series;
	bool present[2];
	struct cmp_stats st[2];
	struct cmp_interval p99, p50;	/* p50 computed only when its threshold is set */
	bool p99_regressed, p50_regressed;
	enum cmp_verdict verdict;
};

struct cmp_summary {
	size_t series, judged, regressions, improved, too_few, one_sided;
};

void compare_opts_default(struct cmp_opts *o);

void cmp_set_init(struct cmp_set *set);
void cmp_set_free(struct cmp_set *set);

/* The series (@kind, @name of @len bytes, cut at CMP_NAME_LEN - 1); created if new. NULL+errno. */
struct cmp_series *cmp_set_get(struct cmp_set *set, enum cmp_kind kind, const char *name,
			       size_t len);

/* Add one sample / merge one histogram into a series' run. 0, -ENOMEM, -E2BIG (too many series). */
int cmp_add_sample(struct cmp_set *set, enum cmp_run run, enum cmp_kind kind, const char *name,
		   size_t len, uint64_t lat_ns);
int cmp_add_hist(struct cmp_set *set, enum cmp_run run, enum cmp_kind kind, const char *name,
		 size_t len, const struct abi_hist *h);

/* Nearest-rank percentile of @n sorted values (0 < pct <= 100); 0 when n == 0. */
uint64_t compare_exact_percentile(const uint64_t *sorted, size_t n, double pct);

/* Rank (1-based) nearest-rank picks: ceil(pct/100 * n), at least 1; 0 when n == 0. */
uint64_t compare_rank(uint64_t n, double pct);

/*
 * The @pct percentile the ratio and its interval use (dist sorted): the exact
 * nearest-rank value of samples; for a histogram the value of the same rank
 * interpolated linearly inside its bucket (see compare.h's top comment).
 */
double compare_dist_point(const struct cmp_dist *d, double pct);

/* Sort the samples and compute the statistics of one run. */
void compare_dist_stats(struct cmp_dist *d, struct cmp_stats *st);

/*
 * Bootstrap interval of the ratio current/baseline of the @pct percentile
 * (both dists sorted and non-empty). 0, or -ENOMEM.
 */
int compare_bootstrap(const struct cmp_dist *base, const struct cmp_dist *cur, double pct,
		      uint32_t resamples, uint64_t seed, struct cmp_interval *out);

/* Deterministic PRNG and one resampled percentile (exposed for tests). */
struct cmp_rng {
	uint64_t s[4];
};
void compare_rng_seed(struct cmp_rng *r, uint64_t seed);
double compare_rng_uniform(struct cmp_rng *r);		/* in (0, 1) */
double compare_rng_beta(struct cmp_rng *r, double a, double b);	/* a, b >= 1 */
double compare_resample_pct(const struct cmp_dist *d, double pct, struct cmp_rng *r);

/* Statistics, interval and verdict of one series. 0 or -ENOMEM. */
int compare_series(struct cmp_series *s, const struct cmp_opts *o, struct cmp_result *r);

/*
 * Every series of @set, ordered by kind then name, into *@out (n = set->n,
 * free() it). @sum counts verdicts. 0 or -ENOMEM.
 */
int compare_all(struct cmp_set *set, const struct cmp_opts *o, struct cmp_result **out,
		struct cmp_summary *sum);

/* "event", "syscall", "client", or a family's name ("runqueue", "block"). */
const char *compare_kind_name(enum cmp_kind k);
const char *compare_verdict_name(enum cmp_verdict v);

#endif
