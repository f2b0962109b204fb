/*
 * rec_sections.c - the tagged sections of a TICK payload: the syscall
 * breakdown and the family tables. Every length and count is checked
 * against what is left, like the rest of the tick.
 */
#include <errno.h>
#include <string.h>

#include "core/family.h"
#include "core/rec_delta.h"
#include "core/rec_histcol.h"
#include "core/rec_match.h"
#include "core/rec_sections.h"

#define MIN_SECTION_BYTES 2
#define MIN_FAM_ROW_BYTES (5 + 2 * 6)
#define MAX_SECTIONS 64
/* A stack: pid, what, pstart, comm, 3 counts, flags, n_kernel, n_user at a byte each at least. */
#define MIN_STACK_BYTES 10
#define REC_FRAME_MAX 255	/* longer symbol names are cut in recordings */
/* A cgroup: id, kind, gone, path, name at a byte each at least. */
#define MIN_CGROUP_BYTES 5
#define MAX_CGROUPS (1u << 20)

static int put_breakdown(struct rec_buf *b, const struct snapshot *s)
{
	if (rec_put_u64(b, s->breakdown))
		return -ENOMEM;
	for (size_t i = 0; s->breakdown && i < s->n_sys; i++)
		for (int p = 0; p < 2 * ABI_PARTS; p++)
			if (rec_put_u64(b, p < ABI_PARTS ? s->sys[i].interval.part_ns[p] :
					   s->sys[i].total.part_ns[p - ABI_PARTS]))
				return -ENOMEM;
	return 0;
}

static int put_fam_head(struct rec_buf *b, const struct snapshot *s, enum snap_family f)
{
	const struct family_desc *d = family_get(f);
	const struct snap_table *t = &s->fam[f];

	return rec_put_str(b, d->name, 64) || rec_put_u64(b, t->state) ||
	       rec_put_str(b, t->note, sizeof(t->note) - 1) || rec_put_u64(b, t->lost) ||
	       rec_put_u64(b, t->lost_total) || rec_put_u64(b, t->evicted) ||
	       rec_put_u64(b, t->evicted_total) || rec_put_u64(b, d->n_parts) ||
	       rec_put_u64(b, t->n) ? -ENOMEM : 0;
}

/* A row's histograms: interval, total, then per part (part, part total). */
static int put_fam_hists(struct rec_buf *b, const struct snapshot *s, enum snap_family f,
			 const struct snap_fam_row *r)
{
	int ret = rec_tick_put_hist(b, s, &r->interval) ?: rec_tick_put_hist(b, s, &r->total);

	for (unsigned int p = 0; !ret && p < family_get(f)->n_parts; p++)
		ret = rec_tick_put_hist(b, s, &r->part[p]) ?:
		      rec_tick_put_hist(b, s, &r->part_total[p]);
	return ret;
}

/* A row's key, label and (if its family has one) detail. */
static int put_fam_key(struct rec_buf *b, enum snap_family f, const struct snap_fam_row *r)
{
	if (rec_put_u64(b, r->key.tgid) || rec_put_u64(b, r->key.a) ||
	    rec_put_u64(b, r->key.b) || rec_put_str(b, r->key.comm, ABI_COMM_LEN) ||
	    rec_put_str(b, r->label, SNAP_LABEL_LEN) ||
	    (family_get(f)->has_detail && rec_put_str(b, r->detail, SNAP_LABEL_LEN)))
		return -ENOMEM;
	return 0;
}

static int put_fam_row(struct rec_buf *b, const struct snapshot *s, enum snap_family f,
		       const struct snap_fam_row *r)
{
	return put_fam_key(b, f, r) ?: put_fam_hists(b, s, f, r);
}

static int put_family(struct rec_buf *b, const struct snapshot *s, enum snap_family f)
{
	int ret = put_fam_head(b, s, f);

	for (size_t i = 0; !ret && i < s->fam[f].n; i++)
		ret = put_fam_row(b, s, f, &s->fam[f].rows[i]);
	return ret;
}

/*
 * A family table of a delta tick (format 5, REC_SEC_FAM_DELTA): the head
 * as in REC_SEC_FAMILY, then ops against the previous tick's table until
 * its row count is met, op = arg << 2 | kind, with a cursor j into the
 * previous rows: FD_COPY arg rows equal to previous rows j.. (j += arg),
 * FD_JUMP the cursor to previous row j + unzigzag(arg), FD_CHANGED the key
 * and label of previous row j (j++) and the row's histograms, FD_NEW a
 * whole row as REC_SEC_FAMILY has it. A row is matched anywhere in the
 * previous table by its key and label (tables have no order). Cgroup ids
 * are in the cgroups section, as for a whole table.
 */
enum { FD_COPY = 0, FD_JUMP = 1, FD_CHANGED = 2, FD_NEW = 3 };

static bool fam_same_key(const struct snap_fam_row *a, const struct snap_fam_row *b)
{
	return a->key.tgid == b->key.tgid && a->key.a == b->key.a && a->key.b == b->key.b &&
	       !memcmp(a->key.comm, b->key.comm, sizeof(a->key.comm)) &&
	       !strncmp(a->label, b->label, sizeof(a->label)) &&
	       !strncmp(a->detail, b->detail, sizeof(a->detail));
}

