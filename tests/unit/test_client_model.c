/*
 * test_client_model.c - cumulative kernel client rows to snapshot rows:
 * interval deltas and totals, sparse buckets, percentiles, 32-bit slot wrap,
 * rows forgotten or re-created by the kernel's LRU, bounded size; and the
 * sparse-bucket percentile against the full-histogram one.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/client_model.h"
#include "core/hist.h"
#include "core/snapshot.h"

static struct abi_client_key key4(uint32_t host_order_addr, uint16_t port, uint32_t tgid)
{
	struct abi_client_key k;
	uint32_t be = htonl(host_order_addr);

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	memcpy(k.addr, &be, 4);
	k.port = port;
	k.tgid = tgid;
	k.dir = ABI_DIR_IN;
	return k;
}

static struct abi_client_val *val_new(void)
{
	struct abi_client_val *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	memcpy(v->comm, "nginx", 6);
	return v;
}

static void add_req(struct abi_client_val *v, uint64_t n, uint64_t ns)
{
	v->requests += n;
	v->req_sum_ns += n * ns;
	if (ns > v->req_max_ns)
		v->req_max_ns = ns;
	v->req_slots[abi_hist_slot(ns)] += (uint32_t)n;
}

static void add_conn(struct abi_client_val *v, uint64_t n, uint64_t ns)
{
	v->conn_count += n;
	v->conn_sum_ns += n * ns;
	if (ns > v->conn_max_ns)
		v->conn_max_ns = ns;
	v->conn_slots[abi_hist_slot(ns)] += (uint32_t)n;
}

/* One tick of a single row: begin, update, end. Returns the tick's evictions. */
static uint64_t tick1(struct client_model *m, struct snapshot *s, const struct abi_client_key *k,
		      const struct abi_client_val *v)
{
	snapshot_reset(s);
	client_model_begin(m);
	assert_int_equal(client_model_update(m, k, v, s), 0);
	return client_model_end(m);
}

/* Buckets of @l are strictly increasing by slot, sum to l->count, and carry no pad. */
static void check_sorted(const struct snapshot *s, const struct snap_lat *l)
{
	const struct hist_bucket *b = snap_lat_buckets(s, l);
	uint64_t n = 0;

	assert_true((size_t)l->first + l->n <= s->n_buckets);
	for (uint32_t i = 0; i < l->n; i++) {
		assert_true(b[i].count > 0);
		assert_true(b[i].slot < ABI_HIST_SLOTS);
		assert_int_equal(b[i].pad, 0);
		if (i)
			assert_true(b[i].slot > b[i - 1].slot);
		n += b[i].count;
	}
	assert_int_equal(n, l->count);
}

/* The buckets of @l are exactly the non-zero entries of want[] (ABI_HIST_SLOTS of them). */
static void check_buckets(const struct snapshot *s, const struct snap_lat *l, const uint64_t *want)
{
	const struct hist_bucket *b = snap_lat_buckets(s, l);
	uint32_t j = 0;

	check_sorted(s, l);
	for (uint32_t slot = 0; slot < ABI_HIST_SLOTS; slot++) {
		if (!want[slot])
			continue;
		if (j >= l->n)
			fail_msg("slot %u (count %llu) missing", slot, (unsigned long long)want[slot]);
		assert_int_equal(b[j].slot, slot);
		assert_int_equal(b[j].count, want[slot]);
		j++;
	}
	assert_int_equal(j, l->n);
}

static void slots_delta(uint64_t *out, const uint32_t *cur, const uint32_t *prev)
{
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		out[i] = (uint32_t)(cur[i] - (prev ? prev[i] : 0));
}

static void check_counts(const struct snap_client_counts *c, const struct abi_client_val *cur,
			 const struct abi_client_val *prev)
{
	const struct abi_client_val zero = { 0 };

	if (!prev)
		prev = &zero;
	assert_int_equal(c->connections, cur->connections - prev->connections);
	assert_int_equal(c->closed, cur->closed - prev->closed);
	assert_int_equal(c->failed, cur->failed - prev->failed);
	assert_int_equal(c->requests, cur->requests - prev->requests);
	assert_int_equal(c->bytes_in, cur->bytes_in - prev->bytes_in);
	assert_int_equal(c->bytes_out, cur->bytes_out - prev->bytes_out);
	assert_int_equal(c->resets, cur->resets - prev->resets);
	assert_int_equal(c->retransmits, cur->retransmits - prev->retransmits);
	assert_int_equal(c->adopted, cur->adopted - prev->adopted);
}

