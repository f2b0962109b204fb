/*
 * rec_delta.c - the syscall rows of a delta tick (format 4): the rows of a
 * tick as edits of the previous tick's rows, so that a row nothing happened
 * to costs a fraction of a byte and an active row its interval histogram
 * only (its since-start histogram is the previous one plus the interval).
 *
 *   rows := breakdown flag (0/1), then ops until the tick's row count is met:
 *   op varint = arg << 2 | kind, with a cursor j into the previous rows:
 *     COPY    arg rows (>= 1) equal to previous rows j.. (j += arg)
 *     SKIP    arg previous rows (>= 1) are gone (j += arg)
 *     CHANGED the key (pid, nr, pstart, comm) of previous row j (j++), arg
 *             bits DT_*: flags, interval histogram, the total histogram
 *             unless DT_TOTAL_SUM, the cgroup id if DT_CGROUP; with the
 *             breakdown ABI_PARTS interval parts, then ABI_PARTS total
 *             parts unless DT_PARTS_SUM
 *     NEW     a whole row: pid, nr, pstart, comm, flags, cgroup id, interval
 *             and total histograms, with the breakdown 2 x ABI_PARTS parts
 * A previous row is matched only ahead of j (up to DT_LOOKAHEAD rows): rows
 * that move further are written as NEW, which is correct, just larger.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "core/hist.h"
#include "core/rec_delta.h"
#include "core/rec_histcol.h"
#include "core/rec_match.h"
#include "core/rec_sections.h"

/* the ops and DT_* bits: rec_delta.h */
#define DT_LOOKAHEAD 64

static uint64_t row_flags(const struct snap_sys_row *r)
{
	return (r->exited ? REC_ROW_EXITED : 0u) | (r->wait ? REC_ROW_WAIT : 0u);
}

/* The id a keyframe would give back: none without the cgroups section. */
static uint64_t cgid(const struct snapshot *s, const struct snap_sys_row *r)
{
	return s->cgroups_state != SNAP_CGROUPS_OFF ? r->cgroup_id : 0;
}

static bool same_key(const struct snap_sys_row *a, const struct snap_sys_row *b)
{
	return a->pid == b->pid && a->nr == b->nr && a->pstart_ns == b->pstart_ns &&
	       a->wait == b->wait && !memcmp(a->comm, b->comm, sizeof(a->comm));
}

static bool same_hist(const struct snapshot *sa, const struct snap_hist *a,
		      const struct snapshot *sb, const struct snap_hist *b)
{
	const struct hist_bucket *ba = snap_hist_buckets(sa, a), *bb = snap_hist_buckets(sb, b);

	if (a->count != b->count || a->errors != b->errors || a->timed != b->timed ||
	    a->sum_ns != b->sum_ns || a->max_ns != b->max_ns || a->n != b->n ||
	    memcmp(a->part_ns, b->part_ns, sizeof(a->part_ns)))
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (ba[i].slot != bb[i].slot || ba[i].count != bb[i].count)
			return false;
	return true;
}

/*
 * The sparse sum of @a (@na buckets) and @b into @out (room for na + nb);
 * the number of buckets. Both are in slot order, so is the sum.
 */