/* As a reader decodes them: the summary and buckets, not part_ns (never recorded here). */
static bool fam_same_hist(const struct snapshot *sa, const struct snap_hist *a,
			  const struct snapshot *sb, const struct snap_hist *b)
{
	const struct hist_bucket *ba = snap_hist_buckets(sa, a), *bb = snap_hist_buckets(sb, b);

	if (a->count != b->count || a->errors != b->errors || a->timed != b->timed ||
	    a->sum_ns != b->sum_ns || a->max_ns != b->max_ns || a->n != b->n)
		return false;
	for (uint32_t i = 0; i < a->n; i++)
		if (ba[i].slot != bb[i].slot || ba[i].count != bb[i].count)
			return false;
	return true;
}

static bool fam_same_row(const struct snapshot *s, const struct snap_fam_row *a,
			 const struct snapshot *prev, const struct snap_fam_row *b, unsigned int np)
{
	if (!fam_same_hist(s, &a->interval, prev, &b->interval) ||
	    !fam_same_hist(s, &a->total, prev, &b->total))
		return false;
	for (unsigned int p = 0; p < np; p++)
		if (!fam_same_hist(s, &a->part[p], prev, &b->part[p]) ||
		    !fam_same_hist(s, &a->part_total[p], prev, &b->part_total[p]))
			return false;
	return true;
}

static uint64_t fam_hash(const struct snap_fam_row *r)
{
	uint64_t c = 0, l = 0;

	memcpy(&c, r->key.comm, sizeof(c) < sizeof(r->key.comm) ? sizeof(c) : sizeof(r->key.comm));
	memcpy(&l, r->label, sizeof(l));
	return rec_match_mix(rec_match_mix(rec_match_mix((uint64_t)r->key.tgid << 32 | r->key.a,
							 r->key.b), c), l);
}

static uint64_t fam_prev_hash(const void *ctx, size_t i)
{
	return fam_hash(&((const struct snap_table *)ctx)->rows[i]);
}

static bool fam_prev_eq(const void *ctx, size_t i, const void *key)
{
	return fam_same_key(&((const struct snap_table *)ctx)->rows[i], key);
}

/* How a format writes a changed or new (kind FD_NEW, @pr an empty row) row's op and fields. */
typedef int (*fam_put_row_fn)(struct rec_buf *col, const struct snapshot *s,
			      enum snap_family f, const struct snap_fam_row *r,
			      const struct snapshot *prev, const struct snap_fam_row *pr,
			      unsigned int kind);

static const struct snap_fam_row empty_fam;

/* Table @f's rows as FD_* ops against @prev's into @col[0], changed and new ones by @put_row. */
static int put_fam_ops(struct rec_buf *col, const struct snapshot *s, enum snap_family f,
		       const struct snapshot *prev, fam_put_row_fn put_row)
{
	const struct snap_table *t = &s->fam[f], *pt = &prev->fam[f];
	unsigned int np = family_get(f)->n_parts;
	struct rec_buf *o = &col[0];
	struct rec_match m;
	size_t j = 0, copy = 0;
	int ret = 0;

	rec_match_build(&m, pt->n, fam_prev_hash, pt);	/* no memory: all rows NEW */
	for (size_t i = 0; !ret && i < t->n; i++) {
		const struct snap_fam_row *r = &t->rows[i];
		size_t k = j < pt->n && fam_same_key(&pt->rows[j], r) ? j :
			   rec_match_find(&m, fam_hash(r), fam_prev_eq, pt, r);
		bool same = k != SIZE_MAX && fam_same_row(s, r, prev, &pt->rows[k], np);

		if (k == j && same) {
			copy++;
			j++;
			continue;
		}
		if (copy && rec_put_u64(o, (uint64_t)copy << 2 | FD_COPY))
			ret = -ENOMEM;
		copy = 0;
		if (ret || k == SIZE_MAX) {
			ret = ret ?: put_row(col, s, f, r, prev, &empty_fam, FD_NEW);
			continue;
		}
		if (k != j && rec_put_u64(o, rec_zz(k, j) << 2 | FD_JUMP))
			ret = -ENOMEM;
		j = k + 1;
		if (same)
			copy = 1;
		else
			ret = ret ?: put_row(col, s, f, r, prev, &pt->rows[k], FD_CHANGED);
	}
	rec_match_free(&m);
	if (!ret && copy && rec_put_u64(o, (uint64_t)copy << 2 | FD_COPY))
		ret = -ENOMEM;
	return ret;
}

/* REC_SEC_FAM_DELTA: a new row whole, a changed one's histograms whole. */
static int put_fam5_row(struct rec_buf *b, const struct snapshot *s, enum snap_family f,
			const struct snap_fam_row *r, const struct snapshot *prev,
			const struct snap_fam_row *pr, unsigned int kind)
{
	(void)prev;
	(void)pr;
	if (rec_put_u64(b, kind))
		return -ENOMEM;
	return kind == FD_NEW ? put_fam_row(b, s, f, r) : put_fam_hists(b, s, f, r);
}

