/* test_run_total.c - totals of a whole run: newest cumulative per key, kept after ageing out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hist.h"
#include "core/run_total.h"

/* Add a row (pid, nr) whose total is @n calls of @lat_ns. */
static void add_row(struct snapshot *s, uint32_t pid, uint32_t nr, uint64_t n, uint64_t lat_ns)
{
	struct snap_sys_row *r = snapshot_add_sys(s);
	struct abi_hist h;

	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	h.count = h.timed = n;
	h.sum_ns = n * lat_ns;
	h.max_ns = n ? lat_ns : 0;
	h.slots[abi_hist_slot(lat_ns)] = n;
	r->pid = pid;
	r->nr = nr;
	r->pstart_ns = 1000 + pid;
	memcpy(r->comm, "worker", 7);
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
}

static const struct snap_sys_row *find(const struct snapshot *s, uint32_t pid, uint32_t nr)
{
	for (size_t i = 0; i < s->n_sys; i++)
		if (s->sys[i].pid == pid && s->sys[i].nr == nr)
			return &s->sys[i];
	return NULL;
}

/* A function row (probe @id of @pid) whose total is @n calls of @lat_ns. */
static void add_fn_row(struct snapshot *s, uint32_t pid, uint32_t id, uint64_t n, uint64_t lat_ns)
{
	struct snap_fam_row *r = snapshot_add_fam(s, SNAP_FAM_FUNC);
	struct abi_hist h;

	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	h.count = h.timed = n;
	h.sum_ns = n * lat_ns;
	h.max_ns = lat_ns;
	h.slots[abi_hist_slot(lat_ns)] = n;
	r->key.tgid = pid;
	r->key.a = id;
	memcpy(r->key.comm, "server", 7);
	snprintf(r->label, sizeof(r->label), "handle_%u", id);
	snprintf(r->detail, sizeof(r->detail), "/usr/bin/server");
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
}

/* run --assert 'p99(fn:...)' reads family rows of the whole run, kept like syscall rows. */
static void test_family_rows_kept(void **state)
{
	struct run_total *rt = run_total_new(100);
	struct snapshot s, out;
	const struct snap_fam_row *r;

	(void)state;
	snapshot_init(&s);
	snapshot_init(&out);
	add_fn_row(&s, 20, 0, 3, 5000000);
	add_fn_row(&s, 20, 1, 40, 2000);
	assert_int_equal(run_total_observe(rt, &s), 0);
	snapshot_reset(&s);
	add_fn_row(&s, 20, 0, 8, 5000000);	/* probe 1's row aged out */
	assert_int_equal(run_total_observe(rt, &s), 0);
	assert_int_equal(run_total_emit(rt, &out), 0);
	assert_int_equal(out.fam[SNAP_FAM_FUNC].n, 2);
	for (size_t i = 0; i < 2; i++) {
		r = &out.fam[SNAP_FAM_FUNC].rows[i];
		assert_int_equal(r->total.count, r->key.a == 0 ? 8 : 40);
		assert_int_equal(r->interval.count, r->total.count);
		assert_string_equal(r->label, r->key.a == 0 ? "handle_0" : "handle_1");
		assert_string_equal(r->detail, "/usr/bin/server");
		/* within the bucket error (1/16) of the one latency it holds */
		assert_in_range(snapshot_hist_percentile_ns(&out, &r->total, 99),
				(r->key.a == 0 ? 5000000 : 2000) * 15 / 16,
				(r->key.a == 0 ? 5000000 : 2000) * 17 / 16);
	}
	snapshot_free(&s);
	snapshot_free(&out);
	run_total_free(rt);
}

static void test_newest_totals_survive_ageing(void **state)
{
	struct run_total *rt = run_total_new(100);
	struct snapshot s, out;
	const struct snap_sys_row *r;
	struct abi_hist h;

	(void)state;
	snapshot_init(&s);
	snapshot_init(&out);
	add_row(&s, 10, 0, 5, 1000);
	add_row(&s, 11, 1, 7, 4096);
	s.seq = 1;
	s.total.events = 12;
	assert_int_equal(run_total_observe(rt, &s), 0);

	/* Tick 2: pid 10 grew, pid 11 aged out of the live snapshot. */
	snapshot_reset(&s);
	add_row(&s, 10, 0, 9, 1000);
	s.seq = 2;
	s.total.events = 16;
	assert_int_equal(run_total_observe(rt, &s), 0);

	assert_int_equal(run_total_emit(rt, &out), 0);
	assert_int_equal(out.n_sys, 2);
	assert_int_equal(out.seq, 2);
	assert_int_equal(out.total.events, 16);
	r = find(&out, 10, 0);
	assert_non_null(r);
	assert_int_equal(r->total.count, 9);	/* newest, not summed */
	assert_int_equal(r->interval.count, 9);	/* a run is one interval */
	r = find(&out, 11, 1);
	assert_non_null(r);
	assert_int_equal(r->total.count, 7);	/* kept after it left the snapshots */
	snapshot_hist_expand(&out, &r->total, &h);
	assert_int_equal(h.slots[abi_hist_slot(4096)], 7);
	assert_int_equal(hist_percentile_ns(&h, 50), snapshot_hist_percentile_ns(&out, &r->total, 50));

	snapshot_free(&s);
	snapshot_free(&out);
	run_total_free(rt);
}

