/*
 * test_rec_format.c - the recording format: encode -> decode round trips of
 * constructed snapshots and samples (edge slots, UINT64_MAX, empty), whole
 * files in memory, and rejection of every truncation, every single-byte
 * flip, foreign and newer files, and payloads that lie (slot out of range,
 * counts larger than the record, long strings, trailing bytes), each with
 * the offset it names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/family.h"
#include "core/rec_format.h"
#include "core/rec_sections.h"
#include "core/rec_varint.h"
#include "core/snapshot.h"

/* A histogram with extreme values, stored in @s as *@out. */
static void fill_hist(struct snapshot *s, struct snap_hist *out, uint64_t base)
{
	struct abi_hist h;

	memset(&h, 0, sizeof(h));
	h.count = base + 10;
	h.errors = base;
	h.timed = base + 9;
	h.sum_ns = UINT64_MAX;
	h.max_ns = UINT64_MAX - base;
	h.slots[0] = 1;
	h.slots[17] = base + 3;
	h.slots[ABI_HIST_SLOTS - 1] = UINT64_MAX;
	assert_int_equal(snapshot_put_hist(s, out, &h), 0);
}

static void add_lat(struct snapshot *s, struct snap_lat *l, uint32_t n, uint64_t base)
{
	assert_int_equal(snapshot_reserve_buckets(s, n), 0);
	l->count = base;
	l->sum_ns = base * 1000;
	l->max_ns = UINT64_MAX;
	l->p50_ns = 5;
	l->p90_ns = 9;
	l->p99_ns = 99;
	l->first = (uint32_t)s->n_buckets;
	l->n = n;
	for (uint32_t i = 0; i < n; i++) {
		struct hist_bucket *b = &s->buckets[s->n_buckets++];

		memset(b, 0, sizeof(*b));
		b->slot = i == n - 1 ? ABI_HIST_SLOTS - 1 : i * 7;
		b->count = i == 0 ? UINT64_MAX : base + i;
	}
}

/* The breakdown on, every family table on with rows (block: with both parts). */
static void add_families(struct snapshot *s)
{
	s->breakdown = true;
	for (size_t i = 0; i < s->n_sys; i++)
		for (int p = 0; p < ABI_PARTS; p++) {
			s->sys[i].interval.part_ns[p] = p == 3 ? UINT64_MAX : i * 10 + (uint64_t)p;
			s->sys[i].total.part_ns[p] = 1000 + i * 10 + (uint64_t)p;
		}
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		struct snap_table *t = &s->fam[f];

		t->state = SNAP_FAM_ON;
		snprintf(t->note, sizeof(t->note), "note %d \x1b", f);
		t->lost = 1;
		t->lost_total = UINT64_MAX;
		t->evicted = 3;
		t->evicted_total = 4;
		for (uint32_t i = 0; i < 2; i++) {
			struct snap_fam_row *r = snapshot_add_fam(s, (enum snap_family)f);

			assert_non_null(r);
			r->key.tgid = i ? UINT32_MAX : 5;
			r->key.a = f == SNAP_FAM_BLOCK ? (259u << 20) | i : ABI_FAM_ANY;
			r->key.b = f == SNAP_FAM_BLOCK ? ABI_BLOCK_FLUSH : 0;
			memcpy(r->key.comm, "0123456789abcdef", 16);
			if (f == SNAP_FAM_BLOCK)
				strcpy(r->label, i ? "nvme0n1" : "loop0");
			fill_hist(s, &r->interval, i + 7);
			fill_hist(s, &r->total, i + 8);
			for (unsigned int p = 0; p < family_get((enum snap_family)f)->n_parts; p++) {
				fill_hist(s, &r->part[p], i + 9 + p);
				fill_hist(s, &r->part_total[p], i + 11 + p);
			}
		}
	}
}

