/* test_cgroup_view.c - a snapshot summed per cgroup: sums, worst p99, filter, id 0. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cgroup_view.h"
#include "core/filter.h"
#include "core/syscall_names.h"

#define CG_WEB 4101
#define CG_APP 4242

/* @n calls of @lat_ns each (none timed when lat_ns is 0), @errors of them failed. */
static void put(struct snapshot *s, struct snap_hist *out, uint64_t n, uint64_t lat_ns,
		uint64_t errors)
{
	struct abi_hist h;

	memset(&h, 0, sizeof(h));
	h.count = n;
	h.errors = errors;
	if (lat_ns) {
		h.slots[abi_hist_slot(lat_ns)] = n;
		h.timed = n;
		h.sum_ns = n * lat_ns;
		h.max_ns = lat_ns;
	}
	assert_int_equal(snapshot_put_hist(s, out, &h), 0);
}

/* A row: @n calls at @lat_ns this tick, ten times as many since start. */
static void sys(struct snapshot *s, uint32_t pid, const char *comm, uint64_t cgid, const char *name,
		bool wait, uint64_t n, uint64_t lat_ns, uint64_t errors)
{
	struct snap_sys_row *r = snapshot_add_sys(s);
	int nr = syscall_lookup(name);

	assert_non_null(r);
	assert_true(nr >= 0);
	r->pid = pid;
	r->pstart_ns = 1000 + pid;
	strncpy(r->comm, comm, sizeof(r->comm) - 1);
	r->cgroup_id = cgid;
	r->nr = (uint32_t)nr;
	r->wait = wait;
	put(s, &r->interval, n, lat_ns, errors);
	put(s, &r->total, 10 * n, lat_ns, 10 * errors);
}

static void client(struct snapshot *s, uint32_t tgid, const char *comm, uint64_t cgid, uint8_t dir,
		   uint64_t requests, uint64_t p99_ns)
{
	struct snap_client_row *r = snapshot_add_client(s);

	assert_non_null(r);
	r->key.family = 2;
	r->key.addr[0] = 127;
	r->key.addr[3] = (uint8_t)tgid;
	r->key.port = 8080;
	r->key.tgid = tgid;
	r->key.dir = dir;
	r->key.cgid = cgid;
	strncpy(r->comm, comm, sizeof(r->comm) - 1);
	r->interval.requests = requests;
	r->total.requests = requests * 10;
	r->req.count = requests;
	r->req.p99_ns = p99_ns;
	r->req_total.count = requests * 10;
	r->req_total.p99_ns = p99_ns * 2;
}

static void name_cgroup(struct snapshot *s, uint64_t id, const char *name)
{
	struct snap_cgroup *c = snapshot_add_cgroup(s);

	assert_non_null(c);
	c->id = id;
	c->kind = SNAP_CG_PATH;
	strncpy(c->name, name, sizeof(c->name) - 1);
	strncpy(c->path, name, sizeof(c->path) - 1);
}

/*
 * Two cgroups and "no cgroup" (id 0):
 *   web (4101): nginx pid 10 read 100 @ 2us (5 errors), write 50 @ 1ms;
 *               nginx pid 11 read 30 @ 2us; client IN of pid 10: 7 requests, p99 5 ms
 *   app (4242): worker pid 20 fsync 20 @ 8 ms (1 error); futex wait 5 @ 8 ms (a tie: fsync
 *               is the lower number and a work row); client OUT of pid 20 (not requests);
 *               client IN of pid 40 (no syscall rows): 4 requests, p99 9 ms
 *   none (0):   pid 30 read 1000 @ 1us, pid 31 read 300 @ 1us (two procs, 1300 calls)
 */
