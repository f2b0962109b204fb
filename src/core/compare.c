/* compare.c - percentiles, bootstrap intervals and verdicts (see compare.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/compare.h"
#include "core/family.h"
#include "core/hist.h"

void compare_opts_default(struct cmp_opts *o)
{
	o->threshold_p99_pct = 10.0;
	o->threshold_p50_pct = -1.0;
	o->min_samples = 100;
	o->min_delta_ns = 1000;
	o->seed = 1;
	o->resamples = CMP_RESAMPLES;
}

void cmp_set_init(struct cmp_set *set)
{
	memset(set, 0, sizeof(*set));
}

void cmp_set_free(struct cmp_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		for (int r = 0; r < 2; r++) {
			free(set->s[i].run[r].lat_ns);
			free(set->s[i].run[r].hist);
		}
	}
	free(set->s);
	cmp_set_init(set);
}

static bool series_is(const struct cmp_series *s, enum cmp_kind kind, const char *name, size_t len)
{
	return s->kind == kind && strlen(s->name) == len && !memcmp(s->name, name, len);
}

struct cmp_series *cmp_set_get(struct cmp_set *set, enum cmp_kind kind, const char *name,
			       size_t len)
{
	struct cmp_series *s;

	if (len > CMP_NAME_LEN - 1)
		len = CMP_NAME_LEN - 1;
	if (set->last < set->n && series_is(&set->s[set->last], kind, name, len))
		return &set->s[set->last];
	for (size_t i = 0; i < set->n; i++) {
		if (series_is(&set->s[i], kind, name, len)) {
			set->last = i;
			return &set->s[i];
		}
	}
	if (set->n >= CMP_MAX_SERIES) {
		errno = E2BIG;
		return NULL;
	}
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		struct cmp_series *ns = realloc(set->s, cap * sizeof(*ns));

		if (!ns)
			return NULL;
		set->s = ns;
		set->cap = cap;
	}
	s = &set->s[set->n];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	memcpy(s->name, name, len);
	s->name[len] = '\0';
	set->last = set->n++;
	return s;
}

static void hist_add_value(struct abi_hist *h, uint64_t v)
{
	h->slots[abi_hist_slot(v)]++;
	h->count++;
	h->timed++;
	h->sum_ns += v;
	if (v > h->max_ns)
		h->max_ns = v;
}

int cmp_add_sample(struct cmp_set *set, enum cmp_run run, enum cmp_kind kind, const char *name,
		   size_t len, uint64_t lat_ns)
{
	struct cmp_series *s = cmp_set_get(set, kind, name, len);
	struct cmp_dist *d;

	if (!s)
		return -errno;
	d = &s->run[run];
	if (d->hist) {
		hist_add_value(d->hist, lat_ns);
		return 0;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 1024;
		uint64_t *nv = realloc(d->lat_ns, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		d->lat_ns = nv;
		d->cap = cap;
	}
	d->lat_ns[d->n++] = lat_ns;
	return 0;
}

int cmp_add_hist(struct cmp_set *set, enum cmp_run run, enum cmp_kind kind, const char *name,
		 size_t len, const struct abi_hist *h)
{
	struct cmp_series *s = cmp_set_get(set, kind, name, len);
	struct cmp_dist *d;

	if (!s)
		return -errno;
	d = &s->run[run];
	if (!d->hist) {
		d->hist = calloc(1, sizeof(*d->hist));
		if (!d->hist)
			return -ENOMEM;
		/* Samples already there join the histogram: one representation per run. */
		for (size_t i = 0; i < d->n; i++)
			hist_add_value(d->hist, d->lat_ns[i]);
		free(d->lat_ns);
		d->lat_ns = NULL;
		d->n = d->cap = 0;
	}
	hist_merge(d->hist, h);
	return 0;
}

