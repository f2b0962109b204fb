/*
 * rec_tick.c - the TICK (one snapshot) and SAMPLES (raw client samples)
 * payloads of a recording. Everything decoded is checked: sizes against
 * what is left of the record, 32-bit fields, enums, slot indexes, strings.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/rec_delta.h"
#include "core/rec_format.h"
#include "core/rec_sections.h"
#include "core/rec_varint.h"

/* Smallest encodings, to bound counts by the bytes left before allocating. */
#define MIN_HIST_BYTES 6
#define MIN_SYS_ROW_BYTES (5 + 2 * MIN_HIST_BYTES)
#define MIN_LAT_BYTES 7
#define MIN_KEY_BYTES (16 + 4)
#define MIN_CLIENT_ROW_BYTES (MIN_KEY_BYTES + 2 + 16 + 4 * MIN_LAT_BYTES)
#define MIN_SAMPLE_BYTES (5 + MIN_KEY_BYTES + 1)

static int put_counters(struct rec_buf *b, const struct snap_counters *c)
{
	return rec_put_u64(b, c->events) || rec_put_u64(b, c->lost) || rec_put_u64(b, c->evicted) ||
	       rec_put_u64(b, c->dropped_snapshots) || rec_put_u64(b, c->client_evicted) ||
	       rec_put_u64(b, c->client_lost) ? -ENOMEM : 0;
}

static int get_counters(struct rec_cur *c, struct snap_counters *o)
{
	return rec_get_u64(c, &o->events) ?: rec_get_u64(c, &o->lost) ?:
	       rec_get_u64(c, &o->evicted) ?: rec_get_u64(c, &o->dropped_snapshots) ?:
	       rec_get_u64(c, &o->client_evicted) ?: rec_get_u64(c, &o->client_lost);
}

/* A sparse histogram: summary, number of buckets, then (gap to the previous slot, count) pairs. */
int rec_tick_put_hist(struct rec_buf *b, const struct snapshot *s, const struct snap_hist *h)
{
	const struct hist_bucket *bk = snap_hist_buckets(s, h);
	long prev = -1;

	if (rec_put_u64(b, h->count) || rec_put_u64(b, h->errors) || rec_put_u64(b, h->timed) ||
	    rec_put_u64(b, h->sum_ns) || rec_put_u64(b, h->max_ns) || rec_put_u64(b, h->n))
		return -ENOMEM;
	for (uint32_t i = 0; i < h->n; i++) {
		if (rec_put_u64(b, (uint64_t)((long)bk[i].slot - prev - 1)) ||
		    rec_put_u64(b, bk[i].count))
			return -ENOMEM;
		prev = (long)bk[i].slot;
	}
	return 0;
}

/* Into *@h, its buckets appended to @s (h may point into s->sys). */
int rec_tick_get_hist(struct rec_cur *c, struct snapshot *s, struct snap_hist *h)
{
	struct snap_hist sum = { 0 };
	struct hist_bucket *bk;
	size_t nnz = 0;
	uint64_t slot = 0, gap = 0;
	int ret;

	ret = rec_get_u64(c, &sum.count) ?: rec_get_u64(c, &sum.errors) ?:
	      rec_get_u64(c, &sum.timed) ?: rec_get_u64(c, &sum.sum_ns) ?:
	      rec_get_u64(c, &sum.max_ns) ?: rec_get_count(c, 2, &nnz, "histogram slot");
	if (ret)
		return ret;
	if (nnz > ABI_HIST_SLOTS)
		return rec_fail_at(c->e, c->base + c->off, -EINVAL, "%zu histogram slots (max %u)",
				   nnz, ABI_HIST_SLOTS);
	if (snapshot_reserve_buckets(s, nnz))
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	bk = &s->buckets[s->n_buckets];
	for (size_t i = 0; i < nnz; i++) {
		size_t at = c->off;
		uint64_t count = 0;

		ret = rec_get_max(c, ABI_HIST_SLOTS, &gap, "histogram slot gap");
		if (ret)
			return ret;
		slot += gap;
		if (slot >= ABI_HIST_SLOTS)
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "histogram slot %llu out of range (max %u)",
					   (unsigned long long)slot, ABI_HIST_SLOTS - 1);
		at = c->off;
		ret = rec_get_u64(c, &count);
		if (ret)
			return ret;
		/* Only non-empty slots are written: an empty one is not ours. */
		if (!count)
			return rec_fail_at(c->e, c->base + at, -EINVAL, "empty histogram slot %llu",
					   (unsigned long long)slot);
		bk[i] = (struct hist_bucket){ .slot = (uint32_t)slot, .count = count };
		slot++;
	}
	sum.first = (uint32_t)s->n_buckets;
	sum.n = (uint32_t)nnz;
	s->n_buckets += nnz;
	*h = sum;
	return 0;
}