static void test_key_limit_counted(void **state)
{
	struct run_total *rt = run_total_new(3);
	struct snapshot s, out;

	(void)state;
	snapshot_init(&s);
	snapshot_init(&out);
	for (uint32_t pid = 1; pid <= 5; pid++)
		add_row(&s, pid, 0, 1, 100);
	assert_int_equal(run_total_observe(rt, &s), 0);
	assert_int_equal(run_total_emit(rt, &out), 0);
	assert_int_equal(out.n_sys, 3);
	assert_int_equal(out.total.evicted, 2);
	snapshot_free(&s);
	snapshot_free(&out);
	run_total_free(rt);
}

/*
 * One process moved from web.service to another cgroup: two rows, each with
 * its own totals; the cgroup table of the run keeps web's name after the
 * snapshots stop naming it (removed).
 */
static void test_cgroups_kept_apart(void **state)
{
	struct run_total *rt = run_total_new(100);
	struct snapshot s, out;
	struct snap_cgroup *cg;
	int seen = 0;

	(void)state;
	assert_non_null(rt);
	snapshot_init(&s);
	snapshot_init(&out);
	add_row(&s, 1, 0, 10, 1000);
	s.sys[0].cgroup_id = 7;
	cg = snapshot_add_cgroup(&s);
	cg->id = 7;
	strcpy(cg->name, "web.service");
	s.cgroups_state = SNAP_CGROUPS_ON;
	assert_int_equal(run_total_observe(rt, &s), 0);
	/* next tick: same pid and syscall, now in cgroup 9; web is gone from the table */
	snapshot_reset(&s);
	add_row(&s, 1, 0, 4, 5000);
	s.sys[0].cgroup_id = 9;
	cg = snapshot_add_cgroup(&s);
	cg->id = 9;
	strcpy(cg->name, "docker:3f2a");
	s.cgroups_state = SNAP_CGROUPS_ON;
	assert_int_equal(run_total_observe(rt, &s), 0);
	assert_int_equal(run_total_emit(rt, &out), 0);
	assert_int_equal(out.n_sys, 2);
	for (size_t i = 0; i < out.n_sys; i++) {
		const struct snap_sys_row *r = &out.sys[i];

		if (r->cgroup_id == 7) {
			assert_int_equal(r->total.count, 10);
			seen |= 1;
		} else if (r->cgroup_id == 9) {
			assert_int_equal(r->total.count, 4);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	assert_int_equal(out.n_cgroups, 2);
	assert_int_equal(out.cgroups_state, SNAP_CGROUPS_ON);
	assert_string_equal(snapshot_cgroup(&out, 7)->name, "web.service");
	assert_string_equal(snapshot_cgroup(&out, 9)->name, "docker:3f2a");
	snapshot_free(&s);
	snapshot_free(&out);
	run_total_free(rt);
}

/*
 * A child of the run exec'd between two ticks: the model named its rows
 * "sh" in one tick and "true" in the next (one name per process, the
 * newest), each time with the same cumulative totals. One row under the
 * newest name, its calls once (they were counted under both names:
 * count(execve) 202 of 201).
 */
static void test_renamed_process_counted_once(void **state)
{
	struct run_total *rt = run_total_new(100);
	struct snapshot s, out;

	(void)state;
	snapshot_init(&s);
	snapshot_init(&out);
	add_row(&s, 20, 59, 1, 700000);
	memcpy(s.sys[0].comm, "sh", 3);
	assert_int_equal(run_total_observe(rt, &s), 0);
	snapshot_reset(&s);
	add_row(&s, 20, 59, 1, 700000);
	memcpy(s.sys[0].comm, "true", 5);
	s.sys[0].exited = true;
	assert_int_equal(run_total_observe(rt, &s), 0);
	assert_int_equal(run_total_emit(rt, &out), 0);
	assert_int_equal(out.n_sys, 1);
	assert_int_equal(out.sys[0].total.count, 1);
	assert_string_equal(out.sys[0].comm, "true");
	assert_true(out.sys[0].exited);
	snapshot_free(&s);
	snapshot_free(&out);
	run_total_free(rt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_newest_totals_survive_ageing),
		cmocka_unit_test(test_family_rows_kept),
		cmocka_unit_test(test_key_limit_counted),
		cmocka_unit_test(test_cgroups_kept_apart),
		cmocka_unit_test(test_renamed_process_counted_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
