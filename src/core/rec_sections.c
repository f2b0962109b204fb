/*
 * rec_sections.c - the tagged sections of a TICK payload: the syscall
 * breakdown and the family tables. Every length and count is checked
 * against what is left, like the rest of the tick.
 */
#include <errno.h>
#include <string.h>

#include "core/family.h"
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

static int put_family(struct rec_buf *b, const struct snapshot *s, enum snap_family f)
{
	const struct family_desc *d = family_get(f);
	const struct snap_table *t = &s->fam[f];
	int ret;

	if (rec_put_str(b, d->name, 64) || rec_put_u64(b, t->state) ||
	    rec_put_str(b, t->note, sizeof(t->note) - 1) || rec_put_u64(b, t->lost) ||
	    rec_put_u64(b, t->lost_total) || rec_put_u64(b, t->evicted) ||
	    rec_put_u64(b, t->evicted_total) || rec_put_u64(b, d->n_parts) || rec_put_u64(b, t->n))
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct snap_fam_row *r = &t->rows[i];

		if (rec_put_u64(b, r->key.tgid) || rec_put_u64(b, r->key.a) ||
		    rec_put_u64(b, r->key.b) || rec_put_str(b, r->key.comm, ABI_COMM_LEN) ||
		    rec_put_str(b, r->label, SNAP_LABEL_LEN) ||
		    (d->has_detail && rec_put_str(b, r->detail, SNAP_LABEL_LEN)))
			return -ENOMEM;
		ret = rec_tick_put_hist(b, s, &r->interval) ?: rec_tick_put_hist(b, s, &r->total);
		for (unsigned int p = 0; !ret && p < d->n_parts; p++)
			ret = rec_tick_put_hist(b, s, &r->part[p]) ?:
			      rec_tick_put_hist(b, s, &r->part_total[p]);
		if (ret)
			return ret;
	}
	return 0;
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

int rec_sections_put(struct rec_buf *b, const struct snapshot *s)
{
	struct rec_buf tmp = { 0 };
	int ret;

	bool cg = s->cgroups_state != SNAP_CGROUPS_OFF;

	/* No cgroups: no section, so such a recording reads the same in an older lattop. */
	ret = rec_put_u64(b, 1 + SNAP_FAM_NR + (s->slow_ns != 0) + cg) ? -ENOMEM :
	      put_section(b, &tmp, REC_SEC_BREAKDOWN, put_breakdown(&tmp, s));
	for (int f = 0; !ret && f < SNAP_FAM_NR; f++)
		ret = put_section(b, &tmp, REC_SEC_FAMILY, put_family(&tmp, s, (enum snap_family)f));
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

static int get_fam_row(struct rec_cur *c, struct snapshot *s, enum snap_family f, size_t n_parts)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);
	struct snap_hist extra;
	int ret;

	if (!r)
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	ret = rec_get_u32(c, &r->key.tgid, "pid") ?: rec_get_u32(c, &r->key.a, "key field a") ?:
	      rec_get_u32(c, &r->key.b, "key field b") ?:
	      rec_get_str(c, r->key.comm, sizeof(r->key.comm), ABI_COMM_LEN, "process name") ?:
	      rec_get_str(c, r->label, sizeof(r->label), SNAP_LABEL_LEN - 1, "row label") ?:
	      (family_get(f)->has_detail ?
	       rec_get_str(c, r->detail, sizeof(r->detail), SNAP_LABEL_LEN - 1, "row detail") : 0) ?:
	      rec_tick_get_hist(c, s, &r->interval) ?: rec_tick_get_hist(c, s, &r->total);
	/* parts this lattop has no room for are read and dropped */
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

static int get_family(struct rec_cur *c, struct snapshot *s)
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
	      rec_get_max(c, 16, &n_parts, "number of parts") ?:
	      rec_get_count(c, MIN_FAM_ROW_BYTES, &n, "family row");
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

int rec_sections_get(struct rec_cur *c, struct snapshot *s)
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
			ret = get_family(&sub, s);
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