/* A snapshot with every field set: 3 syscall rows, 2 client rows. */
static void build(struct snapshot *s)
{
	snapshot_init(s);
	s->seq = 42;
	s->ts_ns = UINT64_MAX;
	s->interval_ns = 100000000;
	s->elapsed_ns = 4200000000ull;
	s->simulated = true;
	s->final = true;
	s->sample_every = UINT32_MAX;
	strcpy(s->source, "simulate");
	s->interval = (struct snap_counters){ 1, 2, 3, 4, 5, UINT64_MAX };
	s->total = (struct snap_counters){ UINT64_MAX, 7, 8, 9, 10, 11 };
	s->clients_state = SNAP_CLIENTS_CONN_ONLY;
	memset(s->clients_note, 'n', SNAP_NOTE_LEN - 1);
	for (uint32_t i = 0; i < 3; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);

		r->pid = i == 2 ? UINT32_MAX : 100 + i;
		r->nr = i;
		r->pstart_ns = UINT64_MAX - i;
		memcpy(r->comm, i == 1 ? "0123456789abcdef" : "\x1b[31mev", i == 1 ? 16 : 7);
		r->exited = i >= 1;
		r->wait = i == 2;	/* every combination of the row flags but wait alone */
		fill_hist(s, &r->interval, i);
		fill_hist(s, &r->total, i + 100);
	}
	for (uint32_t i = 0; i < 2; i++) {
		struct snap_client_row *r = snapshot_add_client(s);

		r->key.family = i ? 10 : 2;
		r->key.port = 65535;
		r->key.tgid = 7 + i;
		r->key.dir = (uint8_t)i;
		memset(r->key.addr, 0xa5, i ? 16 : 4);
		strcpy(r->comm, "nginx");
		r->open = UINT64_MAX;
		r->interval = (struct snap_client_counts){ 1, 2, 3, 4, 5, 6, 7, UINT64_MAX, 17 };
		r->total = (struct snap_client_counts){ 9, 10, 11, 12, 13, 14, 15, 16, 18 };
		add_lat(s, &r->req, 3, 10 + i);
		add_lat(s, &r->req_total, 1, 20 + i);
		add_lat(s, &r->conn, 0, 0);
		add_lat(s, &r->conn_total, 2, 30 + i);
	}
}

static void assert_same(const struct snapshot *a, const struct snapshot *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_true(a->ts_ns == b->ts_ns);
	assert_int_equal(a->interval_ns, b->interval_ns);
	assert_int_equal(a->elapsed_ns, b->elapsed_ns);
	assert_int_equal(a->simulated, b->simulated);
	assert_int_equal(a->final, b->final);
	assert_int_equal(a->sample_every, b->sample_every);
	assert_memory_equal(a->source, b->source, sizeof(a->source));
	assert_memory_equal(&a->interval, &b->interval, sizeof(a->interval));
	assert_memory_equal(&a->total, &b->total, sizeof(a->total));
	assert_int_equal(a->clients_state, b->clients_state);
	assert_memory_equal(a->clients_note, b->clients_note, sizeof(a->clients_note));
	assert_int_equal(a->n_sys, b->n_sys);
	assert_int_equal(a->n_clients, b->n_clients);
	assert_int_equal(a->n_buckets, b->n_buckets);
	if (a->n_sys)
		assert_memory_equal(a->sys, b->sys, a->n_sys * sizeof(*a->sys));
	if (a->n_clients)
		assert_memory_equal(a->clients, b->clients, a->n_clients * sizeof(*a->clients));
	if (a->n_buckets)
		assert_memory_equal(a->buckets, b->buckets, a->n_buckets * sizeof(*a->buckets));
	assert_int_equal(a->breakdown, b->breakdown);
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		const struct snap_table *x = &a->fam[f], *y = &b->fam[f];

		assert_int_equal(x->state, y->state);
		assert_string_equal(x->note, y->note);
		assert_true(x->lost == y->lost && x->lost_total == y->lost_total);
		assert_true(x->evicted == y->evicted && x->evicted_total == y->evicted_total);
		assert_int_equal(x->n, y->n);
		if (x->n)
			assert_memory_equal(x->rows, y->rows, x->n * sizeof(*x->rows));
	}
}

static void test_tick_round_trip(void **state)
{
	struct snapshot a, b;
	struct rec_buf buf = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	build(&a);
	snapshot_init(&b);
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_same(&a, &b);
	/* Decoding into a used snapshot resets it first. */
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_same(&a, &b);
	/* Sparse: three slots per histogram, not ABI_HIST_SLOTS. */
	assert_true(buf.len < 1200);
	/* With the breakdown and both family tables (12 more histograms). */
	add_families(&a);
	buf.len = 0;
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_same(&a, &b);
	assert_true(buf.len < 2600);
	snapshot_free(&a);
	snapshot_free(&b);
	rec_buf_free(&buf);
}