uint64_t compare_rank(uint64_t n, double pct)
{
	uint64_t rank;

	if (!n || !(pct > 0.0))
		return 0;
	if (pct > 100.0)
		pct = 100.0;
	rank = (uint64_t)((double)n * pct / 100.0);
	if ((double)rank < (double)n * pct / 100.0)
		rank++;
	if (rank > n)
		rank = n;
	return rank < 1 ? 1 : rank;
}

uint64_t compare_exact_percentile(const uint64_t *sorted, size_t n, double pct)
{
	uint64_t rank = compare_rank(n, pct);

	return rank ? sorted[rank - 1] : 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t hist_values(const struct abi_hist *h)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		n += h->slots[i];
	return n;
}

void compare_dist_stats(struct cmp_dist *d, struct cmp_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (d->hist) {
		st->count = hist_values(d->hist);
		st->p50_ns = hist_percentile_ns(d->hist, 50.0);
		st->p90_ns = hist_percentile_ns(d->hist, 90.0);
		st->p99_ns = hist_percentile_ns(d->hist, 99.0);
		st->p999_ns = hist_percentile_ns(d->hist, 99.9);
		st->max_ns = st->count ? d->hist->max_ns : 0;
		return;
	}
	st->exact = true;
	if (!d->n)
		return;
	qsort(d->lat_ns, d->n, sizeof(d->lat_ns[0]), cmp_u64);
	st->count = d->n;
	st->p50_ns = compare_exact_percentile(d->lat_ns, d->n, 50.0);
	st->p90_ns = compare_exact_percentile(d->lat_ns, d->n, 90.0);
	st->p99_ns = compare_exact_percentile(d->lat_ns, d->n, 99.0);
	st->p999_ns = compare_exact_percentile(d->lat_ns, d->n, 99.9);
	st->max_ns = d->lat_ns[d->n - 1];
}

/* --- PRNG: splitmix64 seeding, xoshiro256** ---------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void compare_rng_seed(struct cmp_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct cmp_rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

double compare_rng_uniform(struct cmp_rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_normal(struct cmp_rng *r)
{
	double u1 = compare_rng_uniform(r), u2 = compare_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Gamma(a, 1) for a >= 1: Marsaglia and Tsang (2000). */
