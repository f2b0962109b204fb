/*
 * rec_histcol.h - a histogram written in columns as differences from a
 * reference histogram the reader already has (format 6: the same row's
 * histogram of the previous tick, or an empty one for a new row). Busy
 * rows have similar shapes tick to tick, so most columns are small
 * numbers and runs of zeros that deflate takes away; each column holds
 * one kind of number, which deflate codes better than them interleaved. Internal to the
 * recording format (rec_delta6.c, rec_sections.c).
 *
 *   HC_NB     zz(number of buckets - the reference's)
 *   HC_SLOT   zz(first slot - the reference's first slot), then per other
 *             bucket its gap to the previous slot minus 1
 *   HC_CNT    per bucket count - 1 (measured: busy rows' counts are small
 *             and vary tick to tick, so a difference from the reference's
 *             count in the slot deflated 30-45 % larger than this)
 *   HC_COUNTS zz(timed - sum of the bucket counts), zz(count - timed),
 *             zz(errors - the reference's errors)
 *   HC_SUM    zz(sum_ns - every call in the middle of its slot)
 *   HC_MAX    zz(max_ns - the sum) for one timed call, else zz(max_ns - lower
 *             bound of the highest slot)
 * zz: zigzag of the 64-bit difference, so any value round-trips exactly;
 * the predictions only decide how small the numbers are.
 */
#ifndef LATTOP_CORE_REC_HISTCOL_H
#define LATTOP_CORE_REC_HISTCOL_H

#include "core/rec_format.h"
#include "core/rec_varint.h"

enum { HC_NB, HC_SLOT, HC_CNT, HC_COUNTS, HC_SUM, HC_MAX, HC_NR };

static inline uint64_t rec_zz(uint64_t a, uint64_t b)
{
	int64_t d = (int64_t)(a - b);

	return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

static inline uint64_t rec_unzz(uint64_t b, uint64_t v)
{
	return b + ((v >> 1) ^ -(v & 1));
}

/*
 * About @x * @part / @whole, in integers only (0 when @whole is 0) so that
 * every machine predicts the same; wraps on absurd inputs, which only
 * makes the difference written larger.
 */
uint64_t rec_histcol_share(uint64_t x, uint64_t part, uint64_t whole);

/* @h (of @s) into columns @col[HC_NR] against @ref (of @rs). 0 or -ENOMEM. */
int rec_histcol_put(struct rec_buf *col, const struct snapshot *s, const struct snap_hist *h,
		    const struct snapshot *rs, const struct snap_hist *ref);
/*
 * Into *@h (part_ns untouched), buckets appended to @s, against @ref (of
 * @rs; not in @s). 0 or -errno with the error of the column at fault.
 */
int rec_histcol_get(struct rec_cur *col, struct snapshot *s, struct snap_hist *h,
		    const struct snapshot *rs, const struct snap_hist *ref);

/* @n columns: the count, then per column its length and bytes. */
int rec_cols_put(struct rec_buf *b, const struct rec_buf *col, size_t n);
/* Columns written by rec_cols_put: @n of them exactly, each a cursor into @c's bytes. */
int rec_cols_get(struct rec_cur *c, struct rec_cur *col, size_t n);
/* The same after the count (format 5 reads it its own way); @what names a column in errors. */
int rec_cols_get_lens(struct rec_cur *c, struct rec_cur *col, size_t n, const char *what);
/* Every column read to its end, or -EINVAL naming the @what at fault. */
int rec_cols_done(struct rec_cur *c, const struct rec_cur *col, size_t n, const char *what);

#endif
