/*
 * test_clients.c - per-client logic: deltas of the kernel's cumulative rows
 * (32-bit slot wrap, LRU re-creation, forgetting), sparse percentiles against
 * the full-histogram ones, ip:/port: filters, CSV cells.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/client_model.h"
#include "core/filter.h"
#include "core/hist.h"
#include "export/csv.h"

static struct abi_client_key key4(const char *addr, uint16_t port)
{
	struct abi_client_key k;

	memset(&k, 0, sizeof(k));
	k.family = AF_INET;
	k.port = port;
	k.tgid = 42;
	assert_int_equal(inet_pton(AF_INET, addr, k.addr), 1);
	return k;
}

static struct abi_client_val *val_new(void)
{
	struct abi_client_val *v = calloc(1, sizeof(*v));

	assert_non_null(v);
	memcpy(v->comm, "nginx", 6);
	return v;
}

static void add_req(struct abi_client_val *v, uint64_t ns)
{
	v->requests++;
	v->req_sum_ns += ns;
	if (ns > v->req_max_ns)
		v->req_max_ns = ns;
	v->req_slots[abi_hist_slot(ns)]++;
}

static uint64_t lat_bucket_sum(const struct snapshot *s, const struct snap_lat *l)
{
	const struct hist_bucket *b = snap_lat_buckets(s, l);
	uint64_t n = 0;

	for (uint32_t i = 0; i < l->n; i++) {
		n += b[i].count;
		if (i)
			assert_true(b[i].slot > b[i - 1].slot);
	}
	return n;
}

static void test_deltas_and_totals(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4("127.0.0.2", 80);
	struct abi_client_val *v = val_new();
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	for (int i = 0; i < 10; i++)
		add_req(v, 2000000);
	v->connections = 2;
	v->bytes_in = 700;
	client_model_begin(m);
	assert_int_equal(client_model_update(m, &k, v, &s), 0);
	assert_int_equal(client_model_end(m), 0);
	assert_int_equal(s.n_clients, 1);
	assert_int_equal(s.clients[0].interval.requests, 10);
	assert_int_equal(lat_bucket_sum(&s, &s.clients[0].req), 10);

	/* Second tick: 5 more requests at 8 ms. */
	for (int i = 0; i < 5; i++)
		add_req(v, 8000000);
	v->connections = 3;
	snapshot_reset(&s);
	client_model_begin(m);
	assert_int_equal(client_model_update(m, &k, v, &s), 0);
	client_model_end(m);
	assert_int_equal(s.clients[0].interval.requests, 5);
	assert_int_equal(s.clients[0].interval.connections, 1);
	assert_int_equal(s.clients[0].total.requests, 15);
	assert_int_equal(s.clients[0].open, 3);
	assert_int_equal(lat_bucket_sum(&s, &s.clients[0].req), 5);
	assert_int_equal(lat_bucket_sum(&s, &s.clients[0].req_total), 15);
	/* Only 8 ms samples this tick: the interval p50 is within 1/16 of 8 ms. */
	assert_true(s.clients[0].req.p50_ns >= 7500000 && s.clients[0].req.p50_ns <= 8500000);
	assert_true(s.clients[0].req_total.p50_ns >= 1875000 && s.clients[0].req_total.p50_ns <= 2125000);
	snapshot_free(&s);
	client_model_free(m);
	free(v);
}