static size_t merge_buckets(const struct hist_bucket *a, size_t na, const struct hist_bucket *b,
			    size_t nb, struct hist_bucket *out)
{
	size_t i = 0, j = 0, n = 0;

	while (i < na || j < nb) {
		if (j == nb || (i < na && a[i].slot < b[j].slot))
			out[n++] = a[i++];
		else if (i == na || b[j].slot < a[i].slot)
			out[n++] = b[j++];
		else {
			out[n] = a[i++];
			out[n++].count += b[j++].count;
		}
	}
	return n;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Is @tot (of @s) exactly @pt (of @prev) plus @iv (of @s)? Parts not compared. */
static bool is_sum(const struct snapshot *s, const struct snap_hist *tot,
		   const struct snapshot *prev, const struct snap_hist *pt, const struct snap_hist *iv)
{
	const struct hist_bucket *a = snap_hist_buckets(prev, pt), *b = snap_hist_buckets(s, iv);
	const struct hist_bucket *t = snap_hist_buckets(s, tot);
	size_t i = 0, j = 0, k = 0;

	if (tot->count != pt->count + iv->count || tot->errors != pt->errors + iv->errors ||
	    tot->timed != pt->timed + iv->timed || tot->sum_ns != pt->sum_ns + iv->sum_ns ||
	    tot->max_ns != max_u64(pt->max_ns, iv->max_ns))
		return false;
	while (i < pt->n || j < iv->n) {
		struct hist_bucket m;

		if (j == iv->n || (i < pt->n && a[i].slot < b[j].slot))
			m = a[i++];
		else if (i == pt->n || b[j].slot < a[i].slot)
			m = b[j++];
		else {
			m = a[i++];
			m.count += b[j++].count;
		}
		if (k == tot->n || t[k].slot != m.slot || t[k].count != m.count)
			return false;
		k++;
	}
	return k == tot->n;
}

static bool parts_sum(const struct snap_hist *tot, const struct snap_hist *pt,
		      const struct snap_hist *iv)
{
	for (int p = 0; p < ABI_PARTS; p++)
		if (tot->part_ns[p] != pt->part_ns[p] + iv->part_ns[p])
			return false;
	return true;
}

static int put_parts(struct rec_buf *b, const struct snap_hist *h)
{
	for (int p = 0; p < ABI_PARTS; p++)
		if (rec_put_u64(b, h->part_ns[p]))
			return -ENOMEM;
	return 0;
}

static int put_new(struct rec_buf *b, const struct snapshot *s, const struct snap_sys_row *r)
{
	if (rec_put_u64(b, DT_NEW) || rec_put_u64(b, r->pid) || rec_put_u64(b, r->nr) ||
	    rec_put_u64(b, r->pstart_ns) || rec_put_str(b, r->comm, ABI_COMM_LEN) ||
	    rec_put_u64(b, row_flags(r)) || rec_put_u64(b, cgid(s, r)))
		return -ENOMEM;
	return rec_tick_put_hist(b, s, &r->interval) ?: rec_tick_put_hist(b, s, &r->total) ?:
	       (s->breakdown ? put_parts(b, &r->interval) ?: put_parts(b, &r->total) : 0);
}

static int put_changed(struct rec_buf *b, const struct snapshot *s, const struct snap_sys_row *r,
		       const struct snapshot *prev, const struct snap_sys_row *pr)
{
	unsigned int bits = 0;
	int ret;

	if (is_sum(s, &r->total, prev, &pr->total, &r->interval))
		bits |= DT_TOTAL_SUM;
	if (cgid(s, r) != pr->cgroup_id)
		bits |= DT_CGROUP;
	if (parts_sum(&r->total, &pr->total, &r->interval))
		bits |= DT_PARTS_SUM;
	if (rec_put_u64(b, (uint64_t)bits << 2 | DT_CHANGED) || rec_put_u64(b, row_flags(r)))
		return -ENOMEM;
	ret = rec_tick_put_hist(b, s, &r->interval);
	if (!ret && !(bits & DT_TOTAL_SUM))
		ret = rec_tick_put_hist(b, s, &r->total);
	if (!ret && (bits & DT_CGROUP) && rec_put_u64(b, cgid(s, r)))
		ret = -ENOMEM;
	if (!ret && s->breakdown)
		ret = put_parts(b, &r->interval) ?:
		      (bits & DT_PARTS_SUM ? 0 : put_parts(b, &r->total));
	return ret;
}

static int put_op(struct rec_buf *b, unsigned int kind, uint64_t arg)
{
	return rec_put_u64(b, arg << 2 | kind) ? -ENOMEM : 0;
}

/* Previous row with @r's key at or after @j (within the look-ahead), or SIZE_MAX. */
static size_t find_prev(const struct snapshot *prev, size_t j, const struct snap_sys_row *r)
{
	for (size_t k = j; k < prev->n_sys && k < j + DT_LOOKAHEAD; k++)
		if (same_key(&prev->sys[k], r))
			return k;
	return SIZE_MAX;
}

int rec_delta_put_rows(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev)
{
	size_t j = 0, copy = 0;
	int ret = rec_put_u64(b, s->breakdown) ? -ENOMEM : 0;

	for (size_t i = 0; !ret && i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		size_t k = find_prev(prev, j, r);

		if (k != SIZE_MAX && k == j && r->exited == prev->sys[k].exited &&
		    cgid(s, r) == prev->sys[k].cgroup_id &&
		    same_hist(s, &r->interval, prev, &prev->sys[k].interval) &&
		    same_hist(s, &r->total, prev, &prev->sys[k].total)) {
			copy++;
			j++;
			continue;
		}
		if (copy)
			ret = put_op(b, DT_COPY, copy);
		copy = 0;
		if (ret)
			break;
		if (k == SIZE_MAX) {
			ret = put_new(b, s, r);
			continue;
		}
		if (k > j)
			ret = put_op(b, DT_SKIP, k - j);
		j = k + 1;
		ret = ret ?: put_changed(b, s, r, prev, &prev->sys[k]);
	}
	if (!ret && copy)
		ret = put_op(b, DT_COPY, copy);
	return ret;
}

/* --- decoding ------------------------------------------------------------ */

static int get_parts(struct rec_cur *c, struct snap_hist *h)
{
	int ret = 0;

	for (int p = 0; !ret && p < ABI_PARTS; p++)
		ret = rec_get_u64(c, &h->part_ns[p]);
	return ret;
}

static struct snap_sys_row *add_row(struct rec_cur *c, struct snapshot *s)
{
	struct snap_sys_row *r = snapshot_add_sys(s);

	if (!r)
		rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	return r;
}

static int copy_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		     size_t j, size_t n)
{
	for (size_t k = j; k < j + n; k++) {
		const struct snap_sys_row *pr = &prev->sys[k];
		struct snap_sys_row *r = add_row(c, s);

		if (!r)
			return -ENOMEM;
		*r = *pr;
		if (snapshot_put_sparse(s, &r->interval, &pr->interval,
					snap_hist_buckets(prev, &pr->interval), pr->interval.n) ||
		    snapshot_put_sparse(s, &r->total, &pr->total,
					snap_hist_buckets(prev, &pr->total), pr->total.n))
			return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	}
	return 0;
}

