/* run_total.c - newest totals per key over a whole run (see run_total.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/key_index.h"
#include "core/run_total.h"

struct run_entry {
	struct abi_sys_key key;		/* first: key_index reads it there */
	bool exited;
	struct snap_hist sum;		/* first unused; n = buckets in b */
	struct hist_bucket *b;
	uint32_t cap;
};

_Static_assert(sizeof(struct abi_sys_key) == KEY_INDEX_KEY_LEN, "key_index key size");

struct run_total {
	struct run_entry *entries;
	size_t n, cap, max_keys;
	uint64_t dropped_keys;
	struct key_index index;
	struct snapshot last;		/* header and counters of the newest snapshot, no rows */
};

struct run_total *run_total_new(size_t max_keys)
{
	struct run_total *rt = calloc(1, sizeof(*rt));

	if (!rt)
		return NULL;
	rt->max_keys = max_keys ? max_keys : 1;
	snapshot_init(&rt->last);
	if (key_index_reserve(&rt->index, &(struct key_array){ NULL, sizeof(*rt->entries), 0 })) {
		free(rt);
		errno = ENOMEM;
		return NULL;
	}
	return rt;
}

void run_total_free(struct run_total *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n; i++)
		free(rt->entries[i].b);
	free(rt->entries);
	key_index_free(&rt->index);
	snapshot_free(&rt->last);
	free(rt);
}

int run_total_observe(struct run_total *rt, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		struct abi_sys_key key = { .tgid = r->pid, .nr = snap_sys_key_nr(r),
					   .pstart_ns = r->pstart_ns };
		struct key_entries ke = { (void **)&rt->entries, &rt->n, &rt->cap, sizeof(*rt->entries) };
		struct run_entry *e;
		bool created;
		long pos;

		memcpy(key.comm, r->comm, ABI_COMM_LEN);
		pos = key_index_get(&rt->index, &ke, &key, rt->max_keys, &created);
		if (pos == -ENOSPC) {
			rt->dropped_keys++;	/* over max_keys: counted */
			continue;
		}
		if (pos < 0)
			return (int)pos;
		e = &rt->entries[pos];
		if (r->total.n > e->cap) {
			struct hist_bucket *b = realloc(e->b, r->total.n * sizeof(*b));

			if (!b)
				return -ENOMEM;
			e->b = b;
			e->cap = r->total.n;
		}
		if (r->total.n)
			memcpy(e->b, snap_hist_buckets(s, &r->total), r->total.n * sizeof(*e->b));
		e->sum = r->total;
		e->exited = r->exited;
	}
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
		memcpy(r->comm, e->key.comm, ABI_COMM_LEN);
		r->exited = e->exited;
		if (snapshot_put_sparse(out, &r->total, &e->sum, e->b, e->sum.n))
			return -ENOMEM;
		r->interval = r->total;
	}
	return 0;
}
