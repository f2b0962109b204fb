/*
 * rec_histcol.c - histograms as columns of differences from a reference
 * (format 6; the layout is in rec_histcol.h). Everything decoded is
 * checked like a whole histogram: slots in range and increasing, no empty
 * bucket.
 */
#include <errno.h>
#include <string.h>

#include "core/hist.h"
#include "core/rec_histcol.h"

uint64_t rec_histcol_share(uint64_t x, uint64_t part, uint64_t whole)
{
	unsigned int sh = 0;
	uint64_t q;

	if (!whole)
		return 0;
	while ((whole >> sh) >= (1ull << 40))
		sh++;
	/* part / whole in 20-bit fixed point, then x times that without a 128-bit product */
	q = ((part >> sh) << 20) / (whole >> sh);
	return (x >> 20) * q + (((x & 0xfffff) * q) >> 20);
}

/*
 * The sum predicted from the buckets alone: every call in the middle of its
 * slot (measured: closer than the previous interval's excess over its lower
 * bounds, scaled, and than 3/8 or 7/16 of the widths, on live and synthetic
 * rows).
 */
static uint64_t sum_guess(const struct hist_bucket *bk, uint32_t n)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t lo = hist_slot_lower_ns(bk[i].slot);
		/* the last slot has no upper bound: its lower one */
		uint64_t hi = bk[i].slot >= ABI_HIST_SLOTS - 1 ? lo :
			      hist_slot_upper_ns(bk[i].slot);

		sum += bk[i].count * (lo + (hi - lo) / 2);
	}
	return sum;
}

/* One timed call: its latency is the sum; else the highest slot's lower bound. */
static uint64_t max_guess(const struct snap_hist *h, uint64_t timed, uint64_t top)
{
	return timed == 1 && h->timed == 1 ? h->sum_ns : top;
}

int rec_histcol_put(struct rec_buf *col, const struct snapshot *s, const struct snap_hist *h,
		    const struct snapshot *rs, const struct snap_hist *ref)
{
	const struct hist_bucket *bk = snap_hist_buckets(s, h), *rb = snap_hist_buckets(rs, ref);
	uint64_t timed = 0, top = 0;

	if (rec_put_u64(&col[HC_NB], rec_zz(h->n, ref->n)))
		return -ENOMEM;
	for (uint32_t i = 0; i < h->n; i++) {
		uint64_t v = i ? bk[i].slot - bk[i - 1].slot - 1 :
				 rec_zz(bk[0].slot, ref->n ? rb[0].slot : 0);

		if (rec_put_u64(&col[HC_SLOT], v) || rec_put_u64(&col[HC_CNT], bk[i].count - 1))
			return -ENOMEM;
		timed += bk[i].count;
		top = hist_slot_lower_ns(bk[i].slot);
	}
	return rec_put_u64(&col[HC_COUNTS], rec_zz(h->timed, timed)) ||
	       rec_put_u64(&col[HC_COUNTS], rec_zz(h->count, h->timed)) ||
	       rec_put_u64(&col[HC_COUNTS], rec_zz(h->errors, ref->errors)) ||
	       rec_put_u64(&col[HC_SUM], rec_zz(h->sum_ns, sum_guess(bk, h->n))) ||
	       rec_put_u64(&col[HC_MAX], rec_zz(h->max_ns, max_guess(h, timed, top))) ? -ENOMEM : 0;
}

