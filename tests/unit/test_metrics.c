/* test_metrics.c - the Prometheus registry: cumulative, aggregated per name, bounded, sticky. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/metrics.h"
#include "core/syscall_names.h"
#include "metrics_fixture.h"

static struct metrics *new_metrics(size_t max_series)
{
	struct metrics_opts o = { .max_series = max_series };
	struct metrics *m = metrics_new(&o);

	assert_non_null(m);
	return m;
}

/* The series of @g with label values @l0 (and @l1 when not NULL), or NULL. */
static const struct metrics_series *find(const struct metrics *m, enum metrics_group g,
					 const char *l0, const char *l1)
{
	for (size_t i = 0; i < metrics_group_size(m, g); i++) {
		const struct metrics_series *s = metrics_group_series(m, g, i);

		if (!strcmp(s->label[0], l0) && (!l1 || !strcmp(s->label[1], l1)))
			return s;
	}
	return NULL;
}

static int nr_of(const char *name)
{
	int nr = syscall_lookup(name);

	assert_true(nr >= 0);
	return nr;
}

static void test_new_limits(void **state)
{
	struct metrics_opts o = { .max_series = METRICS_GROUP_NR };

	(void)state;
	assert_null(metrics_new(&o));
	o.max_series = METRICS_MAX_SERIES_MAX + 1;
	assert_null(metrics_new(&o));
	o.max_series = METRICS_GROUP_NR + 1;
	metrics_free(metrics_new(&o));
}

/* Several pids of one name and a syscall's work and wait rows are one series. */
static void test_aggregate_per_name(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(100);
	const uint64_t a[] = { 1000, 2000 }, b[] = { 5000 };
	int rd = nr_of("read");
	const struct metrics_series *se;

	(void)state;
	snapshot_init(&s);
	fx_sys(&s, 10, "web", (uint32_t)rd, false, 2, 1, a, 2);
	fx_sys(&s, 11, "web", (uint32_t)rd, true, 1, 0, b, 1);
	fx_sys(&s, 12, "db", (uint32_t)rd, false, 1, 0, b, 1);
	s.breakdown = true;
	assert_int_equal(metrics_ingest(m, &s), 0);
	assert_int_equal(metrics_series(m), 2);
	se = find(m, METRICS_SYSCALLS, "web", "read");
	assert_non_null(se);
	assert_int_equal(se->calls, 3);
	assert_int_equal(se->errors, 1);
	assert_int_equal(se->lat.count, 3);
	assert_int_equal(se->lat.sum_ns, 8000);
	assert_int_equal(se->part_ns[0] + se->part_ns[1] + se->part_ns[2] + se->part_ns[3], 8000);
	/* Sorted by labels: db before web. */
	assert_string_equal(metrics_group_series(m, METRICS_SYSCALLS, 0)->label[0], "db");
	assert_true(metrics_process(m)->breakdown);
	metrics_free(m);
	snapshot_free(&s);
}

/* Interval values add up across ticks; a row gone from the next snapshot lowers nothing. */
static void test_cumulative_and_aging(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(100);
	const uint64_t lat[] = { 300, 300, 70000 };
	int rd = nr_of("read"), wr = nr_of("write");
	const struct metrics_series *a, *b;

	(void)state;
	snapshot_init(&s);
	fx_sys(&s, 10, "a", (uint32_t)rd, false, 3, 0, lat, 3);
	fx_sys(&s, 20, "b", (uint32_t)wr, false, 1, 0, lat, 1);
	s.interval.events = 4;
	s.interval.lost = 2;
	assert_int_equal(metrics_ingest(m, &s), 0);
	snapshot_reset(&s);
	fx_sys(&s, 10, "a", (uint32_t)rd, false, 2, 0, lat + 1, 2);
	s.interval.events = 2;
	s.interval.lost = 0;	/* an interval of nothing lost: the counter keeps its 2 */
	assert_int_equal(metrics_ingest(m, &s), 0);
	snapshot_reset(&s);	/* an empty tick: every row aged out */
	assert_int_equal(metrics_ingest(m, &s), 0);

	a = find(m, METRICS_SYSCALLS, "a", "read");
	b = find(m, METRICS_SYSCALLS, "b", "write");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->calls, 5);
	assert_int_equal(a->lat.count, 5);
	assert_int_equal(a->lat.sum_ns, 300 * 3 + 70000 * 2);
	/* Sparse buckets stay sorted and add per slot. */
	assert_int_equal(a->lat.n, 2);
	assert_true(a->lat.b[0].slot < a->lat.b[1].slot);
	assert_int_equal(a->lat.b[0].count, 3);
	assert_int_equal(a->lat.b[1].count, 2);
	assert_int_equal(b->calls, 1);
	assert_int_equal(metrics_process(m)->ticks, 3);
	assert_int_equal(metrics_process(m)->events, 6);
	assert_int_equal(metrics_process(m)->lost[METRICS_SYSCALLS], 2);
	metrics_free(m);
	snapshot_free(&s);
}

