/*
 * test_rec_delta.c - format-4 delta ticks: a tick encoded against the one
 * before decodes to exactly what its keyframe decodes to, with rows that
 * stay the same, change (total = previous + interval, or not), change
 * cgroup, disappear and appear, the breakdown parts and every section;
 * whole buffers across keyframe boundaries; deltas without their base;
 * the reader's seek to every tick and header-only walk to the end.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/rec_format.h"
#include "core/snapshot.h"
#include "export/rec_reader.h"
#include "rec_fixture.h"

struct row_spec {
	uint32_t pid, nr;
	uint64_t iv_count, total_count, cgid, part;
	bool exited;
};

static void put_hist(struct snapshot *s, struct snap_hist *out, uint64_t count, uint64_t part)
{
	struct abi_hist h;

	memset(&h, 0, sizeof(h));
	if (count) {
		h.count = h.timed = count;
		h.errors = count / 3;
		h.sum_ns = 1000 * count;
		h.max_ns = 900 + count;
		h.slots[3] = count / 2;
		h.slots[40] = count - count / 2;
	}
	assert_int_equal(snapshot_put_hist(s, out, &h), 0);
	out->part_ns[0] = part;
	out->part_ns[ABI_PARTS - 1] = part / 2;
}

static void make(struct snapshot *s, uint64_t seq, const struct row_spec *rows, size_t n)
{
	struct snap_client_row *c;

	snapshot_reset(s);
	s->seq = seq;
	s->ts_ns = seq * 1000;
	s->interval_ns = 1000;
	s->sample_every = 1;
	s->breakdown = true;
	s->cgroups_state = SNAP_CGROUPS_ON;
	strcpy(s->source, "test");
	for (size_t i = 0; i < n; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);

		assert_non_null(r);
		r->pid = rows[i].pid;
		r->nr = rows[i].nr;
		r->pstart_ns = rows[i].pid * 7ull;
		r->exited = rows[i].exited;
		r->cgroup_id = rows[i].cgid;
		snprintf(r->comm, sizeof(r->comm), "p%u", rows[i].pid);
		put_hist(s, &r->interval, rows[i].iv_count, rows[i].part);
		put_hist(s, &r->total, rows[i].total_count, 3 * rows[i].part);
	}
	c = snapshot_add_client(s);	/* clients and families stay whole in a delta */
	assert_non_null(c);
	c->key.port = 443;
	c->interval.requests = seq;
	s->fam[SNAP_FAM_RUNQ].state = SNAP_FAM_ON;
}

/* Encode @cur against @prev_dec, decode, compare with @cur's keyframe; the delta's size. */
static size_t round_trip(const struct snapshot *prev_dec, const struct snapshot *cur)
{
	struct snapshot want, got;
	struct rec_buf b = { 0 };
	size_t n;

	snapshot_init(&want);
	snapshot_init(&got);
	as_keyframe(cur, &want);
	/* format 4's delta still reads (it is in older recordings) */
	assert_int_equal(rec_encode_tick_delta_v4(&b, cur, prev_dec), 0);
	assert_int_equal(rec_decode_tick_delta_v4(b.data, b.len, prev_dec, &got, NULL), 0);
	assert_same(&got, &want);
	/* and format 5's */
	b.len = 0;
	assert_int_equal(rec_encode_tick_delta_v5(&b, cur, prev_dec), 0);
	assert_int_equal(rec_decode_tick_delta_v5(b.data, b.len, prev_dec, &got, NULL), 0);
	assert_same(&got, &want);
	b.len = 0;
	assert_int_equal(rec_encode_tick_delta(&b, cur, prev_dec), 0);
	assert_int_equal(rec_decode_tick_delta(b.data, b.len, prev_dec, &got, NULL), 0);
	assert_same(&got, &want);
	assert_int_equal(got.n_sys, cur->n_sys);
	n = b.len;
	rec_buf_free(&b);
	snapshot_free(&want);
	snapshot_free(&got);
	return n;
}

