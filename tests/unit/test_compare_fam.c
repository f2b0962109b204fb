/*
 * test_compare_fam.c - family tables as comparison series: one series per
 * row key without the pid (runqueue: the comm; block: device and op, over
 * every issuing process), summed over ticks, judged with the syscalls'
 * thresholds; their kind names.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/compare.h"
#include "core/family.h"
#include "core/hist.h"
#include "export/compare_input.h"

/* A row of @n samples spread over [lat_ns, 1.5 lat_ns) in its interval histogram. */
static void add_row(struct snapshot *s, enum snap_family f, uint32_t pid, const char *comm,
		    const char *label, uint32_t op, uint32_t cpu, uint64_t lat_ns, uint64_t n)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);
	static struct abi_hist h;

	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	r->key.tgid = pid;
	r->key.a = f == SNAP_FAM_BLOCK ? (7u << 20) : cpu;
	r->key.b = op;
	strcpy(r->key.comm, comm);
	if (label)
		strcpy(r->label, label);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v = lat_ns + lat_ns * i / (2 * n);

		h.slots[abi_hist_slot(v)]++;
		h.sum_ns += v;
		if (v > h.max_ns)
			h.max_ns = v;
	}
	h.count = h.timed = n;
	assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
}

static const struct cmp_result *find(const struct cmp_result *res, size_t n, const char *kind,
				     const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(compare_kind_name(res[i].series->kind), kind) &&
		    !strcmp(res[i].series->name, name))
			return &res[i];
	fail_msg("no series %s %s", kind, name);
	return NULL;
}

static void test_series(void **state)
{
	struct snapshot base, cur;
	struct cmp_set set;
	struct cmp_opts o;
	struct cmp_result *res = NULL;
	struct cmp_summary sum;
	const struct cmp_result *r;
	size_t dropped = 0;

	(void)state;
	snapshot_init(&base);
	snapshot_init(&cur);
	cmp_set_init(&set);
	compare_opts_default(&o);
	o.resamples = 2000;
	/* run queue: nginx waits twice as long in the current run (another pid: same series) */
	add_row(&base, SNAP_FAM_RUNQ, 100, "nginx", NULL, 0, ABI_FAM_ANY, 10000, 2000);
	add_row(&cur, SNAP_FAM_RUNQ, 200, "nginx", NULL, 0, ABI_FAM_ANY, 20000, 2000);
	/* per CPU rows keep their CPU */
	add_row(&base, SNAP_FAM_RUNQ, 100, "pg", NULL, 0, 1, 10000, 500);
	add_row(&cur, SNAP_FAM_RUNQ, 100, "pg", NULL, 0, 1, 10000, 500);
	/* block: loop0 reads unchanged, issued by two processes in the baseline, one now */
	add_row(&base, SNAP_FAM_BLOCK, 5, "dd", "loop0", ABI_BLOCK_READ, 0, 1000000, 600);
	add_row(&base, SNAP_FAM_BLOCK, 6, "cat", "loop0", ABI_BLOCK_READ, 0, 1000000, 400);
	add_row(&cur, SNAP_FAM_BLOCK, 7, "dd", "loop0", ABI_BLOCK_READ, 0, 1000000, 1000);
	/* loop0 flushes: improved */
	add_row(&base, SNAP_FAM_BLOCK, 5, "dd", "loop0", ABI_BLOCK_FLUSH, 0, 8000000, 300);
	add_row(&cur, SNAP_FAM_BLOCK, 5, "dd", "loop0", ABI_BLOCK_FLUSH, 0, 2000000, 300);
	assert_int_equal(compare_input_snapshot(&set, CMP_BASELINE, &base, &dropped), 0);
	assert_int_equal(compare_input_snapshot(&set, CMP_CURRENT, &cur, &dropped), 0);
	assert_int_equal(dropped, 0);
	assert_int_equal(compare_all(&set, &o, &res, &sum), 0);
	assert_int_equal(sum.series, 4);
	r = find(res, sum.series, "runqueue", "nginx");
	assert_int_equal(r->verdict, CMP_REGRESSION);
	assert_true(r->p99.est > 1.8 && r->p99.est < 2.2);
	r = find(res, sum.series, "runqueue", "pg cpu 1");
	assert_int_equal(r->verdict, CMP_OK);
	r = find(res, sum.series, "block", "loop0 read");
	assert_int_equal(r->verdict, CMP_OK);
	assert_int_equal(r->st[0].count, 1000);
	assert_int_equal(r->st[1].count, 1000);
	r = find(res, sum.series, "block", "loop0 flush");
	assert_int_equal(r->verdict, CMP_IMPROVED);
	assert_int_equal(sum.regressions, 1);
	assert_int_equal(sum.improved, 1);
	assert_string_equal(compare_kind_name(CMP_FAMILY + SNAP_FAM_BLOCK), "block");
	assert_string_equal(compare_kind_name(CMP_SYSCALL), "syscall");
	free(res);
	cmp_set_free(&set);
	snapshot_free(&base);
	snapshot_free(&cur);
}