/* Past the limit new sets fold into "other"; admitted ones stay and keep counting. */
static void test_sticky_and_folded(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(METRICS_GROUP_NR + 2);
	const uint64_t lat[] = { 1000 };
	int rd = nr_of("read");
	const struct metrics_series *se;

	(void)state;
	snapshot_init(&s);
	fx_sys(&s, 1, "a", (uint32_t)rd, false, 1, 0, lat, 1);
	fx_sys(&s, 2, "b", (uint32_t)rd, false, 1, 0, lat, 1);
	assert_int_equal(metrics_ingest(m, &s), 0);
	assert_int_equal(metrics_series(m), 2);
	for (int t = 0; t < 3; t++) {
		snapshot_reset(&s);
		fx_sys(&s, 3, "c", (uint32_t)rd, false, 1, 0, lat, 1);
		fx_sys(&s, 1, "a", (uint32_t)rd, false, 1, 0, lat, 1);
		fx_sys(&s, 4, "d", (uint32_t)rd, false, 1, 0, lat, 1);
		assert_int_equal(metrics_ingest(m, &s), 0);
	}
	assert_int_equal(metrics_series(m), 3);	/* a, b, other */
	assert_int_equal(find(m, METRICS_SYSCALLS, "a", "read")->calls, 4);
	assert_null(find(m, METRICS_SYSCALLS, "c", NULL));
	se = find(m, METRICS_SYSCALLS, "other", "other");
	assert_non_null(se);
	assert_true(se->other);
	assert_int_equal(se->calls, 6);
	assert_int_equal(se->lat.count, 6);
	assert_int_equal(metrics_folded(m, METRICS_SYSCALLS), 2);	/* c and d, once each */
	assert_int_equal(metrics_folded(m, METRICS_RUNQ), 0);
	/* A row that is idle this tick admits nothing. */
	snapshot_reset(&s);
	fx_sys(&s, 5, "idle", (uint32_t)rd, false, 0, 0, NULL, 0);
	assert_int_equal(metrics_ingest(m, &s), 0);
	assert_int_equal(metrics_folded(m, METRICS_SYSCALLS), 2);
	metrics_free(m);
	snapshot_free(&s);
}

/* A process really named "other" shares the catch-all's label set: never two series with one set. */
static void test_other_is_one_series(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(METRICS_GROUP_NR + 1);
	const uint64_t lat[] = { 1000 };

	(void)state;
	snapshot_init(&s);
	fx_fam(&s, SNAP_FAM_RUNQ, "x", NULL, ABI_FAM_ANY, 0, lat, 1);
	fx_fam(&s, SNAP_FAM_RUNQ, "other", NULL, ABI_FAM_ANY, 0, lat, 1);
	fx_fam(&s, SNAP_FAM_RUNQ, "y", NULL, ABI_FAM_ANY, 0, lat, 1);
	assert_int_equal(metrics_ingest(m, &s), 0);
	assert_int_equal(metrics_group_size(m, METRICS_RUNQ), 2);	/* x, other */
	assert_int_equal(find(m, METRICS_RUNQ, "other", NULL)->lat.count, 2);
	assert_int_equal(metrics_folded(m, METRICS_RUNQ), 1);
	metrics_free(m);
	snapshot_free(&s);
}

/* 10,000 distinct names and 300 client addresses: never more label sets than the limit. */
static void test_max_series_churn(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(METRICS_MAX_SERIES_DEFAULT);
	const uint64_t lat[] = { 1000, 5000 };
	int rd = nr_of("read");
	size_t total = 0;
	char comm[16];

	(void)state;
	snapshot_init(&s);
	for (int t = 0; t < 10; t++) {
		snapshot_reset(&s);
		for (int i = 0; i < 1000; i++) {
			snprintf(comm, sizeof(comm), "p%d", t * 1000 + i);
			fx_sys(&s, (uint32_t)(t * 1000 + i + 1), comm, (uint32_t)rd, false, 2, 0, lat, 2);
		}
		for (int i = 0; i < 30; i++)
			fx_client(&s, "srv", (uint8_t)i, (uint16_t)(80 + t), ABI_DIR_IN, lat, 2);
		assert_int_equal(metrics_ingest(m, &s), 0);
		assert_true(metrics_series(m) <= METRICS_MAX_SERIES_DEFAULT);
	}
	for (int g = 0; g < METRICS_GROUP_NR; g++)
		total += metrics_group_size(m, g);
	assert_int_equal(total, metrics_series(m));
	/*
	 * 1,996 regular sets (4 reserved for catch-alls): tick 0's 1,000 names and 30
	 * clients, 966 names of tick 1; everything later is "other".
	 */
	assert_int_equal(metrics_group_size(m, METRICS_SYSCALLS), 1966 + 1);
	assert_int_equal(metrics_group_size(m, METRICS_CLIENTS), 30 + 1);
	assert_int_equal(metrics_series(m), METRICS_MAX_SERIES_DEFAULT - 2);
	assert_int_equal(metrics_folded(m, METRICS_SYSCALLS), 10000 - 1966);
	assert_int_equal(metrics_folded(m, METRICS_CLIENTS), 270);
	assert_int_equal(find(m, METRICS_CLIENTS, "other", "other")->lat.count, 540);
	assert_int_equal(find(m, METRICS_SYSCALLS, "other", "other")->calls, 2 * (10000 - 1966));
	assert_false(metrics_folded_saturated(m, METRICS_SYSCALLS));
	metrics_free(m);
	snapshot_free(&s);
}