static void test_rows_same_changed_gone_new(void **state)
{
	const struct row_spec t1[] = {
		{ 1, 0, 5, 50, 9, 100, false },	/* stays the same */
		{ 1, 1, 4, 40, 9, 10, false },	/* active: total = previous + interval */
		{ 2, 0, 0, 30, 9, 0, false },	/* gone next tick */
		{ 3, 0, 2, 20, 9, 7, false },	/* total not a sum, cgroup moves */
		{ 4, 0, 0, 10, 9, 0, false },	/* goes idle, exits */
	};
	const struct row_spec t2[] = {
		{ 1, 0, 5, 50, 9, 100, false },
		{ 1, 1, 6, 46, 9, 10, false },
		{ 3, 0, 2, 99, 12, 8, false },
		{ 4, 0, 0, 10, 9, 0, true },
		{ 5, 0, 1, 1, 9, 1, false },	/* new */
	};
	struct snapshot a, a_dec, b;

	(void)state;
	snapshot_init(&a);
	snapshot_init(&a_dec);
	snapshot_init(&b);
	make(&a, 1, t1, 5);
	as_keyframe(&a, &a_dec);
	make(&b, 2, t2, 5);
	round_trip(&a_dec, &b);
	/* an unchanged tick is a few bytes per run of rows, not per row */
	make(&b, 2, t1, 5);
	{
		size_t n = round_trip(&a_dec, &b);

		/* the tick header, sections, 10 row column lengths, 8 per family table */
		if (n >= 260)
			fail_msg("an unchanged tick is %zu bytes", n);
	}
	/* every row gone, and every row new */
	make(&b, 2, NULL, 0);
	round_trip(&a_dec, &b);
	make(&b, 2, t2 + 4, 1);
	round_trip(&a_dec, &b);
	snapshot_free(&a);
	snapshot_free(&a_dec);
	snapshot_free(&b);
}

static void test_delta_needs_its_base(void **state)
{
	const struct row_spec t1[] = { { 1, 0, 5, 50, 9, 100, false } };
	struct snapshot a, a_dec, b, out;
	struct rec_buf buf = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	snapshot_init(&a);
	snapshot_init(&a_dec);
	snapshot_init(&b);
	snapshot_init(&out);
	make(&a, 1, t1, 1);
	as_keyframe(&a, &a_dec);
	make(&b, 2, t1, 1);
	assert_int_equal(rec_encode_tick_delta(&buf, &b, &a_dec), 0);
	a_dec.seq = 7;	/* another tick: refused, not misread */
	assert_int_equal(rec_decode_tick_delta(buf.data, buf.len, &a_dec, &out, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "delta tick against tick 1"));
	/* a delta as a keyframe does not decode silently either */
	assert_int_not_equal(rec_decode_tick(buf.data, buf.len, &out, NULL), 0);
	rec_buf_free(&buf);
	snapshot_free(&a);
	snapshot_free(&a_dec);
	snapshot_free(&b);
	snapshot_free(&out);
}

#define N_TICKS 100

struct count_ctx {
	uint64_t seen;
	struct snapshot want[N_TICKS];
};

static int on_tick(void *ctx, const struct snapshot *s)
{
	struct count_ctx *c = ctx;

	assert_same(s, &c->want[c->seen]);
	c->seen++;
	return 0;
}

/* A file as a writer makes it: keyframes every REC_KEYFRAME_TICKS, deltas between. */
static void build_file(struct rec_buf *file, struct snapshot *want)
{
	struct rec_buf pl = { 0 };
	struct rec_meta m = { 0 };
	struct snapshot cur, prev;
	size_t keys = 0;
	char num[32];

	snapshot_init(&cur);
	snapshot_init(&prev);
	assert_int_equal(rec_encode_file_header(file), 0);
	snprintf(num, sizeof(num), "%d", REC_FORMAT_VERSION);
	assert_int_equal(rec_meta_set(&m, "format", num), 0);
	snprintf(num, sizeof(num), "%d", ABI_HIST_SUB_BITS);
	assert_int_equal(rec_meta_set(&m, "hist_sub_bits", num), 0);
	snprintf(num, sizeof(num), "%d", ABI_HIST_MAX_POW);
	assert_int_equal(rec_meta_set(&m, "hist_max_pow", num), 0);
	snprintf(num, sizeof(num), "%d", ABI_HIST_SLOTS);
	assert_int_equal(rec_meta_set(&m, "hist_slots", num), 0);
	assert_int_equal(rec_encode_meta(&pl, &m), 0);
	rec_meta_free(&m);
	assert_int_equal(rec_encode_record(file, REC_META, pl.data, pl.len, true), 0);
	for (uint64_t t = 0; t < N_TICKS; t++) {
		struct row_spec rows[3] = {
			{ 1, 0, t % 3, 10 + t, 1, t, false },
			{ 2, 0, 1, 100 + t, 1, 1, false },
			{ 3 + (uint32_t)(t / 10), 0, 1, 1, 1, 1, false },	/* churns */
		};
		bool key = t % REC_KEYFRAME_TICKS == 0;

		make(&cur, t + 1, rows, 3);
		snapshot_init(&want[t]);
		as_keyframe(&cur, &want[t]);
		pl.len = 0;
		assert_int_equal(key ? rec_encode_tick(&pl, &cur) :
				 rec_encode_tick_delta(&pl, &cur, &prev), 0);
		assert_int_equal(rec_encode_record_flags(file, REC_TICK,
							 key ? 0 : REC_FLAGS_DELTA_NOW,
							 pl.data, pl.len, true), 0);
		keys += key;
		assert_int_equal(snapshot_copy(&prev, &want[t]), 0);
	}
	pl.len = 0;
	assert_int_equal(rec_encode_end(&pl, N_TICKS, 0), 0);
	assert_int_equal(rec_encode_record(file, REC_END, pl.data, pl.len, false), 0);
	assert_true(keys >= 2);
	rec_buf_free(&pl);
	snapshot_free(&cur);
	snapshot_free(&prev);
}

