/*
 * rec_delta6.c - the syscall rows of a format-6 delta tick: format 5's
 * ops (rec_delta.c: COPY, JUMP, CHANGED, rows matched anywhere by key and
 * cgroup id), with every field of a changed or new row in columns, each
 * predicted from the same row's previous tick (an empty row for a new
 * one), so that a busy but steady row is mostly zeros:
 *
 *   rows := breakdown flag, then the columns (rec_cols_put):
 *     D6_OPS    op = arg << 2 | kind: COPY arg rows, JUMP to previous row
 *               j + unzigzag(arg), CHANGED (arg: DT_* bits) the row at j,
 *               NEW (arg: DT_* bits against an empty row)
 *     D6_KEYS   per NEW row its key: pid, nr, pstart, comm
 *     D6_FLAGS  row flags (exited, wait) xor the previous row's: 0 but when
 *               a row exits (the wait flag is part of the key)
 *     D6_HIST.. the interval histogram against the previous interval
 *               (rec_histcol.h: HC_NR columns)
 *     D6_TOT    the total histogram unless DT_TOTAL_SUM (total = previous
 *               total + interval), the cgroup id if DT_CGROUP
 *     D6_PARTS  breakdown on: per part but on-CPU zz(part - the sum shared
 *               as the previous interval's parts were), then zz(sum - every
 *               part) (on-CPU is the rest), then the total parts unless
 *               DT_PARTS_SUM
 */
#include <errno.h>
#include <string.h>

#include "core/rec_delta.h"
#include "core/rec_histcol.h"
#include "core/rec_sections.h"

enum { D6_OPS, D6_KEYS, D6_FLAGS, D6_HIST, D6_TOT = D6_HIST + HC_NR, D6_PARTS, D6_NR };

/* What a new row is predicted from: nothing yet. */
static const struct snap_sys_row empty_row;

static uint64_t row_flags(const struct snap_sys_row *r)
{
	return (r->exited ? REC_ROW_EXITED : 0u) | (r->wait ? REC_ROW_WAIT : 0u);
}

static uint64_t cgid(const struct snapshot *s, const struct snap_sys_row *r)
{
	return s->cgroups_state != SNAP_CGROUPS_OFF ? r->cgroup_id : 0;
}

/* Part @p of @h's sum as the parts of @ref's sum were split. */
static uint64_t part_guess(const struct snap_hist *h, const struct snap_hist *ref, int p)
{
	return rec_histcol_share(h->sum_ns, ref->part_ns[p], ref->sum_ns);
}

/* The fields of @r against @pr (a previous row of @prev, or empty_row); the DT_* bits. */
static int put_fields(struct rec_buf *col, const struct snapshot *s, const struct snap_sys_row *r,
		      const struct snapshot *prev, const struct snap_sys_row *pr,
		      unsigned int *bits)
{
	const struct snap_hist *h = &r->interval;
	uint64_t rest = h->sum_ns;

	*bits = (rec_delta_is_sum(s, &r->total, prev, &pr->total, h) ? DT_TOTAL_SUM : 0) |
		(cgid(s, r) != pr->cgroup_id ? DT_CGROUP : 0) |
		(rec_delta_parts_sum(&r->total, &pr->total, h) ? DT_PARTS_SUM : 0);
	if (rec_put_u64(&col[D6_FLAGS], row_flags(r) ^ row_flags(pr)) ||
	    rec_histcol_put(&col[D6_HIST], s, h, prev, &pr->interval) ||
	    (!(*bits & DT_TOTAL_SUM) && rec_tick_put_hist(&col[D6_TOT], s, &r->total)) ||
	    ((*bits & DT_CGROUP) && rec_put_u64(&col[D6_TOT], cgid(s, r))))
		return -ENOMEM;
	if (!s->breakdown)
		return 0;
	for (int p = 1; p < ABI_PARTS; p++) {
		uint64_t guess = part_guess(h, &pr->interval, p);

		if (rec_put_u64(&col[D6_PARTS], rec_zz(h->part_ns[p], guess)))
			return -ENOMEM;
		rest -= h->part_ns[p];
	}
	if (rec_put_u64(&col[D6_PARTS], rec_zz(rest, h->part_ns[0])))
		return -ENOMEM;
	for (int p = 0; !(*bits & DT_PARTS_SUM) && p < ABI_PARTS; p++)
		if (rec_put_u64(&col[D6_PARTS], r->total.part_ns[p]))
			return -ENOMEM;
	return 0;
}

static int put_new(struct rec_buf *col, const struct snapshot *s, const struct snap_sys_row *r,
		   const struct snapshot *prev)
{
	struct rec_buf *o = &col[D6_OPS];
	size_t at = o->len;
	unsigned int bits = 0;

	/* the op first (its bits are known once the fields are out): room for one byte */
	struct rec_buf *k = &col[D6_KEYS];

	if (rec_put_u64(o, DT_NEW) || rec_put_u64(k, r->pid) || rec_put_u64(k, r->nr) ||
	    rec_put_u64(k, r->pstart_ns) || rec_put_str(k, r->comm, ABI_COMM_LEN))
		return -ENOMEM;
	if (put_fields(col, s, r, prev, &empty_row, &bits))
		return -ENOMEM;
	o->data[at] = (uint8_t)(bits << 2 | DT_NEW);	/* bits < 32: one varint byte */
	return 0;
}

