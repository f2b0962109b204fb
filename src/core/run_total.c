/* run_total.c - newest totals per key over a whole run (see run_total.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/key_index.h"
#include "core/run_total.h"

struct run_entry {
	struct abi_sys_key key;		/* first: key_index reads it there; comm zero */
	char comm[ABI_COMM_LEN];	/* the newest name the snapshots gave the process */
	bool exited;
	struct snap_hist sum;		/* first unused; n = buckets in b */
	struct hist_bucket *b;
	uint32_t cap;
};

/* A row of a family table (run queue, block, functions): the whole latency only. */
struct run_fam_entry {
	struct abi_fam_key key;		/* first: key_index reads it there */
	char label[SNAP_LABEL_LEN];
	char detail[SNAP_LABEL_LEN];
	struct snap_hist sum;
	struct hist_bucket *b;
	uint32_t cap;
};

_Static_assert(sizeof(struct abi_sys_key) == KEY_INDEX_KEY_LEN, "key_index key size");
_Static_assert(sizeof(struct abi_fam_key) == KEY_INDEX_KEY_LEN, "key_index key size");

struct run_fam {
	struct run_fam_entry *entries;
	size_t n, cap;
	struct key_index index;
};

struct run_total {
	struct run_entry *entries;
	size_t n, cap, max_keys;
	uint64_t dropped_keys;
	struct key_index index;
	struct run_fam fam[SNAP_FAM_NR];
	struct snap_cgroup *cgroups;	/* every cgroup the run's snapshots named, by id */
	size_t n_cgroups, cap_cgroups;
	struct snapshot last;		/* header and counters of the newest snapshot, no rows */
};

struct run_total *run_total_new(size_t max_keys)
{
	struct run_total *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->max_keys = max_keys ? max_keys : 1;
	snapshot_init(&rt->last);
	if (key_index_reserve(&rt->index, &(struct key_array){ NULL, sizeof(*rt->entries), 0 }))
		goto fail;
	for (int f = 0; f < SNAP_FAM_NR; f++)
		if (key_index_reserve(&rt->fam[f].index,
				      &(struct key_array){ NULL, sizeof(*rt->fam[f].entries), 0 }))
			goto fail;
	return rt;
fail:
	run_total_free(rt);
	errno = ENOMEM;
	return NULL;
}

void run_total_free(struct run_total *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free(rt->entries[i].b);
	free(rt->entries);
	key_index_free(&rt->index);
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		for (size_t i = 0; i < rt->fam[f].n; i++)
			free(rt->fam[f].entries[i].b);
		free(rt->fam[f].entries);
		key_index_free(&rt->fam[f].index);
	}
	free(rt->cgroups);
	snapshot_free(&rt->last);
	free(rt);
}

/* *@b (capacity *@cap) = the buckets of @h of @s; 0 or -ENOMEM. */
static int keep_buckets(struct hist_bucket **b, uint32_t *cap, const struct snapshot *s,
			const struct snap_hist *h)
{
	if (h->n > *cap) {
		struct hist_bucket *nb = realloc(*b, h->n * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		*b = nb;
		*cap = h->n;
	}
	if (h->n)
		memcpy(*b, snap_hist_buckets(s, h), h->n * sizeof(**b));
	return 0;
}

static int observe_fam(struct run_total *rt, const struct snapshot *s, enum snap_family f)
{
	struct run_fam *rf = &rt->fam[f];

	for (size_t i = 0; i < s->fam[f].n; i++) {
		const struct snap_fam_row *r = &s->fam[f].rows[i];
		struct key_entries ke = { (void **)&rf->entries, &rf->n, &rf->cap, sizeof(*rf->entries) };
		struct run_fam_entry *e;
		bool created;
		long pos = key_index_get(&rf->index, &ke, &r->key, rt->max_keys, &created);

		if (pos == -ENOSPC) {
			rt->dropped_keys++;
			continue;
		}
		if (pos < 0)
			return (int)pos;
		e = &rf->entries[pos];
		if (keep_buckets(&e->b, &e->cap, s, &r->total))
			return -ENOMEM;
		e->sum = r->total;
		memcpy(e->label, r->label, sizeof(e->label));
		memcpy(e->detail, r->detail, sizeof(e->detail));
	}
	return 0;
}

/*
 * Merge @s's cgroup table into the run's (newest name wins): the rows of a
 * cgroup removed before the end still need their name. Both sorted by id.
 */
static int observe_cgroups(struct run_total *rt, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_cgroups; i++) {
		const struct snap_cgroup *cg = &s->cgroups[i];
		size_t lo = 0, hi = rt->n_cgroups;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (rt->cgroups[mid].id < cg->id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < rt->n_cgroups && rt->cgroups[lo].id == cg->id) {
			rt->cgroups[lo] = *cg;
			continue;
		}
		if (rt->n_cgroups == rt->cap_cgroups) {
			size_t ncap = rt->cap_cgroups ? 2 * rt->cap_cgroups : 16;
			struct snap_cgroup *p = realloc(rt->cgroups, ncap * sizeof(*p));

			if (!p)
				return -ENOMEM;
			rt->cgroups = p;
			rt->cap_cgroups = ncap;
		}
		memmove(&rt->cgroups[lo + 1], &rt->cgroups[lo],
			(rt->n_cgroups - lo) * sizeof(*rt->cgroups));
		rt->cgroups[lo] = *cg;
		rt->n_cgroups++;
	}
	return 0;
}