static int put_fam_delta(struct rec_buf *b, const struct snapshot *s, enum snap_family f,
			 const struct snapshot *prev)
{
	return put_fam_head(b, s, f) ?: put_fam_ops(b, s, f, prev, put_fam5_row);
}

/*
 * A family table of a format-6 delta tick (REC_SEC_FAM_DELTA6): the head
 * as in REC_SEC_FAMILY, then columns (rec_cols_put): FC_OPS holds format
 * 5's ops (FD_*), FD_CHANGED and FD_NEW with arg FS_TOTAL_SUM when the
 * total and every part total are the previous ones plus this tick's, and
 * after FD_NEW the row's key and label (and detail); the interval and each
 * part histogram of a changed or new row go to the FC_HIST columns against
 * the previous row's (an empty row's for a new one; rec_histcol.h), the
 * totals not summed to FC_TOT whole. Run-queue rows are busy every tick:
 * their totals were half of a format-5 delta.
 */
#define FS_TOTAL_SUM 1u
enum { FC_OPS, FC_HIST, FC_TOT = FC_HIST + HC_NR, FC_NR };

static bool fam_totals_sum(const struct snapshot *s, const struct snap_fam_row *r,
			   const struct snapshot *prev, const struct snap_fam_row *pr,
			   unsigned int np)
{
	if (!rec_delta_is_sum(s, &r->total, prev, &pr->total, &r->interval))
		return false;
	for (unsigned int p = 0; p < np; p++)
		if (!rec_delta_is_sum(s, &r->part_total[p], prev, &pr->part_total[p], &r->part[p]))
			return false;
	return true;
}

/* The op (kind @kind, its key after it if new) and histograms of @r against @pr. */
static int put_fam6_row(struct rec_buf *col, const struct snapshot *s, enum snap_family f,
			const struct snap_fam_row *r, const struct snapshot *prev,
			const struct snap_fam_row *pr, unsigned int kind)
{
	unsigned int np = family_get(f)->n_parts;
	bool sum = fam_totals_sum(s, r, prev, pr, np);
	struct rec_buf *o = &col[FC_OPS];
	int ret = 0;

	if (rec_put_u64(o, (sum ? FS_TOTAL_SUM : 0u) << 2 | kind) ||
	    (kind == FD_NEW && put_fam_key(o, f, r)))
		return -ENOMEM;
	/* in a keyframe's order (interval, total, then per part both), so the buckets are too */
	ret = rec_histcol_put(&col[FC_HIST], s, &r->interval, prev, &pr->interval) ?:
	      (sum ? 0 : rec_tick_put_hist(&col[FC_TOT], s, &r->total));
	for (unsigned int p = 0; !ret && p < np; p++)
		ret = rec_histcol_put(&col[FC_HIST], s, &r->part[p], prev, &pr->part[p]) ?:
		      (sum ? 0 : rec_tick_put_hist(&col[FC_TOT], s, &r->part_total[p]));
	return ret;
}

static int put_fam_delta6(struct rec_buf *b, const struct snapshot *s, enum snap_family f,
			  const struct snapshot *prev)
{
	struct rec_buf col[FC_NR] = { 0 };
	int ret = put_fam_head(b, s, f) ?: put_fam_ops(col, s, f, prev, put_fam6_row);

	if (!ret && rec_cols_put(b, col, FC_NR))
		ret = -ENOMEM;
	for (int c = 0; c < FC_NR; c++)
		rec_buf_free(&col[c]);
	return ret;
}

/*
 * --slow: the stacks with calls this tick (a tick's data, like its rows),
 * frames as the text symbolised at record time so a replay anywhere shows
 * the same names. Nothing when --slow is off.
 */
static int put_stacks(struct rec_buf *b, const struct snapshot *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_stacks; i++)
		n += s->stacks[i].count > 0;
	if (rec_put_u64(b, s->slow_ns) || rec_put_u64(b, s->stacks_dropped) ||
	    rec_put_u64(b, s->stacks_dropped_total) || rec_put_u64(b, n))
		return -ENOMEM;
	for (size_t i = 0; i < s->n_stacks; i++) {
		const struct snap_stack *st = &s->stacks[i];

		if (!st->count)
			continue;
		if (rec_put_u64(b, st->pid) || rec_put_u64(b, st->what) ||
		    rec_put_u64(b, st->pstart_ns) || rec_put_str(b, st->comm, ABI_COMM_LEN) ||
		    rec_put_u64(b, st->count) || rec_put_u64(b, st->count_total) ||
		    rec_put_u64(b, st->max_ns) || rec_put_u64(b, st->flags) ||
		    rec_put_u64(b, st->n_kernel) || rec_put_u64(b, st->n_user))
			return -ENOMEM;
		for (unsigned int f = 0; f < (unsigned int)st->n_kernel + st->n_user; f++)
			if (rec_put_str(b, snap_stack_frame(s, st, f), REC_FRAME_MAX))
				return -ENOMEM;
	}
	return 0;
}

static int put_ids_fam(struct rec_buf *b, const struct snapshot *s, enum snap_family f)
{
	const struct snap_table *t = &s->fam[f];

	if (rec_put_str(b, family_get(f)->name, 64) || rec_put_u64(b, t->n))
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++)
		if (rec_put_u64(b, t->rows[i].key.cgid))
			return -ENOMEM;
	return 0;
}

