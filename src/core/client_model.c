/*
 * client_model.c - per-client deltas. The previous reading of each row is
 * kept sparse (non-empty slots only): a client's latencies fill a few dozen
 * of the 2 x 304 slots, and there may be tens of thousands of clients.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/client_model.h"
#include "core/hist.h"
#include "core/key_index.h"

struct sparse_slot {
	uint16_t slot;
	uint32_t count;
};

struct sparse {
	struct sparse_slot *v;
	uint32_t n, cap;
};

/* The scalar part of a reading. */
struct client_cum {
	struct snap_client_counts c;
	uint64_t req_sum_ns, req_max_ns;
	uint64_t conn_count, conn_sum_ns, conn_max_ns;
};

struct cm_entry {
	struct abi_client_key key;	/* first: key_index reads it there */
	bool seen;
	struct client_cum prev;
	struct sparse req, conn;
};

_Static_assert(sizeof(struct abi_client_key) == KEY_INDEX_KEY_LEN, "key_index key size");

struct client_model {
	struct cm_entry *entries;
	size_t n, cap;
	struct key_index index;
	uint64_t evicted;		/* this tick */
};

static struct key_array entries_of(const struct client_model *m)
{
	struct key_array a = { m->entries, sizeof(*m->entries), m->n };
	return a;
}

struct client_model *client_model_new(void)
{
	struct client_model *m = calloc(1, sizeof(*m));
	struct key_array none = { NULL, sizeof(struct cm_entry), 0 };

	if (!m)
		return NULL;
	if (key_index_reserve(&m->index, &none)) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	return m;
}

static void entry_release(struct cm_entry *e)
{
	free(e->req.v);
	free(e->conn.v);
}

void client_model_free(struct client_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		entry_release(&m->entries[i]);
	free(m->entries);
	key_index_free(&m->index);
	free(m);
}

size_t client_model_size(const struct client_model *m)
{
	return m->n;
}

void client_model_begin(struct client_model *m)
{
	for (size_t i = 0; i < m->n; i++)
		m->entries[i].seen = false;
	m->evicted = 0;
}

static void cum_of(struct client_cum *c, const struct abi_client_val *v)
{
	/* The kernel's row names its counters as the snapshot does. */
#define CM_X(name) c->c.name = v->name;
	SNAP_CLIENT_COUNTERS(CM_X)
#undef CM_X
	c->req_sum_ns = v->req_sum_ns;
	c->req_max_ns = v->req_max_ns;
	c->conn_count = v->conn_count;
	c->conn_sum_ns = v->conn_sum_ns;
	c->conn_max_ns = v->conn_max_ns;
}

/* A row that was evicted and re-created within the tick starts over. */
static bool went_backwards(const struct client_cum *cur, const struct client_cum *prev)
{
	return cur->c.connections < prev->c.connections || cur->c.adopted < prev->c.adopted ||
	       cur->c.requests < prev->c.requests ||
	       cur->c.bytes_in < prev->c.bytes_in || cur->c.bytes_out < prev->c.bytes_out ||
	       cur->conn_count < prev->conn_count;
}

static void counts_delta(struct snap_client_counts *d, const struct snap_client_counts *cur,
			 const struct snap_client_counts *prev)
{
#define CM_X(name) d->name = cur->name - prev->name;
	SNAP_CLIENT_COUNTERS(CM_X)
#undef CM_X
}

static void lat_percentiles(const struct snapshot *out, struct snap_lat *l)
{
	const struct hist_bucket *b = snap_lat_buckets(out, l);

	l->p50_ns = hist_buckets_percentile_ns(b, l->n, l->max_ns, 50);
	l->p90_ns = hist_buckets_percentile_ns(b, l->n, l->max_ns, 90);
	l->p99_ns = hist_buckets_percentile_ns(b, l->n, l->max_ns, 99);
}

/*
 * Interval and total distributions of one histogram: buckets appended to
 * @out, @prev replaced by the current non-empty slots. Slots are 32-bit
 * and cumulative, so deltas are taken modulo 2^32.
 */
static int hist_step(struct snapshot *out, const uint32_t *slots, struct sparse *prev,
		     struct snap_lat *iv, struct snap_lat *tot)
{
	struct hist_bucket *b;
	uint32_t p = 0, n_cur = 0, top = UINT32_MAX;
	size_t first;

