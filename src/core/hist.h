/*
 * hist.h - math on struct abi_hist: bucket bounds, percentiles, quantize rows,
 * merge and delta. Pure C11; knows buckets, not printing.
 */
#ifndef LATTOP_CORE_HIST_H
#define LATTOP_CORE_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

/* Smallest and largest value (ns, inclusive) that land in @slot. */
uint64_t hist_slot_lower_ns(uint32_t slot);
uint64_t hist_slot_upper_ns(uint32_t slot);

/*
 * Estimate the @pct percentile (0 < pct <= 100) of the timed samples: the
 * midpoint of the bucket holding the sample of rank ceil(pct/100 * timed),
 * clamped to max_ns. Within 6.25 % of the exact percentile of the same
 * samples (exact below 8 ns). Returns 0 for an empty histogram.
 */
uint64_t hist_percentile_ns(const struct abi_hist *h, double pct);

/*
 * A histogram kept sparse: only its non-empty slots, in increasing slot
 * order. Used where thousands of rows would otherwise carry full arrays.
 */
struct hist_bucket {
	uint32_t slot;
	uint32_t pad;
	uint64_t count;
};

/* hist_percentile_ns over sparse buckets; @max_ns clamps as there. */
uint64_t hist_buckets_percentile_ns(const struct hist_bucket *b, size_t n, uint64_t max_ns,
				    double pct);

/* The non-empty slots of @h, in slot order, into @out (room for ABI_HIST_SLOTS). Their number. */
size_t hist_to_buckets(const struct abi_hist *h, struct hist_bucket *out);

/* Add sparse buckets to @dst's slots (its summary fields are left alone). */
void hist_add_buckets(struct abi_hist *dst, const struct hist_bucket *b, size_t n);

/* Expand sparse buckets into @out (count == timed == sum of counts). */
void hist_from_buckets(struct abi_hist *out, const struct hist_bucket *b, size_t n,
		       uint64_t sum_ns, uint64_t max_ns);

/* dst += src (counts, sums and slots add; max takes the larger). */
void hist_merge(struct abi_hist *dst, const struct abi_hist *src);

/*
 * out = cur - prev for cumulative counters (modulo 2^64, so a wrapped
 * counter still gives the right delta). max_ns of an interval cannot be
 * derived from two cumulative maxima: it is cur->max_ns when that grew,
 * otherwise the upper bound of the highest non-empty delta bucket, clamped
 * to cur->max_ns. A NULL @prev means a new key (out = cur).
 */
void hist_delta(struct abi_hist *out, const struct abi_hist *cur, const struct abi_hist *prev);

/* True when the histogram holds no calls. */
bool hist_is_empty(const struct abi_hist *h);

/*
 * DTrace quantize() view: power-of-two rows. Row value 0 holds 0 ns, row
 * value v (a power of two) holds [v, 2v). Exact: sums of sub-buckets.
 */
struct hist_row {
	uint64_t value_ns;	/* lower bound of the row */
	uint64_t count;
};

/*
 * Fill @rows (capacity @cap) with the rows DTrace would print: from one row
 * below the lowest non-empty row to one row above the highest (zero rows in
 * between included). Returns the number of rows, 0 for an empty histogram.
 */
size_t hist_quantize_rows(const struct abi_hist *h, struct hist_row *rows, size_t cap);

#define HIST_QUANTIZE_ROWS_MAX (ABI_HIST_MAX_POW + 3)

#endif
