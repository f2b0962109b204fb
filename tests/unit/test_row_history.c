/*
 * test_row_history.c - the dashboard's per-row history: columns in a ring
 * (newest last, the oldest dropped after N), keys by identity, counts per
 * power-of-two row only for watched keys, p99 estimates against exact
 * values, merged columns (replay), the key limit, forgetting idle keys,
 * and a whole snapshot fed under every identity.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hist.h"
#include "core/row_history.h"
#include "core/snapshot.h"

/* Sparse buckets of @n samples of @lat_ns each. */
static size_t one_bucket(struct hist_bucket *b, uint64_t lat_ns, uint64_t n)
{
	b->slot = abi_hist_slot(lat_ns);
	b->pad = 0;
	b->count = n;
	return 1;
}

static void tick(struct row_history *h, uint64_t seq, const struct row_key *k, uint64_t lat_ns,
		 uint64_t n)
{
	struct hist_bucket b;

	row_history_tick_begin(h, seq, seq * 1000000000ull);
	if (k && n)
		assert_int_equal(row_history_add(h, k, &b, one_bucket(&b, lat_ns, n)), 0);
	row_history_tick_end(h);
}

static void test_rows(void **state)
{
	(void)state;
	assert_int_equal(row_history_row_lower_ns(0), 0);
	assert_int_equal(row_history_row_lower_ns(1), 1);
	assert_int_equal(row_history_row_lower_ns(11), 1024);
}

static void test_ring_and_counts(void **state)
{
	struct row_history *h = row_history_new(16, 4, 1);
	struct row_key rd, wr;
	uint32_t counts[ROW_HISTORY_ROWS];
	uint64_t p99;

	(void)state;
	assert_non_null(h);
	row_key_syscall(&rd, 0, false);
	row_key_syscall(&wr, 1, false);
	row_history_watch(h, &rd);
	assert_int_equal(row_history_ncols(h), 0);
	/* 150 ticks: read gets 1500 ns (row 11: [1024, 2048)) seq times */
	for (uint64_t s = 1; s <= 150; s++)
		tick(h, s, &rd, 1500, s);
	assert_int_equal(row_history_ncols(h), ROW_HISTORY_TICKS);
	/* the oldest kept is tick 31, the newest 150 */
	assert_int_equal(row_history_col(h, 0)->seq_first, 31);
	assert_int_equal(row_history_col(h, ROW_HISTORY_TICKS - 1)->seq_last, 150);
	assert_int_equal(row_history_col_of_seq(h, 150), ROW_HISTORY_TICKS - 1);
	assert_int_equal(row_history_col_of_seq(h, 30), -1);
	assert_true(row_history_counts(h, &rd, ROW_HISTORY_TICKS - 1, counts));
	assert_int_equal(counts[11], 150);
	assert_int_equal(counts[10], 0);
	assert_true(row_history_counts(h, &rd, 0, counts));
	assert_int_equal(counts[11], 31);
	assert_true(row_history_p99(h, &rd, 0, &p99));
	assert_true(p99 >= 1024 && p99 < 2048);
	/* write was never added: no p99, no counts */
	assert_false(row_history_p99(h, &wr, 0, &p99));
	assert_false(row_history_counts(h, &wr, 0, counts));
	assert_int_equal(counts[11], 0);
	/* a tick without read: its column says no data */
	tick(h, 151, NULL, 0, 0);
	assert_false(row_history_p99(h, &rd, ROW_HISTORY_TICKS - 1, &p99));
	assert_true(row_history_counts(h, &rd, ROW_HISTORY_TICKS - 1, counts));
	assert_int_equal(counts[11], 0);
	row_history_free(h);
}