	/* Worst case: every slot in both the interval and the total. */
	if (snapshot_reserve_buckets(out, 2 * ABI_HIST_SLOTS))
		return -ENOMEM;
	b = out->buckets;
	first = out->n_buckets;
	iv->first = (uint32_t)first;
	for (uint32_t s = 0; s < ABI_HIST_SLOTS; s++) {
		uint32_t before = 0, d;

		while (p < prev->n && prev->v[p].slot < s)
			p++;
		if (p < prev->n && prev->v[p].slot == s)
			before = prev->v[p].count;
		d = slots[s] - before;
		if (slots[s])
			n_cur++;
		if (!d)
			continue;
		b[out->n_buckets].slot = s;
		b[out->n_buckets].pad = 0;
		b[out->n_buckets].count = d;
		out->n_buckets++;
		iv->count += d;
		top = s;
	}
	iv->n = (uint32_t)(out->n_buckets - first);
	tot->first = (uint32_t)out->n_buckets;
	for (uint32_t s = 0; s < ABI_HIST_SLOTS; s++) {
		if (!slots[s])
			continue;
		b[out->n_buckets].slot = s;
		b[out->n_buckets].pad = 0;
		b[out->n_buckets].count = slots[s];
		out->n_buckets++;
		tot->count += slots[s];
	}
	tot->n = (uint32_t)(out->n_buckets - tot->first);
	/*
	 * The interval max is exact when the running max grew this tick (the
	 * caller set it); otherwise bound it by the top non-empty bucket.
	 */
	if (top != UINT32_MAX && !iv->max_ns) {
		uint64_t hi = hist_slot_upper_ns(top);

		iv->max_ns = hi < tot->max_ns ? hi : tot->max_ns;
	}
	if (n_cur > prev->cap) {
		struct sparse_slot *v = realloc(prev->v, n_cur * sizeof(*v));

		if (!v)
			return -ENOMEM;
		prev->v = v;
		prev->cap = n_cur;
	}
	prev->n = 0;
	for (uint32_t s = 0; s < ABI_HIST_SLOTS; s++) {
		if (!slots[s])
			continue;
		prev->v[prev->n].slot = (uint16_t)s;
		prev->v[prev->n].count = slots[s];
		prev->n++;
	}
	return 0;
}

static struct cm_entry *entry_get(struct client_model *m, const struct abi_client_key *key,
				  bool *fresh)
{
	struct key_entries ke = { (void **)&m->entries, &m->n, &m->cap, sizeof(*m->entries) };
	long pos = key_index_get(&m->index, &ke, key, SIZE_MAX, fresh);

	return pos < 0 ? NULL : &m->entries[pos];
}

int client_model_update(struct client_model *m, const struct abi_client_key *key,
			const struct abi_client_val *cum, struct snapshot *out)
{
	struct snap_client_row *r;
	struct client_cum cur;
	struct cm_entry *e;
	bool fresh;
	int ret;

	e = entry_get(m, key, &fresh);
	if (!e)
		return -ENOMEM;
	cum_of(&cur, cum);
	if (!fresh && went_backwards(&cur, &e->prev)) {
		m->evicted++;
		memset(&e->prev, 0, sizeof(e->prev));
		e->req.n = e->conn.n = 0;
	}
	e->seen = true;
	r = snapshot_add_client(out);
	if (!r)
		return -ENOMEM;
	r->key = *key;
	memcpy(r->comm, cum->comm, ABI_COMM_LEN);
	r->total = cur.c;
	counts_delta(&r->interval, &cur.c, &e->prev.c);
	/* Adopted connections are open too; only their start was not seen. */
	r->open = cur.c.connections + cur.c.adopted > cur.c.closed ?
		  cur.c.connections + cur.c.adopted - cur.c.closed : 0;
	r->req_total.sum_ns = cur.req_sum_ns;
	r->req_total.max_ns = cur.req_max_ns;
	r->req.sum_ns = cur.req_sum_ns - e->prev.req_sum_ns;
	r->req.max_ns = cur.req_max_ns > e->prev.req_max_ns ? cur.req_max_ns : 0;
	r->conn_total.sum_ns = cur.conn_sum_ns;
	r->conn_total.max_ns = cur.conn_max_ns;
	r->conn.sum_ns = cur.conn_sum_ns - e->prev.conn_sum_ns;
	r->conn.max_ns = cur.conn_max_ns > e->prev.conn_max_ns ? cur.conn_max_ns : 0;
	ret = hist_step(out, cum->req_slots, &e->req, &r->req, &r->req_total);
	if (!ret)
		ret = hist_step(out, cum->conn_slots, &e->conn, &r->conn, &r->conn_total);
	if (ret)
		return ret;
	lat_percentiles(out, &r->req);
	lat_percentiles(out, &r->req_total);
	lat_percentiles(out, &r->conn);
	lat_percentiles(out, &r->conn_total);
	e->prev = cur;
	return 0;
}

uint64_t client_model_end(struct client_model *m)
{
	struct key_array a;
	size_t i = 0;

	while (i < m->n) {
		if (m->entries[i].seen) {
			i++;
			continue;
		}
		/* Gone from the kernel's LRU table: evicted for a newer client. */
		entry_release(&m->entries[i]);
		m->entries[i] = m->entries[--m->n];
		m->evicted++;
	}
	a = entries_of(m);
	key_index_rebuild(&m->index, &a);
	return m->evicted;
}
