/*
 * row_history.c - keys in a chained hash over a fixed array (no allocation
 * per tick), time in a ring of columns shared by every key.
 *
 * Each key accumulates the current column in cur[] (power-of-two rows);
 * when the column closes, its p99 estimate goes into the key's p99 ring and,
 * for a watched key, cur[] into its heatmap ring. Closing a column writes
 * every key's slot of that column (data or "none"), so a reused slot never
 * shows an old value and nothing needs clearing elsewhere.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/row_history.h"

#define NO_P99 (-1.0f)

struct rh_key {
	struct row_key key;
	int32_t full;		/* heatmap slot, or -1 */
	uint64_t cur_col;	/* column number cur[] belongs to */
	uint64_t last_col;	/* last column number with calls */
	uint64_t watched_col;	/* last column number it was watched in */
	bool used;
	uint32_t cur[ROW_HISTORY_ROWS];
};

struct rh_full {
	int32_t owner;		/* key index, or -1 */
	uint32_t counts[ROW_HISTORY_TICKS][ROW_HISTORY_ROWS];
};

struct row_history {
	size_t max_keys, max_full, n_full_alloc, nkeys;
	uint32_t ticks_per_col;
	bool watch_all;
	bool in_col;		/* a column is open (not yet written to the ring) */
	uint64_t col_no;	/* number of the open (or last) column, from 1 */
	uint64_t dropped;
	size_t ncols;		/* closed columns held */
	size_t head;		/* ring slot of the open column */
	struct row_history_col cols[ROW_HISTORY_TICKS];
	struct row_history_col open;
	struct rh_key *keys;
	float *p99;		/* max_keys * ROW_HISTORY_TICKS: p99 in ns, NO_P99 for none */
	int32_t *buckets;	/* hash heads */
	int32_t *next;		/* per key: hash chain, or free list; -1: end */
	uint64_t *hash;		/* per key: its hash (chains are walked here, not in keys[]) */
	size_t nbuckets;	/* a power of two */
	int32_t free_key;
	struct rh_full **full;	/* max_full pointers, allocated on first use */
	uint8_t slot_row[ABI_HIST_SLOTS];
};

void row_key_syscall(struct row_key *k, uint32_t nr, bool wait)
{
	memset(k, 0, sizeof(*k));
	k->kind = ROW_KIND_SYSCALL;
	k->nr = nr;
	k->wait = wait;
}

void row_key_process(struct row_key *k, uint32_t pid, uint64_t pstart_ns, bool with_waits)
{
	memset(k, 0, sizeof(*k));
	k->kind = ROW_KIND_PROCESS;
	k->pid = pid;
	k->pstart_ns = pstart_ns;
	k->wait = with_waits;
}

void row_key_proc_syscall(struct row_key *k, uint32_t pid, uint64_t pstart_ns, uint32_t nr,
			  bool wait)
{
	memset(k, 0, sizeof(*k));
	k->kind = ROW_KIND_PROC_SYSCALL;
	k->pid = pid;
	k->pstart_ns = pstart_ns;
	k->nr = nr;
	k->wait = wait;
}

void row_key_client(struct row_key *k, const struct abi_client_key *ck)
{
	memset(k, 0, sizeof(*k));
	k->kind = ROW_KIND_CLIENT;
	k->client = *ck;
}

uint64_t row_history_row_lower_ns(uint32_t r)
{
	return r ? 1ull << (r - 1) : 0;
}

static uint32_t row_of_ns(uint64_t v)
{
	uint32_t r = v ? abi_log2_u64(v) + 1 : 0;

	return r < ROW_HISTORY_ROWS ? r : ROW_HISTORY_ROWS - 1;
}

/*
 * Independent multiplies of the fields that vary (the CPU runs them in
 * parallel), one final mix; the client's words only for client keys.
 */
