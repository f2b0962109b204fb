/*
 * fam_model.c - deltas of the families on abi_fam_key. The same scheme as
 * core/model.c (dense entries, key_index over them, sparse histograms, an
 * unchanged key costs one summary comparison) without what only syscalls
 * need (process names across renames, exit events).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/fam_model.h"
#include "core/key_index.h"
#include "core/sparse_hist.h"

/*
 * An entry holds its base: the readings emitted last tick, n_hists of them
 * (entry_size: a family without parts does not carry unused ones). This
 * tick's readings and deltas exist only for keys that changed, in a pool
 * of slots reused every tick (as in core/model.c): n_hists totals, then
 * n_hists deltas per slot (fresh_size).
 */
struct fam_entry {
	struct abi_fam_key key;	/* first: key_index reads it there */
	bool seen;
	bool has_base;
	bool unchanged;
	bool gone;		/* its cgroup was removed: goes first, not counted as evicted */
	unsigned int idle_ticks;
	uint32_t fresh;		/* changed this tick: its pool slot, else FRESH_NONE */
	struct sparse_hist base[];	/* n_hists */
};

#define FRESH_NONE UINT32_MAX

_Static_assert(sizeof(struct abi_fam_key) == KEY_INDEX_KEY_LEN, "key_index key size");

struct fam_model {
	void *entries;		/* n entries of entry_size bytes */
	size_t n, cap;
	size_t entry_size;
	void *fresh;		/* pool: n_fresh slots in use this tick, cap_fresh zeroed or owning buckets */
	size_t n_fresh, cap_fresh;
	size_t fresh_size;
	struct key_index index;
	unsigned int n_hists;
	size_t max_keys;
	unsigned int age_ticks;
	struct abi_hist scratch_base, scratch_delta;
	struct hist_bucket scratch_b[ABI_HIST_SLOTS];
};

static struct fam_entry *entry_at(const struct fam_model *m, size_t i)
{
	return (struct fam_entry *)((char *)m->entries + i * m->entry_size);
}

/* Pool slot @i: n_hists totals, then n_hists deltas. */
static struct sparse_hist *fresh_at(const struct fam_model *m, size_t i)
{
	return (struct sparse_hist *)((char *)m->fresh + i * m->fresh_size);
}

/* A pool slot for this tick's readings of a changed key. NULL: no memory. */
static struct sparse_hist *fresh_take(struct fam_model *m, uint32_t *idx)
{
	if (m->n_fresh == m->cap_fresh) {
		size_t cap = m->cap_fresh ? m->cap_fresh * 2 : 64;
		char *p = realloc(m->fresh, cap * m->fresh_size);

		if (!p)
			return NULL;
		memset(p + m->cap_fresh * m->fresh_size, 0, (cap - m->cap_fresh) * m->fresh_size);
		m->fresh = p;
		m->cap_fresh = cap;
	}
	*idx = (uint32_t)m->n_fresh;
	return fresh_at(m, m->n_fresh++);
}

static void entry_free(const struct fam_model *m, struct fam_entry *e)
{
	for (unsigned int h = 0; h < m->n_hists; h++)
		sparse_hist_free(&e->base[h]);
}

struct fam_model *fam_model_new(unsigned int n_parts, size_t max_keys, unsigned int age_ticks)
{
	struct fam_model *m;

