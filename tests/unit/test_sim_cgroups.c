/*
 * test_sim_cgroups.c - the simulation's rows live in a handful of cgroups:
 * every row carries a named id, the names are what cgroup_name_of makes of
 * realistic paths (and one hostile one), the ids follow the seed, and the
 * rows' numbers are those of a run without cgroups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/sim.h"
#include "core/sim_cgroups.h"
#include "core/snapshot.h"

#define SEC_NS 1000000000ull

static void run_ticks(struct sim *sim, struct snapshot *s, int ticks)
{
	for (int i = 0; i < ticks; i++) {
		snapshot_reset(s);
		assert_int_equal(sim_tick(sim, s, SEC_NS), 0);
	}
}

static const struct snap_cgroup *named(const struct snapshot *s, uint64_t id)
{
	const struct snap_cgroup *cg = snapshot_cgroup(s, id);

	assert_non_null(cg);
	assert_true(cg->name[0] != '\0');
	return cg;
}

static const struct snap_cgroup *of_pid(const struct snapshot *s, uint32_t pid)
{
	for (size_t i = 0; i < s->n_sys; i++)
		if (s->sys[i].pid == pid)
			return named(s, s->sys[i].cgroup_id);
	fail_msg("no row of pid %u", pid);
	return NULL;
}

static void test_every_row_named(void **state)
{
	struct sim *sim = sim_new(42);
	struct snapshot s;
	size_t n_fam = 0;

	(void)state;
	assert_non_null(sim);
	sim_set_slow_ns(sim, 1000000);
	snapshot_init(&s);
	run_ticks(sim, &s, 5);
	assert_int_equal(s.cgroups_state, SNAP_CGROUPS_ON);
	assert_int_equal(s.n_cgroups, SIM_CG_NR);
	for (size_t i = 1; i < s.n_cgroups; i++)
		assert_true(s.cgroups[i - 1].id < s.cgroups[i].id);	/* sorted, distinct */
	assert_true(s.n_sys > 20);
	for (size_t i = 0; i < s.n_sys; i++)
		named(&s, s.sys[i].cgroup_id);
	assert_true(s.n_clients > 5);
	for (size_t i = 0; i < s.n_clients; i++)
		named(&s, s.clients[i].key.cgid);
	for (int f = 0; f < SNAP_FAM_NR; f++)
		for (size_t i = 0; i < s.fam[f].n; i++, n_fam++)
			named(&s, s.fam[f].rows[i].key.cgid);
	assert_true(n_fam > 0);
	assert_true(s.n_stacks > 0);
	for (size_t i = 0; i < s.n_stacks; i++)
		named(&s, s.stacks[i].cgroup_id);
	snapshot_free(&s);
	sim_free(sim);
}

static void test_names(void **state)
{
	struct sim *sim = sim_new(7);
	struct snapshot s;
	const struct snap_cgroup *cg;

	(void)state;
	snapshot_init(&s);
	run_ticks(sim, &s, 3);
	cg = of_pid(&s, 1201);
	assert_int_equal(cg->kind, SNAP_CG_SYSTEMD);
	assert_string_equal(cg->name, "nginx.service");
	assert_string_equal(cg->path, "/system.slice/nginx.service");
	assert_ptr_equal(of_pid(&s, 1203), cg);		/* all workers in one unit */
	cg = of_pid(&s, 842);
	assert_int_equal(cg->kind, SNAP_CG_DOCKER);
	assert_int_equal(strlen(cg->name), strlen("docker:") + 12);
	assert_memory_equal(cg->name, "docker:", 7);
	assert_memory_equal(cg->name + 7, cg->path + strlen("/system.slice/docker-"), 12);
	cg = of_pid(&s, 977);
	assert_int_equal(cg->kind, SNAP_CG_POD);
	assert_int_equal(strlen(cg->name), strlen("pod:12345678/") + 12);
	assert_non_null(strstr(cg->path, "/cri-containerd-"));
	cg = of_pid(&s, 2301);
	assert_int_equal(cg->kind, SNAP_CG_PATH);
	assert_string_equal(cg->path, "/lattop-sim/evil\x1b[2J\x07name");
	assert_string_equal(cg->name, cg->path);	/* hostile, raw: sanitised by outputs */
	cg = of_pid(&s, 612);
	assert_int_equal(cg->kind, SNAP_CG_ROOT);
	assert_int_equal(cg->id, 1);
	assert_string_equal(cg->name, "/");
	snapshot_free(&s);
	sim_free(sim);
}

