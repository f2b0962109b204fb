/*
 * test_proc_names.c - one name per process: a process renamed (prctl or
 * exec) has kernel keys under its old and new comm; the model's rows carry
 * the newest name, one row per (process, syscall) with the counts of both
 * keys, and the process view has one row per pid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hist.h"
#include "core/model.h"
#include "core/proc_names.h"
#include "core/view.h"

static struct abi_sys_key key(uint32_t tgid, uint32_t nr, uint64_t pstart, const char *comm)
{
	struct abi_sys_key k;

	memset(&k, 0, sizeof(k));
	k.tgid = tgid;
	k.nr = nr;
	k.pstart_ns = pstart;
	strncpy(k.comm, comm, sizeof(k.comm) - 1);
	return k;
}

/* proc_names_offer reads ABI_COMM_LEN bytes, as the kernel's comm has: never a short literal. */
static const char *comm16(const char *name)
{
	static char buf[ABI_COMM_LEN];

	memset(buf, 0, sizeof(buf));
	strncpy(buf, name, sizeof(buf) - 1);
	return buf;
}

static void add_calls(struct abi_hist *h, uint64_t n, uint64_t lat_ns)
{
	h->count += n;
	h->timed += n;
	h->sum_ns += n * lat_ns;
	h->slots[abi_hist_slot(lat_ns)] += n;
	if (lat_ns > h->max_ns)
		h->max_ns = lat_ns;
}

static void tick(struct model *m, struct snapshot *s, const struct abi_sys_key *keys,
		 const struct abi_hist *cum, size_t n)
{
	uint64_t evicted = 0;

	snapshot_reset(s);
	model_begin(m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(model_update(m, &keys[i], &cum[i]), 0);
	assert_int_equal(model_emit(m, s, &evicted, NULL, NULL), 0);
}

static size_t rows_of(const struct snapshot *s, uint32_t pid, uint32_t nr, const char **comm)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_sys; i++)
		if (s->sys[i].pid == pid && s->sys[i].nr == nr) {
			n++;
			*comm = s->sys[i].comm;
		}
	return n;
}

static void test_rename_newest_name_one_row(void **state)
{
	struct model *m = model_new(100, 3);
	/* pid 42 reads as python3, renames itself connloop, reads on; pid 7 is unrelated. */
	struct abi_sys_key k[3] = { key(42, 0, 500, "python3"), key(7, 0, 300, "sshd"),
				    key(42, 0, 500, "connloop") };
	struct abi_hist *cum = calloc(3, sizeof(*cum));
	struct snapshot s;
	struct view v;
	const char *comm = NULL;

	(void)state;
	snapshot_init(&s);
	view_init(&v);
	add_calls(&cum[0], 10, 1000);
	add_calls(&cum[1], 3, 2000);
	tick(m, &s, k, cum, 2);
	assert_int_equal(rows_of(&s, 42, 0, &comm), 1);
	assert_string_equal(comm, "python3");

	/* The rename tick: both keys have calls; the one created last names it. */
	add_calls(&cum[0], 2, 1000);
	add_calls(&cum[2], 5, 4000);
	tick(m, &s, k, cum, 3);
	assert_int_equal(rows_of(&s, 42, 0, &comm), 1);
	assert_string_equal(comm, "connloop");
	for (size_t i = 0; i < s.n_sys; i++)
		if (s.sys[i].pid == 42) {
			assert_int_equal(s.sys[i].interval.count, 7);	/* 2 old + 5 new */
			assert_int_equal(s.sys[i].total.count, 17);
			assert_int_equal(s.sys[i].total.max_ns, 4000);
		}
	assert_string_equal(model_proc_comm(m, 42), "connloop");
	assert_string_equal(model_proc_comm(m, 7), "sshd");
	assert_null(model_proc_comm(m, 99));

	/* Later ticks: only the new key is active; the old one's counts stay in the total. */
	add_calls(&cum[2], 4, 4000);
	tick(m, &s, k, cum, 3);
	assert_int_equal(rows_of(&s, 42, 0, &comm), 1);
	assert_string_equal(comm, "connloop");
	assert_int_equal(view_build(&v, &s, NULL, VIEW_BY_PROCESS, true), 0);
	{
		size_t n42 = 0;

		for (size_t i = 0; i < v.n; i++)
			if (v.rows[i].pid == 42) {
				n42++;
				assert_string_equal(v.rows[i].comm, "connloop");
				assert_int_equal(v.rows[i].hist.count, 21);
			}
		assert_int_equal(n42, 1);	/* the picker lists the pid once */
	}
	view_free(&v);
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

/* Rename back and forth: the most recently active name wins, whichever key is older. */
static void test_rename_back(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k[2] = { key(42, 1, 500, "a-name"), key(42, 1, 500, "b-name") };
	struct abi_hist *cum = calloc(2, sizeof(*cum));
	struct snapshot s;
	const char *comm = NULL;

	(void)state;
	snapshot_init(&s);
	add_calls(&cum[0], 1, 100);
	add_calls(&cum[1], 1, 100);
	tick(m, &s, k, cum, 2);
	add_calls(&cum[0], 1, 100);	/* only a-name active now */
	tick(m, &s, k, cum, 2);
	assert_int_equal(rows_of(&s, 42, 1, &comm), 1);
	assert_string_equal(comm, "a-name");
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

/* A newer process with the same pid names it; the old process's rows keep their own name. */
static void test_pid_reuse(void **state)
{
	struct proc_names p = { 0 };

	(void)state;
	assert_int_equal(proc_names_reset(&p, 4), 0);
	proc_names_offer(&p, 42, 900, comm16("new"), 1, 2);
	proc_names_offer(&p, 42, 500, comm16("old"), 5, 1);
	assert_string_equal(proc_names_get(&p, 42)->comm, "new");
	assert_int_equal(proc_names_get(&p, 42)->pstart_ns, 900);
	assert_false(proc_names_get(&p, 42)->renamed);
	proc_names_offer(&p, 42, 900, comm16("newer"), 1, 3);
	assert_true(proc_names_get(&p, 42)->renamed);
	assert_string_equal(proc_names_get(&p, 42)->comm, "newer");
	assert_int_equal(proc_names_reset(&p, 1000), 0);
	assert_null(proc_names_get(&p, 42));
	proc_names_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rename_newest_name_one_row),
		cmocka_unit_test(test_rename_back),
		cmocka_unit_test(test_pid_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