static uint64_t key_hash(const struct row_key *k)
{
	uint64_t x = ((uint64_t)k->kind << 32 | k->nr) * 0x9e3779b97f4a7c15ull ^
		     ((uint64_t)k->pid << 32 | k->wait) * 0xc2b2ae3d27d4eb4full ^
		     k->pstart_ns * 0x165667b19e3779f9ull;

	if (k->kind == ROW_KIND_CLIENT) {
		uint64_t w[4];

		memcpy(w, &k->client, sizeof(w));
		x ^= w[0] * 0xff51afd7ed558ccdull ^ w[1] * 0xc4ceb9fe1a85ec53ull ^
		     w[2] * 0x94d049bb133111ebull ^ w[3];
	}
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

struct row_history *row_history_new(size_t max_keys, size_t max_full, uint32_t ticks_per_col)
{
	struct row_history *h;

	if (!max_keys || max_keys > INT32_MAX / 4 || max_full > max_keys || !ticks_per_col) {
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->max_keys = max_keys;
	h->max_full = max_full;
	h->ticks_per_col = ticks_per_col;
	for (h->nbuckets = 16; h->nbuckets < 2 * max_keys; h->nbuckets *= 2)
		;
	h->keys = calloc(max_keys, sizeof(*h->keys));
	h->p99 = malloc(max_keys * ROW_HISTORY_TICKS * sizeof(*h->p99));
	h->buckets = malloc(h->nbuckets * sizeof(*h->buckets));
	h->next = malloc(max_keys * sizeof(*h->next));
	h->hash = calloc(max_keys, sizeof(*h->hash));
	h->full = calloc(max_full ? max_full : 1, sizeof(*h->full));
	if (!h->keys || !h->p99 || !h->buckets || !h->next || !h->hash || !h->full) {
		row_history_free(h);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < h->nbuckets; i++)
		h->buckets[i] = -1;
	for (size_t i = 0; i < max_keys; i++)
		h->next[i] = i + 1 < max_keys ? (int32_t)(i + 1) : -1;
	h->free_key = 0;
	for (uint32_t s = 0; s < ABI_HIST_SLOTS; s++)
		h->slot_row[s] = (uint8_t)row_of_ns(hist_slot_lower_ns(s));
	return h;
}

void row_history_free(struct row_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; h->full && i < h->n_full_alloc; i++)
		free(h->full[i]);
	free(h->full);
	free(h->keys);
	free(h->p99);
	free(h->buckets);
	free(h->next);
	free(h->hash);
	free(h);
}

void row_history_watch_all(struct row_history *h, bool all)
{
	h->watch_all = all;
}

static int32_t key_find(const struct row_history *h, const struct row_key *k, size_t *bucket)
{
	uint64_t x = key_hash(k);
	size_t b = x & (h->nbuckets - 1);

	if (bucket)
		*bucket = b;
	for (int32_t i = h->buckets[b]; i >= 0; i = h->next[i])
		if (h->hash[i] == x && !memcmp(&h->keys[i].key, k, sizeof(*k)))
			return i;
	return -1;
}

static void key_remove(struct row_history *h, int32_t idx)
{
	struct rh_key *e = &h->keys[idx];
	int32_t *p = &h->buckets[h->hash[idx] & (h->nbuckets - 1)];

	while (*p != idx)
		p = &h->next[*p];
	*p = h->next[idx];
	if (e->full >= 0)
		h->full[e->full]->owner = -1;
	e->used = false;
	h->next[idx] = h->free_key;
	h->free_key = idx;
	h->nkeys--;
}

/* @k's index, created with no data when absent; -1 when the table is full. */
static int32_t key_get(struct row_history *h, const struct row_key *k)
{
	size_t b;
	int32_t i = key_find(h, k, &b);
	struct rh_key *e;

	if (i >= 0)
		return i;
	if (h->free_key < 0) {
		h->dropped++;
		return -1;
	}
	i = h->free_key;
	e = &h->keys[i];
	h->free_key = h->next[i];
	e->key = *k;
	h->hash[i] = key_hash(k);
	h->next[i] = h->buckets[b];
	h->buckets[b] = i;
	e->full = -1;
	e->cur_col = 0;
	e->last_col = h->col_no;
	e->watched_col = 0;
	e->used = true;
	for (size_t t = 0; t < ROW_HISTORY_TICKS; t++)
		h->p99[(size_t)i * ROW_HISTORY_TICKS + t] = NO_P99;
	h->nkeys++;
	return i;
}

/* A heatmap slot for key @idx: a free or new one, else the one watched longest ago. */
static void full_attach(struct row_history *h, int32_t idx)
{
	struct rh_key *e = &h->keys[idx];
	int32_t slot = -1;
	uint64_t oldest = UINT64_MAX;

	if (e->full >= 0 || !h->max_full)
		return;
	for (size_t s = 0; s < h->n_full_alloc; s++) {
		int32_t o = h->full[s]->owner;

		if (o < 0) {
			slot = (int32_t)s;
			break;
		}
		if (h->keys[o].watched_col < oldest) {
			oldest = h->keys[o].watched_col;
			slot = (int32_t)s;
		}
	}
	if ((slot < 0 || h->full[slot]->owner >= 0) && h->n_full_alloc < h->max_full) {
		struct rh_full *f = malloc(sizeof(*f));

		if (f) {
			slot = (int32_t)h->n_full_alloc++;
			h->full[slot] = f;
			f->owner = -1;
		}
	}
	if (slot < 0)
		return;
	if (h->full[slot]->owner >= 0)
		h->keys[h->full[slot]->owner].full = -1;
	memset(h->full[slot]->counts, 0, sizeof(h->full[slot]->counts));
	h->full[slot]->owner = idx;
	e->full = slot;
}

void row_history_watch(struct row_history *h, const struct row_key *k)
{
	int32_t i = key_get(h, k);

	if (i < 0)
		return;
	h->keys[i].watched_col = h->col_no ? h->col_no : 1;
	full_attach(h, i);
}

void row_history_tick_begin(struct row_history *h, uint64_t seq, uint64_t elapsed_ns)
{
	if (!h->in_col) {
		h->col_no++;
		h->in_col = true;
		h->open = (struct row_history_col){ .seq_first = seq };
	}
	h->open.seq_last = seq;
	h->open.elapsed_ns = elapsed_ns;
	h->open.ticks++;
}

int row_history_add(struct row_history *h, const struct row_key *k, const struct hist_bucket *b,
		    size_t n)
{
	int32_t i;
	struct rh_key *e;

	if (!n)
		return 0;
	i = key_get(h, k);
	if (i < 0)
		return -ENOSPC;
	e = &h->keys[i];
	if (e->cur_col != h->col_no) {
		memset(e->cur, 0, sizeof(e->cur));
		e->cur_col = h->col_no;
	}
	e->last_col = h->col_no;
	if (h->watch_all && e->full < 0)
		row_history_watch(h, k);
	for (size_t j = 0; j < n; j++) {
		uint32_t s = b[j].slot < ABI_HIST_SLOTS ? b[j].slot : ABI_HIST_SLOTS - 1;
		uint64_t c = e->cur[h->slot_row[s]] + b[j].count;

		e->cur[h->slot_row[s]] = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
	}
	return 0;
}

/* p99 of power-of-two row counts, linear within the row holding the 99th percentile. */
static float p99_of_rows(const uint32_t *cur)
{
	uint64_t total = 0, rank, seen = 0;

	for (uint32_t r = 0; r < ROW_HISTORY_ROWS; r++)
		total += cur[r];
	if (!total)
		return NO_P99;
	rank = (total * 99 + 99) / 100;	/* ceil(0.99 * total) */
	for (uint32_t r = 0; r < ROW_HISTORY_ROWS; r++) {
		double lo, width;

		if (seen + cur[r] < rank) {
			seen += cur[r];
			continue;
		}
		lo = (double)row_history_row_lower_ns(r);
		width = r ? lo : 1.0;
		return (float)(lo + width * ((double)(rank - seen) - 0.5) / (double)cur[r]);
	}
	return NO_P99;
}

static void col_close(struct row_history *h);

void row_history_tick_end(struct row_history *h)
{
	if (h->in_col && h->open.ticks >= h->ticks_per_col)
		col_close(h);
}

void row_history_flush(struct row_history *h)
{
	if (h->in_col)
		col_close(h);
}

static void col_close(struct row_history *h)
{
	size_t slot = h->head;

	h->cols[slot] = h->open;
	for (size_t i = 0; i < h->max_keys; i++) {
		struct rh_key *e = &h->keys[i];
		bool has = e->used && e->cur_col == h->col_no;

		if (!e->used)
			continue;
		h->p99[i * ROW_HISTORY_TICKS + slot] = has ? p99_of_rows(e->cur) : NO_P99;
		if (e->full >= 0) {
			uint32_t *dst = h->full[e->full]->counts[slot];

			if (has)
				memcpy(dst, e->cur, sizeof(e->cur));
			else
				memset(dst, 0, sizeof(e->cur));
		}
		/* Nothing left in the window, not watched lately: forget it. */
		if (e->last_col + ROW_HISTORY_TICKS <= h->col_no &&
		    e->watched_col + ROW_HISTORY_TICKS <= h->col_no)
			key_remove(h, (int32_t)i);
	}
	h->head = (h->head + 1) % ROW_HISTORY_TICKS;
	if (h->ncols < ROW_HISTORY_TICKS)
		h->ncols++;
	h->in_col = false;
}

int row_history_feed_snapshot(struct row_history *h, const struct snapshot *s)
{
	struct row_key k;
	int ret = 0;

	row_history_tick_begin(h, s->seq, s->elapsed_ns);
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		const struct hist_bucket *b = snap_hist_buckets(s, &r->interval);
		size_t n = r->interval.n;

		if (!n)
			continue;
		row_key_syscall(&k, r->nr, r->wait);
		ret |= row_history_add(h, &k, b, n);
		row_key_process(&k, r->pid, r->pstart_ns, true);
		ret |= row_history_add(h, &k, b, n);
		if (!r->wait) {
			row_key_process(&k, r->pid, r->pstart_ns, false);
			ret |= row_history_add(h, &k, b, n);
		}
		row_key_proc_syscall(&k, r->pid, r->pstart_ns, r->nr, r->wait);
		ret |= row_history_add(h, &k, b, n);
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *c = &s->clients[i];

		if (!c->req.n)
			continue;
		row_key_client(&k, &c->key);
		ret |= row_history_add(h, &k, snap_lat_buckets(s, &c->req), c->req.n);
	}
	row_history_tick_end(h);
	return ret ? -ENOSPC : 0;
}