static int get_changed(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		       const struct snap_sys_row *pr, uint64_t bits, bool parts)
{
	struct snap_sys_row *r = add_row(c, s);
	int ret;

	if (!r)
		return -ENOMEM;
	*r = *pr;
	memset(&r->interval, 0, sizeof(r->interval));
	memset(&r->total, 0, sizeof(r->total));
	ret = rec_tick_get_row_flags(c, r) ?: rec_tick_get_hist(c, s, &r->interval);
	if (ret)
		return ret;
	/* the key was matched with the wait flag: it stays the previous row's */
	r->wait = pr->wait;
	ret = rec_delta_get_total(c, s, r, prev, pr, bits);
	if (ret || !parts)
		return ret;
	return get_parts(c, &r->interval) ?: rec_delta_get_total_parts(c, r, pr, bits);
}

static int get_new(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		   uint64_t bits, bool parts)
{
	struct snap_sys_row *r = add_row(c, s);
	int ret;

	(void)prev;	/* a format-4/5 NEW row is whole, its bits 0 */
	(void)bits;
	if (!r)
		return -ENOMEM;
	ret = rec_get_u32(c, &r->pid, "pid") ?: rec_get_u32(c, &r->nr, "syscall number") ?:
	      rec_get_u64(c, &r->pstart_ns) ?:
	      rec_get_str(c, r->comm, sizeof(r->comm), ABI_COMM_LEN, "process name") ?:
	      rec_tick_get_row_flags(c, r) ?: rec_get_u64(c, &r->cgroup_id) ?:
	      rec_tick_get_hist(c, s, &r->interval) ?: rec_tick_get_hist(c, s, &r->total);
	if (!ret && parts)
		ret = get_parts(c, &r->interval) ?: get_parts(c, &r->total);
	return ret;
}