/*
 * The cgroup table and every row's cgroup id, in row order: written after
 * the family and stack sections, whose rows it numbers.
 */
static int put_cgroups(struct rec_buf *b, const struct snapshot *s)
{
	size_t n_stacks = 0;

	if (rec_put_u64(b, s->cgroups_state) ||
	    rec_put_str(b, s->cgroups_note, sizeof(s->cgroups_note) - 1) ||
	    rec_put_u64(b, s->n_cgroups))
		return -ENOMEM;
	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct snap_cgroup *cg = &s->cgroups[i];

		if (rec_put_u64(b, cg->id) || rec_put_u64(b, cg->kind) || rec_put_u64(b, cg->gone) ||
		    rec_put_str(b, cg->path, SNAP_CGROUP_PATH_LEN - 1) ||
		    rec_put_str(b, cg->name, SNAP_CGROUP_NAME_LEN - 1))
			return -ENOMEM;
	}
	if (rec_put_u64(b, s->n_sys))
		return -ENOMEM;
	for (size_t i = 0; i < s->n_sys; i++)
		if (rec_put_u64(b, s->sys[i].cgroup_id))
			return -ENOMEM;
	if (rec_put_u64(b, s->n_clients))
		return -ENOMEM;
	for (size_t i = 0; i < s->n_clients; i++)
		if (rec_put_u64(b, s->clients[i].key.cgid))
			return -ENOMEM;
	if (rec_put_u64(b, SNAP_FAM_NR))
		return -ENOMEM;
	for (int f = 0; f < SNAP_FAM_NR; f++)
		if (put_ids_fam(b, s, (enum snap_family)f))
			return -ENOMEM;
	/* the stacks section holds those with calls this tick only */
	for (size_t i = 0; s->slow_ns && i < s->n_stacks; i++)
		n_stacks += s->stacks[i].count > 0;
	if (rec_put_u64(b, n_stacks))
		return -ENOMEM;
	for (size_t i = 0; s->slow_ns && i < s->n_stacks; i++)
		if (s->stacks[i].count && rec_put_u64(b, s->stacks[i].cgroup_id))
			return -ENOMEM;
	return 0;
}

/* One section: its tag, the length of the body written by @put, the body. */
static int put_section(struct rec_buf *b, struct rec_buf *tmp, enum rec_section tag,
		       int ret_of_put)
{
	if (ret_of_put)
		return ret_of_put;
	if (rec_put_u64(b, tag) || rec_put_u64(b, tmp->len) || rec_put_bytes(b, tmp->data, tmp->len))
		return -ENOMEM;
	tmp->len = 0;
	return 0;
}

int rec_sections_put(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev,
		     int fmt)
{
	struct rec_buf tmp = { 0 };
	int ret;

	bool cg = s->cgroups_state != SNAP_CGROUPS_OFF;

	/* No cgroups: no section, so such a recording reads the same in an older lattop. */
	ret = rec_put_u64(b, 1 + SNAP_FAM_NR + (s->slow_ns != 0) + cg) ? -ENOMEM :
	      put_section(b, &tmp, REC_SEC_BREAKDOWN, put_breakdown(&tmp, s));
	for (int f = 0; !ret && f < SNAP_FAM_NR; f++)
		ret = prev && fmt >= 6 ?
		      put_section(b, &tmp, REC_SEC_FAM_DELTA6,
				  put_fam_delta6(&tmp, s, (enum snap_family)f, prev)) :
		      prev ? put_section(b, &tmp, REC_SEC_FAM_DELTA,
					 put_fam_delta(&tmp, s, (enum snap_family)f, prev)) :
			     put_section(b, &tmp, REC_SEC_FAMILY,
					 put_family(&tmp, s, (enum snap_family)f));
	if (!ret && s->slow_ns)
		ret = put_section(b, &tmp, REC_SEC_STACKS, put_stacks(&tmp, s));
	if (!ret && cg)
		ret = put_section(b, &tmp, REC_SEC_CGROUPS, put_cgroups(&tmp, s));
	rec_buf_free(&tmp);
	return ret;
}

static int get_breakdown(struct rec_cur *c, struct snapshot *s)
{
	uint64_t on = 0;
	int ret = rec_get_max(c, 1, &on, "breakdown flag");

	s->breakdown = on;
	for (size_t i = 0; !ret && on && i < s->n_sys; i++)
		for (int p = 0; !ret && p < 2 * ABI_PARTS; p++)
			ret = rec_get_u64(c, p < ABI_PARTS ? &s->sys[i].interval.part_ns[p] :
					  &s->sys[i].total.part_ns[p - ABI_PARTS]);
	return ret;
}

