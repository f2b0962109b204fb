/*
 * test_slo.c - the dashboard's thresholds on table rows: a per-syscall
 * expression covers its syscall's rows only, a bare one every syscall row;
 * process rows use their merged calls, or their own calls of the named
 * syscall; no data breaks nothing; the work view's filter is honoured;
 * per expression over a table: broken, and the first breaking row.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/slo.h"
#include "core/syscall_names.h"
#include "core/view.h"

static void add(struct snapshot *s, uint32_t pid, const char *sys, bool wait, uint64_t lat_ns,
		uint64_t n, uint64_t errors)
{
	struct snap_sys_row *r = snapshot_add_sys(s);
	struct abi_hist h;

	assert_non_null(r);
	r->pid = pid;
	r->pstart_ns = pid * 10ull;
	r->nr = (uint32_t)syscall_lookup(sys);
	r->wait = wait;
	memset(&h, 0, sizeof(h));
	h.count = h.timed = n;
	h.errors = errors;
	h.slots[abi_hist_slot(lat_ns)] = n;
	h.max_ns = lat_ns;
	h.sum_ns = n * lat_ns;
	assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
}

/* pid 1: read 20 ms, write 50 us; pid 2: read 1 ms, connect errors; pid 3: a read that waited 5 s. */
static void build(struct snapshot *s)
{
	snapshot_init(s);
	add(s, 1, "read", false, 20000000, 100, 0);
	add(s, 1, "write", false, 50000, 100, 0);
	add(s, 2, "read", false, 1000000, 100, 0);
	add(s, 2, "connect", false, 30000, 10, 4);
	add(s, 3, "read", true, 5000000000ull, 3, 0);
}

static struct slo_set parse(const char (*texts)[128], size_t n)
{
	struct slo_set set;
	char err[200];

	if (slo_set_parse(&set, texts, n, err, sizeof(err)))
		fail_msg("%s", err);
	return set;
}

static const struct view_row *find(const struct view *v, const char *sys, uint32_t pid)
{
	int nr = sys ? syscall_lookup(sys) : -1;

	for (size_t i = 0; i < v->n; i++)
		if ((nr < 0 || v->rows[i].nr == (uint32_t)nr) && (!pid || v->rows[i].pid == pid) &&
		    !v->rows[i].wait)
			return &v->rows[i];
	fail_msg("row %s/%u missing", sys ? sys : "-", pid);
	return NULL;
}

static void test_parse(void **state)
{
	static const char ok[][128] = { "p99(read) < 10ms", "errors(connect) == 0" };
	static const char bad[][128] = { "p99 < 10", "x" };
	struct slo_set set;
	char err[200];

	(void)state;
	set = parse(ok, 2);
	assert_int_equal(set.n, 2);
	assert_int_equal(set.e[1].metric, ASSERT_ERRORS);
	assert_int_equal(slo_set_parse(&set, bad, 2, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "p99 < 10: "));
}

static void test_syscall_rows(void **state)
{
	static const char texts[][128] = { "p99(read) < 10ms", "p99 < 100us",
					   "errors(connect) == 0" };
	struct slo_set set = parse(texts, 3);
	struct snapshot s;
	struct view v;
	struct slo_verdict x;
	struct filter f;

	(void)state;
	build(&s);
	view_init(&v);
	filter_clear(&f);
	f.waits = FILTER_WAITS_HIDE;
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_SYSCALL, false), 0);
	/* read merges pid 1 and 2: its p99 is pid 1's 20 ms */
	x = slo_eval_row(&set.e[0], &s, find(&v, "read", 0), false, f.waits);
	assert_true(x.applies && x.broken);
	assert_true(x.actual > 10000000);
	/* p99(read) says nothing about write */
	x = slo_eval_row(&set.e[0], &s, find(&v, "write", 0), false, f.waits);
	assert_false(x.applies || x.broken);
	/* a bare expression covers every syscall: write at 50 us holds, connect at 30 us too */
	x = slo_eval_row(&set.e[1], &s, find(&v, "write", 0), false, f.waits);
	assert_true(x.applies && !x.broken);
	x = slo_eval_row(&set.e[2], &s, find(&v, "connect", 0), false, f.waits);
	assert_true(x.applies && x.broken);
	assert_int_equal(x.actual, 4);
	/* the first broken expression of a row */
	assert_int_equal(slo_row_broken(&set, &s, find(&v, "write", 0), false, f.waits, &x), -1);
	assert_int_equal(slo_row_broken(&set, &s, find(&v, "connect", 0), false, f.waits, &x), 2);
	view_free(&v);
	snapshot_free(&s);
}

static void test_process_rows(void **state)
{
	static const char texts[][128] = { "p99(read) < 10ms", "max < 2s" };
	struct slo_set set = parse(texts, 2);
	struct snapshot s;
	struct view v;
	struct slo_verdict x;
	struct filter f;

	(void)state;
	build(&s);
	view_init(&v);
	filter_clear(&f);
	f.waits = FILTER_WAITS_HIDE;
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_PROCESS, false), 0);
	/* pid 1's own reads are 20 ms: broken; pid 2's are 1 ms: holds */
	x = slo_eval_row(&set.e[0], &s, find(&v, NULL, 1), false, f.waits);
	assert_true(x.applies && x.broken);
	x = slo_eval_row(&set.e[0], &s, find(&v, NULL, 2), false, f.waits);
	assert_true(x.applies && !x.broken);
	/* pid 3 has only a wait read: hidden in the work view, so nothing to say */
	assert_int_equal(v.n, 2);
	/* in the waits view pid 3's row breaks "max < 2s" and its reads "p99(read) < 10ms" */
	f.waits = FILTER_WAITS_ALL;
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_PROCESS, false), 0);
	assert_int_equal(v.n, 3);
	for (size_t i = 0; i < v.n; i++) {
		if (v.rows[i].pid != 3)
			continue;
		x = slo_eval_row(&set.e[1], &s, &v.rows[i], false, f.waits);
		assert_true(x.broken);
		x = slo_eval_row(&set.e[0], &s, &v.rows[i], false, f.waits);
		assert_true(x.broken);
		assert_true(x.actual >= 4000000000ull);
	}
	/* a process that never called the syscall: not covered */
	{
		static const char t2[][128] = { "p99(connect) < 1us" };
		struct slo_set s2 = parse(t2, 1);

		x = slo_eval_row(&s2.e[0], &s, find(&v, NULL, 1), false, f.waits);
		assert_false(x.applies || x.broken);
	}
	view_free(&v);
	snapshot_free(&s);
}

static void test_view(void **state)
{
	static const char texts[][128] = { "p99(read) < 10ms", "p99(write) < 1ms",
					   "p99(fsync) < 1ms" };
	struct slo_set set = parse(texts, 3);
	struct slo_result res[SLO_MAX];
	struct snapshot s;
	struct view v;
	struct filter f;

	(void)state;
	build(&s);
	view_init(&v);
	filter_clear(&f);
	f.waits = FILTER_WAITS_HIDE;
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_SYSCALL, false), 0);
	view_sort(&v, VIEW_SORT_TIME, true);
	assert_int_equal(slo_eval_view(&set, &s, &v, false, f.waits, res), 1);
	assert_true(res[0].broken);
	assert_int_equal(v.rows[res[0].row].nr, (uint32_t)syscall_lookup("read"));
	assert_false(res[1].broken);
	assert_true(res[1].applies);
	/* no fsync calls: neither broken nor applying */
	assert_false(res[2].broken || res[2].applies);
	view_free(&v);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_syscall_rows),
		cmocka_unit_test(test_process_rows),
		cmocka_unit_test(test_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
