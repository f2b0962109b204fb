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
#include "core/model.h"

#define INDEX_EMPTY UINT32_MAX

struct model_entry {
	struct abi_sys_key key;
	bool seen;		/* read from the kernel this tick */
	bool has_prev;		/* prev holds an earlier reading */
	bool exited;
	bool retired;		/* on_retire already called */
	unsigned int idle_ticks;/* consecutive ticks without calls */
	struct abi_hist prev;	/* last cumulative reading */
	struct abi_hist cur;	/* this tick's reading */
};

struct model {
	struct model_entry *entries;
	size_t n, cap;
	uint32_t *index;	/* positions into entries, INDEX_EMPTY when free */
	size_t index_cap;	/* power of two, > 2 * n */
	size_t max_keys;
	unsigned int age_ticks;
};

static uint64_t key_hash(const struct abi_sys_key *k)
{
	uint64_t w[4];

	memcpy(w, k, sizeof(w));
	/* splitmix-style mixing of the four words. */
	uint64_t h = w[0] * 0x9E3779B97F4A7C15ull;

	h ^= (w[1] + 0xBF58476D1CE4E5B9ull) * 0x94D049BB133111EBull;
	h ^= (w[2] ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
	h ^= (w[3] ^ (h >> 32)) * 0x94D049BB133111EBull;
	return h ^ (h >> 31);
}

static void index_rebuild(struct model *m)
{
	for (size_t i = 0; i < m->index_cap; i++)
		m->index[i] = INDEX_EMPTY;
	for (size_t e = 0; e < m->n; e++) {
		size_t i = key_hash(&m->entries[e].key) & (m->index_cap - 1);

		while (m->index[i] != INDEX_EMPTY)
			i = (i + 1) & (m->index_cap - 1);
		m->index[i] = (uint32_t)e;
	}
}

static int index_grow(struct model *m)
{
	size_t cap = m->index_cap ? m->index_cap * 2 : 1024;
	uint32_t *index = malloc(cap * sizeof(*index));

	if (!index)
		return -ENOMEM;
	free(m->index);
	m->index = index;
	m->index_cap = cap;
	index_rebuild(m);
	return 0;
}

struct model *model_new(size_t max_keys, unsigned int age_ticks)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->max_keys = max_keys ? max_keys : 1;
	m->age_ticks = age_ticks;
	if (index_grow(m)) {
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
	free(m->index);
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

static struct model_entry *model_find(struct model *m, const struct abi_sys_key *key, size_t *slot)
{
	size_t i = key_hash(key) & (m->index_cap - 1);

	while (m->index[i] != INDEX_EMPTY) {
		struct model_entry *e = &m->entries[m->index[i]];

		if (!memcmp(&e->key, key, sizeof(*key)))
			return e;
		i = (i + 1) & (m->index_cap - 1);
	}
	*slot = i;
	return NULL;
}

int model_update(struct model *m, const struct abi_sys_key *key, const struct abi_hist *cum)
{
	struct model_entry *e;
	size_t slot = 0;

	if ((m->n + 1) * 2 > m->index_cap && index_grow(m))
		return -ENOMEM;
	e = model_find(m, key, &slot);
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
		m->index[slot] = (uint32_t)m->n++;
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
	index_rebuild(m);
	return 0;
}