/* A row's histograms (put_fam_hists); parts this lattop has no room for are read and dropped. */
static int get_fam_hists(struct rec_cur *c, struct snapshot *s, struct snap_fam_row *r,
			 size_t n_parts)
{
	struct snap_hist extra;
	int ret = rec_tick_get_hist(c, s, &r->interval) ?: rec_tick_get_hist(c, s, &r->total);

	for (size_t p = 0; !ret && p < n_parts; p++) {
		size_t keep_buckets = s->n_buckets;

		if (p < SNAP_FAM_PARTS) {
			ret = rec_tick_get_hist(c, s, &r->part[p]) ?:
			      rec_tick_get_hist(c, s, &r->part_total[p]);
			continue;
		}
		ret = rec_tick_get_hist(c, s, &extra) ?: rec_tick_get_hist(c, s, &extra);
		s->n_buckets = keep_buckets;	/* not kept: their buckets neither */
	}
	return ret;
}

/* put_fam_key's fields. */
static int get_fam_key(struct rec_cur *c, enum snap_family f, struct snap_fam_row *r)
{
	return rec_get_u32(c, &r->key.tgid, "pid") ?: rec_get_u32(c, &r->key.a, "key field a") ?:
	       rec_get_u32(c, &r->key.b, "key field b") ?:
	       rec_get_str(c, r->key.comm, sizeof(r->key.comm), ABI_COMM_LEN, "process name") ?:
	       rec_get_str(c, r->label, sizeof(r->label), SNAP_LABEL_LEN - 1, "row label") ?:
	       (family_get(f)->has_detail ?
		rec_get_str(c, r->detail, sizeof(r->detail), SNAP_LABEL_LEN - 1, "row detail") : 0);
}

static int get_fam_row(struct rec_cur *c, struct snapshot *s, enum snap_family f, size_t n_parts)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);

	if (!r)
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	return get_fam_key(c, f, r) ?: get_fam_hists(c, s, r, n_parts);
}

/* Previous row @pr (of @prev) again: the key and label, with @hists its histograms or not. */
static struct snap_fam_row *again_fam_row(struct rec_cur *c, struct snapshot *s,
					  enum snap_family f, const struct snapshot *prev,
					  const struct snap_fam_row *pr, bool hists)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);
	bool oom = !r;

	if (r) {
		*r = *pr;
		memset(&r->interval, 0, sizeof(r->interval));
		memset(&r->total, 0, sizeof(r->total));
		memset(r->part, 0, sizeof(r->part));
		memset(r->part_total, 0, sizeof(r->part_total));
	}
	if (r && hists) {
		oom = snapshot_put_sparse(s, &r->interval, &pr->interval,
					  snap_hist_buckets(prev, &pr->interval), pr->interval.n) ||
		      snapshot_put_sparse(s, &r->total, &pr->total,
					  snap_hist_buckets(prev, &pr->total), pr->total.n);
		for (int p = 0; !oom && p < SNAP_FAM_PARTS; p++)
			oom = snapshot_put_sparse(s, &r->part[p], &pr->part[p],
						  snap_hist_buckets(prev, &pr->part[p]),
						  pr->part[p].n) ||
			      snapshot_put_sparse(s, &r->part_total[p], &pr->part_total[p],
						  snap_hist_buckets(prev, &pr->part_total[p]),
						  pr->part_total[p].n);
	}
	if (oom)
		rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	return oom ? NULL : r;
}

/*
 * What differs between the ops of REC_SEC_FAM_DELTA and _DELTA6 tables:
 * how a changed row (@r, previous row @pr's key set) and a new row are
 * read from the columns @col (@col alone before format 6), and the FS_*
 * bits their ops may carry.
 */
struct fam_delta_rows {
	int (*get_changed)(struct rec_cur *col, struct snapshot *s, struct snap_fam_row *r,
			   const struct snapshot *prev, const struct snap_fam_row *pr,
			   size_t n_parts, uint64_t bits);
	int (*get_new)(struct rec_cur *col, struct snapshot *s, enum snap_family f,
		       const struct snapshot *prev, size_t n_parts, uint64_t bits);
	uint64_t bits;
};

/* The ops in @col[0] until family table @f of @s has @n rows. */
static int walk_fam_rows(struct rec_cur *col, struct snapshot *s, enum snap_family f,
			 const struct snapshot *prev, size_t n, size_t n_parts,
			 const struct fam_delta_rows *fmt)
{
	const struct snap_table *pt = &prev->fam[f];
	struct rec_cur *o = &col[0];
	size_t j = 0;
	int ret = 0;

	while (!ret && s->fam[f].n < n) {
		size_t at = o->off;
		uint64_t op = 0, arg;
		struct snap_fam_row *r;

		ret = rec_get_u64(o, &op);
		if (ret)
			break;
		arg = op >> 2;
		switch (op & 3) {
		case FD_COPY:
			if (!arg || arg > pt->n - j || arg > n - s->fam[f].n)
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta family row count %llu out of range",
						   (unsigned long long)arg);
			for (size_t k = j; k < j + arg; k++)
				if (!again_fam_row(o, s, f, prev, &pt->rows[k], true))
					return -ENOMEM;
			j += (size_t)arg;
			break;
		case FD_JUMP:
			if (!arg || rec_unzz(j, arg) >= pt->n)
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta family row jump out of range");
			j = (size_t)rec_unzz(j, arg);
			break;
		case FD_CHANGED:
			if (arg > fmt->bits || j >= pt->n)
				return rec_fail_at(o->e, o->base + at, -EINVAL,
						   "delta family row change without a previous row");
			r = again_fam_row(o, s, f, prev, &pt->rows[j], false);
			ret = r ? fmt->get_changed(col, s, r, prev, &pt->rows[j], n_parts, arg) :
				  -ENOMEM;
			j++;
			break;
		default:
			ret = arg > fmt->bits ?
			      rec_fail_at(o->e, o->base + at, -EINVAL, "bad delta family op") :
			      fmt->get_new(col, s, f, prev, n_parts, arg);
			break;
		}
	}
	return ret;
}