size_t row_history_ncols(const struct row_history *h)
{
	return h->ncols;
}

/* Ring slot of column @i (0 = oldest). */
static size_t col_slot(const struct row_history *h, size_t i)
{
	return (h->head + ROW_HISTORY_TICKS - h->ncols + i) % ROW_HISTORY_TICKS;
}

const struct row_history_col *row_history_col(const struct row_history *h, size_t i)
{
	return i < h->ncols ? &h->cols[col_slot(h, i)] : NULL;
}

long row_history_col_of_seq(const struct row_history *h, uint64_t seq)
{
	for (size_t i = 0; i < h->ncols; i++) {
		const struct row_history_col *c = &h->cols[col_slot(h, i)];

		if (seq >= c->seq_first && seq <= c->seq_last)
			return (long)i;
	}
	return -1;
}

bool row_history_p99(const struct row_history *h, const struct row_key *k, size_t i,
		     uint64_t *p99_ns)
{
	int32_t idx = i < h->ncols ? key_find(h, k, NULL) : -1;
	float v;

	*p99_ns = 0;
	if (idx < 0)
		return false;
	v = h->p99[(size_t)idx * ROW_HISTORY_TICKS + col_slot(h, i)];
	if (v < 0)
		return false;
	*p99_ns = (uint64_t)v;
	return true;
}

bool row_history_counts(const struct row_history *h, const struct row_key *k, size_t i,
			uint32_t *counts)
{
	int32_t idx = i < h->ncols ? key_find(h, k, NULL) : -1;

	if (idx < 0 || h->keys[idx].full < 0) {
		memset(counts, 0, ROW_HISTORY_ROWS * sizeof(*counts));
		return false;
	}
	memcpy(counts, h->full[h->keys[idx].full]->counts[col_slot(h, i)],
	       ROW_HISTORY_ROWS * sizeof(*counts));
	return true;
}

bool row_history_has_counts(const struct row_history *h, const struct row_key *k)
{
	int32_t idx = key_find(h, k, NULL);

	return idx >= 0 && h->keys[idx].full >= 0;
}

size_t row_history_nkeys(const struct row_history *h)
{
	return h->nkeys;
}

uint64_t row_history_dropped(const struct row_history *h)
{
	return h->dropped;
}