static void fixture(struct snapshot *s)
{
	snapshot_init(s);
	sys(s, 10, "nginx", CG_WEB, "read", false, 100, 2000, 5);
	sys(s, 10, "nginx", CG_WEB, "write", false, 50, 1000000, 0);
	sys(s, 11, "nginx", CG_WEB, "read", false, 30, 2000, 0);
	sys(s, 20, "worker", CG_APP, "futex", true, 5, 8000000, 0);
	sys(s, 20, "worker", CG_APP, "fsync", false, 20, 8000000, 1);
	sys(s, 30, "cron", 0, "read", false, 1000, 1000, 0);
	sys(s, 31, "sshd", 0, "read", false, 300, 1000, 0);
	sys(s, 32, "idle", CG_WEB, "read", false, 0, 0, 0);	/* no calls: not counted */
	client(s, 10, "nginx", CG_WEB, ABI_DIR_IN, 7, 5000000);
	client(s, 20, "worker", CG_APP, ABI_DIR_OUT, 3, 1000);
	client(s, 40, "java", CG_APP, ABI_DIR_IN, 4, 9000000);
	name_cgroup(s, CG_APP, "docker:3f2a1b0c9d8e");
	name_cgroup(s, CG_WEB, "nginx.service");
	snapshot_sort_cgroups(s);
	s->cgroups_state = SNAP_CGROUPS_ON;
}

static const struct snap_sys_row *find_row(const struct snapshot *s, uint32_t pid, const char *name)
{
	for (size_t i = 0; i < s->n_sys; i++)
		if (s->sys[i].pid == pid && s->sys[i].nr == (uint32_t)syscall_lookup(name))
			return &s->sys[i];
	fail_msg("no row %u %s", pid, name);
	return NULL;
}

static uint64_t p99_of(const struct snapshot *s, uint32_t pid, const char *name, bool cum)
{
	return snapshot_hist_percentile_ns(s, snap_row_hist(find_row(s, pid, name), cum), 99);
}

static void test_interval(void **state)
{
	struct snapshot s;
	struct cgroup_sum *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	fixture(&s);
	assert_int_equal(cgroup_view_build(&s, NULL, false, &v, &n, &cap), 0);
	assert_int_equal(n, 3);
	/* Sorted by calls: none (1300), web (180), app (25). */
	assert_int_equal(v[0].id, 0);
	assert_null(v[0].cg);
	assert_int_equal(v[0].n_procs, 2);
	assert_int_equal(v[0].calls, 1300);
	assert_int_equal(v[0].requests, 0);

	assert_int_equal(v[1].id, CG_WEB);
	assert_non_null(v[1].cg);
	assert_string_equal(v[1].cg->name, "nginx.service");
	assert_int_equal(v[1].n_procs, 2);	/* 10 and 11; 32 had no calls */
	assert_int_equal(v[1].calls, 180);
	assert_int_equal(v[1].errors, 5);
	assert_int_equal(v[1].time_ns, 130 * 2000 + 50 * 1000000ull);
	assert_int_equal(v[1].slowest_nr, syscall_lookup("write"));
	assert_false(v[1].slowest_wait);
	assert_int_equal(v[1].worst_p99_ns, p99_of(&s, 10, "write", false));
	assert_true(v[1].worst_p99_ns >= 900000 && v[1].worst_p99_ns <= 1100000);
	assert_int_equal(v[1].requests, 7);
	assert_int_equal(v[1].req_p99_ns, 5000000);

	assert_int_equal(v[2].id, CG_APP);
	assert_string_equal(v[2].cg->name, "docker:3f2a1b0c9d8e");
	assert_int_equal(v[2].n_procs, 2);	/* 20, and 40 seen through its client row */
	assert_int_equal(v[2].calls, 25);
	assert_int_equal(v[2].errors, 1);
	assert_int_equal(v[2].slowest_nr, syscall_lookup("fsync"));
	assert_false(v[2].slowest_wait);
	assert_int_equal(v[2].worst_p99_ns, p99_of(&s, 20, "fsync", false));
	assert_int_equal(v[2].requests, 4);	/* the OUT row's 3 are not requests answered */
	assert_int_equal(v[2].req_p99_ns, 9000000);
	free(v);
	snapshot_free(&s);
}