static int put_key(struct rec_buf *b, const struct abi_client_key *k)
{
	return rec_put_bytes(b, k->addr, sizeof(k->addr)) || rec_put_u64(b, k->family) ||
	       rec_put_u64(b, k->port) || rec_put_u64(b, k->tgid) || rec_put_u64(b, k->dir) ?
	       -ENOMEM : 0;
}

static int get_key(struct rec_cur *c, struct abi_client_key *k)
{
	uint64_t family = 0, port = 0, dir = 0;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = rec_get_bytes(c, k->addr, sizeof(k->addr), "an address") ?:
	      rec_get_max(c, UINT16_MAX, &family, "address family") ?:
	      rec_get_max(c, UINT16_MAX, &port, "port") ?:
	      rec_get_u32(c, &k->tgid, "pid") ?: rec_get_max(c, ABI_DIR_OUT, &dir, "direction");
	k->family = (__u16)family;
	k->port = (__u16)port;
	k->dir = (__u8)dir;
	return ret;
}

/* The counters of format 1, in the row. */
static int put_client_counts(struct rec_buf *b, const struct snap_client_counts *c)
{
#define REC_X(name) if (rec_put_u64(b, c->name)) return -ENOMEM;
	SNAP_CLIENT_COUNTERS_V1(REC_X)
#undef REC_X
	return 0;
}

static int get_client_counts(struct rec_cur *c, struct snap_client_counts *o)
{
	int ret = 0;

#define REC_X(name) ret = ret ?: rec_get_u64(c, &o->name);
	SNAP_CLIENT_COUNTERS_V1(REC_X)
#undef REC_X
	return ret;
}

/*
 * The row extension: counters added after format 1, after all client rows
 * of a tick: their number F, then per row F (interval, total) pairs. A
 * format-1 tick ends before it; a reader skips fields newer than it knows.
 */
#define REC_X(name) offsetof(struct snap_client_counts, name),
static const size_t ext_offsets[] = { SNAP_CLIENT_COUNTERS_V2(REC_X) };
#undef REC_X
#define N_EXT (sizeof(ext_offsets) / sizeof(ext_offsets[0]))
#define MAX_EXT 64

static uint64_t *ext_field(struct snap_client_counts *c, size_t i)
{
	return (uint64_t *)((char *)c + ext_offsets[i]);
}

static int put_client_ext(struct rec_buf *b, const struct snapshot *s)
{
	if (rec_put_u64(b, N_EXT))
		return -ENOMEM;
	for (size_t i = 0; i < s->n_clients; i++) {
		struct snap_client_row *r = &s->clients[i];

		for (size_t f = 0; f < N_EXT; f++)
			if (rec_put_u64(b, *ext_field(&r->interval, f)) ||
			    rec_put_u64(b, *ext_field(&r->total, f)))
				return -ENOMEM;
	}
	return 0;
}

static int get_client_ext(struct rec_cur *c, struct snapshot *s)
{
	uint64_t fields = 0, iv = 0, tot = 0;
	int ret;

	if (c->off == c->n)
		return 0;	/* format 1 */
	ret = rec_get_max(c, MAX_EXT, &fields, "number of extra client counters");
	for (size_t i = 0; !ret && i < s->n_clients; i++) {
		struct snap_client_row *r = &s->clients[i];

		for (size_t f = 0; !ret && f < fields; f++) {
			ret = rec_get_u64(c, &iv) ?: rec_get_u64(c, &tot);
			if (!ret && f < N_EXT) {
				*ext_field(&r->interval, f) = iv;
				*ext_field(&r->total, f) = tot;
			}
		}
	}
	return ret;
}