/*
 * A format-1 tick (written before "adopted" existed) ends after its client
 * rows; it reads with adopted 0. build() gives 2 rows whose adopted counts
 * (17, 18) are one-byte varints: the extension is the last 1 + 2 * 2 bytes.
 */
static void test_tick_format1_and_newer_fields(void **state)
{
	struct snapshot a, b;
	struct rec_buf buf = { 0 }, v3 = { 0 };
	struct rec_error e = { 0 };
	size_t v1_len;

	(void)state;
	build(&a);
	snapshot_init(&b);
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	/* the tagged sections (format 3) come last: a format-2 tick ends before them */
	assert_int_equal(rec_sections_put(&v3, &a, NULL, 0), 0);
	v1_len = buf.len - v3.len - 5;
	v3.len = 0;
	assert_int_equal(buf.data[v1_len], 1);	/* one extra counter */
	assert_int_equal(rec_decode_tick(buf.data, v1_len, &b, &e), 0);
	for (size_t i = 0; i < a.n_clients; i++)
		a.clients[i].interval.adopted = a.clients[i].total.adopted = 0;
	assert_same(&a, &b);
	/* A newer writer's extra counter (here a third pair per row) is skipped. */
	assert_int_equal(rec_buf_reserve(&v3, v1_len + 9), 0);
	memcpy(v3.data, buf.data, v1_len);
	memcpy(v3.data + v1_len, (const uint8_t[]){ 2, 17, 18, 99, 98, 17, 18, 97, 96 }, 9);
	v3.len = v1_len + 9;
	assert_int_equal(rec_decode_tick(v3.data, v3.len, &b, &e), 0);
	assert_int_equal(b.clients[1].interval.adopted, 17);
	assert_int_equal(b.clients[1].total.adopted, 18);
	/* An extension cut short is an error, not a format-1 tick. */
	assert_int_not_equal(rec_decode_tick(v3.data, v3.len - 1, &b, &e), 0);
	snapshot_free(&a);
	snapshot_free(&b);
	rec_buf_free(&buf);
	rec_buf_free(&v3);
}

static void test_empty_round_trip(void **state)
{
	struct snapshot a, b;
	struct rec_buf buf = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	snapshot_init(&a);
	snapshot_init(&b);
	build(&b);	/* must come back empty */
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_same(&a, &b);
	snapshot_free(&a);
	snapshot_free(&b);
	rec_buf_free(&buf);
}

static void test_samples_round_trip(void **state)
{
	struct abi_client_event ev[3], *out = NULL;
	struct rec_buf buf = { 0 };
	struct rec_error e = { 0 };
	size_t cap = 0, n = 0;
	int64_t m2r = 0;

	(void)state;
	memset(ev, 0, sizeof(ev));
	for (int i = 0; i < 3; i++) {
		ev[i].kind = i == 1 ? ABI_CEV_CONN : ABI_CEV_REQUEST;
		ev[i].ts_ns = UINT64_MAX - (uint64_t)i;
		ev[i].latency_ns = (uint64_t)i * 1000;
		ev[i].bytes_in = UINT64_MAX;
		ev[i].bytes_out = 3;
		ev[i].key.family = 2;
		ev[i].key.port = 8080;
		ev[i].key.tgid = 55;
		ev[i].key.dir = (uint8_t)(i & 1);
		memset(ev[i].key.addr, 127, 4);
		memcpy(ev[i].comm, "0123456789abcdef", 16);
	}
	assert_int_equal(rec_encode_samples(&buf, ev, 3, -1234567890123ll), 0);
	assert_int_equal(rec_decode_samples(buf.data, buf.len, &out, &cap, &n, &m2r, &e), 0);
	assert_int_equal(n, 3);
	assert_true(m2r == -1234567890123ll);
	assert_memory_equal(ev, out, sizeof(ev));
	free(out);
	rec_buf_free(&buf);
}