/* Every field of row @r against readings @cur and @prev (NULL: a fresh row). */
static void check_row(const struct snapshot *s, const struct snap_client_row *r,
		      const struct abi_client_val *cur, const struct abi_client_val *prev)
{
	static uint64_t want[ABI_HIST_SLOTS];

	check_counts(&r->interval, cur, prev);
	check_counts(&r->total, cur, NULL);
	assert_memory_equal(r->comm, cur->comm, ABI_COMM_LEN);
	assert_int_equal(r->open, cur->connections + cur->adopted - cur->closed);
	assert_int_equal(r->req.sum_ns, cur->req_sum_ns - (prev ? prev->req_sum_ns : 0));
	assert_int_equal(r->req_total.sum_ns, cur->req_sum_ns);
	assert_int_equal(r->req_total.max_ns, cur->req_max_ns);
	assert_int_equal(r->conn.sum_ns, cur->conn_sum_ns - (prev ? prev->conn_sum_ns : 0));
	assert_int_equal(r->conn_total.sum_ns, cur->conn_sum_ns);
	assert_int_equal(r->conn_total.max_ns, cur->conn_max_ns);
	slots_delta(want, cur->req_slots, prev ? prev->req_slots : NULL);
	check_buckets(s, &r->req, want);
	slots_delta(want, cur->req_slots, NULL);
	check_buckets(s, &r->req_total, want);
	slots_delta(want, cur->conn_slots, prev ? prev->conn_slots : NULL);
	check_buckets(s, &r->conn, want);
	slots_delta(want, cur->conn_slots, NULL);
	check_buckets(s, &r->conn_total, want);
}