static int put_lat(struct rec_buf *b, const struct snapshot *s, const struct snap_lat *l)
{
	const struct hist_bucket *bk = snap_lat_buckets(s, l);

	if (l->n && (l->first > s->n_buckets || l->n > s->n_buckets - l->first))
		return -EINVAL;
	if (rec_put_u64(b, l->count) || rec_put_u64(b, l->sum_ns) || rec_put_u64(b, l->max_ns) ||
	    rec_put_u64(b, l->p50_ns) || rec_put_u64(b, l->p90_ns) || rec_put_u64(b, l->p99_ns) ||
	    rec_put_u64(b, l->n))
		return -ENOMEM;
	for (uint32_t i = 0; i < l->n; i++)
		if (rec_put_u64(b, bk[i].slot) || rec_put_u64(b, bk[i].count))
			return -ENOMEM;
	return 0;
}

static int get_lat(struct rec_cur *c, struct snapshot *s, struct snap_lat *l)
{
	size_t n = 0;
	int ret;

	memset(l, 0, sizeof(*l));
	ret = rec_get_u64(c, &l->count) ?: rec_get_u64(c, &l->sum_ns) ?:
	      rec_get_u64(c, &l->max_ns) ?: rec_get_u64(c, &l->p50_ns) ?:
	      rec_get_u64(c, &l->p90_ns) ?: rec_get_u64(c, &l->p99_ns) ?:
	      rec_get_count(c, 2, &n, "bucket");
	if (ret)
		return ret;
	if (n > ABI_HIST_SLOTS || s->n_buckets > UINT32_MAX - n)
		return rec_fail_at(c->e, c->base + c->off, -EINVAL, "%zu buckets in one histogram",
				   n);
	if (snapshot_reserve_buckets(s, n))
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	l->first = (uint32_t)s->n_buckets;
	l->n = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		struct hist_bucket *bk = &s->buckets[s->n_buckets];
		size_t at = c->off;
		uint64_t slot = 0;

		ret = rec_get_u64(c, &slot) ?: rec_get_u64(c, &bk->count);
		if (ret)
			return ret;
		if (slot >= ABI_HIST_SLOTS)
			return rec_fail_at(c->e, c->base + at, -EINVAL,
					   "bucket slot %llu out of range (max %u)",
					   (unsigned long long)slot, ABI_HIST_SLOTS - 1);
		bk->slot = (uint32_t)slot;
		bk->pad = 0;
		s->n_buckets++;
	}
	return 0;
}

static uint64_t tick_flags(const struct snapshot *s)
{
	return (s->simulated ? REC_TICK_SIMULATED : 0) | (s->final ? REC_TICK_FINAL : 0);
}

