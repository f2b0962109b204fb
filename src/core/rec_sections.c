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

	ret = rec_put_u64(b, 1 + SNAP_FAM_NR) ? -ENOMEM :
	      put_section(b, &tmp, REC_SEC_BREAKDOWN, put_breakdown(&tmp, s));
	for (int f = 0; !ret && f < SNAP_FAM_NR; f++)
		ret = put_section(b, &tmp, REC_SEC_FAMILY, put_family(&tmp, s, (enum snap_family)f));
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
		else
			continue;	/* newer than this lattop: skipped */
		if (!ret && sub.off != sub.n)
			ret = rec_fail_at(c->e, sub.base + sub.off, -EINVAL,
					  "%zu trailing bytes in a tick section", sub.n - sub.off);
	}
	return ret;
}
