/*
 * model.c - cumulative kernel histograms to interval deltas.
 *
 * Entries live in a dense array (iteration, eviction) with an open-addressing
 * index of positions over it (lookup). Deletions only happen at the end of a
 * tick, after which the index is rebuilt: O(keys) once per tick, far cheaper
 * than the map read that precedes it, and no tombstones to get wrong.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/key_index.h"
#include "core/model.h"

struct model_entry {
	struct abi_sys_key key;	/* first: key_index reads it there */
	bool seen;		/* read from the kernel this tick */
	bool has_prev;		/* prev holds an earlier reading */
	bool exited;
	bool retired;		/* on_retire already called */
	unsigned int idle_ticks;/* consecutive ticks without calls */
	struct abi_hist prev;	/* last cumulative reading */
	struct abi_hist cur;	/* this tick's reading */
};

_Static_assert(sizeof(struct abi_sys_key) == KEY_INDEX_KEY_LEN, "key_index key size");

struct model {
	struct model_entry *entries;
	size_t n, cap;
	struct key_index index;
	size_t max_keys;
	unsigned int age_ticks;
};

static struct key_array entries_of(const struct model *m)
{
	struct key_array a = { m->entries, sizeof(*m->entries), m->n };
	return a;
}

struct model *model_new(size_t max_keys, unsigned int age_ticks)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->max_keys = max_keys ? max_keys : 1;
	m->age_ticks = age_ticks;
	if (key_index_reserve(&m->index, &(struct key_array){ NULL, sizeof(*m->entries), 0 })) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	free(m->entries);
	key_index_free(&m->index);
	free(m);
}

size_t model_size(const struct model *m)
{
	return m->n;
}

void model_begin(struct model *m)
{
	for (size_t e = 0; e < m->n; e++)
		m->entries[e].seen = false;
}

int model_update(struct model *m, const struct abi_sys_key *key, const struct abi_hist *cum)
{
	struct key_array a = entries_of(m);
	struct model_entry *e;
	size_t slot = 0;
	long pos;

	if (key_index_reserve(&m->index, &a))
		return -ENOMEM;
	pos = key_index_find(&m->index, &a, key, &slot);
	e = pos >= 0 ? &m->entries[pos] : NULL;
	if (!e) {
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct model_entry *entries = realloc(m->entries, cap * sizeof(*entries));

			if (!entries)
				return -ENOMEM;
			m->entries = entries;
			m->cap = cap;
		}
		e = &m->entries[m->n];
		memset(e, 0, sizeof(*e));
		e->key = *key;
		key_index_set(&m->index, slot, m->n++);
	}
	e->cur = *cum;
	e->seen = true;
	return 0;
}

void model_mark_exited(struct model *m, uint32_t tgid, uint64_t pstart_ns)
{
	for (size_t i = 0; i < m->n; i++) {
		struct model_entry *e = &m->entries[i];

		if (e->key.tgid == tgid && e->key.pstart_ns == pstart_ns)
			e->exited = true;
	}
}

static int emit_row(struct snapshot *out, struct model_entry *e)
{
	struct snap_sys_row *r = snapshot_add_sys(out);

	if (!r)
		return -ENOMEM;
	r->pid = e->key.tgid;
	r->nr = e->key.nr;
	r->pstart_ns = e->key.pstart_ns;
	memcpy(r->comm, e->key.comm, ABI_COMM_LEN);
	r->exited = e->exited;
	if (e->seen) {
		hist_delta(&r->interval, &e->cur, e->has_prev ? &e->prev : NULL);
		r->total = e->cur;
		e->prev = e->cur;
		e->has_prev = true;
	} else {
		r->total = e->prev;	/* gone from the kernel map: nothing new */
	}
	e->idle_ticks = r->interval.count ? 0 : e->idle_ticks + 1;
	return 0;
}

/* Index of the entry to evict: exited before live, then the longest idle. */
static size_t eviction_victim(const struct model *m)
{
	size_t best = 0;

	for (size_t i = 1; i < m->n; i++) {
		const struct model_entry *a = &m->entries[i], *b = &m->entries[best];

		if (a->exited != b->exited ? a->exited : a->idle_ticks > b->idle_ticks)
			best = i;
	}
	return best;
}

static void remove_at(struct model *m, size_t i)
{
	m->entries[i] = m->entries[--m->n];
}

int model_emit(struct model *m, struct snapshot *out, uint64_t *evicted,
	       void (*on_retire)(const struct abi_sys_key *key, void *ctx), void *ctx)
{
	struct key_array a;
	size_t i = 0;
	int ret;

	while (i < m->n) {
		struct model_entry *e = &m->entries[i];

		/* Exited (or gone from the kernel) and idle long enough: age out. */
		if ((e->exited || !e->seen) && e->idle_ticks >= m->age_ticks) {
			if (!e->retired && on_retire)
				on_retire(&e->key, ctx);
			remove_at(m, i);
			continue;
		}
		ret = emit_row(out, e);
		if (ret)
			return ret;
		/* Its last counts are out: the kernel may forget the key. */
		if (e->exited && !e->retired && on_retire) {
			on_retire(&e->key, ctx);
			e->retired = true;
		}
		i++;
	}
	while (m->n > m->max_keys) {
		size_t victim = eviction_victim(m);

		if (on_retire && !m->entries[victim].retired)
			on_retire(&m->entries[victim].key, ctx);
		remove_at(m, victim);
		if (evicted)
			(*evicted)++;
	}
	a = entries_of(m);
	key_index_rebuild(&m->index, &a);
	return 0;
}