/* A keyframe (@prev NULL: the whole tick), or a delta against @prev in format @fmt (4, 5, 6). */
static int encode_tick(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev,
		       int fmt)
{
	struct snapshot view;
	int ret;

	if (prev && rec_put_u64(b, prev->seq))
		return -ENOMEM;
	if (rec_put_u64(b, s->seq) || rec_put_u64(b, s->ts_ns) || rec_put_u64(b, s->interval_ns) ||
	    rec_put_u64(b, s->elapsed_ns) || rec_put_u64(b, tick_flags(s)) ||
	    rec_put_u64(b, s->sample_every) || rec_put_str(b, s->source, SNAP_SOURCE_LEN - 1) ||
	    put_counters(b, &s->interval) || put_counters(b, &s->total) ||
	    rec_put_u64(b, s->clients_state) ||
	    rec_put_str(b, s->clients_note, SNAP_NOTE_LEN - 1) || rec_put_u64(b, s->n_sys))
		return -ENOMEM;
	if (prev) {
		ret = fmt == 6 ? rec_delta6_put_rows(b, s, prev) :
		      fmt == 5 ? rec_delta5_put_rows(b, s, prev) : rec_delta_put_rows(b, s, prev);
		if (ret)
			return ret;
	}
	for (size_t i = 0; !prev && i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];

		if (rec_put_u64(b, r->pid) || rec_put_u64(b, r->nr) || rec_put_u64(b, r->pstart_ns) ||
		    rec_put_str(b, r->comm, ABI_COMM_LEN) ||
		    rec_put_u64(b, (r->exited ? REC_ROW_EXITED : 0u) | (r->wait ? REC_ROW_WAIT : 0u)) ||
		    rec_tick_put_hist(b, s, &r->interval) || rec_tick_put_hist(b, s, &r->total))
			return -ENOMEM;
	}
	if (rec_put_u64(b, s->n_clients))
		return -ENOMEM;
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];

		if (put_key(b, &r->key) || rec_put_str(b, r->comm, ABI_COMM_LEN) ||
		    rec_put_u64(b, r->open) || put_client_counts(b, &r->interval) ||
		    put_client_counts(b, &r->total))
			return -ENOMEM;
		ret = put_lat(b, s, &r->req) ?: put_lat(b, s, &r->req_total) ?:
		      put_lat(b, s, &r->conn) ?: put_lat(b, s, &r->conn_total);
		if (ret)
			return ret;
	}
	/* a delta tick's rows carry their parts and cgroup ids: the sections have none */
	view = *s;
	if (prev)
		view.n_sys = 0;
	return put_client_ext(b, s) ?:
	       rec_sections_put(b, &view, fmt >= 5 ? prev : NULL, fmt);
}

int rec_encode_tick(struct rec_buf *b, const struct snapshot *s)
{
	return encode_tick(b, s, NULL, 0);
}

int rec_encode_tick_delta(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev)
{
	return encode_tick(b, s, prev, 6);
}

int rec_encode_tick_delta_v5(struct rec_buf *b, const struct snapshot *s,
			     const struct snapshot *prev)
{
	return encode_tick(b, s, prev, 5);
}

int rec_encode_tick_delta_v4(struct rec_buf *b, const struct snapshot *s,
			     const struct snapshot *prev)
{
	return encode_tick(b, s, prev, 4);
}

static int get_tick_flags(struct rec_cur *c, struct snapshot *s)
{
	uint64_t v = 0;
	int ret = rec_get_max(c, REC_TICK_SIMULATED | REC_TICK_FINAL, &v, "tick flags");

	s->simulated = v & REC_TICK_SIMULATED;
	s->final = v & REC_TICK_FINAL;
	return ret;
}

/* Format 1 wrote the exited flag alone (0 or 1) where format 2 writes these bits. */
int rec_tick_get_row_flags(struct rec_cur *c, struct snap_sys_row *r)
{
	uint64_t v = 0;
	int ret = rec_get_max(c, REC_ROW_EXITED | REC_ROW_WAIT, &v, "row flags");

	r->exited = v & REC_ROW_EXITED;
	r->wait = v & REC_ROW_WAIT;
	return ret;
}

static int get_sys_row(struct rec_cur *c, struct snapshot *s)
{
	struct snap_sys_row *r = snapshot_add_sys(s);

	if (!r)
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	return rec_get_u32(c, &r->pid, "pid") ?: rec_get_u32(c, &r->nr, "syscall number") ?:
	       rec_get_u64(c, &r->pstart_ns) ?:
	       rec_get_str(c, r->comm, sizeof(r->comm), ABI_COMM_LEN, "process name") ?:
	       rec_tick_get_row_flags(c, r) ?: rec_tick_get_hist(c, s, &r->interval) ?:
	       rec_tick_get_hist(c, s, &r->total);
}