/* An unwatched key has p99 values but no counts; watching starts its counts. */
static void test_watch(void **state)
{
	struct row_history *h = row_history_new(16, 1, 1);
	struct row_key a, b;
	uint32_t counts[ROW_HISTORY_ROWS];
	uint64_t p99;

	(void)state;
	row_key_process(&a, 10, 111, false);
	row_key_process(&b, 10, 111, true);	/* same process, waits view: another key */
	tick(h, 1, &a, 100, 5);
	assert_true(row_history_p99(h, &a, 0, &p99));
	assert_false(row_history_p99(h, &b, 0, &p99));
	assert_false(row_history_has_counts(h, &a));
	row_history_watch(h, &a);
	tick(h, 2, &a, 100, 5);
	assert_true(row_history_counts(h, &a, 1, counts));
	assert_int_equal(counts[7], 5);	/* 100 ns: [64, 128) */
	/* one heatmap slot: watching b takes it from a */
	row_history_watch(h, &b);
	assert_false(row_history_has_counts(h, &a));
	assert_true(row_history_has_counts(h, &b));
	row_history_free(h);
}

/* p99 of the estimate against the exact p99 of the samples: within its power-of-two row. */
static void test_p99_estimate(void **state)
{
	struct row_history *h = row_history_new(4, 0, 1);
	struct hist_bucket b[4];
	struct row_key k;
	uint64_t p99;

	(void)state;
	row_key_syscall(&k, 7, false);
	row_history_tick_begin(h, 1, 0);
	/* 990 calls of 10 us, 10 of 5 ms: the 990th (p99) is 10 us */
	one_bucket(&b[0], 10000, 990);
	one_bucket(&b[1], 5000000, 10);
	assert_int_equal(row_history_add(h, &k, b, 2), 0);
	row_history_tick_end(h);
	assert_true(row_history_p99(h, &k, 0, &p99));
	assert_true(p99 >= 8192 && p99 < 16384);
	/* 980 + 20: the 990th is 5 ms */
	row_history_tick_begin(h, 2, 0);
	one_bucket(&b[0], 10000, 980);
	one_bucket(&b[1], 5000000, 20);
	assert_int_equal(row_history_add(h, &k, b, 2), 0);
	row_history_tick_end(h);
	assert_true(row_history_p99(h, &k, 1, &p99));
	assert_true(p99 >= 4194304 && p99 < 8388608);
	row_history_free(h);
}

/* Replay: 3 ticks per column add up; a column shows once it is full. */
static void test_merged_columns(void **state)
{
	struct row_history *h = row_history_new(8, 8, 3);
	struct row_key k;
	uint32_t counts[ROW_HISTORY_ROWS];

	(void)state;
	row_history_watch_all(h, true);
	row_key_syscall(&k, 0, true);
	for (uint64_t s = 1; s <= 7; s++)
		tick(h, s, &k, 3000, 2);
	assert_int_equal(row_history_ncols(h), 2);
	assert_int_equal(row_history_col(h, 0)->seq_first, 1);
	assert_int_equal(row_history_col(h, 0)->seq_last, 3);
	assert_int_equal(row_history_col(h, 0)->ticks, 3);
	assert_int_equal(row_history_col_of_seq(h, 5), 1);
	assert_true(row_history_counts(h, &k, 1, counts));
	assert_int_equal(counts[12], 6);	/* 3000 ns: [2048, 4096) */
	/* the seventh tick's column closes on flush, with one tick */
	row_history_flush(h);
	assert_int_equal(row_history_ncols(h), 3);
	assert_int_equal(row_history_col(h, 2)->ticks, 1);
	assert_true(row_history_counts(h, &k, 2, counts));
	assert_int_equal(counts[12], 2);
	row_history_free(h);
}