int rec_delta_walk(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
		   size_t n_rows, bool parts, const struct rec_delta_rows *f)
{
	struct rec_cur *o = &col[0];
	size_t j = 0;
	int ret = 0;

	while (!ret && s->n_sys < n_rows) {
		size_t at = o->off;
		uint64_t op = 0, arg;

		ret = rec_get_u64(o, &op);
		if (ret)
			break;
		arg = op >> 2;
		switch (op & 3) {
		case DT_COPY:
			if (!arg || arg > prev->n_sys - j || arg > n_rows - s->n_sys)
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta row count %llu out of range",
						   (unsigned long long)arg);
			ret = copy_rows(o, s, prev, j, (size_t)arg);
			j += (size_t)arg;
			break;
		case DT_SKIP:	/* DT_JUMP from format 5 on */
			if (!f->jump && (!arg || arg > prev->n_sys - j))
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta row count %llu out of range",
						   (unsigned long long)arg);
			if (f->jump && (!arg || rec_unzz(j, arg) >= prev->n_sys))
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta row jump out of range");
			j = f->jump ? (size_t)rec_unzz(j, arg) : j + (size_t)arg;
			break;
		case DT_CHANGED:
			if (j >= prev->n_sys || arg > DT_BITS)
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta row change without a previous row");
			ret = f->get_changed(col, s, prev, &prev->sys[j++], arg, parts);
			break;
		default:
			ret = arg > f->new_bits ? rec_fail_at(o->e, o->base + at, -EINVAL,
							      "bad delta row op") :
						  f->get_new(col, s, prev, arg, parts);
			break;
		}
	}
	return ret;
}

int rec_delta_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		       size_t n_rows)
{
	static const struct rec_delta_rows fmt4 = { get_changed, get_new, false, 0 };
	uint64_t on = 0;

	return rec_get_max(c, 1, &on, "breakdown flag") ?:
	       rec_delta_walk(c, s, prev, n_rows, on, &fmt4);
}

/*
 * --- format 5: the same ops, the fields of changed rows in columns -------
 *
 *   rows := breakdown flag, column count (DC_NR), then per column its
 *           length and bytes. DC_OPS holds the ops of format 4 with NEW
 *           rows whole in it, except that kind 1 is JUMP (below) and a
 *           row's key includes its cgroup id; a CHANGED row's fields are
 *           in the other columns, each predicted from what the reader has:
 *     DC_FLAGS  row flags
 *     DC_COUNTS zz(timed - sum of the bucket counts), zz(count - timed),
 *               zz(errors - previous interval's errors)
 *     DC_BKT    n, zz(first slot - previous interval's first slot), then
 *               (slot gap, count) for the others, count for the first
 *     DC_SUM    zz(sum_ns - sum of count x lower bound of the slot)
 *     DC_MAX    zz(max_ns - lower bound of the highest slot)
 *     DC_TOT    the total histogram unless DT_TOTAL_SUM, the cgroup id if DT_CGROUP
 *     DC_PARTS  breakdown: the interval parts but on-CPU, then
 *               zz(sum_ns - the others - on-CPU) (the parts add up to the
 *               latency), then the total parts unless DT_PARTS_SUM
 * zz: zigzag of the 64-bit difference, so any value round-trips; the
 * predictions only make steady rows' columns runs of zeros for deflate.
 */
enum { DC_OPS, DC_FLAGS, DC_COUNTS, DC_BKT, DC_SUM, DC_MAX, DC_TOT, DC_PARTS, DC_NR };

static uint32_t first_slot(const struct snapshot *s, const struct snap_hist *h)
{
	return h->n ? snap_hist_buckets(s, h)[0].slot : 0;
}