/* The folded count is bounded memory: it saturates at METRICS_FOLDED_TRACK_MAX and says so. */
static void test_folded_saturates(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(METRICS_GROUP_NR + 1);
	const uint64_t lat[] = { 1000 };
	char comm[16];

	(void)state;
	snapshot_init(&s);
	for (int i = 0; i < METRICS_FOLDED_TRACK_MAX + 1000; i++) {
		snprintf(comm, sizeof(comm), "q%d", i);
		fx_fam(&s, SNAP_FAM_RUNQ, comm, NULL, ABI_FAM_ANY, 0, lat, 1);
	}
	assert_int_equal(metrics_ingest(m, &s), 0);
	assert_int_equal(metrics_folded(m, METRICS_RUNQ), METRICS_FOLDED_TRACK_MAX);
	assert_true(metrics_folded_saturated(m, METRICS_RUNQ));
	assert_int_equal(metrics_series(m), 2);
	metrics_free(m);
	snapshot_free(&s);
}

/* Names are sanitised (bytes a terminal must not get become \xNN text); other labels built right. */
static void test_labels(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(100);
	const uint64_t lat[] = { 1000 };
	const struct metrics_series *se;

	(void)state;
	snapshot_init(&s);
	fx_fam(&s, SNAP_FAM_RUNQ, "a\"b\\c\nd\xff", NULL, 3, 0, lat, 1);
	fx_fam(&s, SNAP_FAM_BLOCK, "dd", "loop3", 7u << 20 | 3, ABI_BLOCK_WRITE, lat, 1);
	fx_fam(&s, SNAP_FAM_BLOCK, "dd", NULL, 8u << 20 | 1, ABI_BLOCK_READ, lat, 1);
	fx_client(&s, "curl", 9, 443, ABI_DIR_OUT, lat, 1);
	s.clients_state = SNAP_CLIENTS_OFF;
	snprintf(s.clients_note, sizeof(s.clients_note), "no sock tracepoints");
	s.fam[SNAP_FAM_RUNQ].state = SNAP_FAM_ON;
	assert_int_equal(metrics_ingest(m, &s), 0);
	se = metrics_group_series(m, METRICS_RUNQ, 0);
	assert_string_equal(se->label[0], "a\"b\\c\\x0ad\\xff");
	assert_non_null(find(m, METRICS_BLOCK, "loop3", "write"));
	assert_non_null(find(m, METRICS_BLOCK, "8:1", "read"));
	se = find(m, METRICS_CLIENTS, "127.0.0.9", "443");
	assert_non_null(se);
	assert_string_equal(se->label[2], "out");
	assert_string_equal(se->label[3], "curl");
	assert_int_equal(se->rx_bytes, 100);
	assert_int_equal(se->tx_bytes, 200);
	assert_int_equal(se->connections, 1);
	assert_true(metrics_process(m)->up[METRICS_SYSCALLS]);
	assert_false(metrics_process(m)->up[METRICS_CLIENTS]);
	assert_string_equal(metrics_process(m)->reason[METRICS_CLIENTS], "no sock tracepoints");
	assert_true(metrics_process(m)->up[METRICS_RUNQ]);
	assert_string_equal(metrics_process(m)->reason[METRICS_RUNQ], "");
	assert_false(metrics_process(m)->up[METRICS_BLOCK]);
	assert_string_equal(metrics_process(m)->reason[METRICS_BLOCK], "off");
	metrics_free(m);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_limits),
		cmocka_unit_test(test_aggregate_per_name),
		cmocka_unit_test(test_cumulative_and_aging),
		cmocka_unit_test(test_sticky_and_folded),
		cmocka_unit_test(test_other_is_one_series),
		cmocka_unit_test(test_max_series_churn),
		cmocka_unit_test(test_folded_saturates),
		cmocka_unit_test(test_labels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