/* REC_SEC_FAM_DELTA: a changed row's histograms whole, a new row whole; no bits. */
static int get_fam5_changed(struct rec_cur *c, struct snapshot *s, struct snap_fam_row *r,
			    const struct snapshot *prev, const struct snap_fam_row *pr,
			    size_t n_parts, uint64_t bits)
{
	(void)prev;
	(void)pr;
	(void)bits;
	return get_fam_hists(c, s, r, n_parts);
}

static int get_fam5_new(struct rec_cur *c, struct snapshot *s, enum snap_family f,
			const struct snapshot *prev, size_t n_parts, uint64_t bits)
{
	(void)prev;
	(void)bits;
	return get_fam_row(c, s, f, n_parts);
}

/* The rows of a REC_SEC_FAM_DELTA table (put_fam_delta) against @prev's. */
static int get_fam_delta_rows(struct rec_cur *c, struct snapshot *s, enum snap_family f,
			      const struct snapshot *prev, size_t n, size_t n_parts)
{
	static const struct fam_delta_rows fmt5 = { get_fam5_changed, get_fam5_new, 0 };

	return walk_fam_rows(c, s, f, prev, n, n_parts, &fmt5);
}

/* Histograms of @r (put_fam6_row) against @pr (of @prev, or empty_fam). */
static int get_fam6_hists(struct rec_cur *col, struct snapshot *s, struct snap_fam_row *r,
			  const struct snapshot *prev, const struct snap_fam_row *pr,
			  size_t n_parts, uint64_t bits)
{
	bool sum = bits & FS_TOTAL_SUM;
	int ret = rec_histcol_get(&col[FC_HIST], s, &r->interval, prev, &pr->interval);

	if (!ret)
		ret = sum ? rec_delta_add_hist(&col[FC_TOT], s, &r->total, prev, &pr->total,
					       &r->interval) :
			    rec_tick_get_hist(&col[FC_TOT], s, &r->total);
	for (size_t p = 0; !ret && p < n_parts; p++) {
		ret = rec_histcol_get(&col[FC_HIST], s, &r->part[p], prev, &pr->part[p]);
		if (!ret)
			ret = sum ? rec_delta_add_hist(&col[FC_TOT], s, &r->part_total[p], prev,
						       &pr->part_total[p], &r->part[p]) :
				    rec_tick_get_hist(&col[FC_TOT], s, &r->part_total[p]);
	}
	return ret;
}

static int get_fam6_new(struct rec_cur *col, struct snapshot *s, enum snap_family f,
			const struct snapshot *prev, size_t n_parts, uint64_t bits)
{
	struct rec_cur *o = &col[FC_OPS];
	struct snap_fam_row *r = snapshot_add_fam(s, f);

	if (!r)
		return rec_fail_at(o->e, o->base + o->off, -ENOMEM, "out of memory");
	return get_fam_key(o, f, r) ?: get_fam6_hists(col, s, r, prev, &empty_fam, n_parts, bits);
}

/* The rows of a REC_SEC_FAM_DELTA6 table (put_fam_delta6) against @prev's. */
static int get_fam_delta6_rows(struct rec_cur *c, struct snapshot *s, enum snap_family f,
			       const struct snapshot *prev, size_t n, size_t n_parts)
{
	static const struct fam_delta_rows fmt6 = { get_fam6_hists, get_fam6_new, FS_TOTAL_SUM };
	struct rec_cur col[FC_NR];
	int ret = rec_cols_get(c, col, FC_NR);

	if (!ret && n_parts > SNAP_FAM_PARTS)
		return rec_fail_at(c->e, c->base, -EINVAL, "%zu parts in a family table (max %d)",
				   n_parts, SNAP_FAM_PARTS);
	ret = ret ?: walk_fam_rows(col, s, f, prev, n, n_parts, &fmt6);
	return ret ?: rec_cols_done(c, col, FC_NR, "column");
}

/*
 * A family table; @prev: a REC_SEC_FAM_DELTA one against @prev's table
 * (a REC_SEC_FAM_DELTA6 one if @v6).
 */