/* A whole recording: header, META, two ticks, samples, END. */
static void build_file(struct rec_buf *f, bool deflate)
{
	struct rec_buf pl = { 0 };
	struct rec_meta m = { 0 };
	struct abi_client_event ev;
	struct snapshot s;
	char num[16];

	build(&s);
	add_families(&s);	/* truncations and flips reach the sections too */
	assert_int_equal(rec_encode_file_header(f), 0);
	snprintf(num, sizeof(num), "%d", REC_FORMAT_VERSION);
	rec_meta_set(&m, "format", num);
	snprintf(num, sizeof(num), "%d", ABI_HIST_SUB_BITS);
	rec_meta_set(&m, "hist_sub_bits", num);
	snprintf(num, sizeof(num), "%d", ABI_HIST_MAX_POW);
	rec_meta_set(&m, "hist_max_pow", num);
	snprintf(num, sizeof(num), "%d", ABI_HIST_SLOTS);
	rec_meta_set(&m, "hist_slots", num);
	rec_meta_set(&m, "host", "a\nb");	/* newline in a value: replaced */
	assert_int_equal(rec_encode_meta(&pl, &m), 0);
	assert_int_equal(rec_encode_record(f, REC_META, pl.data, pl.len, deflate), 0);
	for (int i = 0; i < 2; i++) {
		pl.len = 0;
		s.seq = (uint64_t)i + 1;
		assert_int_equal(rec_encode_tick(&pl, &s), 0);
		assert_int_equal(rec_encode_record(f, REC_TICK, pl.data, pl.len, deflate), 0);
	}
	memset(&ev, 0, sizeof(ev));
	ev.kind = ABI_CEV_REQUEST;
	pl.len = 0;
	assert_int_equal(rec_encode_samples(&pl, &ev, 1, 5), 0);
	assert_int_equal(rec_encode_record(f, REC_SAMPLES, pl.data, pl.len, deflate), 0);
	pl.len = 0;
	assert_int_equal(rec_encode_end(&pl, 2, 1), 0);
	assert_int_equal(rec_encode_record(f, REC_END, pl.data, pl.len, deflate), 0);
	rec_meta_free(&m);
	rec_buf_free(&pl);
	snapshot_free(&s);
}

struct seen {
	uint64_t ticks;
	uint64_t last_seq;
};

static int on_tick(void *ctx, const struct snapshot *s)
{
	struct seen *n = ctx;

	n->ticks++;
	n->last_seq = s->seq;
	assert_int_equal(s->n_sys, 3);
	return 0;
}

static void test_file_ok(void **state)
{
	for (int deflate = 0; deflate < 2; deflate++) {
		struct rec_buf f = { 0 };
		struct rec_error e = { 0 };
		struct seen n = { 0 };

		(void)state;
		build_file(&f, deflate);
		if (rec_decode_buffer(f.data, f.len, on_tick, &n, &e))
			fail_msg("%llu: %s", (unsigned long long)e.offset, e.msg);
		assert_int_equal(n.ticks, 2);
		assert_int_equal(n.last_seq, 2);
		/* The ticks' histograms repeat: deflate makes the file smaller. */
		if (deflate)
			assert_true(f.data[REC_FILE_HDR_LEN + 1] == 0 || f.len < 2000);
		rec_buf_free(&f);
	}
}

static void test_truncated_everywhere(void **state)
{
	for (int deflate = 0; deflate < 2; deflate++) {
		struct rec_buf f = { 0 };

		(void)state;
		build_file(&f, deflate);
		for (size_t n = 0; n < f.len; n++) {
			struct rec_error e = { 0 };
			uint8_t *copy = malloc(n ? n : 1);	/* exact size: ASan sees overreads */

			memcpy(copy, f.data, n);
			assert_int_equal(rec_decode_buffer(copy, n, NULL, NULL, &e), -EPROTO);
			/* Where the data ends is where it is reported. */
			assert_int_equal(e.offset, n);
			assert_non_null(strstr(e.msg, n ? "truncated" : "empty"));
			free(copy);
		}
		rec_buf_free(&f);
	}
}

static void test_every_flip_rejected(void **state)
{
	for (int deflate = 0; deflate < 2; deflate++) {
		struct rec_buf f = { 0 };

		(void)state;
		build_file(&f, deflate);
		for (size_t i = 0; i < f.len; i++) {
			struct rec_error e = { 0 };

			f.data[i] ^= 0xff;
			assert_int_not_equal(rec_decode_buffer(f.data, f.len, NULL, NULL, &e), 0);
			assert_true(e.offset <= f.len);
			f.data[i] ^= 0xff;
		}
		rec_buf_free(&f);
	}
}