static int get_client_row(struct rec_cur *c, struct snapshot *s)
{
	struct snap_client_row *r = snapshot_add_client(s);

	if (!r)
		return rec_fail_at(c->e, c->base + c->off, -ENOMEM, "out of memory");
	return get_key(c, &r->key) ?:
	       rec_get_str(c, r->comm, sizeof(r->comm), ABI_COMM_LEN, "process name") ?:
	       rec_get_u64(c, &r->open) ?: get_client_counts(c, &r->interval) ?:
	       get_client_counts(c, &r->total) ?: get_lat(c, s, &r->req) ?:
	       get_lat(c, s, &r->req_total) ?: get_lat(c, s, &r->conn) ?:
	       get_lat(c, s, &r->conn_total);
}

/* Bounds n_sys of a delta tick: copied rows cost no byte each. */
static int get_delta_count(struct rec_cur *c, const struct snapshot *prev, size_t *n)
{
	size_t at = c->off;
	uint64_t v = 0;
	int ret = rec_get_u64(c, &v);

	if (!ret && v > prev->n_sys + (c->n - c->off))
		return rec_fail_at(c->e, c->base + at, -EINVAL,
				   "syscall row count %llu larger than the record",
				   (unsigned long long)v);
	*n = (size_t)v;
	return ret;
}

static int decode_tick(const uint8_t *p, size_t n, const struct snapshot *prev,
		       struct snapshot *s, struct rec_error *e, int fmt)
{
	struct rec_cur c = { .p = p, .n = n, .e = e };
	size_t n_sys = 0, n_clients = 0;
	uint64_t base = 0;
	int ret;

	snapshot_reset(s);
	if (prev) {
		ret = rec_get_u64(&c, &base);
		if (ret)
			return ret;
		if (base != prev->seq)
			return rec_fail_at(e, 0, -EINVAL, "delta tick against tick %llu, not %llu",
					   (unsigned long long)base,
					   (unsigned long long)prev->seq);
	}
	ret = rec_get_u64(&c, &s->seq) ?: rec_get_u64(&c, &s->ts_ns) ?:
	      rec_get_u64(&c, &s->interval_ns) ?: rec_get_u64(&c, &s->elapsed_ns) ?:
	      get_tick_flags(&c, s) ?: rec_get_u32(&c, &s->sample_every, "sample_every") ?:
	      rec_get_str(&c, s->source, sizeof(s->source), SNAP_SOURCE_LEN - 1, "source name") ?:
	      get_counters(&c, &s->interval) ?: get_counters(&c, &s->total) ?:
	      rec_get_u32(&c, &s->clients_state, "clients state");
	if (ret)
		return ret;
	if (s->clients_state > SNAP_CLIENTS_ON)
		return rec_fail_at(e, c.off - 1, -EINVAL, "unknown clients state %u",
				   s->clients_state);
	ret = rec_get_str(&c, s->clients_note, sizeof(s->clients_note), SNAP_NOTE_LEN - 1,
			  "clients note") ?:
	      (prev ? get_delta_count(&c, prev, &n_sys) :
		      rec_get_count(&c, MIN_SYS_ROW_BYTES, &n_sys, "syscall row"));
	if (!ret && prev)
		ret = fmt == 6 ? rec_delta6_get_rows(&c, s, prev, n_sys) :
		      fmt == 5 ? rec_delta5_get_rows(&c, s, prev, n_sys) :
				 rec_delta_get_rows(&c, s, prev, n_sys);
	for (size_t i = 0; !ret && !prev && i < n_sys; i++)
		ret = get_sys_row(&c, s);
	if (!ret)
		ret = rec_get_count(&c, MIN_CLIENT_ROW_BYTES, &n_clients, "client row");
	for (size_t i = 0; !ret && i < n_clients; i++)
		ret = get_client_row(&c, s);
	if (!ret)
		ret = get_client_ext(&c, s);
	if (!ret) {
		/* a delta tick's sections number no syscall row (they are whole already) */
		size_t rows = s->n_sys;

		if (prev)
			s->n_sys = 0;
		ret = rec_sections_get(&c, s, fmt >= 5 ? prev : NULL);
		s->n_sys = rows;
	}
	if (!ret && c.off != n)
		ret = rec_fail_at(e, c.off, -EINVAL, "%zu trailing bytes in a tick record",
				  n - c.off);
	return ret;
}

