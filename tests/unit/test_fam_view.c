/* test_fam_view.c - a family table's view: filter, summaries, parts, sort, identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/fam_view.h"
#include "core/hist.h"

static void hist_add(struct abi_hist *h, uint64_t lat_ns)
{
	h->slots[abi_hist_slot(lat_ns)]++;
	h->count++;
	h->timed++;
	h->sum_ns += lat_ns;
	if (lat_ns > h->max_ns)
		h->max_ns = lat_ns;
}

/* A block row: @n samples of @lat_ns each, split into queue @q_ns and device (the rest). */
static void add_row(struct snapshot *s, enum snap_family f, uint32_t pid, const char *comm,
		    uint32_t a, uint32_t b, const char *label, uint64_t n, uint64_t lat_ns,
		    uint64_t q_ns)
{
	static struct abi_hist h, q, d;
	struct snap_fam_row *r = snapshot_add_fam(s, f);

	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	memset(&q, 0, sizeof(q));
	memset(&d, 0, sizeof(d));
	r->key.tgid = pid;
	r->key.a = a;
	r->key.b = b;
	strncpy(r->key.comm, comm, sizeof(r->key.comm) - 1);
	strncpy(r->label, label, sizeof(r->label) - 1);
	for (uint64_t i = 0; i < n; i++) {
		hist_add(&h, lat_ns);
		hist_add(&q, q_ns);
		hist_add(&d, lat_ns - q_ns);
	}
	assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
	/* Cumulative: twice the tick. */
	hist_merge(&h, &h);
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
	assert_int_equal(snapshot_put_hist(s, &r->part[0], &q), 0);
	assert_int_equal(snapshot_put_hist(s, &r->part[1], &d), 0);
	hist_merge(&q, &q);
	hist_merge(&d, &d);
	assert_int_equal(snapshot_put_hist(s, &r->part_total[0], &q), 0);
	assert_int_equal(snapshot_put_hist(s, &r->part_total[1], &d), 0);
}

static void fill(struct snapshot *s)
{
	snapshot_init(s);
	s->fam[SNAP_FAM_BLOCK].state = SNAP_FAM_ON;
	add_row(s, SNAP_FAM_BLOCK, 30, "dd", 7u << 20 | 3, ABI_BLOCK_READ, "loop3", 10, 1000000,
		200000);
	add_row(s, SNAP_FAM_BLOCK, 20, "fio", 8u << 20, ABI_BLOCK_WRITE, "sda", 100, 50000, 0);
	add_row(s, SNAP_FAM_BLOCK, 10, "jbd2/sda1-8", 8u << 20, ABI_BLOCK_FLUSH, "sda", 1,
		8000000, 1000000);
	add_row(s, SNAP_FAM_BLOCK, 40, "idle", 8u << 20, ABI_BLOCK_READ, "sda", 0, 1, 0);
	add_row(s, SNAP_FAM_RUNQ, 30, "dd", ABI_FAM_ANY, 0, "", 5, 4000, 0);
}

static void test_build(void **state)
{
	struct snapshot s;
	struct fam_view v;
	uint64_t sum = 0;

	(void)state;
	fill(&s);
	fam_view_init(&v, SNAP_FAM_BLOCK);
	assert_int_equal(fam_view_build(&v, &s, NULL, false), 0);
	assert_int_equal(v.n, 3);	/* the row without events is left out */
	for (size_t i = 0; i < v.n; i++)
		sum += v.rows[i].sum_ns;
	assert_int_equal(v.total_sum_ns, sum);
	assert_int_equal(v.rows[0].key.tgid, 30);
	assert_int_equal(v.rows[0].count, 10);
	assert_int_equal(v.rows[0].sum_ns, 10 * 1000000);
	assert_int_equal(v.rows[0].max_ns, 1000000);
	/* Percentiles within the histogram's stated error (6.25 %). */
	assert_in_range(v.rows[0].p99_ns, 937500, 1062500);
	assert_int_equal(v.rows[0].part_avg_ns[0], 200000);
	assert_int_equal(v.rows[0].part_avg_ns[1], 800000);
	assert_in_range(v.rows[0].part_p99_ns[1], 750000, 850000);
	assert_int_equal(v.rows[0].idx, 0);
	assert_string_equal(v.rows[0].label, "loop3");
	/* Cumulative: the totals. */
	assert_int_equal(fam_view_build(&v, &s, NULL, true), 0);
	assert_int_equal(v.rows[0].count, 20);
	assert_int_equal(v.rows[1].count, 200);
	/* The other family's table is its own. */
	fam_view_free(&v);
	fam_view_init(&v, SNAP_FAM_RUNQ);
	assert_int_equal(fam_view_build(&v, &s, NULL, false), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.rows[0].count, 5);
	fam_view_free(&v);
	snapshot_free(&s);
}