/* The op first, its bits patched in once the fields have chosen them. */
static int put_changed(struct rec_buf *col, const struct snapshot *s, const struct snap_sys_row *r,
		       const struct snapshot *prev, const struct snap_sys_row *pr)
{
	struct rec_buf *o = &col[D6_OPS];
	size_t at = o->len;
	unsigned int bits = 0;

	if (rec_put_u64(o, DT_CHANGED) || put_fields(col, s, r, prev, pr, &bits))
		return -ENOMEM;
	o->data[at] = (uint8_t)(bits << 2 | DT_CHANGED);	/* bits < 32: one varint byte */
	return 0;
}

int rec_delta6_put_rows(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev)
{
	static const struct rec_delta_put fmt6 = { put_changed, put_new };
	struct rec_buf col[D6_NR] = { 0 };
	int ret = rec_delta_put_ops(col, s, prev, &fmt6);

	if (!ret && (rec_put_u64(b, s->breakdown) || rec_cols_put(b, col, D6_NR)))
		ret = -ENOMEM;
	for (int c = 0; c < D6_NR; c++)
		rec_buf_free(&col[c]);
	return ret;
}

/* --- decoding ------------------------------------------------------------ */

/* @r's fields (its key set, histograms empty) against @pr (of @prev, or empty_row). */
static int get_fields(struct rec_cur *col, struct snapshot *s, struct snap_sys_row *r,
		      const struct snapshot *prev, const struct snap_sys_row *pr,
		      uint64_t bits, bool parts)
{
	struct snap_hist *h = &r->interval;
	uint64_t rest, v = 0;
	size_t at = col[D6_FLAGS].off;
	int ret = rec_get_max(&col[D6_FLAGS], REC_ROW_EXITED | REC_ROW_WAIT, &v, "row flags") ?:
		  rec_histcol_get(&col[D6_HIST], s, h, prev, &pr->interval);

	if (ret)
		return ret;
	v ^= row_flags(pr);
	if (pr != &empty_row && (v & REC_ROW_WAIT) != (row_flags(pr) & REC_ROW_WAIT))
		return rec_fail_at(col[D6_FLAGS].e, col[D6_FLAGS].base + at, -EINVAL,
				   "row flags change the wait flag of a matched row");
	r->exited = v & REC_ROW_EXITED;
	r->wait = v & REC_ROW_WAIT;
	r->cgroup_id = pr->cgroup_id;
	ret = rec_delta_get_total(&col[D6_TOT], s, r, prev, pr, bits);
	if (ret || !parts)
		return ret;
	rest = h->sum_ns;
	for (int p = 1; !ret && p < ABI_PARTS; p++) {
		ret = rec_get_u64(&col[D6_PARTS], &v);
		h->part_ns[p] = rec_unzz(part_guess(h, &pr->interval, p), v);
		rest -= h->part_ns[p];
	}
	ret = ret ?: rec_get_u64(&col[D6_PARTS], &v);
	/* zz(rest, on-CPU) was written: on-CPU = rest - unzigzag(v) */
	h->part_ns[0] = rest - rec_unzz(0, v);
	return ret ?: rec_delta_get_total_parts(&col[D6_PARTS], r, pr, bits);
}

static struct snap_sys_row *add_row(struct rec_cur *c, struct snapshot *s)
{
	struct snap_sys_row *r = snapshot_add_sys(s);

	if (!r)
		rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	return r;
}

static int get_changed(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
		       const struct snap_sys_row *pr, uint64_t bits, bool parts)
{
	struct snap_sys_row *r = add_row(&col[D6_OPS], s);

	if (!r)
		return -ENOMEM;
	*r = *pr;
	memset(&r->interval, 0, sizeof(r->interval));
	memset(&r->total, 0, sizeof(r->total));
	return get_fields(col, s, r, prev, pr, bits, parts);
}

static int get_new(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
		   uint64_t bits, bool parts)
{
	struct rec_cur *o = &col[D6_KEYS];
	struct snap_sys_row *r = add_row(o, s);

	if (!r)
		return -ENOMEM;
	return rec_get_u32(o, &r->pid, "pid") ?: rec_get_u32(o, &r->nr, "syscall number") ?:
	       rec_get_u64(o, &r->pstart_ns) ?:
	       rec_get_str(o, r->comm, sizeof(r->comm), ABI_COMM_LEN, "process name") ?:
	       get_fields(col, s, r, prev, &empty_row, bits, parts);
}

int rec_delta6_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
			size_t n_rows)
{
	static const struct rec_delta_rows fmt6 = { get_changed, get_new, true, DT_BITS };
	struct rec_cur col[D6_NR];
	uint64_t on = 0;

	return rec_get_max(c, 1, &on, "breakdown flag") ?: rec_cols_get(c, col, D6_NR) ?:
	       rec_delta_walk(col, s, prev, n_rows, on, &fmt6) ?:
	       rec_cols_done(c, col, D6_NR, "column");
}