static void test_cumulative(void **state)
{
	struct snapshot s;
	struct cgroup_sum *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	fixture(&s);
	assert_int_equal(cgroup_view_build(&s, NULL, true, &v, &n, &cap), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].calls, 13000);
	assert_int_equal(v[1].id, CG_WEB);
	assert_int_equal(v[1].calls, 1800);
	assert_int_equal(v[1].errors, 50);
	assert_int_equal(v[1].requests, 70);
	assert_int_equal(v[1].req_p99_ns, 10000000);
	assert_int_equal(v[1].worst_p99_ns, p99_of(&s, 10, "write", true));
	assert_int_equal(v[2].calls, 250);
	assert_int_equal(v[2].requests, 40);
	free(v);
	snapshot_free(&s);
}

static void test_filter(void **state)
{
	struct snapshot s;
	struct cgroup_sum *v = NULL;
	size_t n = 0, cap = 0;
	struct filter f;
	char err[128];

	(void)state;
	fixture(&s);
	/* Only nginx's rows: one cgroup, its reads only. */
	assert_int_equal(filter_parse(&f, "nginx sys:read", err, sizeof(err)), 0);
	assert_int_equal(cgroup_view_build(&s, &f, false, &v, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, CG_WEB);
	assert_int_equal(v[0].calls, 130);
	assert_int_equal(v[0].n_procs, 2);
	assert_int_equal(v[0].slowest_nr, syscall_lookup("read"));
	assert_int_equal(v[0].worst_p99_ns, p99_of(&s, 10, "read", false));
	assert_int_equal(v[0].requests, 7);	/* sys: leaves client rows to their terms */
	/* The same buffer is reused: a pid filter leaves one process of app. */
	assert_int_equal(filter_parse(&f, "pid:20", err, sizeof(err)), 0);
	assert_int_equal(cgroup_view_build(&s, &f, false, &v, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, CG_APP);
	assert_int_equal(v[0].n_procs, 1);
	assert_int_equal(v[0].calls, 25);
	assert_int_equal(v[0].requests, 0);
	/* cg: by name, and by a path substring; id 0 never matches a cg: term. */
	assert_int_equal(filter_parse(&f, "cg:docker", err, sizeof(err)), 0);
	assert_int_equal(cgroup_view_build(&s, &f, false, &v, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, CG_APP);
	assert_int_equal(v[0].calls, 25);
	assert_int_equal(v[0].n_procs, 2);
	assert_int_equal(v[0].requests, 4);
	assert_int_equal(filter_parse(&f, "cg:nginx.service,docker:", err, sizeof(err)), 0);
	assert_int_equal(cgroup_view_build(&s, &f, false, &v, &n, &cap), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, CG_WEB);
	assert_int_equal(v[1].id, CG_APP);
	/* Nothing matches: no entries. */
	assert_int_equal(filter_parse(&f, "pid:999", err, sizeof(err)), 0);
	assert_int_equal(cgroup_view_build(&s, &f, false, &v, &n, &cap), 0);
	assert_int_equal(n, 0);
	free(v);
	snapshot_free(&s);
}

/* No cgroups known (--no-cgroups, old recordings): one "no cgroup" entry holding everything. */
static void test_all_unattributed(void **state)
{
	struct snapshot s;
	struct cgroup_sum *v = NULL;
	size_t n = 0, cap = 0;

	(void)state;
	snapshot_init(&s);
	sys(&s, 1, "a", 0, "read", false, 3, 1000, 0);
	sys(&s, 2, "b", 0, "write", false, 4, 1000, 1);
	client(&s, 2, "b", 0, ABI_DIR_IN, 9, 100);
	assert_int_equal(cgroup_view_build(&s, NULL, false, &v, &n, &cap), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, 0);
	assert_null(v[0].cg);
	assert_int_equal(v[0].n_procs, 2);
	assert_int_equal(v[0].calls, 7);
	assert_int_equal(v[0].errors, 1);
	assert_int_equal(v[0].requests, 9);
	free(v);
	/* An empty snapshot: no entries, no allocation needed. */
	snapshot_reset(&s);
	v = NULL;
	cap = 0;
	assert_int_equal(cgroup_view_build(&s, NULL, false, &v, &n, &cap), 0);
	assert_int_equal(n, 0);
	free(v);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_cumulative),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_all_unattributed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
