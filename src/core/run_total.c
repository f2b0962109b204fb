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

/* The entry of @key in *@out, created if need be: 0; 1 when over max_keys (counted); -ENOMEM. */
static int entry_for(struct run_total *rt, const struct abi_sys_key *key, struct run_entry **out)
{
	struct key_array a = { rt->entries, sizeof(*rt->entries), rt->n };
	size_t slot = 0;
	long pos;

	if (key_index_reserve(&rt->index, &a))
		return -ENOMEM;
	pos = key_index_find(&rt->index, &a, key, &slot);
	if (pos >= 0) {
		*out = &rt->entries[pos];
		return 0;
	}
	if (rt->n == rt->max_keys) {
		rt->dropped_keys++;
		return 1;
	}
	if (rt->n == rt->cap) {
		size_t cap = rt->cap ? rt->cap * 2 : 64;
		struct run_entry *e = realloc(rt->entries, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		rt->entries = e;
		rt->cap = cap;
	}
	memset(&rt->entries[rt->n], 0, sizeof(rt->entries[0]));
	rt->entries[rt->n].key = *key;
	key_index_set(&rt->index, slot, rt->n);
	*out = &rt->entries[rt->n++];
	return 0;
}

int run_total_observe(struct run_total *rt, const struct snapshot *s)
{
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		struct abi_sys_key key = { .tgid = r->pid, .nr = r->nr, .pstart_ns = r->pstart_ns };
		struct run_entry *e = NULL;
		int ret;

		memcpy(key.comm, r->comm, ABI_COMM_LEN);
		ret = entry_for(rt, &key, &e);
		if (ret < 0)
			return ret;
		if (ret)
			continue;	/* over max_keys: counted */
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
		r->nr = e->key.nr;
		r->pstart_ns = e->key.pstart_ns;
		memcpy(r->comm, e->key.comm, ABI_COMM_LEN);
		r->exited = e->exited;
		if (snapshot_put_sparse(out, &r->total, &e->sum, e->b, e->sum.n))
			return -ENOMEM;
		r->interval = r->total;
	}
	return 0;
}