static int get_family(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		      bool v6)
{
	char name[65];
	uint64_t n_parts = 0;
	size_t n = 0;
	enum snap_family f;
	struct snap_table *t;
	int ret;

	ret = rec_get_str(c, name, sizeof(name), sizeof(name) - 1, "family name");
	if (ret)
		return ret;
	if (!family_find(name, &f) || strcmp(family_get(f)->name, name)) {
		c->off = c->n;	/* a family newer than this lattop: skip its table */
		return 0;
	}
	t = &s->fam[f];
	if (t->state || t->n)
		return rec_fail_at(c->e, c->base, -EINVAL, "family %s twice in one tick", name);
	ret = rec_get_u32(c, &t->state, "family state");
	if (!ret && t->state > SNAP_FAM_ON)
		return rec_fail_at(c->e, c->base + c->off - 1, -EINVAL, "unknown family state %u",
				   t->state);
	ret = ret ?: rec_get_str(c, t->note, sizeof(t->note), sizeof(t->note) - 1, "family note") ?:
	      rec_get_u64(c, &t->lost) ?: rec_get_u64(c, &t->lost_total) ?:
	      rec_get_u64(c, &t->evicted) ?: rec_get_u64(c, &t->evicted_total) ?:
	      rec_get_max(c, 16, &n_parts, "number of parts");
	if (ret)
		return ret;
	if (prev) {
		size_t at = c->off;
		uint64_t v = 0;

		/* copied rows cost no byte each: bounded by the previous table */
		ret = rec_get_u64(c, &v);
		if (!ret && v > prev->fam[f].n + (c->n - c->off))
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "family row count %llu larger than the record",
					   (unsigned long long)v);
		if (ret)
			return ret;
		return v6 ? get_fam_delta6_rows(c, s, f, prev, (size_t)v, (size_t)n_parts) :
			    get_fam_delta_rows(c, s, f, prev, (size_t)v, (size_t)n_parts);
	}
	ret = rec_get_count(c, MIN_FAM_ROW_BYTES, &n, "family row");
	for (size_t i = 0; !ret && i < n; i++)
		ret = get_fam_row(c, s, f, (size_t)n_parts);
	return ret;
}

static int get_stack(struct rec_cur *c, struct snapshot *s)
{
	struct snap_stack *st = snapshot_add_stack(s);
	uint64_t flags = 0, nk = 0, nu = 0;
	char frame[REC_FRAME_MAX + 1];
	int ret;

	if (!st)
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	ret = rec_get_u32(c, &st->pid, "stack pid") ?: rec_get_u32(c, &st->what, "stack row") ?:
	      rec_get_u64(c, &st->pstart_ns) ?:
	      rec_get_str(c, st->comm, sizeof(st->comm), ABI_COMM_LEN, "stack process name") ?:
	      rec_get_u64(c, &st->count) ?: rec_get_u64(c, &st->count_total) ?:
	      rec_get_u64(c, &st->max_ns) ?: rec_get_max(c, UINT32_MAX, &flags, "stack flags") ?:
	      rec_get_max(c, ABI_STACK_DEPTH, &nk, "kernel frames") ?:
	      rec_get_max(c, ABI_STACK_DEPTH + 1, &nu, "user frames");
	st->flags = (uint32_t)flags;
	for (uint64_t f = 0; !ret && f < nk + nu; f++) {
		ret = rec_get_str(c, frame, sizeof(frame), REC_FRAME_MAX, "stack frame");
		if (!ret && snapshot_add_frame(s, frame))
			ret = rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	}
	/* Set last: a failed read leaves no frames counted that are not there. */
	if (!ret) {
		st->n_kernel = (uint16_t)nk;
		st->n_user = (uint16_t)nu;
	}
	return ret;
}

static int get_stacks(struct rec_cur *c, struct snapshot *s)
{
	size_t n = 0;
	int ret;

	if (s->slow_ns || s->n_stacks)
		return rec_fail_at(c->e, c->base, -EINVAL, "stacks twice in one tick");
	ret = rec_get_u64(c, &s->slow_ns) ?: rec_get_u64(c, &s->stacks_dropped) ?:
	      rec_get_u64(c, &s->stacks_dropped_total) ?:
	      rec_get_count(c, MIN_STACK_BYTES, &n, "stack");
	for (size_t i = 0; !ret && i < n; i++)
		ret = get_stack(c, s);
	return ret;
}

/*
 * A count and that many row cgroup ids. @keep: the count must be @have
 * (the tick's rows read so far) and id i goes to the uint64_t at
 * @first + i * @stride (@first: the first row's id field); else read and dropped.
 */
static int get_ids(struct rec_cur *c, size_t have, bool keep, unsigned char *first,
		   size_t stride, const char *name)
{
	size_t n = 0;
	int ret = rec_get_count(c, 1, &n, "cgroup id");

	if (!ret && keep && n != have)
		return rec_fail_at(c->e, c->base + c->off, -EINVAL,
				   "%zu cgroup ids for %zu %s rows", n, have, name);
	for (size_t i = 0; !ret && i < n; i++) {
		uint64_t id = 0;

		ret = rec_get_u64(c, &id);
		if (!ret && keep)
			memcpy(first + i * stride, &id, sizeof(id));
	}
	return ret;
}

/* &arr[0].field as bytes, NULL for an empty table (never dereferenced then). */
#define IDS_AT(arr, n, field) ((n) ? (unsigned char *)&(arr)[0].field : NULL)

