/*
 * model.c - cumulative kernel histograms to interval deltas.
 *
 * Entries live in a dense array (iteration, eviction) with an open-addressing
 * index of positions over it (lookup). Deletions only happen at the end of a
 * tick, after which the index is rebuilt: O(keys) once per tick, far cheaper
 * than the map read that precedes it, and no tombstones to get wrong.
 *
 * Histograms are kept sparse (summary + non-empty slots): a key costs a few
 * hundred bytes instead of two full 2.4 KiB histograms. A key whose reading
 * did not change since the last tick (the common case on a big host) costs
 * a comparison of its summary and nothing else.
 *
 * A key keeps only its base (the reading emitted last tick). This tick's
 * reading and delta exist only for keys that changed, in a pool of slots
 * reused every tick: on a host where thousands of exited processes' keys
 * wait to age out, most keys do not change, and the pool is as big as the
 * busiest tick's changed keys, not as all keys.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/key_index.h"
#include "core/model.h"
#include "core/proc_names.h"
#include "core/sparse_hist.h"

struct model_entry {
	struct abi_sys_key key;	/* first: key_index reads it there */
	bool seen;		/* read from the kernel this tick */
	bool has_base;		/* base holds an earlier reading */
	bool unchanged;		/* this tick's reading equals base */
	bool exited;
	bool retired;		/* on_retire already called */
	unsigned int idle_ticks;/* consecutive ticks without calls */
	uint64_t active_tick;	/* last tick with calls: the newest name of a process wins */
	uint64_t born;		/* creation order (ties of active_tick and active_calls) */
	uint64_t active_calls;	/* calls in active_tick: ties of active_tick */
	uint32_t fresh;		/* changed this tick: its slot in model.fresh, else FRESH_NONE */
	struct sparse_hist base;	/* cumulative reading emitted last tick */
};

/* This tick's reading of a key that changed, and its delta. */
struct model_fresh {
	struct sparse_hist total;	/* this tick's reading */
	struct sparse_hist delta;	/* total - base */
};

#define FRESH_NONE UINT32_MAX

_Static_assert(sizeof(struct abi_sys_key) == KEY_INDEX_KEY_LEN, "key_index key size");

struct model {
	struct model_entry *entries;
	size_t n, cap;
	struct model_fresh *fresh;	/* n_fresh in use this tick; cap_fresh zeroed or owning buckets */
	size_t n_fresh, cap_fresh;
	struct key_index index;
	size_t max_keys;
	unsigned int age_ticks;
	uint64_t tick, born;
	struct proc_names names;	/* one name per process, rebuilt each emit */
	/* Scratch of model_update: too big for the stack, used once per changed key. */
	struct abi_hist scratch_base;
	struct abi_hist scratch_delta;
	struct hist_bucket scratch_b[ABI_HIST_SLOTS];
};

static struct key_array entries_of(const struct model *m)
{
	struct key_array a = { m->entries, sizeof(*m->entries), m->n };
	return a;
}

static void entry_free(struct model_entry *e)
{
	sparse_hist_free(&e->base);
}

/* A slot for this tick's reading of a changed key (its buckets reused). NULL: no memory. */
static struct model_fresh *fresh_take(struct model *m, uint32_t *idx)
{
	if (m->n_fresh == m->cap_fresh) {
		size_t cap = m->cap_fresh ? m->cap_fresh * 2 : 64;
		struct model_fresh *p = realloc(m->fresh, cap * sizeof(*p));

		if (!p)
			return NULL;
		memset(p + m->cap_fresh, 0, (cap - m->cap_fresh) * sizeof(*p));
		m->fresh = p;
		m->cap_fresh = cap;
	}
	*idx = (uint32_t)m->n_fresh;
	return &m->fresh[m->n_fresh++];
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
	for (size_t i = 0; i < m->n; i++)
		entry_free(&m->entries[i]);
	free(m->entries);
	for (size_t i = 0; i < m->cap_fresh; i++) {
		sparse_hist_free(&m->fresh[i].total);
		sparse_hist_free(&m->fresh[i].delta);
	}
	free(m->fresh);
	key_index_free(&m->index);
	proc_names_free(&m->names);
	free(m);
}