static void test_slot_wrap_and_recreation(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key k = key4("10.0.0.1", 443);
	struct abi_client_val *v = val_new();
	uint32_t slot = abi_hist_slot(5000);
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	v->requests = 100;
	v->req_slots[slot] = 0xFFFFFFF0u;
	client_model_begin(m);
	client_model_update(m, &k, v, &s);
	client_model_end(m);
	v->requests = 132;
	v->req_slots[slot] = 0x10;	/* wrapped: 0x20 more */
	snapshot_reset(&s);
	client_model_begin(m);
	client_model_update(m, &k, v, &s);
	assert_int_equal(client_model_end(m), 0);
	assert_int_equal(s.clients[0].req.n, 1);
	assert_int_equal(s.buckets[s.clients[0].req.first].count, 0x20);

	/* The LRU dropped and re-created the row: counters went back, one eviction, fresh start. */
	memset(v->req_slots, 0, sizeof(v->req_slots));
	v->requests = 3;
	v->req_slots[slot] = 3;
	snapshot_reset(&s);
	client_model_begin(m);
	client_model_update(m, &k, v, &s);
	assert_int_equal(client_model_end(m), 1);
	assert_int_equal(s.clients[0].interval.requests, 3);
	assert_int_equal(lat_bucket_sum(&s, &s.clients[0].req), 3);
	snapshot_free(&s);
	client_model_free(m);
	free(v);
}

static void test_forgets_rows_gone_from_the_kernel(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_val *v = val_new();
	struct snapshot s;
	char addr[32];

	(void)state;
	snapshot_init(&s);
	v->connections = 1;
	client_model_begin(m);
	for (int i = 0; i < 20000; i++) {
		struct abi_client_key k;

		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 250, i % 250);
		k = key4(addr, 80);
		assert_int_equal(client_model_update(m, &k, v, &s), 0);
	}
	assert_int_equal(client_model_end(m), 0);
	assert_int_equal(client_model_size(m), 20000);
	snapshot_reset(&s);
	client_model_begin(m);
	for (int i = 0; i < 10; i++) {
		struct abi_client_key k;

		snprintf(addr, sizeof(addr), "10.%d.%d.1", i / 250, i % 250);
		k = key4(addr, 80);
		client_model_update(m, &k, v, &s);
	}
	assert_int_equal(client_model_end(m), 19990);
	assert_int_equal(client_model_size(m), 10);
	assert_int_equal(s.clients[3].interval.connections, 0);	/* still known: no new counts */
	snapshot_free(&s);
	client_model_free(m);
	free(v);
}

static void test_sparse_percentiles_match_full(void **state)
{
	static struct abi_hist h, back;
	struct hist_bucket b[ABI_HIST_SLOTS];
	size_t n = 0;
	uint64_t x = 88172645463325252ull;

	(void)state;
	for (int i = 0; i < 10000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		h.slots[abi_hist_slot(1000 + x % 50000000)]++;
		h.count++;
	}
	h.timed = h.count;
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		if (h.slots[i])
			b[n++] = (struct hist_bucket){ .slot = i, .count = h.slots[i] };
	for (double p = 1; p <= 100; p += 7.5)
		assert_int_equal(hist_buckets_percentile_ns(b, n, 0, p), hist_percentile_ns(&h, p));
	hist_from_buckets(&back, b, n, 0, 0);
	assert_memory_equal(back.slots, h.slots, sizeof(h.slots));
	assert_int_equal(hist_buckets_percentile_ns(b, 0, 0, 50), 0);
}

static struct snap_client_row crow(int family, const char *addr, uint16_t port)
{
	struct snap_client_row r;

	memset(&r, 0, sizeof(r));
	r.key.family = (uint16_t)family;
	r.key.port = port;
	r.key.tgid = 7;
	assert_int_equal(inet_pton(family, addr, r.key.addr), 1);
	memcpy(r.comm, "nginx", 6);
	return r;
}