static int get_cgroup(struct rec_cur *c, struct snapshot *s)
{
	struct snap_cgroup *cg = snapshot_add_cgroup(s);
	uint64_t kind = 0, gone = 0;
	int ret;

	if (!cg)
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	ret = rec_get_u64(c, &cg->id) ?:
	      rec_get_max(c, SNAP_CG_KINDS - 1, &kind, "cgroup kind") ?:
	      rec_get_max(c, 1, &gone, "cgroup gone flag") ?:
	      rec_get_str(c, cg->path, sizeof(cg->path), SNAP_CGROUP_PATH_LEN - 1, "cgroup path") ?:
	      rec_get_str(c, cg->name, sizeof(cg->name), SNAP_CGROUP_NAME_LEN - 1, "cgroup name");
	cg->kind = (uint32_t)kind;
	cg->gone = gone;
	if (!ret && s->n_cgroups > 1 && cg[-1].id >= cg->id)
		ret = rec_fail_at(c->e, c->base + c->off, -EINVAL, "cgroups not in id order");
	return ret;
}

static int get_cgroups(struct rec_cur *c, struct snapshot *s)
{
	uint64_t state = 0, n_fam = 0;
	size_t n = 0;
	int ret;

	if (s->cgroups_state || s->n_cgroups)
		return rec_fail_at(c->e, c->base, -EINVAL, "cgroups twice in one tick");
	ret = rec_get_max(c, SNAP_CGROUPS_ON, &state, "cgroups state") ?:
	      rec_get_str(c, s->cgroups_note, sizeof(s->cgroups_note), sizeof(s->cgroups_note) - 1,
			  "cgroups note") ?:
	      rec_get_count(c, MIN_CGROUP_BYTES, &n, "cgroup");
	if (!ret && n > MAX_CGROUPS)
		return rec_fail_at(c->e, c->base + c->off, -EINVAL, "%zu cgroups", n);
	s->cgroups_state = (uint32_t)state;
	for (size_t i = 0; !ret && i < n; i++)
		ret = get_cgroup(c, s);
	ret = ret ?: get_ids(c, s->n_sys, true, IDS_AT(s->sys, s->n_sys, cgroup_id),
			     sizeof(*s->sys), "syscall") ?:
	      get_ids(c, s->n_clients, true, IDS_AT(s->clients, s->n_clients, key.cgid),
		      sizeof(*s->clients), "client") ?:
	      rec_get_max(c, 64, &n_fam, "number of families");
	for (uint64_t i = 0; !ret && i < n_fam; i++) {
		char name[65];
		enum snap_family f;
		bool known;

		ret = rec_get_str(c, name, sizeof(name), sizeof(name) - 1, "family name");
		if (ret)
			break;
		/* a family newer than this lattop: its ids are dropped with its table */
		known = family_find(name, &f) && !strcmp(family_get(f)->name, name);
		ret = known ? get_ids(c, s->fam[f].n, true,
				      IDS_AT(s->fam[f].rows, s->fam[f].n, key.cgid),
				      sizeof(*s->fam[f].rows), "family") :
			      get_ids(c, 0, false, NULL, 0, "family");
	}
	return ret ?: get_ids(c, s->n_stacks, true, IDS_AT(s->stacks, s->n_stacks, cgroup_id),
			      sizeof(*s->stacks), "stack");
}

int rec_sections_get(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev)
{
	size_t count = 0;
	int ret;

	if (c->off == c->n)
		return 0;	/* format 2 */
	ret = rec_get_count(c, MIN_SECTION_BYTES, &count, "section");
	if (!ret && count > MAX_SECTIONS)
		return rec_fail_at(c->e, c->base + c->off, -EINVAL, "%zu sections", count);
	for (size_t i = 0; !ret && i < count; i++) {
		uint64_t tag = 0, len = 0;
		struct rec_cur sub;

		size_t at;

		ret = rec_get_u64(c, &tag);
		at = c->off;
		ret = ret ?: rec_get_u64(c, &len);
		if (ret)
			break;
		if (len > c->n - c->off)	/* what is left after the length itself */
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "section length %llu larger than the record",
					   (unsigned long long)len);
		sub = (struct rec_cur){ .p = c->p + c->off, .n = (size_t)len, .e = c->e,
					.base = c->base + c->off };
		c->off += (size_t)len;
		if (tag == REC_SEC_BREAKDOWN)
			ret = get_breakdown(&sub, s);
		else if (tag == REC_SEC_FAMILY)
			ret = get_family(&sub, s, NULL, false);
		else if ((tag == REC_SEC_FAM_DELTA || tag == REC_SEC_FAM_DELTA6) && prev)
			ret = get_family(&sub, s, prev, tag == REC_SEC_FAM_DELTA6);
		else if (tag == REC_SEC_FAM_DELTA || tag == REC_SEC_FAM_DELTA6)
			ret = rec_fail_at(c->e, sub.base, -EINVAL, "family changes in a keyframe");
		else if (tag == REC_SEC_STACKS)
			ret = get_stacks(&sub, s);
		else if (tag == REC_SEC_CGROUPS)
			ret = get_cgroups(&sub, s);
		else
			continue;	/* newer than this lattop: skipped */
		if (!ret && sub.off != sub.n)
			ret = rec_fail_at(c->e, sub.base + sub.off, -EINVAL,
					  "%zu trailing bytes in a tick section", sub.n - sub.off);
	}
	return ret;
}