	if (n_parts > SNAP_FAM_PARTS) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->n_hists = 1 + n_parts;
	m->entry_size = sizeof(struct fam_entry) + m->n_hists * sizeof(struct sparse_hist);
	m->fresh_size = 2 * m->n_hists * sizeof(struct sparse_hist);
	m->max_keys = max_keys ? max_keys : 1;
	m->age_ticks = age_ticks;
	if (key_index_reserve(&m->index, &(struct key_array){ NULL, m->entry_size, 0 })) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

void fam_model_free(struct fam_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		entry_free(m, entry_at(m, i));
	free(m->entries);
	for (size_t i = 0; i < m->cap_fresh; i++)
		for (unsigned int h = 0; h < 2 * m->n_hists; h++)
			sparse_hist_free(&fresh_at(m, i)[h]);
	free(m->fresh);
	key_index_free(&m->index);
	free(m);
}

size_t fam_model_size(const struct fam_model *m)
{
	return m->n;
}

void fam_model_begin(struct fam_model *m)
{
	m->n_fresh = 0;
	for (size_t e = 0; e < m->n; e++) {
		entry_at(m, e)->seen = false;
		entry_at(m, e)->fresh = FRESH_NONE;
	}
}

static bool same_readings(const struct fam_model *m, struct fam_entry *e,
			  const struct abi_hist *cum)
{
	for (unsigned int h = 0; h < m->n_hists; h++)
		if (!sparse_hist_same(&e->base[h].sum, &cum[h]))
			return false;
	return true;
}

int fam_model_update(struct fam_model *m, const struct abi_fam_key *key,
		     const struct abi_hist *cum)
{
	struct key_entries ke = { &m->entries, &m->n, &m->cap, m->entry_size };
	struct fam_entry *e;
	struct sparse_hist *f;
	bool created;
	long pos = key_index_get(&m->index, &ke, key, SIZE_MAX, &created);

	if (pos < 0)
		return (int)pos;
	e = entry_at(m, (size_t)pos);
	if (created)
		e->fresh = FRESH_NONE;
	e->seen = true;
	e->unchanged = e->has_base && same_readings(m, e, cum);
	if (e->unchanged)
		return 0;
	f = e->fresh == FRESH_NONE ? fresh_take(m, &e->fresh) : fresh_at(m, e->fresh);
	if (!f)
		return -ENOMEM;
	for (unsigned int h = 0; h < m->n_hists; h++) {
		if (e->has_base)
			sparse_hist_expand(&e->base[h], &m->scratch_base);
		hist_delta(&m->scratch_delta, &cum[h], e->has_base ? &m->scratch_base : NULL);
		if (sparse_hist_set(&f[m->n_hists + h], &m->scratch_delta, m->scratch_b) ||
		    sparse_hist_set(&f[h], &cum[h], m->scratch_b))
			return -ENOMEM;
	}
	return 0;
}

static int put(struct snapshot *out, struct snap_hist *dst, const struct sparse_hist *src)
{
	return snapshot_put_sparse(out, dst, &src->sum, src->b, src->sum.n);
}

static int emit_row(struct fam_model *m, struct snapshot *out, enum snap_family f,
		    struct fam_entry *e)
{
	struct snap_fam_row *r = snapshot_add_fam(out, f);
	struct sparse_hist *fr = e->seen && !e->unchanged && e->fresh != FRESH_NONE ?
				fresh_at(m, e->fresh) : NULL;
	const struct sparse_hist *total = fr ? fr : e->base;
	const struct sparse_hist *delta = fr ? fr + m->n_hists : NULL;

	if (!r)
		return -ENOMEM;
	r->key = e->key;
	if (put(out, &r->total, &total[0]))
		return -ENOMEM;
	for (unsigned int p = 1; p < m->n_hists; p++)
		if (put(out, &r->part_total[p - 1], &total[p]))
			return -ENOMEM;
	if (fr) {
		if (put(out, &r->interval, &delta[0]))
			return -ENOMEM;
		for (unsigned int p = 1; p < m->n_hists; p++)
			if (put(out, &r->part[p - 1], &delta[p]))
				return -ENOMEM;
		/* These readings are the base of the next deltas (old buckets back to the pool). */
		for (unsigned int h = 0; h < m->n_hists; h++)
			sparse_hist_swap(&e->base[h], &fr[h]);
		e->has_base = true;
	}
	e->idle_ticks = r->interval.count ? 0 : e->idle_ticks + 1;
	return 0;
}

static void remove_at(struct fam_model *m, size_t i)
{
	entry_free(m, entry_at(m, i));
	if (i != --m->n)
		memcpy(entry_at(m, i), entry_at(m, m->n), m->entry_size);
}

/* An entry of a removed cgroup, else the longest idle. */
static size_t eviction_victim(const struct fam_model *m)
{
	size_t best = 0;

	for (size_t i = 1; i < m->n; i++) {
		const struct fam_entry *a = entry_at(m, i), *b = entry_at(m, best);

		if (a->gone != b->gone ? a->gone : a->idle_ticks > b->idle_ticks)
			best = i;
	}
	return best;
}

void fam_model_mark_cgroup_gone(struct fam_model *m, uint64_t cgid)
{
	if (!cgid)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (entry_at(m, i)->key.cgid == cgid)
			entry_at(m, i)->gone = true;
}

int fam_model_emit(struct fam_model *m, struct snapshot *out, enum snap_family f,
		   uint64_t *evicted, void (*on_retire)(const struct abi_fam_key *key, void *ctx),
		   void *ctx)
{
	struct key_array a;
	size_t i = 0;

	while (i < m->n) {
		struct fam_entry *e = entry_at(m, i);

		if (e->idle_ticks >= m->age_ticks) {
			if (on_retire && e->seen)
				on_retire(&e->key, ctx);
			remove_at(m, i);
			continue;
		}
		if (emit_row(m, out, f, e))
			return -ENOMEM;
		i++;
	}
	while (m->n > m->max_keys) {
		size_t victim = eviction_victim(m);
		/* A removed cgroup's rows had their last counts out: only a live row is lost. */
		bool lost = !entry_at(m, victim)->gone;

		if (on_retire)
			on_retire(&entry_at(m, victim)->key, ctx);
		remove_at(m, victim);
		if (evicted && lost)
			(*evicted)++;
	}
	a = (struct key_array){ m->entries, m->entry_size, m->n };
	key_index_rebuild(&m->index, &a);
	return 0;
}