int run_total_observe(struct run_total *rt, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		/*
		 * The cgroup is part of the key: a process moved keeps two rows.
		 * The name is not: a process renamed or exec'd between two ticks
		 * is one row under its newest name, not its whole history under
		 * each name (that counted an exec'd child's calls twice).
		 */
		struct abi_sys_key key = { .tgid = r->pid, .nr = snap_sys_key_nr(r),
					   .pstart_ns = r->pstart_ns, .cgid = r->cgroup_id };
		struct key_entries ke = { (void **)&rt->entries, &rt->n, &rt->cap, sizeof(*rt->entries) };
		struct run_entry *e;
		bool created;
		long pos;

		pos = key_index_get(&rt->index, &ke, &key, rt->max_keys, &created);
		if (pos == -ENOSPC) {
			rt->dropped_keys++;	/* over max_keys: counted */
			continue;
		}
		if (pos < 0)
			return (int)pos;
		e = &rt->entries[pos];
		if (keep_buckets(&e->b, &e->cap, s, &r->total))
			return -ENOMEM;
		e->sum = r->total;
		e->exited = r->exited;
		memcpy(e->comm, r->comm, ABI_COMM_LEN);
	}
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		int ret = observe_fam(rt, s, (enum snap_family)f);

		if (ret)
			return ret;
	}
	if (observe_cgroups(rt, s))
		return -ENOMEM;
	snapshot_copy_header(&rt->last, s);	/* header and counters; the rows are ours */
	return 0;
}

int run_total_emit(const struct run_total *rt, struct snapshot *out)
{
	snapshot_copy_header(out, &rt->last);
	out->interval = out->total;
	out->total.evicted += rt->dropped_keys;
	out->interval.evicted = out->total.evicted;
	for (size_t i = 0; i < rt->n; i++) {
		const struct run_entry *e = &rt->entries[i];
		struct snap_sys_row *r = snapshot_add_sys(out);

		if (!r)
			return -ENOMEM;
		r->pid = e->key.tgid;
		snap_sys_set_key_nr(r, e->key.nr);
		r->pstart_ns = e->key.pstart_ns;
		r->cgroup_id = e->key.cgid;
		memcpy(r->comm, e->comm, ABI_COMM_LEN);
		r->exited = e->exited;
		if (snapshot_put_sparse(out, &r->total, &e->sum, e->b, e->sum.n))
			return -ENOMEM;
		r->interval = r->total;
	}
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		for (size_t i = 0; i < rt->fam[f].n; i++) {
			const struct run_fam_entry *e = &rt->fam[f].entries[i];
			struct snap_fam_row *r = snapshot_add_fam(out, (enum snap_family)f);

			if (!r)
				return -ENOMEM;
			r->key = e->key;
			memcpy(r->label, e->label, sizeof(r->label));
			memcpy(r->detail, e->detail, sizeof(r->detail));
			if (snapshot_put_sparse(out, &r->total, &e->sum, e->b, e->sum.n))
				return -ENOMEM;
			r->interval = r->total;
		}
	}
	for (size_t i = 0; i < rt->n_cgroups; i++) {
		struct snap_cgroup *cg = snapshot_add_cgroup(out);

		if (!cg)
			return -ENOMEM;
		*cg = rt->cgroups[i];
	}
	return 0;
}