int rec_decode_tick(const uint8_t *p, size_t n, struct snapshot *s, struct rec_error *e)
{
	return decode_tick(p, n, NULL, s, e, 0);
}

int rec_decode_tick_delta(const uint8_t *p, size_t n, const struct snapshot *prev,
			  struct snapshot *s, struct rec_error *e)
{
	return decode_tick(p, n, prev, s, e, 6);
}

int rec_decode_tick_delta_v5(const uint8_t *p, size_t n, const struct snapshot *prev,
			     struct snapshot *s, struct rec_error *e)
{
	return decode_tick(p, n, prev, s, e, 5);
}

int rec_decode_tick_delta_v4(const uint8_t *p, size_t n, const struct snapshot *prev,
			     struct snapshot *s, struct rec_error *e)
{
	return decode_tick(p, n, prev, s, e, 4);
}

int rec_decode_tick_delta_flags(const uint8_t *p, size_t n, const struct snapshot *prev,
				struct snapshot *s, struct rec_error *e, uint8_t flags)
{
	return decode_tick(p, n, prev, s, e,
			   flags & REC_FLAG_COLS6 ? 6 : flags & REC_FLAG_COLS ? 5 : 4);
}

/* --- SAMPLES ------------------------------------------------------------- */

int rec_encode_samples(struct rec_buf *b, const struct abi_client_event *ev, size_t n,
		       int64_t mono_to_real_ns)
{
	/* zigzag: small negative offsets stay short */
	uint64_t zz = ((uint64_t)mono_to_real_ns << 1) ^ (uint64_t)(mono_to_real_ns >> 63);

	if (rec_put_u64(b, zz) || rec_put_u64(b, n))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (rec_put_u64(b, ev[i].kind) || rec_put_u64(b, ev[i].ts_ns) ||
		    rec_put_u64(b, ev[i].latency_ns) || rec_put_u64(b, ev[i].bytes_in) ||
		    rec_put_u64(b, ev[i].bytes_out) || put_key(b, &ev[i].key) ||
		    rec_put_str(b, ev[i].comm, ABI_COMM_LEN))
			return -ENOMEM;
	return 0;
}

int rec_decode_samples(const uint8_t *p, size_t n, struct abi_client_event **evp, size_t *cap,
		       size_t *n_ev, int64_t *mono_to_real_ns, struct rec_error *e)
{
	struct rec_cur c = { .p = p, .n = n, .e = e };
	size_t count = 0;
	uint64_t zz = 0;
	int ret;

	*n_ev = 0;
	ret = rec_get_u64(&c, &zz) ?: rec_get_count(&c, MIN_SAMPLE_BYTES, &count, "sample");
	if (ret)
		return ret;
	*mono_to_real_ns = (int64_t)(zz >> 1) ^ -(int64_t)(zz & 1);
	if (count > *cap) {
		struct abi_client_event *q = realloc(*evp, count * sizeof(*q));

		if (!q)
			return rec_fail_at(e, 0, -ENOMEM, "out of memory");
		*evp = q;
		*cap = count;
	}
	for (size_t i = 0; i < count; i++) {
		struct abi_client_event *ev = &(*evp)[i];
		size_t at = c.off;

		memset(ev, 0, sizeof(*ev));
		ret = rec_get_u32(&c, &ev->kind, "sample kind") ?: rec_get_abi(&c, &ev->ts_ns) ?:
		      rec_get_abi(&c, &ev->latency_ns) ?: rec_get_abi(&c, &ev->bytes_in) ?:
		      rec_get_abi(&c, &ev->bytes_out) ?: get_key(&c, &ev->key) ?:
		      rec_get_str(&c, ev->comm, sizeof(ev->comm), ABI_COMM_LEN, "process name");
		if (ret)
			return ret;
		if (ev->kind != ABI_CEV_REQUEST && ev->kind != ABI_CEV_CONN)
			return rec_fail_at(e, at, -EINVAL, "unknown sample kind %u", ev->kind);
	}
	if (c.off != n)
		return rec_fail_at(e, c.off, -EINVAL, "%zu trailing bytes in a samples record",
				   n - c.off);
	*n_ev = count;
	return 0;
}