int rec_histcol_get(struct rec_cur *col, struct snapshot *s, struct snap_hist *h,
		    const struct snapshot *rs, const struct snap_hist *ref)
{
	const struct hist_bucket *rb = snap_hist_buckets(rs, ref);
	struct rec_cur *c = &col[HC_NB];
	struct hist_bucket *bk;
	uint64_t v = 0, nb, timed = 0, top = 0, slot = 0;
	size_t at = c->off;
	int ret = rec_get_u64(c, &v);

	if (ret)
		return ret;
	nb = rec_unzz(ref->n, v);
	if (nb > ABI_HIST_SLOTS)
		return rec_fail_at(c->e, c->base + at, -EINVAL, "%llu histogram slots (max %u)",
				   (unsigned long long)nb, ABI_HIST_SLOTS);
	if (snapshot_reserve_buckets(s, (size_t)nb))
		return rec_fail_at(c->e, c->base + at, -ENOMEM, "out of memory");
	bk = &s->buckets[s->n_buckets];
	for (uint32_t i = 0; i < nb; i++) {
		uint64_t count = 0;

		c = &col[HC_SLOT];
		at = c->off;
		ret = rec_get_u64(c, &v);
		if (ret)
			return ret;
		if (i && v >= ABI_HIST_SLOTS)
			slot = ABI_HIST_SLOTS;
		else
			slot = i ? slot + 1 + v : rec_unzz(ref->n ? rb[0].slot : 0, v);
		if (slot >= ABI_HIST_SLOTS)
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "histogram slot out of range (max %u)",
					   ABI_HIST_SLOTS - 1);
		c = &col[HC_CNT];
		at = c->off;
		ret = rec_get_u64(c, &v);
		if (ret)
			return ret;
		count = v + 1;
		if (!count)
			return rec_fail_at(c->e, c->base + at, -EINVAL, "empty histogram slot %llu",
					   (unsigned long long)slot);
		bk[i] = (struct hist_bucket){ .slot = (uint32_t)slot, .count = count };
		timed += count;
		top = hist_slot_lower_ns((uint32_t)slot);
	}
	h->first = (uint32_t)s->n_buckets;
	h->n = (uint32_t)nb;
	s->n_buckets += (size_t)nb;
	ret = rec_get_u64(&col[HC_COUNTS], &v);
	h->timed = rec_unzz(timed, v);
	ret = ret ?: rec_get_u64(&col[HC_COUNTS], &v);
	h->count = rec_unzz(h->timed, v);
	ret = ret ?: rec_get_u64(&col[HC_COUNTS], &v);
	h->errors = rec_unzz(ref->errors, v);
	ret = ret ?: rec_get_u64(&col[HC_SUM], &v);
	h->sum_ns = rec_unzz(sum_guess(bk, h->n), v);
	ret = ret ?: rec_get_u64(&col[HC_MAX], &v);
	h->max_ns = rec_unzz(max_guess(h, timed, top), v);
	return ret;
}

int rec_cols_put(struct rec_buf *b, const struct rec_buf *col, size_t n)
{
	if (rec_put_u64(b, n))
		return -ENOMEM;
	for (size_t k = 0; k < n; k++)
		if (rec_put_u64(b, col[k].len) || rec_put_bytes(b, col[k].data, col[k].len))
			return -ENOMEM;
	return 0;
}

int rec_cols_get(struct rec_cur *c, struct rec_cur *col, size_t n)
{
	size_t at = c->off;
	uint64_t n_col = 0;
	int ret = rec_get_u64(c, &n_col);

	if (!ret && n_col != n)
		return rec_fail_at(c->e, c->base + at, -EINVAL, "%llu columns, not %zu",
				   (unsigned long long)n_col, n);
	return ret ?: rec_cols_get_lens(c, col, n, "column");
}

int rec_cols_get_lens(struct rec_cur *c, struct rec_cur *col, size_t n, const char *what)
{
	int ret = 0;

	for (size_t k = 0; !ret && k < n; k++) {
		size_t at = c->off;
		uint64_t len = 0;

		ret = rec_get_u64(c, &len);
		if (!ret && len > c->n - c->off)
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "%s length %llu larger than the record", what,
					   (unsigned long long)len);
		if (ret)
			break;
		col[k] = (struct rec_cur){ .p = c->p + c->off, .n = (size_t)len, .e = c->e,
					   .base = c->base + c->off };
		c->off += (size_t)len;
	}
	return ret;
}

int rec_cols_done(struct rec_cur *c, const struct rec_cur *col, size_t n, const char *what)
{
	for (size_t k = 0; k < n; k++)
		if (col[k].off != col[k].n)
			return rec_fail_at(c->e, col[k].base + col[k].off, -EINVAL,
					   "%zu trailing bytes in %s %zu", col[k].n - col[k].off,
					   what, k);
	return 0;
}