/* (a) Two ticks of one key: deltas, totals, interval and total buckets. */
static void test_two_ticks(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4(0x7f000002, 8080, 42);
	struct abi_client_val *v1 = val_new(), *v2;
	const struct snap_client_row *r;
	struct snapshot s;

	(void)state;
	assert_non_null(m);
	snapshot_init(&s);
	v1->connections = 5;
	v1->closed = 3;
	v1->failed = 1;
	v1->bytes_in = 1000;
	v1->bytes_out = 5000;
	v1->resets = 2;
	v1->retransmits = 7;
	v1->adopted = 2;
	add_req(v1, 10, 1500);
	add_req(v1, 3, 2000000);
	add_req(v1, 1, 7);
	add_conn(v1, 2, 50000000);
	assert_int_equal(tick1(m, &s, &k, v1), 0);
	assert_int_equal(s.n_clients, 1);
	r = &s.clients[0];
	assert_memory_equal(&r->key, &k, sizeof(k));
	check_row(&s, r, v1, NULL);	/* first reading: interval == total */
	assert_int_equal(r->req.count, 14);
	assert_int_equal(r->req.max_ns, 2000000);
	assert_int_equal(client_model_size(m), 1);

	/* Second tick: some slots grow, one new slot, one unchanged. */
	v2 = val_new();
	memcpy(v2, v1, sizeof(*v2));
	v2->connections = 9;
	v2->closed = 4;
	v2->bytes_in = 1800;
	v2->bytes_out = 9000;
	v2->retransmits = 8;
	v2->adopted = 3;
	add_req(v2, 5, 1500);		/* existing slot grows */
	add_req(v2, 4, 30000000);	/* new slot, new max */
	add_conn(v2, 1, 1000);		/* new slot below the old one */
	assert_int_equal(tick1(m, &s, &k, v2), 0);
	assert_int_equal(s.n_clients, 1);
	r = &s.clients[0];
	check_row(&s, r, v2, v1);
	assert_int_equal(r->req.count, 9);
	assert_int_equal(r->req.n, 2);			/* 1500 ns and 30 ms; 7 ns and 2 ms unchanged */
	assert_int_equal(r->req_total.count, 23);
	assert_int_equal(r->req_total.n, 4);
	assert_int_equal(r->req.max_ns, 30000000);	/* the max grew: exact */
	assert_int_equal(r->conn.count, 1);
	assert_int_equal(r->conn_total.count, 3);
	assert_int_equal(r->open, 8);		/* 9 opened + 3 adopted - 4 closed */
	assert_int_equal(r->interval.adopted, 1);
	assert_int_equal(client_model_size(m), 1);

	/* Third tick, nothing new: empty interval, totals unchanged. */
	assert_int_equal(tick1(m, &s, &k, v2), 0);
	r = &s.clients[0];
	check_row(&s, r, v2, v2);
	assert_int_equal(r->req.n, 0);
	assert_int_equal(r->req.count, 0);
	assert_int_equal(r->req.p50_ns, 0);
	assert_int_equal(r->req.max_ns, 0);
	assert_int_equal(r->req_total.count, 23);

	snapshot_free(&s);
	client_model_free(m);
	free(v1);
	free(v2);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* |est - exact| <= exact / 16 */
static void assert_within_16th(uint64_t est, uint64_t exact, const char *what)
{
	uint64_t d = est > exact ? est - exact : exact - est;

	if (d * 16 > exact)
		fail_msg("%s: estimate %llu, exact %llu (off by %llu)", what, (unsigned long long)est,
			 (unsigned long long)exact, (unsigned long long)d);
}

/* (b) p50/p90/p99 of 10000 known samples within 1/16 of the exact nearest-rank values. */
static void test_percentiles(void **state)
{
	enum { N = 10000 };
	static uint64_t lat[N];
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4(0x0a000001, 443, 7);
	struct abi_client_val *v = val_new();
	const struct snap_client_row *r;
	struct snapshot s;
	uint64_t x = 0x9E3779B97F4A7C15ull;

	(void)state;
	snapshot_init(&s);
	for (int i = 0; i < N; i++) {
		/* Log-uniform over ~1 us .. ~1 s: xorshift, exponent and mantissa. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		lat[i] = (1ull << (10 + x % 20)) + (x >> 40) % (1ull << (10 + x % 20));
		add_req(v, 1, lat[i]);
	}
	qsort(lat, N, sizeof(lat[0]), cmp_u64);
	assert_int_equal(tick1(m, &s, &k, v), 0);
	r = &s.clients[0];
	assert_int_equal(r->req_total.count, N);
	/* Nearest rank: rank ceil(p/100 * N), 1-based. */
	assert_within_16th(r->req_total.p50_ns, lat[5000 - 1], "p50");
	assert_within_16th(r->req_total.p90_ns, lat[9000 - 1], "p90");
	assert_within_16th(r->req_total.p99_ns, lat[9900 - 1], "p99");
	assert_true(r->req_total.p50_ns <= r->req_total.p90_ns);
	assert_true(r->req_total.p90_ns <= r->req_total.p99_ns);
	assert_true(r->req_total.p99_ns <= r->req_total.max_ns);
	/* First reading: the interval is the same distribution. */
	assert_int_equal(r->req.p50_ns, r->req_total.p50_ns);
	assert_int_equal(r->req.p90_ns, r->req_total.p90_ns);
	assert_int_equal(r->req.p99_ns, r->req_total.p99_ns);
	/* No connections: all zero. */
	assert_int_equal(r->conn_total.n, 0);
	assert_int_equal(r->conn_total.p50_ns, 0);
	assert_int_equal(r->conn_total.p99_ns, 0);
	snapshot_free(&s);
	client_model_free(m);
	free(v);
}

/* (c) A 32-bit slot that wrapped: 0xFFFFFFF0 -> 0x10 is 0x20 more. */
static void test_slot_wrap(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4(0x0a000002, 80, 1);
	struct abi_client_val *v = val_new(), *prev = val_new();
	uint32_t slot = abi_hist_slot(123456);
	const struct snap_client_row *r;
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	v->requests = 0xFFFFFFF0ull;
	v->req_max_ns = 123456;
	v->req_slots[slot] = 0xFFFFFFF0u;
	v->conn_count = 0xFFFFFFFFull;
	v->conn_slots[3] = 0xFFFFFFFFu;
	assert_int_equal(tick1(m, &s, &k, v), 0);
	memcpy(prev, v, sizeof(*prev));
	v->requests += 0x20;
	v->req_slots[slot] = 0x10;
	v->conn_count += 1;
	v->conn_slots[3] = 0;		/* wrapped to exactly zero */
	assert_int_equal(tick1(m, &s, &k, v), 0);	/* a wrap is not an eviction */
	r = &s.clients[0];
	assert_int_equal(r->req.n, 1);
	assert_int_equal(snap_lat_buckets(&s, &r->req)[0].slot, slot);
	assert_int_equal(snap_lat_buckets(&s, &r->req)[0].count, 0x20);
	assert_int_equal(r->req.count, 0x20);
	assert_int_equal(r->req_total.n, 1);
	assert_int_equal(snap_lat_buckets(&s, &r->req_total)[0].count, 0x10);
	assert_int_equal(r->interval.requests, 0x20);
	assert_int_equal(r->conn.n, 1);
	assert_int_equal(snap_lat_buckets(&s, &r->conn)[0].slot, 3);
	assert_int_equal(snap_lat_buckets(&s, &r->conn)[0].count, 1);
	assert_int_equal(r->conn_total.n, 0);
	check_row(&s, r, v, prev);
	snapshot_free(&s);
	client_model_free(m);
	free(v);
	free(prev);
}

/* (d) A key not read this tick is forgotten and counted; if it comes back it starts over. */
static void test_missing_key(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key a = key4(0x7f000001, 80, 1), b = key4(0x7f000001, 81, 1);
	struct abi_client_val *va = val_new(), *vb = val_new();
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	add_req(va, 3, 1000);
	add_req(vb, 4, 2000);
	vb->connections = 2;
	client_model_begin(m);
	assert_int_equal(client_model_update(m, &a, va, &s), 0);
	assert_int_equal(client_model_update(m, &b, vb, &s), 0);
	assert_int_equal(client_model_end(m), 0);
	assert_int_equal(client_model_size(m), 2);

	/* b is gone from the kernel table. */
	add_req(va, 1, 1000);
	assert_int_equal(tick1(m, &s, &a, va), 1);
	assert_int_equal(client_model_size(m), 1);
	assert_int_equal(s.n_clients, 1);

	/* An empty tick forgets a as well. */
	snapshot_reset(&s);
	client_model_begin(m);
	assert_int_equal(client_model_end(m), 1);
	assert_int_equal(client_model_size(m), 0);

	/* b returns (same cumulative values): a fresh row, interval == cur. */
	assert_int_equal(tick1(m, &s, &b, vb), 0);
	assert_int_equal(client_model_size(m), 1);
	check_row(&s, &s.clients[0], vb, NULL);
	snapshot_free(&s);
	client_model_free(m);
	free(va);
	free(vb);
}

/* (e) Counters going backwards: the row was re-created; one eviction, interval == cur. */
static void test_backwards(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4(0xc0a80001, 5432, 99);
	struct abi_client_val *v1 = val_new(), *v2 = val_new(), *v3 = val_new();
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	v1->connections = 50;
	v1->closed = 40;
	v1->bytes_in = 100000;
	v1->bytes_out = 900000;
	add_req(v1, 100, 5000);
	add_req(v1, 20, 9000000);
	add_conn(v1, 40, 1000000);
	assert_int_equal(tick1(m, &s, &k, v1), 0);

	/* Re-created: fewer of everything, some slots below their old values. */
	v2->connections = 2;
	v2->closed = 1;
	v2->bytes_in = 300;
	v2->bytes_out = 700;
	add_req(v2, 3, 5000);
	add_req(v2, 1, 100);
	add_conn(v2, 1, 1000000);
	assert_int_equal(tick1(m, &s, &k, v2), 1);
	assert_int_equal(client_model_size(m), 1);
	check_row(&s, &s.clients[0], v2, NULL);
	assert_int_equal(s.clients[0].req.count, 4);
	assert_int_equal(s.clients[0].req.max_ns, v2->req_max_ns);

	/* And from there it goes on as usual. */
	memcpy(v3, v2, sizeof(*v3));
	v3->connections = 3;
	v3->bytes_in = 400;
	add_req(v3, 2, 5000);
	assert_int_equal(tick1(m, &s, &k, v3), 0);
	check_row(&s, &s.clients[0], v3, v2);
	snapshot_free(&s);
	client_model_free(m);
	free(v1);
	free(v2);
	free(v3);
}

/* (f) 20000 distinct keys, then 10 of them: size follows the kernel, 19990 evictions. */
static void test_many_keys_bounded(void **state)
{
	enum { MANY = 20000, FEW = 10 };
	struct client_model *m = client_model_new();
	struct abi_client_val *v = val_new();
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	v->connections = 1;
	client_model_begin(m);
	for (uint32_t i = 0; i < MANY; i++) {
		struct abi_client_key k = key4(0x0a000000 + i / 7, (uint16_t)(1000 + i % 7), i % 3);

		v->bytes_in = i;
		assert_int_equal(client_model_update(m, &k, v, &s), 0);
	}
	assert_int_equal(client_model_end(m), 0);
	assert_int_equal(client_model_size(m), MANY);
	assert_int_equal(s.n_clients, MANY);

	/* Keep every 1999th key; their counters grow by one connection. */
	for (int t = 0; t < 2; t++) {
		snapshot_reset(&s);
		client_model_begin(m);
		v->connections = 2 + (uint64_t)t;
		for (uint32_t j = 0; j < FEW; j++) {
			uint32_t i = j * 1999;
			struct abi_client_key k = key4(0x0a000000 + i / 7, (uint16_t)(1000 + i % 7), i % 3);

			v->bytes_in = i;
			assert_int_equal(client_model_update(m, &k, v, &s), 0);
			/* Found again, not a fresh row: the interval is a delta. */
			assert_int_equal(s.clients[j].interval.connections, 1);
			assert_int_equal(s.clients[j].interval.bytes_in, 0);
			assert_int_equal(s.clients[j].total.bytes_in, i);
		}
		assert_int_equal(client_model_end(m), t ? 0 : MANY - FEW);
		assert_int_equal(client_model_size(m), FEW);
	}
	snapshot_free(&s);
	client_model_free(m);
	free(v);
}

static const double pcts[] = { 0.0, 0.001, 0.5, 1, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 99,
			       99.9, 99.99, 100, 150 };

static void check_buckets_vs_full(const struct hist_bucket *b, size_t n, uint64_t max_ns)
{
	struct abi_hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	hist_from_buckets(h, b, n, 12345, max_ns);
	assert_int_equal(h->max_ns, max_ns);
	assert_int_equal(h->sum_ns, 12345);
	assert_int_equal(h->timed, h->count);
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		uint64_t sparse = hist_buckets_percentile_ns(b, n, max_ns, pcts[i]);
		uint64_t full = hist_percentile_ns(h, pcts[i]);

		if (sparse != full)
			fail_msg("p%g: sparse %llu, full %llu", pcts[i], (unsigned long long)sparse,
				 (unsigned long long)full);
	}
	free(h);
}

/* (g) The sparse percentile is the full-histogram one of the same data. */
static void test_sparse_vs_full(void **state)
{
	struct hist_bucket b[ABI_HIST_SLOTS];
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4(0x7f000001, 1, 1);
	struct abi_client_val *v = val_new();
	const struct snap_client_row *r;
	struct snapshot s;
	size_t n = 0;

	(void)state;
	/* Empty. */
	check_buckets_vs_full(b, 0, 0);
	assert_int_equal(hist_buckets_percentile_ns(NULL, 0, 0, 50), 0);
	/* One bucket, small exact slots, then a spread with uneven counts. */
	b[0] = (struct hist_bucket){ .slot = 3, .count = 1 };
	check_buckets_vs_full(b, 1, 3);
	for (uint32_t slot = 0; slot < ABI_HIST_SLOTS; slot += 1 + slot % 11) {
		b[n].slot = slot;
		b[n].pad = 0;
		b[n].count = 1 + (slot * 7919u) % 1000;
		n++;
	}
	check_buckets_vs_full(b, n, 0);
	/* max_ns clamps the top bucket's midpoint in both. */
	check_buckets_vs_full(b, n, hist_slot_lower_ns(b[n - 1].slot) + 1);
	check_buckets_vs_full(b, n, hist_slot_upper_ns(b[n - 2].slot));
	/* The last slot, which takes every larger value. */
	b[0] = (struct hist_bucket){ .slot = 5, .count = 1 };
	b[1] = (struct hist_bucket){ .slot = ABI_HIST_SLOTS - 1, .count = 9 };
	check_buckets_vs_full(b, 2, 0);
	check_buckets_vs_full(b, 2, UINT64_MAX);

	/* And the buckets client_model emits. */
	snapshot_init(&s);
	for (uint64_t ns = 1; ns < 4000000000ull; ns = ns * 3 + 1)
		add_req(v, 1 + ns % 17, ns);
	assert_int_equal(tick1(m, &s, &k, v), 0);
	r = &s.clients[0];
	check_buckets_vs_full(snap_lat_buckets(&s, &r->req_total), r->req_total.n,
			      r->req_total.max_ns);
	snapshot_free(&s);
	client_model_free(m);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_ticks),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_slot_wrap),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_backwards),
		cmocka_unit_test(test_many_keys_bounded),
		cmocka_unit_test(test_sparse_vs_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