static void test_seeded(void **state)
{
	(void)state;
	for (int c = 0; c < SIM_CG_NR; c++) {
		assert_true(sim_cgroup_id(1, c) != 0);
		assert_int_equal(sim_cgroup_id(1, c), sim_cgroup_id(1, c));
		for (int d = 0; d < c; d++)
			assert_true(sim_cgroup_id(1, c) != sim_cgroup_id(1, d));
	}
	assert_int_equal(sim_cgroup_id(1, SIM_CG_ROOT), sim_cgroup_id(2, SIM_CG_ROOT));
	assert_true(sim_cgroup_id(1, SIM_CG_NGINX) != sim_cgroup_id(2, SIM_CG_NGINX));
	{
		char a[256], b[256];

		sim_cgroup_path(1, SIM_CG_POD, a, sizeof(a));
		sim_cgroup_path(2, SIM_CG_POD, b, sizeof(b));
		assert_string_not_equal(a, b);
		sim_cgroup_path(1, SIM_CG_POD, b, sizeof(b));
		assert_string_equal(a, b);
	}
}

/* Cgroups change no number, and off they leave no trace. */
static void test_off_same_numbers(void **state)
{
	struct sim *on = sim_new_profile(3, SIM_SPIKE), *off = sim_new_profile(3, SIM_SPIKE);
	struct snapshot a, b;

	(void)state;
	sim_set_cgroups(off, false);
	snapshot_init(&a);
	snapshot_init(&b);
	for (int t = 0; t < 30; t++) {
		run_ticks(on, &a, 1);
		run_ticks(off, &b, 1);
		assert_int_equal(b.cgroups_state, SNAP_CGROUPS_OFF);
		assert_int_equal(b.n_cgroups, 0);
		assert_int_equal(a.n_sys, b.n_sys);
		assert_int_equal(a.n_clients, b.n_clients);
		for (size_t i = 0; i < a.n_sys; i++) {
			assert_int_equal(b.sys[i].cgroup_id, 0);
			assert_int_equal(a.sys[i].pid, b.sys[i].pid);
			assert_int_equal(a.sys[i].interval.count, b.sys[i].interval.count);
			assert_int_equal(a.sys[i].interval.sum_ns, b.sys[i].interval.sum_ns);
		}
		for (size_t i = 0; i < a.n_clients; i++) {
			assert_int_equal(b.clients[i].key.cgid, 0);
			assert_int_equal(a.clients[i].interval.requests, b.clients[i].interval.requests);
		}
	}
	snapshot_free(&a);
	snapshot_free(&b);
	sim_free(on);
	sim_free(off);
}

/* A copy keeps the table (consumers get copies through the ring). */
static void test_copy(void **state)
{
	struct sim *sim = sim_new(9);
	struct snapshot s, c;

	(void)state;
	snapshot_init(&s);
	snapshot_init(&c);
	run_ticks(sim, &s, 2);
	assert_int_equal(snapshot_copy(&c, &s), 0);
	assert_int_equal(c.n_cgroups, s.n_cgroups);
	assert_int_equal(c.cgroups_state, SNAP_CGROUPS_ON);
	assert_memory_equal(c.cgroups, s.cgroups, s.n_cgroups * sizeof(*s.cgroups));
	snapshot_free(&s);
	snapshot_free(&c);
	sim_free(sim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_named),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_seeded),
		cmocka_unit_test(test_off_same_numbers),
		cmocka_unit_test(test_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