/* A flipped payload byte of the first tick: the CRC names that record's CRC field. */
static void test_flip_offset(void **state)
{
	struct rec_buf f = { 0 };
	struct rec_error e = { 0 };
	struct rec_hdr meta, tick;
	size_t tick_off;

	(void)state;
	build_file(&f, false);
	assert_int_equal(rec_decode_hdr(f.data + REC_FILE_HDR_LEN, REC_HDR_LEN, &meta, &e), 0);
	tick_off = REC_FILE_HDR_LEN + REC_HDR_LEN + meta.stored_len + REC_CRC_LEN;
	assert_int_equal(rec_decode_hdr(f.data + tick_off, REC_HDR_LEN, &tick, &e), 0);
	assert_int_equal(tick.type, REC_TICK);
	f.data[tick_off + REC_HDR_LEN + 5] ^= 1;
	assert_int_equal(rec_decode_buffer(f.data, f.len, NULL, NULL, &e), -EINVAL);
	assert_int_equal(e.offset, tick_off + REC_HDR_LEN + tick.stored_len);
	assert_non_null(strstr(e.msg, "CRC"));
	f.data[tick_off + REC_HDR_LEN + 5] ^= 1;
	/* An unknown record type: named at the record. */
	f.data[tick_off] = 9;
	assert_int_equal(rec_decode_buffer(f.data, f.len, NULL, NULL, &e), -EINVAL);
	assert_int_equal(e.offset, tick_off);
	assert_non_null(strstr(e.msg, "unknown record type 9"));
	rec_buf_free(&f);
}

static void test_foreign_and_newer(void **state)
{
	static const uint8_t png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13 };
	static const char text[] = "timestamp_ns,latency_ns\n1,2\n";
	struct rec_buf f = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	assert_int_equal(rec_decode_buffer(png, sizeof(png), NULL, NULL, &e), -EINVAL);
	assert_int_equal(e.offset, 0);
	assert_non_null(strstr(e.msg, "not a lattop recording"));
	assert_int_equal(rec_decode_buffer((const uint8_t *)text, sizeof(text) - 1, NULL, NULL, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "not a lattop recording"));
	assert_int_equal(rec_decode_buffer((const uint8_t *)"", 0, NULL, NULL, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "empty"));
	build_file(&f, true);
	f.data[REC_MAGIC_LEN] = REC_FORMAT_VERSION + 1;
	assert_int_equal(rec_decode_buffer(f.data, f.len, NULL, NULL, &e), -ENOTSUP);
	assert_int_equal(e.offset, REC_MAGIC_LEN);
	assert_non_null(strstr(e.msg, "newer"));
	rec_buf_free(&f);
}

/*
 * A syscall row's flags: format 1 wrote the exited flag alone (0 or 1) where
 * format 2 writes REC_ROW_* bits, so a format 1 tick reads as rows without
 * waits; an unknown bit is refused. A format 1 file header is accepted.
 */
static void put_one_row_tick(struct rec_buf *b, uint64_t flags)
{
	b->len = 0;
	for (int i = 0; i < 4; i++)
		rec_put_u64(b, 1);
	rec_put_u64(b, 0);		/* simulated */
	rec_put_u64(b, 1);		/* sample_every */
	rec_put_str(b, "bpf", 15);
	for (int i = 0; i < 12; i++)
		rec_put_u64(b, 0);
	rec_put_u64(b, 2);		/* clients_state */
	rec_put_str(b, "", 119);
	rec_put_u64(b, 1);		/* one row: pid, nr, pstart, comm */
	rec_put_u64(b, 1);
	rec_put_u64(b, 0);
	rec_put_u64(b, 3);
	rec_put_str(b, "x", 16);
	rec_put_u64(b, flags);
	for (int h = 0; h < 2; h++)	/* two empty histograms */
		for (int i = 0; i < 6; i++)
			rec_put_u64(b, 0);
	rec_put_u64(b, 0);		/* no clients */
}