static void test_ip_port_filters(void **state)
{
	struct filter f, g;
	struct snap_client_row a = crow(AF_INET, "127.5.6.7", 80), b = crow(AF_INET, "128.0.0.1", 80);
	struct snap_client_row c = crow(AF_INET6, "fe80::1", 443), d = crow(AF_INET6, "::1", 80);
	struct snap_sys_row sys;
	char err[160], text[FILTER_TEXT_MAX];

	(void)state;
	assert_int_equal(filter_parse(&f, "ip:127.0.0.0/8", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &a));
	assert_false(filter_match_client(&f, &b));
	assert_false(filter_match_client(&f, &d));
	assert_int_equal(filter_parse(&f, "ip:fe80::/10 port:443", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &c));
	assert_false(filter_match_client(&f, &d));
	assert_int_equal(filter_parse(&f, "ip:0.0.0.0/0", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &a) && filter_match_client(&f, &b));
	assert_false(filter_match_client(&f, &c));
	/* Masked on input, canonical on output, and the text parses back to the same filter. */
	assert_int_equal(filter_parse(&f, "ip:10.1.2.3/16,::1 port:80,443 nginx", err, sizeof(err)), 0);
	filter_format(&f, text, sizeof(text));
	assert_string_equal(text, "nginx ip:10.1.0.0/16,::1 port:80,443");
	assert_int_equal(filter_parse(&g, text, err, sizeof(err)), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	/* sys: leaves client rows alone, ip:/port: leave syscall rows alone; names apply to both. */
	assert_int_equal(filter_parse(&f, "sys:read", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &a));
	assert_int_equal(filter_parse(&f, "port:9", err, sizeof(err)), 0);
	memset(&sys, 0, sizeof(sys));
	assert_true(filter_match_sys(&f, &sys));
	assert_int_equal(filter_parse(&f, "postgres", err, sizeof(err)), 0);
	assert_false(filter_match_client(&f, &a));
	static const char *const bad[] = { "ip:", "ip:1.2.3", "ip:1.2.3.4/33", "ip:::1/129",
					   "ip:1.2.3.4/-1", "ip:1.2.3.4/08", "port:0",
					   "port:65536", "port:abc", "ip:1.2.3.4/" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(filter_parse(&f, bad[i], err, sizeof(err)), -EINVAL);
}

static void test_csv_cells(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "nginx", "\"nginx\"" },
		{ "=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"" },
		{ "+1", "\"'+1\"" }, { "-1", "\"'-1\"" }, { "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "a\"b", "\"a\"\"b\"" },
		{ "\x1b[31mred", "\"?[31mred\"" },
	};
	char *buf;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = open_memstream(&buf, &len);

		csv_write_cell(f, cases[i].in, strlen(cases[i].in));
		fclose(f);
		assert_string_equal(buf, cases[i].out);
		free(buf);
	}
}

static void test_csv_event_line(void **state)
{
	struct abi_client_event ev;
	char *buf;
	size_t len;
	FILE *f;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.kind = ABI_CEV_REQUEST;
	ev.ts_ns = 1000;
	ev.latency_ns = 2000000;
	ev.bytes_in = 7;
	ev.bytes_out = 100;
	ev.key.family = AF_INET6;
	ev.key.port = 8080;
	ev.key.tgid = 42;
	inet_pton(AF_INET6, "::1", ev.key.addr);
	memcpy(ev.comm, "nginx", 6);
	f = open_memstream(&buf, &len);
	assert_int_equal(csv_write_header(f), 0);
	assert_int_equal(csv_write_client_event(f, &ev, 5), 0);
	ev.kind = ABI_CEV_CONN;
	ev.key.dir = ABI_DIR_OUT;
	assert_int_equal(csv_write_client_event(f, &ev, 5), 0);
	fclose(f);
	assert_string_equal(buf,
		"timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out\n"
		"1005,2000000,request,42,\"nginx\",::1,8080,in,7,100\n"
		"1005,2000000,connect,42,\"nginx\",::1,8080,out,7,100\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deltas_and_totals),
		cmocka_unit_test(test_slot_wrap_and_recreation),
		cmocka_unit_test(test_forgets_rows_gone_from_the_kernel),
		cmocka_unit_test(test_sparse_percentiles_match_full),
		cmocka_unit_test(test_ip_port_filters),
		cmocka_unit_test(test_csv_cells),
		cmocka_unit_test(test_csv_event_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