static int put_changed5(struct rec_buf *col, const struct snapshot *s,
			const struct snap_sys_row *r, const struct snapshot *prev,
			const struct snap_sys_row *pr)
{
	const struct snap_hist *h = &r->interval;
	const struct hist_bucket *bk = snap_hist_buckets(s, h);
	uint64_t timed = 0, lo = 0, top = 0;
	unsigned int bits = 0;

	if (is_sum(s, &r->total, prev, &pr->total, h))
		bits |= DT_TOTAL_SUM;
	if (cgid(s, r) != pr->cgroup_id)
		bits |= DT_CGROUP;
	if (parts_sum(&r->total, &pr->total, h))
		bits |= DT_PARTS_SUM;
	if (rec_put_u64(&col[DC_OPS], (uint64_t)bits << 2 | DT_CHANGED) ||
	    rec_put_u64(&col[DC_FLAGS], row_flags(r)) || rec_put_u64(&col[DC_BKT], h->n))
		return -ENOMEM;
	for (uint32_t i = 0; i < h->n; i++) {
		uint64_t v = i ? bk[i].slot - bk[i - 1].slot - 1 :
				 rec_zz(bk[0].slot, first_slot(prev, &pr->interval));

		if (rec_put_u64(&col[DC_BKT], v) || rec_put_u64(&col[DC_BKT], bk[i].count))
			return -ENOMEM;
		timed += bk[i].count;
		lo += bk[i].count * hist_slot_lower_ns(bk[i].slot);
		top = hist_slot_lower_ns(bk[i].slot);
	}
	if (rec_put_u64(&col[DC_COUNTS], rec_zz(h->timed, timed)) ||
	    rec_put_u64(&col[DC_COUNTS], rec_zz(h->count, h->timed)) ||
	    rec_put_u64(&col[DC_COUNTS], rec_zz(h->errors, pr->interval.errors)) ||
	    rec_put_u64(&col[DC_SUM], rec_zz(h->sum_ns, lo)) ||
	    rec_put_u64(&col[DC_MAX], rec_zz(h->max_ns, top)))
		return -ENOMEM;
	if (!(bits & DT_TOTAL_SUM) && rec_tick_put_hist(&col[DC_TOT], s, &r->total))
		return -ENOMEM;
	if ((bits & DT_CGROUP) && rec_put_u64(&col[DC_TOT], cgid(s, r)))
		return -ENOMEM;
	if (!s->breakdown)
		return 0;
	for (int p = 1; p < ABI_PARTS; p++)
		if (rec_put_u64(&col[DC_PARTS], h->part_ns[p]))
			return -ENOMEM;
	{
		uint64_t rest = h->sum_ns;

		for (int p = 1; p < ABI_PARTS; p++)
			rest -= h->part_ns[p];
		if (rec_put_u64(&col[DC_PARTS], rec_zz(rest, h->part_ns[0])))
			return -ENOMEM;
	}
	return bits & DT_PARTS_SUM ? 0 : put_parts(&col[DC_PARTS], &r->total);
}

/* Format 5 matches a row anywhere in the previous tick, by its key and cgroup id. */
static uint64_t key_hash(const struct snap_sys_row *r, uint64_t cg)
{
	uint64_t c = 0;

	memcpy(&c, r->comm, sizeof(c) < sizeof(r->comm) ? sizeof(c) : sizeof(r->comm));
	return rec_match_mix(rec_match_mix(rec_match_mix((uint64_t)r->pid << 32 | r->nr,
							 r->pstart_ns), c), cg << 1 | r->wait);
}

static uint64_t prev_hash(const void *ctx, size_t i)
{
	const struct snapshot *prev = ctx;

	return key_hash(&prev->sys[i], prev->sys[i].cgroup_id);
}

struct key5 {
	const struct snapshot *s;
	const struct snap_sys_row *r;
};

static bool prev_eq(const void *ctx, size_t i, const void *key)
{
	const struct snapshot *prev = ctx;
	const struct key5 *k = key;

	return same_key(&prev->sys[i], k->r) && prev->sys[i].cgroup_id == cgid(k->s, k->r);
}

/*
 * Format 5's ops differ from format 4's in one: kind 1 is JUMP, arg
 * zz(k - j), the cursor to previous row k (rows reorder between ticks; a
 * SKIP could only go forward). Then COPY and CHANGED go on from there.
 */
int rec_delta_put_ops(struct rec_buf *col, const struct snapshot *s, const struct snapshot *prev,
		      const struct rec_delta_put *f)
{
	struct rec_buf *o = &col[0];
	struct rec_match m;
	size_t j = 0, copy = 0;
	int ret = 0;

	rec_match_build(&m, prev->n_sys, prev_hash, prev);	/* no memory: all rows NEW */
	for (size_t i = 0; !ret && i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		struct key5 key = { s, r };
		size_t k = j < prev->n_sys && prev_eq(prev, j, &key) ? j :
			   rec_match_find(&m, key_hash(r, cgid(s, r)), prev_eq, prev, &key);
		bool same = k != SIZE_MAX && rec_delta_unchanged(s, r, prev, &prev->sys[k]);

		if (k == j && same) {
			copy++;
			j++;
			continue;
		}
		if (copy)
			ret = put_op(o, DT_COPY, copy);
		copy = 0;
		if (ret)
			break;
		if (k == SIZE_MAX) {
			ret = f->put_new(col, s, r, prev);
			continue;
		}
		if (k != j)
			ret = put_op(o, DT_JUMP, rec_zz(k, j));
		j = k + 1;
		if (same)
			copy = 1;	/* moved but unchanged */
		else
			ret = ret ?: f->put_changed(col, s, r, prev, &prev->sys[k]);
	}
	rec_match_free(&m);
	if (!ret && copy)
		ret = put_op(o, DT_COPY, copy);
	return ret;
}