static void test_row_flags(void **state)
{
	static const struct { uint64_t flags; bool exited, wait; } ok[] = {
		{ 0, false, false }, { 1, true, false },	/* as format 1 wrote them */
		{ 2, false, true }, { 3, true, true },
	};
	struct rec_buf b = { 0 }, f = { 0 };
	struct rec_error e = { 0 };
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		put_one_row_tick(&b, ok[i].flags);
		assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), 0);
		assert_int_equal(s.n_sys, 1);
		assert_int_equal(s.sys[0].exited, ok[i].exited);
		assert_int_equal(s.sys[0].wait, ok[i].wait);
	}
	put_one_row_tick(&b, 4);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "row flags"));
	/* A format 1 file: read. */
	build_file(&f, false);
	f.data[REC_MAGIC_LEN] = 1;
	assert_int_equal(rec_decode_buffer(f.data, f.len, NULL, NULL, &e), 0);
	snapshot_free(&s);
	rec_buf_free(&b);
	rec_buf_free(&f);
}

/* Payloads with a valid frame but lying content. */
static void test_bad_payloads(void **state)
{
	struct rec_buf b = { 0 };
	struct rec_error e = { 0 };
	struct snapshot s;
	struct rec_meta m;
	size_t hist_at;

	(void)state;
	snapshot_init(&s);
	/* header fields of a tick, then one syscall row whose histogram jumps past the last slot */
	for (int i = 0; i < 4; i++)
		rec_put_u64(&b, 1);
	rec_put_u64(&b, 0);		/* simulated */
	rec_put_u64(&b, 1);		/* sample_every */
	rec_put_str(&b, "bpf", 15);
	for (int i = 0; i < 12; i++)
		rec_put_u64(&b, 0);
	rec_put_u64(&b, 2);		/* clients_state */
	rec_put_str(&b, "", 119);
	rec_put_u64(&b, 1);		/* one row */
	rec_put_u64(&b, 1);
	rec_put_u64(&b, 2);
	rec_put_u64(&b, 3);
	rec_put_str(&b, "x", 16);
	rec_put_u64(&b, 0);
	for (int i = 0; i < 5; i++)
		rec_put_u64(&b, 1);
	rec_put_u64(&b, 2);		/* two slots */
	rec_put_u64(&b, 3);		/* slot 3 */
	rec_put_u64(&b, 1);
	hist_at = b.len;
	rec_put_u64(&b, ABI_HIST_SLOTS - 4);	/* slot 3 + 1 + gap = ABI_HIST_SLOTS */
	rec_put_u64(&b, 1);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_int_equal(e.offset, hist_at);
	assert_non_null(strstr(e.msg, "out of range"));
	/* the same gap minus one is the last slot: fine (with the rest of the tick) */
	b.len = hist_at;
	rec_put_u64(&b, ABI_HIST_SLOTS - 5);
	rec_put_u64(&b, 1);
	for (int i = 0; i < 6; i++)
		rec_put_u64(&b, 0);	/* total histogram: empty */
	rec_put_u64(&b, 0);		/* no clients */
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), 0);
	assert_int_equal(s.sys[0].interval.n, 2);
	assert_int_equal(snap_hist_buckets(&s, &s.sys[0].interval)[1].slot, ABI_HIST_SLOTS - 1);
	assert_int_equal(snap_hist_buckets(&s, &s.sys[0].interval)[1].count, 1);
	/* a trailing byte (after the client counters' extension and the sections: none here) */
	rec_put_u64(&b, 0);
	rec_put_u64(&b, 0);
	rec_put_u64(&b, 0);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "trailing"));
	/* a slot with no calls is never written: refused where its count is */
	b.len = hist_at;
	rec_put_u64(&b, ABI_HIST_SLOTS - 5);
	hist_at = b.len;
	rec_put_u64(&b, 0);
	for (int i = 0; i < 6; i++)
		rec_put_u64(&b, 0);
	rec_put_u64(&b, 0);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_int_equal(e.offset, hist_at);
	assert_non_null(strstr(e.msg, "empty histogram slot"));

	/* a row count larger than what is left: refused before allocating */
	b.len = 0;
	for (int i = 0; i < 6; i++)
		rec_put_u64(&b, 1);
	rec_put_str(&b, "bpf", 15);
	for (int i = 0; i < 12; i++)
		rec_put_u64(&b, 0);
	rec_put_u64(&b, 0);
	rec_put_str(&b, "", 119);
	rec_put_u64(&b, UINT64_MAX);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "larger than the record"));

	/* a source name longer than its field; tick flags beyond simulated|final; a varint of 11 bytes */
	b.len = 0;
	for (int i = 0; i < 6; i++)
		rec_put_u64(&b, 1);
	rec_put_str(&b, "0123456789abcdefgh", 18);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "source name"));
	b.len = 0;
	for (int i = 0; i < 4; i++)
		rec_put_u64(&b, 1);
	rec_put_u64(&b, 4);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "tick flags"));
	b.len = 0;
	rec_put_bytes(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11);
	assert_int_equal(rec_decode_tick(b.data, b.len, &s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "too large"));

	/* META: another histogram layout is refused, a bad line too */
	b.len = 0;
	rec_put_bytes(&b, "format=1\nhist_sub_bits=4\nhist_max_pow=40\nhist_slots=304\n", 56);
	assert_int_equal(rec_decode_meta(b.data, b.len, &m, &e), -ENOTSUP);
	assert_non_null(strstr(e.msg, "hist_sub_bits"));
	b.len = 0;
	rec_put_bytes(&b, "format=1\nBAD KEY=1\n", 19);
	assert_int_equal(rec_decode_meta(b.data, b.len, &m, &e), -EINVAL);
	assert_int_equal(e.offset, 9);
	snapshot_free(&s);
	rec_buf_free(&b);
}