/* A read row of @pid in cgroup @cgid: @n calls of @lat_ns, this tick. */
static void add_sys(struct snapshot *s, uint32_t pid, uint64_t cgid, uint64_t lat_ns, uint64_t n)
{
	static struct abi_hist h;
	struct snap_sys_row *r = snapshot_add_sys(s);

	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	h.count = h.timed = n;
	h.sum_ns = n * lat_ns;
	h.max_ns = lat_ns;
	h.slots[abi_hist_slot(lat_ns)] = n;
	r->pid = pid;
	r->nr = 0;	/* read */
	r->cgroup_id = cgid;
	assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
}

static void name_cgroup(struct snapshot *s, uint64_t id, const char *name)
{
	struct snap_cgroup *cg = snapshot_add_cgroup(s);

	assert_non_null(cg);
	cg->id = id;
	strcpy(cg->name, name);
	snapshot_sort_cgroups(s);
	s->cgroups_state = SNAP_CGROUPS_ON;
}

/*
 * web.service's reads double while docker's (ten times as many) stay: the
 * host-wide read series barely moves, the cgroup series names the service.
 * Cgroups match across runs by name, not id; id 0 rows make no cgroup series.
 */
static void test_cgroup_series(void **state)
{
	struct snapshot base, cur;
	struct cmp_set set;
	struct cmp_opts o;
	struct cmp_result *res = NULL;
	struct cmp_summary sum;
	const struct cmp_result *r;
	size_t dropped = 0;

	(void)state;
	compare_opts_default(&o);
	cmp_set_init(&set);
	snapshot_init(&base);
	snapshot_init(&cur);
	name_cgroup(&base, 7, "web.service");
	name_cgroup(&base, 9, "docker:3f2a");
	name_cgroup(&cur, 70, "web.service");	/* another boot: other ids */
	name_cgroup(&cur, 90, "docker:3f2a");
	add_sys(&base, 1, 7, 100000, 500);
	add_sys(&cur, 1, 70, 200000, 500);
	add_sys(&base, 2, 9, 1000000, 20000);
	add_sys(&cur, 2, 90, 1000000, 20000);
	add_sys(&base, 3, 0, 1000000, 100);
	add_sys(&cur, 3, 0, 1000000, 100);
	assert_int_equal(compare_input_snapshot(&set, CMP_BASELINE, &base, &dropped), 0);
	assert_int_equal(compare_input_snapshot(&set, CMP_CURRENT, &cur, &dropped), 0);
	assert_int_equal(compare_all(&set, &o, &res, &sum), 0);
	assert_int_equal(sum.series, 3);	/* read, web.service read, docker:3f2a read */
	r = find(res, sum.series, "syscall", "read");
	assert_int_equal(r->verdict, CMP_OK);
	r = find(res, sum.series, "cgroup", "web.service read");
	assert_int_equal(r->verdict, CMP_REGRESSION);
	assert_true(r->p99.est > 1.8 && r->p99.est < 2.2);
	r = find(res, sum.series, "cgroup", "docker:3f2a read");
	assert_int_equal(r->verdict, CMP_OK);
	free(res);
	cmp_set_free(&set);
	snapshot_free(&base);
	snapshot_free(&cur);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_cgroup_series),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