static int put_new5(struct rec_buf *col, const struct snapshot *s, const struct snap_sys_row *r,
		    const struct snapshot *prev)
{
	(void)prev;	/* a NEW row is whole in DC_OPS */
	return put_new(&col[DC_OPS], s, r);
}

int rec_delta5_put_rows(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev)
{
	static const struct rec_delta_put fmt5 = { put_changed5, put_new5 };
	struct rec_buf col[DC_NR] = { 0 };
	int ret = rec_delta_put_ops(col, s, prev, &fmt5);

	if (!ret && (rec_put_u64(b, s->breakdown) || rec_cols_put(b, col, DC_NR)))
		ret = -ENOMEM;
	for (int c = 0; c < DC_NR; c++)
		rec_buf_free(&col[c]);
	return ret;
}

static int get_changed5(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
			const struct snap_sys_row *pr, uint64_t bits, bool parts)
{
	struct snap_sys_row *r = add_row(&col[DC_OPS], s);
	struct snap_hist *h;
	struct hist_bucket *bk;
	uint64_t timed = 0, lo = 0, top = 0, v = 0, slot = 0;
	size_t nnz = 0;
	int ret;

	if (!r)
		return -ENOMEM;
	*r = *pr;
	h = &r->interval;
	memset(h, 0, sizeof(*h));
	memset(&r->total, 0, sizeof(r->total));
	ret = rec_tick_get_row_flags(&col[DC_FLAGS], r) ?:
	      rec_get_count(&col[DC_BKT], 1, &nnz, "histogram slot");
	if (ret)
		return ret;
	r->wait = pr->wait;	/* matched with the key: the previous row's */
	if (nnz > ABI_HIST_SLOTS)
		return rec_fail_at(col[DC_BKT].e, col[DC_BKT].base + col[DC_BKT].off, -EINVAL,
				   "%zu histogram slots (max %u)", nnz, ABI_HIST_SLOTS);
	if (snapshot_reserve_buckets(s, nnz))
		return rec_fail_at(col->e, col->base + col->off, -ENOMEM, "out of memory");
	bk = &s->buckets[s->n_buckets];
	for (size_t i = 0; i < nnz; i++) {
		struct rec_cur *c = &col[DC_BKT];
		size_t at = c->off;
		uint64_t count = 0;

		ret = rec_get_u64(c, &v) ?: rec_get_u64(c, &count);
		if (ret)
			return ret;
		slot = i ? slot + 1 + v : rec_unzz(first_slot(prev, &pr->interval), v);
		if (slot >= ABI_HIST_SLOTS || (i && v >= ABI_HIST_SLOTS))
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "histogram slot out of range (max %u)", ABI_HIST_SLOTS - 1);
		if (!count)
			return rec_fail_at(c->e, c->base + at, -EINVAL, "empty histogram slot %llu",
					   (unsigned long long)slot);
		bk[i] = (struct hist_bucket){ .slot = (uint32_t)slot, .count = count };
		timed += count;
		lo += count * hist_slot_lower_ns((uint32_t)slot);
		top = hist_slot_lower_ns((uint32_t)slot);
	}
	h->first = (uint32_t)s->n_buckets;
	h->n = (uint32_t)nnz;
	s->n_buckets += nnz;
	ret = rec_get_u64(&col[DC_COUNTS], &v);
	h->timed = rec_unzz(timed, v);
	ret = ret ?: rec_get_u64(&col[DC_COUNTS], &v);
	h->count = rec_unzz(h->timed, v);
	ret = ret ?: rec_get_u64(&col[DC_COUNTS], &v);
	h->errors = rec_unzz(pr->interval.errors, v);
	ret = ret ?: rec_get_u64(&col[DC_SUM], &v);
	h->sum_ns = rec_unzz(lo, v);
	ret = ret ?: rec_get_u64(&col[DC_MAX], &v);
	h->max_ns = rec_unzz(top, v);
	if (ret)
		return ret;
	ret = rec_delta_get_total(&col[DC_TOT], s, r, prev, pr, bits);
	if (ret || !parts)
		return ret;
	{
		uint64_t rest = h->sum_ns;

		for (int p = 1; !ret && p < ABI_PARTS; p++) {
			ret = rec_get_u64(&col[DC_PARTS], &h->part_ns[p]);
			rest -= h->part_ns[p];
		}
		ret = ret ?: rec_get_u64(&col[DC_PARTS], &v);
		/* rest - on-CPU was written: on-CPU = rest - that */
		h->part_ns[0] = rest - rec_unzz(0, v);
	}
	return ret ?: rec_delta_get_total_parts(&col[DC_PARTS], r, pr, bits);
}