/*
 * Format 2 ticks end after the client extension: breakdown off, tables off
 * and empty. Sections with a tag or a family this lattop does not know are
 * skipped; a section that lies about its length is refused.
 */
static void test_sections(void **state)
{
	struct snapshot a, b;
	struct rec_buf buf = { 0 }, sec = { 0 }, x = { 0 };
	struct rec_error e = { 0 };
	size_t v2_len;

	(void)state;
	build(&a);
	add_families(&a);
	snapshot_init(&b);
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_sections_put(&sec, &a, NULL, 0), 0);
	v2_len = buf.len - sec.len;
	assert_int_equal(rec_decode_tick(buf.data, v2_len, &b, &e), 0);
	assert_false(b.breakdown);
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		assert_int_equal(b.fam[f].state, SNAP_FAM_OFF);
		assert_int_equal(b.fam[f].n, 0);
	}
	assert_int_equal(b.sys[1].interval.part_ns[1], 0);
	assert_int_equal(b.n_sys, a.n_sys);

	/* an unknown tag (77) and an unknown family ("gpu") after ours: skipped */
	assert_int_equal(rec_buf_reserve(&x, buf.len + 64), 0);
	memcpy(x.data, buf.data, buf.len);
	x.len = buf.len;
	assert_int_equal(x.data[v2_len], 1 + SNAP_FAM_NR);
	x.data[v2_len] = 3 + SNAP_FAM_NR;
	rec_put_u64(&x, 77);
	rec_put_u64(&x, 3);
	rec_put_bytes(&x, "abc", 3);
	rec_put_u64(&x, REC_SEC_FAMILY);
	rec_put_u64(&x, 6);
	rec_put_str(&x, "gpu", 64);
	rec_put_bytes(&x, "\x01\x02", 2);
	assert_int_equal(rec_decode_tick(x.data, x.len, &b, &e), 0);
	assert_same(&a, &b);
	/* a section longer than the record */
	x.data[x.len - 7] = 60;
	assert_int_equal(rec_decode_tick(x.data, x.len, &b, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "section length"));
	rec_buf_free(&buf);
	rec_buf_free(&sec);
	rec_buf_free(&x);
	snapshot_free(&a);
	snapshot_free(&b);
}