static double rng_gamma(struct cmp_rng *r, double a)
{
	double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);

	for (;;) {
		double x = rng_normal(r), v = 1.0 + c * x, u;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = compare_rng_uniform(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double compare_rng_beta(struct cmp_rng *r, double a, double b)
{
	double x = rng_gamma(r, a), y = rng_gamma(r, b);

	return x / (x + y);
}

/* Rank (1-based) of the k-th smallest of n resampled values: ceil(V * n), V ~ Beta(k, n+1-k). */
static uint64_t resample_rank(uint64_t n, uint64_t k, struct cmp_rng *r)
{
	double v = compare_rng_beta(r, (double)k, (double)(n + 1 - k));
	uint64_t rank = (uint64_t)ceil(v * (double)n);

	if (rank < 1)
		rank = 1;
	return rank > n ? n : rank;
}

/*
 * The value of rank @rank (1-based) of a histogram, interpolated linearly
 * inside its bucket: the c samples of a bucket [lo, hi] are taken to sit at
 * lo + (hi + 1 - lo) * (i - 0.5) / c. Continuous in the rank, so two runs of
 * one distribution do not differ by a whole bucket (up to 12.5 %) when the
 * percentile sits near a bucket edge.
 */
static double hist_value_at_rank(const struct abi_hist *h, uint64_t rank)
{
	uint64_t seen = 0;

	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++) {
		uint64_t c = h->slots[i];
		double lo, width, v;

		if (!c || seen + c < rank) {
			seen += c;
			continue;
		}
		lo = (double)hist_slot_lower_ns(i);
		width = i >= ABI_HIST_SLOTS - 1 ? 0.0 : (double)hist_slot_upper_ns(i) + 1.0 - lo;
		v = lo + width * ((double)(rank - seen) - 0.5) / (double)c;
		if (h->max_ns && v > (double)h->max_ns && (double)h->max_ns >= lo)
			v = (double)h->max_ns;	/* the max is exact */
		return v;
	}
	return (double)h->max_ns;
}

double compare_dist_point(const struct cmp_dist *d, double pct)
{
	uint64_t n;

	if (!d->hist)
		return (double)compare_exact_percentile(d->lat_ns, d->n, pct);
	n = hist_values(d->hist);
	return n ? hist_value_at_rank(d->hist, compare_rank(n, pct)) : 0.0;
}

double compare_resample_pct(const struct cmp_dist *d, double pct, struct cmp_rng *r)
{
	uint64_t n, k;

	if (!d->hist) {
		k = compare_rank(d->n, pct);
		if (!k)
			return 0;
		return (double)d->lat_ns[resample_rank(d->n, k, r) - 1];
	}
	n = hist_values(d->hist);
	k = compare_rank(n, pct);
	if (!k)
		return 0;
	return hist_value_at_rank(d->hist, resample_rank(n, k, r));
}

static double ratio(double cur, double base)
{
	if (!(base > 0.0))
		return cur > 0.0 ? INFINITY : 1.0;
	return cur / base;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int compare_bootstrap(const struct cmp_dist *base, const struct cmp_dist *cur, double pct,
		      uint32_t resamples, uint64_t seed, struct cmp_interval *out)
{
	struct cmp_rng rng;
	double *r;
	size_t lo, hi;

	memset(out, 0, sizeof(*out));
	if (resamples < 2)
		resamples = 2;
	r = malloc(resamples * sizeof(*r));
	if (!r)
		return -ENOMEM;
	compare_rng_seed(&rng, seed);
	for (uint32_t i = 0; i < resamples; i++) {
		double b = compare_resample_pct(base, pct, &rng);
		double c = compare_resample_pct(cur, pct, &rng);

		r[i] = ratio(c, b);
	}
	qsort(r, resamples, sizeof(*r), cmp_double);
	lo = (size_t)floor((1.0 - CMP_CONFIDENCE) / 2.0 * resamples);
	hi = (size_t)ceil((1.0 + CMP_CONFIDENCE) / 2.0 * resamples) - 1;
	if (hi >= resamples)
		hi = resamples - 1;
	out->low = r[lo];
	out->high = r[hi];
	out->valid = true;
	free(r);
	return 0;
}

/* FNV-1a of the series identity: each series gets its own reproducible stream. */
static uint64_t series_seed(const struct cmp_series *s, uint64_t seed, uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)s->kind;

	for (const char *c = s->name; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
	return h ^ (seed * 0x9e3779b97f4a7c15ull) ^ salt;
}

/* Regressed / improved on one percentile: the interval and the absolute change both. */
static void judge(const struct cmp_interval *iv, double base, double cur, double thr_pct,
		  uint64_t min_delta_ns, bool *regressed, bool *improved)
{
	double t = thr_pct / 100.0, delta = (double)min_delta_ns;

	*regressed = iv->valid && iv->low > 1.0 + t && cur - base >= delta;
	*improved = iv->valid && t < 1.0 && iv->high < 1.0 - t && base - cur >= delta;
}

/* Interval, point ratio and verdict flags of one percentile. */
static int judge_pct(struct cmp_series *s, const struct cmp_opts *o, double pct, double thr_pct,
		     struct cmp_interval *iv, bool *regressed, bool *improved)
{
	double b = compare_dist_point(&s->run[0], pct), c = compare_dist_point(&s->run[1], pct);
	int ret = compare_bootstrap(&s->run[0], &s->run[1], pct, o->resamples,
				    series_seed(s, o->seed, (uint64_t)(pct * 10)), iv);

	if (ret)
		return ret;
	iv->est = ratio(c, b);
	judge(iv, b, c, thr_pct, o->min_delta_ns, regressed, improved);
	return 0;
}

int compare_series(struct cmp_series *s, const struct cmp_opts *o, struct cmp_result *r)
{
	bool imp99 = false, imp50 = false;
	int ret;

	memset(r, 0, sizeof(*r));
	r->series = s;
	for (int i = 0; i < 2; i++) {
		compare_dist_stats(&s->run[i], &r->st[i]);
		r->present[i] = r->st[i].count > 0;
	}
	if (!r->present[CMP_CURRENT] || !r->present[CMP_BASELINE]) {
		r->verdict = r->present[CMP_BASELINE] ? CMP_ONLY_BASELINE : CMP_ONLY_CURRENT;
		return 0;
	}
	r->p99.est = ratio(compare_dist_point(&s->run[1], 99.0),
			   compare_dist_point(&s->run[0], 99.0));
	if (r->st[0].count < o->min_samples || r->st[1].count < o->min_samples) {
		r->verdict = CMP_TOO_FEW;
		return 0;
	}
	ret = judge_pct(s, o, 99.0, o->threshold_p99_pct, &r->p99, &r->p99_regressed, &imp99);
	if (!ret && o->threshold_p50_pct >= 0.0)
		ret = judge_pct(s, o, 50.0, o->threshold_p50_pct, &r->p50, &r->p50_regressed,
				&imp50);
	if (ret)
		return ret;
	if (r->p99_regressed || r->p50_regressed)
		r->verdict = CMP_REGRESSION;
	else if (imp99 || imp50)
		r->verdict = CMP_IMPROVED;
	else
		r->verdict = CMP_OK;
	return 0;
}

static int cmp_series_order(const void *a, const void *b)
{
	const struct cmp_series *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcmp(x->name, y->name);
}

int compare_all(struct cmp_set *set, const struct cmp_opts *o, struct cmp_result **out,
		struct cmp_summary *sum)
{
	struct cmp_result *res;

	memset(sum, 0, sizeof(*sum));
	*out = NULL;
	if (set->n)
		qsort(set->s, set->n, sizeof(set->s[0]), cmp_series_order);
	set->last = 0;
	res = calloc(set->n ? set->n : 1, sizeof(*res));
	if (!res)
		return -ENOMEM;
	for (size_t i = 0; i < set->n; i++) {
		int ret = compare_series(&set->s[i], o, &res[i]);

		if (ret) {
			free(res);
			return ret;
		}
		sum->series++;
		switch (res[i].verdict) {
		case CMP_REGRESSION:
			sum->regressions++;
			sum->judged++;
			break;
		case CMP_IMPROVED:
			sum->improved++;
			sum->judged++;
			break;
		case CMP_OK:
			sum->judged++;
			break;
		case CMP_TOO_FEW:
			sum->too_few++;
			break;
		default:
			sum->one_sided++;
			break;
		}
	}
	*out = res;
	return 0;
}

_Static_assert(CMP_FAMILY + SNAP_FAM_NR <= CMP_CGROUP, "family kinds below CMP_CGROUP");

const char *compare_kind_name(enum cmp_kind k)
{
	switch (k) {
	case CMP_CGROUP:
		return "cgroup";
	case CMP_SYSCALL:
		return "syscall";
	case CMP_CLIENT:
		return "client";
	case CMP_EVENT:
		return "event";
	default:
		if (k >= CMP_FAMILY && k < CMP_FAMILY + SNAP_FAM_NR)
			return family_get((enum snap_family)(k - CMP_FAMILY))->name;
		return "event";
	}
}

const char *compare_verdict_name(enum cmp_verdict v)
{
	static const char *const names[] = {
		[CMP_OK] = "ok",
		[CMP_REGRESSION] = "regression",
		[CMP_IMPROVED] = "improved",
		[CMP_TOO_FEW] = "too_few_samples",
		[CMP_ONLY_BASELINE] = "only_baseline",
		[CMP_ONLY_CURRENT] = "only_current",
	};

	return (unsigned int)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
