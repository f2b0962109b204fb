/* hist.c - bucket bounds, percentiles, quantize rows, merge and delta. */
#include <string.h>

#include "core/hist.h"

uint64_t hist_slot_lower_ns(uint32_t slot)
{
	uint32_t k, sub;

	if (slot < ABI_HIST_SUB)
		return slot;
	if (slot >= ABI_HIST_SLOTS)
		slot = ABI_HIST_SLOTS - 1;
	/* Inverse of abi_hist_slot: slot = (k - SUB_BITS + 1) * SUB + sub. */
	k = slot / ABI_HIST_SUB + ABI_HIST_SUB_BITS - 1;
	sub = slot % ABI_HIST_SUB;
	return (1ull << k) + ((uint64_t)sub << (k - ABI_HIST_SUB_BITS));
}

uint64_t hist_slot_upper_ns(uint32_t slot)
{
	if (slot >= ABI_HIST_SLOTS - 1)
		return UINT64_MAX;	/* the last slot also takes every larger value */
	return hist_slot_lower_ns(slot + 1) - 1;
}

bool hist_is_empty(const struct abi_hist *h)
{
	return h->count == 0;
}

/* Rank (1-based) of the sample the exact @pct percentile of @total picks; 0: none. */
static uint64_t percentile_rank(uint64_t total, double pct)
{
	uint64_t rank;

	if (!total || !(pct > 0.0))
		return 0;
	if (pct > 100.0)
		pct = 100.0;
	rank = (uint64_t)((double)total * pct / 100.0);
	if ((double)rank < (double)total * pct / 100.0)
		rank++;
	return rank < 1 ? 1 : rank;
}

/* The estimate for a sample in @slot: its midpoint, never above a known max. */
static uint64_t slot_estimate(uint32_t slot, uint64_t max_ns)
{
	uint64_t lo = hist_slot_lower_ns(slot);
	uint64_t hi = slot >= ABI_HIST_SLOTS - 1 ? lo : hist_slot_upper_ns(slot);
	uint64_t mid = lo + (hi - lo) / 2;

	/* The midpoint may exceed anything seen; the max is exact. */
	if (max_ns && mid > max_ns && max_ns >= lo)
		mid = max_ns;
	return mid;
}

uint64_t hist_percentile_ns(const struct abi_hist *h, double pct)
{
	uint64_t total = 0, rank, seen = 0;

	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		total += h->slots[i];
	rank = percentile_rank(total, pct);
	if (!rank)
		return 0;
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++) {
		seen += h->slots[i];
		if (seen >= rank)
			return slot_estimate(i, h->max_ns);
	}
	return h->max_ns;
}

uint64_t hist_buckets_percentile_ns(const struct hist_bucket *b, size_t n, uint64_t max_ns,
				    double pct)
{
	uint64_t total = 0, rank, seen = 0;

	for (size_t i = 0; i < n; i++)
		total += b[i].count;
	rank = percentile_rank(total, pct);
	if (!rank)
		return 0;
	for (size_t i = 0; i < n; i++) {
		seen += b[i].count;
		if (seen >= rank)
			return slot_estimate(b[i].slot, max_ns);
	}
	return max_ns;
}

size_t hist_to_buckets(const struct abi_hist *h, struct hist_bucket *out)
{
	size_t n = 0;

	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		out[n].slot = i;
		out[n].pad = 0;
		out[n].count = h->slots[i];
		n++;
	}
	return n;
}

void hist_add_buckets(struct abi_hist *dst, const struct hist_bucket *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i].slot < ABI_HIST_SLOTS)
			dst->slots[b[i].slot] += b[i].count;
}

void hist_from_buckets(struct abi_hist *out, const struct hist_bucket *b, size_t n,
		       uint64_t sum_ns, uint64_t max_ns)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (b[i].slot >= ABI_HIST_SLOTS)
			continue;
		out->slots[b[i].slot] += b[i].count;
		out->count += b[i].count;
	}
	out->timed = out->count;
	out->sum_ns = sum_ns;
	out->max_ns = max_ns;
}

void hist_merge(struct abi_hist *dst, const struct abi_hist *src)
{
	dst->count += src->count;
	dst->errors += src->errors;
	dst->timed += src->timed;
	dst->sum_ns += src->sum_ns;
	for (int p = 0; p < ABI_PARTS; p++)
		dst->part_ns[p] += src->part_ns[p];
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		dst->slots[i] += src->slots[i];
}

void hist_delta(struct abi_hist *out, const struct abi_hist *cur, const struct abi_hist *prev)
{
	int top = -1;

	if (!prev) {
		if (out != cur)
			memcpy(out, cur, sizeof(*out));
		return;
	}
	/* Unsigned subtraction is modulo 2^64: a wrapped counter still gives its delta. */
	out->count = cur->count - prev->count;
	out->errors = cur->errors - prev->errors;
	out->timed = cur->timed - prev->timed;
	out->sum_ns = cur->sum_ns - prev->sum_ns;
	/*
	 * Saturating: a syscall row's on-CPU part is derived (sum_ns minus the
	 * off-CPU parts, abi_sys_hist_complete) and can step back by part of
	 * one call when a read caught that call half added.
	 */
	for (int p = 0; p < ABI_PARTS; p++)
		out->part_ns[p] = cur->part_ns[p] > prev->part_ns[p] ?
			cur->part_ns[p] - prev->part_ns[p] : 0;
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++) {
		out->slots[i] = cur->slots[i] - prev->slots[i];
		if (out->slots[i])
			top = (int)i;
	}
	if (cur->max_ns > prev->max_ns)
		out->max_ns = cur->max_ns;	/* the running max grew in this interval */
	else if (top < 0)
		out->max_ns = 0;
	else if (hist_slot_upper_ns((uint32_t)top) < cur->max_ns)
		out->max_ns = hist_slot_upper_ns((uint32_t)top);
	else
		out->max_ns = cur->max_ns;
}

/* Quantize row index of a slot: 0 for value 0, else 1 + floor(log2(lower bound)). */
static uint32_t quantize_row_of_slot(uint32_t slot)
{
	uint64_t lo = hist_slot_lower_ns(slot);

	return lo ? abi_log2_u64(lo) + 1 : 0;
}

size_t hist_quantize_rows(const struct abi_hist *h, struct hist_row *rows, size_t cap)
{
	uint64_t counts[HIST_QUANTIZE_ROWS_MAX] = { 0 };
	int lo = -1, hi = -1;
	size_t n = 0;

	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++) {
		uint32_t r;

		if (!h->slots[i])
			continue;
		r = quantize_row_of_slot(i);
		counts[r] += h->slots[i];
		if (lo < 0)
			lo = (int)r;
		hi = (int)r;
	}
	if (lo < 0)
		return 0;
	/* DTrace prints one empty row on each side of the data. */
	if (lo > 0)
		lo--;
	if (hi < HIST_QUANTIZE_ROWS_MAX - 1)
		hi++;
	for (int r = lo; r <= hi && n < cap; r++, n++) {
		rows[n].value_ns = r == 0 ? 0 : 1ull << (r - 1);
		rows[n].count = counts[r];
	}
	return n;
}