/* Cgroups on every kind of row, a table with hostile bytes, a stack with no calls (not kept). */
static void add_cgroups(struct snapshot *s)
{
	static const char *const names[] = { "/", "web.service", "docker:3f2a\x1b[2J" };
	struct snap_stack *st;

	for (uint64_t i = 0; i < 3; i++) {
		struct snap_cgroup *cg = snapshot_add_cgroup(s);

		assert_non_null(cg);
		cg->id = i == 2 ? UINT64_MAX : 1 + i * 1000;
		cg->kind = i == 0 ? SNAP_CG_ROOT : i == 1 ? SNAP_CG_SYSTEMD : SNAP_CG_DOCKER;
		cg->gone = i == 2;
		memset(cg->path, 'p', sizeof(cg->path) - 1);
		strcpy(cg->name, names[i]);
	}
	s->cgroups_state = SNAP_CGROUPS_ON;
	strcpy(s->cgroups_note, "partial \x07");
	for (size_t i = 0; i < s->n_sys; i++)
		s->sys[i].cgroup_id = i ? s->cgroups[i % 3].id : 0;
	for (size_t i = 0; i < s->n_clients; i++)
		s->clients[i].key.cgid = 1001;
	for (int f = 0; f < SNAP_FAM_NR; f++)
		for (size_t i = 0; i < s->fam[f].n; i++)
			s->fam[f].rows[i].key.cgid = UINT64_MAX - i;
	s->slow_ns = 1000;
	for (int i = 0; i < 2; i++) {
		st = snapshot_add_stack(s);
		assert_non_null(st);
		st->pid = 5;
		st->count = (uint64_t)i;	/* the first has no calls: not recorded */
		st->cgroup_id = 1001 + (uint64_t)i;
	}
}

static void test_cgroups_round_trip(void **state)
{
	struct snapshot a, b;
	struct rec_buf buf = { 0 }, x = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	build(&a);
	add_families(&a);
	add_cgroups(&a);
	snapshot_init(&b);
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_same(&a, &b);
	assert_int_equal(b.cgroups_state, SNAP_CGROUPS_ON);
	assert_string_equal(b.cgroups_note, a.cgroups_note);
	assert_int_equal(b.n_cgroups, 3);
	assert_memory_equal(a.cgroups, b.cgroups, 3 * sizeof(*a.cgroups));
	assert_non_null(snapshot_cgroup(&b, UINT64_MAX));
	assert_true(b.sys[2].cgroup_id == UINT64_MAX && b.sys[0].cgroup_id == 0);
	assert_true(b.fam[SNAP_FAM_BLOCK].rows[1].key.cgid == UINT64_MAX - 1);
	assert_int_equal(b.n_stacks, 1);
	assert_true(b.stacks[0].cgroup_id == 1002);

	/*
	 * Without the section (an older recording, or cgroups off): ids 0,
	 * state OFF; the writer leaves it out when the state is OFF.
	 */
	a.cgroups_state = SNAP_CGROUPS_OFF;
	assert_int_equal(rec_encode_tick(&x, &a), 0);
	assert_true(x.len < buf.len);
	assert_int_equal(rec_decode_tick(x.data, x.len, &b, &e), 0);
	assert_int_equal(b.cgroups_state, SNAP_CGROUPS_OFF);
	assert_int_equal(b.n_cgroups, 0);
	assert_true(b.sys[2].cgroup_id == 0 && b.clients[0].key.cgid == 0);
	assert_true(b.fam[SNAP_FAM_BLOCK].rows[1].key.cgid == 0 && b.stacks[0].cgroup_id == 0);

	/* a table out of id order is refused (snapshot_cgroup searches by id) */
	a.cgroups_state = SNAP_CGROUPS_ON;
	a.sys[1].cgroup_id = 1;
	a.cgroups[0].id = 5000;
	x.len = 0;
	assert_int_equal(rec_encode_tick(&x, &a), 0);
	assert_int_equal(rec_decode_tick(x.data, x.len, &b, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "cgroups not in id order"));
	a.cgroups[0].id = 1;
	rec_buf_free(&buf);
	rec_buf_free(&x);
	snapshot_free(&a);
	snapshot_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tick_round_trip), cmocka_unit_test(test_empty_round_trip),
		cmocka_unit_test(test_tick_format1_and_newer_fields),
		cmocka_unit_test(test_samples_round_trip), cmocka_unit_test(test_file_ok),
		cmocka_unit_test(test_truncated_everywhere), cmocka_unit_test(test_every_flip_rejected),
		cmocka_unit_test(test_flip_offset), cmocka_unit_test(test_foreign_and_newer),
		cmocka_unit_test(test_row_flags),
		cmocka_unit_test(test_bad_payloads), cmocka_unit_test(test_sections),
		cmocka_unit_test(test_cgroups_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