/* The key table is bounded: the next key is refused and counted; idle keys go. */
static void test_limits(void **state)
{
	struct row_history *h = row_history_new(2, 0, 1);
	struct row_key k[3];
	struct hist_bucket b;

	(void)state;
	for (int i = 0; i < 3; i++)
		row_key_syscall(&k[i], (uint32_t)i, false);
	row_history_tick_begin(h, 1, 0);
	one_bucket(&b, 10, 1);
	assert_int_equal(row_history_add(h, &k[0], &b, 1), 0);
	assert_int_equal(row_history_add(h, &k[1], &b, 1), 0);
	assert_int_equal(row_history_add(h, &k[2], &b, 1), -ENOSPC);
	row_history_tick_end(h);
	assert_int_equal(row_history_nkeys(h), 2);
	assert_int_equal(row_history_dropped(h), 1);
	/* k[1] keeps coming, k[0] not: after N columns k[0] is forgotten, k[2] fits */
	for (uint64_t s = 2; s <= ROW_HISTORY_TICKS + 1; s++)
		tick(h, s, &k[1], 10, 1);
	assert_int_equal(row_history_nkeys(h), 1);
	tick(h, 500, &k[2], 10, 1);
	assert_int_equal(row_history_nkeys(h), 2);
	assert_null(row_history_new(0, 0, 1));
	assert_null(row_history_new(4, 5, 1));
	row_history_free(h);
}

static void put(struct snapshot *s, struct snap_hist *out, uint64_t lat_ns, uint64_t n)
{
	struct abi_hist a;

	memset(&a, 0, sizeof(a));
	a.count = a.timed = n;
	a.slots[abi_hist_slot(lat_ns)] = n;
	a.max_ns = lat_ns;
	a.sum_ns = n * lat_ns;
	assert_int_equal(snapshot_put_hist(s, out, &a), 0);
}

/* A snapshot under every identity: syscall rows merge processes; the work-only process key skips waits. */
static void test_feed_snapshot(void **state)
{
	struct row_history *h = row_history_new(64, 64, 1);
	struct snapshot s;
	struct snap_sys_row *r;
	struct row_key k;
	uint32_t counts[ROW_HISTORY_ROWS];

	(void)state;
	row_history_watch_all(h, true);
	snapshot_init(&s);
	s.seq = 9;
	r = snapshot_add_sys(&s);
	r->pid = 1, r->pstart_ns = 5, r->nr = 0;
	put(&s, &r->interval, 1000, 4);			/* read work, pid 1: row 10 */
	r = snapshot_add_sys(&s);
	r->pid = 2, r->pstart_ns = 6, r->nr = 0;
	put(&s, &r->interval, 1000, 6);			/* read work, pid 2 */
	r = snapshot_add_sys(&s);
	r->pid = 1, r->pstart_ns = 5, r->nr = 0, r->wait = true;
	put(&s, &r->interval, 1000000, 3);		/* read wait, pid 1: row 20 */
	assert_int_equal(row_history_feed_snapshot(h, &s), 0);
	row_key_syscall(&k, 0, false);
	assert_true(row_history_counts(h, &k, 0, counts));
	assert_int_equal(counts[10], 10);
	row_key_process(&k, 1, 5, false);
	assert_true(row_history_counts(h, &k, 0, counts));
	assert_int_equal(counts[10], 4);
	assert_int_equal(counts[20], 0);
	row_key_process(&k, 1, 5, true);
	assert_true(row_history_counts(h, &k, 0, counts));
	assert_int_equal(counts[20], 3);
	row_key_proc_syscall(&k, 1, 5, 0, true);
	assert_true(row_history_counts(h, &k, 0, counts));
	assert_int_equal(counts[20], 3);
	assert_int_equal(counts[10], 0);
	row_key_process(&k, 1, 6, false);		/* another process start: another key */
	assert_false(row_history_has_counts(h, &k));
	assert_int_equal(row_history_col(h, 0)->seq_first, 9);
	snapshot_free(&s);
	row_history_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),	      cmocka_unit_test(test_ring_and_counts),
		cmocka_unit_test(test_watch),	      cmocka_unit_test(test_p99_estimate),
		cmocka_unit_test(test_merged_columns), cmocka_unit_test(test_limits),
		cmocka_unit_test(test_feed_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