static void test_filter(void **state)
{
	struct snapshot s;
	struct fam_view v;
	struct filter f;
	char err[128];

	(void)state;
	fill(&s);
	fam_view_init(&v, SNAP_FAM_BLOCK);
	assert_int_equal(filter_parse(&f, "dev:sda", err, sizeof(err)), 0);
	assert_int_equal(fam_view_build(&v, &s, &f, false), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(filter_parse(&f, "dev:sda pid:10", err, sizeof(err)), 0);
	assert_int_equal(fam_view_build(&v, &s, &f, false), 0);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.rows[0].idx, 2);
	/* The dashboard's own pid is hidden unless named. */
	filter_clear(&f);
	f.hide_pid = 20;
	assert_int_equal(fam_view_build(&v, &s, &f, false), 0);
	assert_int_equal(v.n, 2);
	fam_view_free(&v);
	snapshot_free(&s);
}

static uint32_t pid_at(const struct fam_view *v, size_t i)
{
	return v->rows[i].key.tgid;
}

static void test_sort(void **state)
{
	struct snapshot s;
	struct fam_view v;

	(void)state;
	fill(&s);
	fam_view_init(&v, SNAP_FAM_BLOCK);
	assert_int_equal(fam_view_build(&v, &s, NULL, false), 0);
	fam_view_sort(&v, FAM_COL_SHARE, true);	/* time: 10 ms, 8 ms, 5 ms */
	assert_int_equal(pid_at(&v, 0), 30);
	assert_int_equal(pid_at(&v, 1), 10);
	assert_int_equal(pid_at(&v, 2), 20);
	fam_view_sort(&v, FAM_COL_RATE, true);
	assert_int_equal(pid_at(&v, 0), 20);
	fam_view_sort(&v, FAM_COL_MAX, false);
	assert_int_equal(pid_at(&v, 0), 20);
	assert_int_equal(pid_at(&v, 2), 10);
	fam_view_sort(&v, FAM_COL_PID, false);
	assert_int_equal(pid_at(&v, 0), 10);
	assert_int_equal(pid_at(&v, 2), 30);
	fam_view_sort(&v, FAM_COL_COMM, false);	/* dd, fio, jbd2 */
	assert_int_equal(pid_at(&v, 0), 30);
	assert_int_equal(pid_at(&v, 2), 10);
	/* Devices by name; equal names by pid (ties by identity, ascending). */
	fam_view_sort(&v, FAM_COL_DEV, false);
	assert_int_equal(pid_at(&v, 0), 30);
	assert_int_equal(pid_at(&v, 1), 10);
	assert_int_equal(pid_at(&v, 2), 20);
	fam_view_sort(&v, FAM_COL_DEV, true);
	assert_int_equal(pid_at(&v, 0), 10);
	assert_int_equal(pid_at(&v, 2), 30);
	fam_view_sort(&v, FAM_COL_PART0_AVG, true);	/* queue: 1 ms, 200 us, 0 */
	assert_int_equal(pid_at(&v, 0), 10);
	assert_int_equal(pid_at(&v, 2), 20);
	assert_true(fam_col_natural_up(FAM_COL_DEV));
	assert_false(fam_col_natural_up(FAM_COL_P99));
	assert_string_equal(fam_col_sort_name(FAM_COL_SHARE), "time");
	fam_view_free(&v);
	snapshot_free(&s);
}

static void test_identity(void **state)
{
	struct abi_fam_key a = { .tgid = 1, .a = 2, .b = 3, .comm = "x" };
	struct abi_fam_key b = a;

	(void)state;
	strcpy(b.comm, "renamed");
	assert_true(fam_key_same(&a, &b));
	b.b = 4;
	assert_false(fam_key_same(&a, &b));
	b = a;
	b.a = 9;
	assert_false(fam_key_same(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_identity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