size_t model_size(const struct model *m)
{
	return m->n;
}

void model_begin(struct model *m)
{
	m->tick++;
	m->n_fresh = 0;
	for (size_t e = 0; e < m->n; e++) {
		m->entries[e].seen = false;
		m->entries[e].fresh = FRESH_NONE;
	}
}

int model_update(struct model *m, const struct abi_sys_key *key, const struct abi_hist *cum)
{
	struct key_entries ke = { (void **)&m->entries, &m->n, &m->cap, sizeof(*m->entries) };
	struct model_entry *e;
	struct model_fresh *f;
	bool created;
	long pos = key_index_get(&m->index, &ke, key, SIZE_MAX, &created);

	if (pos < 0)
		return (int)pos;
	e = &m->entries[pos];
	if (created) {
		e->born = ++m->born;
		e->fresh = FRESH_NONE;
	}
	e->seen = true;
	e->unchanged = e->has_base && sparse_hist_same(&e->base.sum, cum);
	if (e->unchanged)
		return 0;
	f = e->fresh == FRESH_NONE ? fresh_take(m, &e->fresh) : &m->fresh[e->fresh];
	if (!f)
		return -ENOMEM;
	e->active_tick = m->tick;
	if (e->has_base)
		sparse_hist_expand(&e->base, &m->scratch_base);
	hist_delta(&m->scratch_delta, cum, e->has_base ? &m->scratch_base : NULL);
	e->active_calls = m->scratch_delta.count;
	if (sparse_hist_set(&f->delta, &m->scratch_delta, m->scratch_b) ||
	    sparse_hist_set(&f->total, cum, m->scratch_b))
		return -ENOMEM;
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

void model_mark_cgroup_gone(struct model *m, uint64_t cgid)
{
	if (!cgid)
		return;
	for (size_t i = 0; i < m->n; i++)
		if (m->entries[i].key.cgid == cgid)
			m->entries[i].exited = true;
}

static int emit_row(struct model *m, struct snapshot *out, struct model_entry *e)
{
	const struct proc_names *names = &m->names;
	const struct proc_name *pn = proc_names_get(names, e->key.tgid);
	static const struct snap_hist empty;
	struct snap_sys_row *r = snapshot_add_sys(out);
	struct model_fresh *f = e->seen && !e->unchanged && e->fresh != FRESH_NONE ?
				 &m->fresh[e->fresh] : NULL;
	const struct sparse_hist *total = f ? &f->total : &e->base;

	if (!r)
		return -ENOMEM;
	r->pid = e->key.tgid;
	snap_sys_set_key_nr(r, e->key.nr);
	r->pstart_ns = e->key.pstart_ns;
	r->cgroup_id = e->key.cgid;
	/* One name per process, the newest: rows of a renamed process show its new name. */
	memcpy(r->comm, pn && pn->pstart_ns == e->key.pstart_ns ? pn->comm : e->key.comm,
	       ABI_COMM_LEN);
	r->exited = e->exited;
	if (snapshot_put_sparse(out, &r->total, &total->sum, total->b, total->sum.n))
		return -ENOMEM;
	if (f) {
		if (snapshot_put_sparse(out, &r->interval, &f->delta.sum, f->delta.b, f->delta.sum.n))
			return -ENOMEM;
		/* This reading is the base of the next delta (the old base's buckets go back to the pool). */
		sparse_hist_swap(&e->base, &f->total);
		e->has_base = true;
	} else {
		r->interval = empty;	/* unchanged, or gone from the kernel map */
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
	entry_free(&m->entries[i]);
	m->entries[i] = m->entries[--m->n];
}

/* Rows @a and @b of one process and syscall (keys under two names): @b merged into @a. */
static int merge_rows(struct model *m, struct snapshot *out, size_t a, size_t b)
{
	struct snap_sys_row *ra = &out->sys[a], *rb = &out->sys[b];

	memset(&m->scratch_base, 0, sizeof(m->scratch_base));
	snapshot_hist_merge(out, &ra->total, &m->scratch_base);
	snapshot_hist_merge(out, &rb->total, &m->scratch_base);
	memset(&m->scratch_delta, 0, sizeof(m->scratch_delta));
	snapshot_hist_merge(out, &ra->interval, &m->scratch_delta);
	snapshot_hist_merge(out, &rb->interval, &m->scratch_delta);
	if (snapshot_put_hist(out, &ra->total, &m->scratch_base) ||
	    snapshot_put_hist(out, &ra->interval, &m->scratch_delta))
		return -ENOMEM;
	ra->exited = ra->exited || rb->exited;
	out->sys[b] = out->sys[--out->n_sys];
	return 0;
}

/*
 * A renamed process has keys under its old and new names, now rows with
 * one name: one row per (process, syscall, wait, cgroup), as for any other process.
 * Only rows of renamed processes are compared, so this costs nothing on a
 * host where nothing was renamed.
 */
static int merge_renamed(struct model *m, struct snapshot *out, size_t first)
{
	for (size_t i = first; i < out->n_sys; i++) {
		const struct proc_name *pn = proc_names_get(&m->names, out->sys[i].pid);

		if (!pn || !pn->renamed || pn->pstart_ns != out->sys[i].pstart_ns)
			continue;
		for (size_t j = i + 1; j < out->n_sys; j++) {
			const struct snap_sys_row *a = &out->sys[i], *b = &out->sys[j];

			/* A process moved between cgroups keeps a row in each. */
			if (b->pid != a->pid || b->pstart_ns != a->pstart_ns || b->nr != a->nr ||
			    b->wait != a->wait || b->cgroup_id != a->cgroup_id)
				continue;
			if (merge_rows(m, out, i, j))
				return -ENOMEM;
			j--;	/* the last row moved into j */
		}
	}
	return 0;
}

const char *model_proc_comm(const struct model *m, uint32_t tgid)
{
	const struct proc_name *pn = proc_names_get(&m->names, tgid);

	return pn ? pn->comm : NULL;
}

int model_emit(struct model *m, struct snapshot *out, uint64_t *evicted,
	       void (*on_retire)(const struct abi_sys_key *key, void *ctx), void *ctx)
{
	struct key_array a;
	size_t i = 0, first = out->n_sys;
	int ret;

	/* Names first (no memory: rows keep their own names, nothing else changes). */
	proc_names_reset(&m->names, m->n);
	for (size_t k = 0; k < m->n; k++) {
		const struct model_entry *e = &m->entries[k];

		/*
		 * Keys first read in the same tick come in map order, not in the
		 * order the kernel made them: within a tick the name with more
		 * calls wins (a process renamed or exec'd mid-tick makes its few
		 * calls under the old name before the rename), then creation order.
		 */
		uint64_t calls = e->active_calls < 0xffffffffull ? e->active_calls : 0xffffffffull;

		proc_names_offer(&m->names, e->key.tgid, e->key.pstart_ns, e->key.comm,
				 e->active_tick, calls << 32 | (e->born & 0xffffffffull));
	}
	while (i < m->n) {
		struct model_entry *e = &m->entries[i];

		/* Exited (or gone from the kernel) and idle long enough: age out. */
		if ((e->exited || !e->seen) && e->idle_ticks >= m->age_ticks) {
			if (!e->retired && on_retire)
				on_retire(&e->key, ctx);
			remove_at(m, i);
			continue;
		}
		ret = emit_row(m, out, e);
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
		/*
		 * An exited process's rows have had their last counts emitted
		 * above: dropping them early only shortens how long they stay
		 * visible. Only a live key's history is lost and worth a
		 * warning (a build server forks thousands of short processes).
		 */
		bool lost = !m->entries[victim].exited;

		if (on_retire && !m->entries[victim].retired)
			on_retire(&m->entries[victim].key, ctx);
		remove_at(m, victim);
		if (evicted && lost)
			(*evicted)++;
	}
	a = entries_of(m);
	key_index_rebuild(&m->index, &a);
	return merge_renamed(m, out, first);
}