int rec_delta5_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
			size_t n_rows)
{
	static const struct rec_delta_rows fmt5 = { get_changed5, get_new, true, 0 };
	struct rec_cur col[DC_NR];
	uint64_t on = 0, n_col = 0;
	int ret = rec_get_max(c, 1, &on, "breakdown flag") ?:
		  rec_get_max(c, DC_NR, &n_col, "number of row columns");

	if (!ret && n_col != DC_NR)
		return rec_fail_at(c->e, c->base + c->off - 1, -EINVAL,
				   "%llu row columns, not %d", (unsigned long long)n_col, DC_NR);
	ret = ret ?: rec_cols_get_lens(c, col, DC_NR, "row column") ?:
	      rec_delta_walk(col, s, prev, n_rows, on, &fmt5);
	return ret ?: rec_cols_done(c, col, DC_NR, "row column");
}

/* --- shared with format 6 (rec_delta6.c) -------------------------------- */

bool rec_delta_unchanged(const struct snapshot *s, const struct snap_sys_row *r,
			 const struct snapshot *prev, const struct snap_sys_row *pr)
{
	return r->exited == pr->exited && same_hist(s, &r->interval, prev, &pr->interval) &&
	       same_hist(s, &r->total, prev, &pr->total);
}

bool rec_delta_is_sum(const struct snapshot *s, const struct snap_hist *tot,
		      const struct snapshot *prev, const struct snap_hist *pt,
		      const struct snap_hist *iv)
{
	return is_sum(s, tot, prev, pt, iv);
}

bool rec_delta_parts_sum(const struct snap_hist *tot, const struct snap_hist *pt,
			 const struct snap_hist *iv)
{
	return parts_sum(tot, pt, iv);
}

int rec_delta_add_hist(struct rec_cur *c, struct snapshot *s, struct snap_hist *out,
		       const struct snapshot *prev, const struct snap_hist *pt,
		       const struct snap_hist *iv)
{
	struct snap_hist h = *pt;
	size_t n;

	if (snapshot_reserve_buckets(s, (size_t)pt->n + iv->n))
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	n = merge_buckets(snap_hist_buckets(prev, pt), pt->n, snap_hist_buckets(s, iv), iv->n,
			  &s->buckets[s->n_buckets]);
	h.count += iv->count;
	h.errors += iv->errors;
	h.timed += iv->timed;
	h.sum_ns += iv->sum_ns;
	h.max_ns = max_u64(pt->max_ns, iv->max_ns);
	h.first = (uint32_t)s->n_buckets;
	h.n = (uint32_t)n;
	s->n_buckets += n;
	*out = h;
	return 0;
}

int rec_delta_copy_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
			size_t j, size_t n)
{
	return copy_rows(c, s, prev, j, n);
}

int rec_delta_get_total(struct rec_cur *c, struct snapshot *s, struct snap_sys_row *r,
			const struct snapshot *prev, const struct snap_sys_row *pr, uint64_t bits)
{
	int ret = bits & DT_TOTAL_SUM ?
		  rec_delta_add_hist(c, s, &r->total, prev, &pr->total, &r->interval) :
		  rec_tick_get_hist(c, s, &r->total);

	memset(r->total.part_ns, 0, sizeof(r->total.part_ns));
	if (!ret && (bits & DT_CGROUP))
		ret = rec_get_u64(c, &r->cgroup_id);
	return ret;
}

int rec_delta_get_total_parts(struct rec_cur *c, struct snap_sys_row *r,
			      const struct snap_sys_row *pr, uint64_t bits)
{
	if (!(bits & DT_PARTS_SUM))
		return get_parts(c, &r->total);
	for (int p = 0; p < ABI_PARTS; p++)
		r->total.part_ns[p] = pr->total.part_ns[p] + r->interval.part_ns[p];
	return 0;
}