static void test_buffer_across_keyframes(void **state)
{
	static struct count_ctx ctx;
	struct rec_buf file = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	build_file(&file, ctx.want);
	if (rec_decode_buffer(file.data, file.len, on_tick, &ctx, &e))
		fail_msg("%s at %llu", e.msg, (unsigned long long)e.offset);
	assert_int_equal(ctx.seen, N_TICKS);
	for (int t = 0; t < N_TICKS; t++)
		snapshot_free(&ctx.want[t]);
	rec_buf_free(&file);
}

/*
 * Replay's seeks: a seek to every tick (backwards, so each one rebuilds its
 * base from a keyframe) decodes what the sequential walk decoded, and the
 * header-only walk of `]` (rec_reader_skip) finds the same tick offsets.
 */
static void test_reader_seek_every_tick(void **state)
{
	static struct snapshot want[N_TICKS];
	uint64_t off[N_TICKS], before[N_TICKS], b;
	char path[] = "/tmp/test_rec_delta.XXXXXX", err[256];
	struct rec_buf file = { 0 };
	struct rec_reader *r;
	struct snapshot got;
	int fd;

	(void)state;
	build_file(&file, want);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file.data, file.len), (ssize_t)file.len);
	close(fd);
	snapshot_init(&got);
	r = rec_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	for (int t = 0; t < N_TICKS; t++) {
		off[t] = rec_reader_tell(r, &before[t]);
		assert_int_equal(rec_reader_next(r, &got, err, sizeof(err)), 1);
		assert_same(&got, &want[t]);
	}
	assert_int_equal(rec_reader_next(r, &got, err, sizeof(err)), 0);
	for (int t = N_TICKS - 1; t >= 0; t--) {
		assert_int_equal(rec_reader_seek(r, off[t], before[t]), 0);
		assert_int_equal(rec_reader_next(r, &got, err, sizeof(err)), 1);
		assert_same(&got, &want[t]);
	}
	rec_reader_close(r);
	r = rec_reader_open(path, err, sizeof(err));
	assert_non_null(r);
	for (int t = 0; t < N_TICKS; t++) {
		assert_int_equal(rec_reader_tell(r, &b), off[t]);
		assert_int_equal(b, before[t]);
		assert_int_equal(rec_reader_skip(r, err, sizeof(err)), 1);
	}
	assert_int_equal(rec_reader_skip(r, err, sizeof(err)), 0);	/* END counts checked */
	assert_int_equal(rec_reader_seek(r, off[N_TICKS - 1], before[N_TICKS - 1]), 0);
	assert_int_equal(rec_reader_next(r, &got, err, sizeof(err)), 1);
	assert_same(&got, &want[N_TICKS - 1]);
	rec_reader_close(r);
	unlink(path);
	for (int t = 0; t < N_TICKS; t++)
		snapshot_free(&want[t]);
	snapshot_free(&got);
	rec_buf_free(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_same_changed_gone_new),
		cmocka_unit_test(test_delta_needs_its_base),
		cmocka_unit_test(test_buffer_across_keyframes),
		cmocka_unit_test(test_reader_seek_every_tick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
