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

#include "core/rec_delta.h"
#include "core/rec_sections.h"

enum { DT_COPY = 0, DT_SKIP = 1, DT_CHANGED = 2, DT_NEW = 3 };
#define DT_TOTAL_SUM 1u		/* total = previous total + interval */
#define DT_CGROUP 2u		/* the cgroup id changed: it follows */
#define DT_PARTS_SUM 4u		/* total parts = previous total parts + interval parts */
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

static int put_op(struct rec_buf *b, unsigned int kind, size_t arg)
{
	return rec_put_u64(b, (uint64_t)arg << 2 | kind) ? -ENOMEM : 0;
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

/* r->total = @pt (of @prev) + r->interval, buckets appended to @s. */
static int sum_total(struct rec_cur *c, struct snapshot *s, struct snap_sys_row *r,
		     const struct snapshot *prev, const struct snap_hist *pt)
{
	const struct snap_hist *iv = &r->interval;
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
	r->total = h;	/* parts: set by the caller */
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
	ret = bits & DT_TOTAL_SUM ? sum_total(c, s, r, prev, &pr->total) :
				    rec_tick_get_hist(c, s, &r->total);
	memset(r->total.part_ns, 0, sizeof(r->total.part_ns));
	if (!ret && (bits & DT_CGROUP))
		ret = rec_get_u64(c, &r->cgroup_id);
	if (ret || !parts)
		return ret;
	ret = get_parts(c, &r->interval);
	if (!ret && (bits & DT_PARTS_SUM))
		for (int p = 0; p < ABI_PARTS; p++)
			r->total.part_ns[p] = pr->total.part_ns[p] + r->interval.part_ns[p];
	else if (!ret)
		ret = get_parts(c, &r->total);
	return ret;
}

static int get_new(struct rec_cur *c, struct snapshot *s, bool parts)
{
	struct snap_sys_row *r = add_row(c, s);
	int ret;

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

int rec_delta_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		       size_t n_rows)
{
	size_t j = 0;
	uint64_t on = 0;
	int ret = rec_get_max(c, 1, &on, "breakdown flag");

	while (!ret && s->n_sys < n_rows) {
		size_t at = c->off;
		uint64_t op = 0, arg;

		ret = rec_get_u64(c, &op);
		if (ret)
			break;
		arg = op >> 2;
		switch (op & 3) {
		case DT_COPY:
		case DT_SKIP:
			if (!arg || arg > prev->n_sys - j ||
			    ((op & 3) == DT_COPY && arg > n_rows - s->n_sys))
				return rec_fail_at(c->e, c->base + at, -EINVAL,
						   "delta row count %llu out of range",
						   (unsigned long long)arg);
			if ((op & 3) == DT_COPY)
				ret = copy_rows(c, s, prev, j, (size_t)arg);
			j += (size_t)arg;
			break;
		case DT_CHANGED:
			if (j >= prev->n_sys || arg > (DT_TOTAL_SUM | DT_CGROUP | DT_PARTS_SUM))
				return rec_fail_at(c->e, c->base + at, -EINVAL,
						   "delta row change without a previous row");
			ret = get_changed(c, s, prev, &prev->sys[j++], arg, on);
			break;
		default:
			ret = arg ? rec_fail_at(c->e, c->base + at, -EINVAL, "bad delta row op") :
				    get_new(c, s, on);
			break;
		}
	}
	return ret;
}
