/*
 * test_model_cgroups.c - the cgroup id is part of every model's key: rows
 * of one process in two cgroups stay apart (also through the rename
 * merge), rows of a removed cgroup age out like an exited process's and
 * are evicted first without counting as evictions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/client_model.h"
#include "core/fam_model.h"
#include "core/hist.h"
#include "core/model.h"

#define CG_WEB 1001
#define CG_DB 2002

static struct abi_sys_key sys_key(uint32_t tgid, uint32_t nr, const char *comm, uint64_t cgid)
{
	struct abi_sys_key k;

	memset(&k, 0, sizeof(k));
	k.tgid = tgid;
	k.nr = nr;
	k.pstart_ns = 77;
	strncpy(k.comm, comm, sizeof(k.comm) - 1);
	k.cgid = cgid;
	return k;
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

/* The row of (pid, nr) in cgroup @cgid, or NULL; fails on a second one. */
static const struct snap_sys_row *sys_row(const struct snapshot *s, uint32_t pid, uint32_t nr,
					  uint64_t cgid)
{
	const struct snap_sys_row *found = NULL;

	for (size_t i = 0; i < s->n_sys; i++) {
		if (s->sys[i].pid != pid || s->sys[i].nr != nr || s->sys[i].cgroup_id != cgid)
			continue;
		assert_null(found);
		found = &s->sys[i];
	}
	return found;
}

static void sys_tick(struct model *m, struct snapshot *s, const struct abi_sys_key *keys,
		     const struct abi_hist *cum, size_t n, uint64_t *evicted)
{
	snapshot_reset(s);
	model_begin(m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(model_update(m, &keys[i], &cum[i]), 0);
	assert_int_equal(model_emit(m, s, evicted, NULL, NULL), 0);
}

/* One process moved from web to db: one row per cgroup, each with its own counts. */
static void test_sys_rows_of_two_cgroups_apart(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k[2] = { sys_key(10, 0, "nginx", CG_WEB), sys_key(10, 0, "nginx", CG_DB) };
	struct abi_hist *cum = calloc(2, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;

	(void)state;
	snapshot_init(&s);
	add_calls(&cum[0], 5, 1000);
	add_calls(&cum[1], 7, 2000);
	sys_tick(m, &s, k, cum, 2, &evicted);
	assert_int_equal(s.n_sys, 2);
	assert_non_null(sys_row(&s, 10, 0, CG_WEB));
	assert_non_null(sys_row(&s, 10, 0, CG_DB));
	assert_int_equal(sys_row(&s, 10, 0, CG_WEB)->interval.count, 5);
	assert_int_equal(sys_row(&s, 10, 0, CG_DB)->interval.count, 7);
	/* Next tick only the db row moves. */
	add_calls(&cum[1], 3, 2000);
	sys_tick(m, &s, k, cum, 2, &evicted);
	assert_int_equal(sys_row(&s, 10, 0, CG_WEB)->interval.count, 0);
	assert_int_equal(sys_row(&s, 10, 0, CG_DB)->interval.count, 3);
	assert_int_equal(sys_row(&s, 10, 0, CG_DB)->total.count, 10);
	assert_int_equal(evicted, 0);
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

/*
 * Renamed ("old" -> "new") and moved (web -> db): the rename merge joins
 * the two names' rows of the same cgroup only.
 */
static void test_rename_merge_keeps_cgroups_apart(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k[3] = { sys_key(10, 0, "old", CG_WEB), sys_key(10, 0, "new", CG_WEB),
				    sys_key(10, 0, "new", CG_DB) };
	struct abi_hist *cum = calloc(3, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;

	(void)state;
	snapshot_init(&s);
	add_calls(&cum[0], 4, 1000);
	sys_tick(m, &s, k, cum, 1, &evicted);
	add_calls(&cum[1], 2, 1000);
	add_calls(&cum[2], 9, 1000);
	sys_tick(m, &s, k, cum, 3, &evicted);
	assert_int_equal(s.n_sys, 2);
	assert_non_null(sys_row(&s, 10, 0, CG_WEB));
	assert_non_null(sys_row(&s, 10, 0, CG_DB));
	assert_int_equal(sys_row(&s, 10, 0, CG_WEB)->total.count, 6);	/* old + new, web */
	assert_int_equal(sys_row(&s, 10, 0, CG_DB)->total.count, 9);
	assert_string_equal(sys_row(&s, 10, 0, CG_WEB)->comm, "new");
	assert_string_equal(sys_row(&s, 10, 0, CG_DB)->comm, "new");
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

/* A removed cgroup's rows are marked exited, stay age_ticks idle ticks, then go. */
static void test_gone_cgroup_ages_out(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k[2] = { sys_key(10, 0, "a", CG_WEB), sys_key(11, 0, "b", CG_DB) };
	struct abi_hist *cum = calloc(2, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;
	int visible = 0;

	(void)state;
	snapshot_init(&s);
	add_calls(&cum[0], 5, 100);
	add_calls(&cum[1], 5, 100);
	sys_tick(m, &s, k, cum, 2, &evicted);
	model_mark_cgroup_gone(m, 0);	/* not attributed: nothing */
	model_mark_cgroup_gone(m, CG_WEB);
	sys_tick(m, &s, k, cum, 2, &evicted);
	assert_true(sys_row(&s, 10, 0, CG_WEB)->exited);
	assert_false(sys_row(&s, 11, 0, CG_DB)->exited);
	/* Retired: the kernel map no longer has it (the live source deletes it). */
	for (int t = 0; t < 6; t++) {
		sys_tick(m, &s, &k[1], &cum[1], 1, &evicted);
		visible += sys_row(&s, 10, 0, CG_WEB) != NULL;
		assert_non_null(sys_row(&s, 11, 0, CG_DB));	/* live, idle: stays */
	}
	assert_int_equal(visible, 2);	/* 3 idle ticks in all (one above), then gone */
	assert_int_equal(model_size(m), 1);
	assert_int_equal(evicted, 0);
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

/* Over max_keys, a removed cgroup's row goes first and is not an eviction. */
static void test_sys_eviction_prefers_gone_cgroup(void **state)
{
	struct model *m = model_new(2, 100);
	struct abi_sys_key k[3] = { sys_key(10, 0, "a", CG_WEB), sys_key(11, 0, "b", CG_DB),
				    sys_key(12, 0, "c", CG_DB) };
	struct abi_hist *cum = calloc(3, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;

	(void)state;
	snapshot_init(&s);
	for (int i = 0; i < 3; i++)
		add_calls(&cum[i], 1 + (uint64_t)i, 100);
	sys_tick(m, &s, k, cum, 2, &evicted);
	model_mark_cgroup_gone(m, CG_WEB);
	sys_tick(m, &s, k, cum, 3, &evicted);	/* 3 keys, room for 2 */
	assert_int_equal(model_size(m), 2);
	assert_int_equal(evicted, 0);
	sys_tick(m, &s, &k[1], &cum[1], 2, &evicted);
	assert_null(sys_row(&s, 10, 0, CG_WEB));
	assert_non_null(sys_row(&s, 11, 0, CG_DB));
	assert_non_null(sys_row(&s, 12, 0, CG_DB));
	/* Now a live key must go: counted. */
	k[0] = sys_key(13, 0, "d", CG_DB);
	add_calls(&cum[0], 1, 100);
	sys_tick(m, &s, k, cum, 3, &evicted);
	assert_int_equal(evicted, 1);
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

static struct abi_fam_key fam_key(uint32_t tgid, uint64_t cgid)
{
	struct abi_fam_key k;

	memset(&k, 0, sizeof(k));
	k.tgid = tgid;
	k.a = ABI_FAM_ANY;
	strncpy(k.comm, "dd", sizeof(k.comm) - 1);
	k.cgid = cgid;
	return k;
}

static const struct snap_fam_row *fam_row(const struct snapshot *s, uint32_t tgid, uint64_t cgid)
{
	const struct snap_table *t = &s->fam[SNAP_FAM_RUNQ];

	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].key.tgid == tgid && t->rows[i].key.cgid == cgid)
			return &t->rows[i];
	return NULL;
}

static void fam_tick(struct fam_model *m, struct snapshot *s, const struct abi_fam_key *k,
		     const struct abi_hist *cum, size_t n, uint64_t *evicted)
{
	snapshot_reset(s);
	fam_model_begin(m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(fam_model_update(m, &k[i], &cum[i]), 0);
	assert_int_equal(fam_model_emit(m, s, SNAP_FAM_RUNQ, evicted, NULL, NULL), 0);
}

/* Family rows: key.cgid passes through; two cgroups apart; gone first out, uncounted. */
static void test_fam_cgroups(void **state)
{
	struct fam_model *m = fam_model_new(0, 2, 100);
	struct abi_fam_key k[3] = { fam_key(5, CG_WEB), fam_key(5, CG_DB), fam_key(6, CG_DB) };
	struct abi_hist *cum = calloc(3, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;

	(void)state;
	snapshot_init(&s);
	add_calls(&cum[0], 3, 500);
	add_calls(&cum[1], 4, 500);
	add_calls(&cum[2], 1, 500);
	fam_tick(m, &s, k, cum, 2, &evicted);
	assert_int_equal(s.fam[SNAP_FAM_RUNQ].n, 2);
	assert_int_equal(fam_row(&s, 5, CG_WEB)->interval.count, 3);
	assert_int_equal(fam_row(&s, 5, CG_DB)->interval.count, 4);
	fam_model_mark_cgroup_gone(m, CG_WEB);
	add_calls(&cum[0], 1, 500);	/* newer than the db rows: not the idlest */
	fam_tick(m, &s, k, cum, 3, &evicted);	/* room for 2 of 3 */
	assert_int_equal(evicted, 0);
	fam_tick(m, &s, &k[1], &cum[1], 2, &evicted);
	assert_null(fam_row(&s, 5, CG_WEB));
	assert_non_null(fam_row(&s, 5, CG_DB));
	assert_non_null(fam_row(&s, 6, CG_DB));
	snapshot_free(&s);
	free(cum);
	fam_model_free(m);
}

/* Client rows: the same client of one process in two cgroups is two rows. */
static void test_client_rows_keep_cgid(void **state)
{
	struct client_model *m = client_model_new();
	struct abi_client_key k[2];
	struct abi_client_val *v = calloc(2, sizeof(*v));
	struct snapshot s;
	int seen_web = 0, seen_db = 0;

	(void)state;
	assert_non_null(m);
	snapshot_init(&s);
	for (int i = 0; i < 2; i++) {
		memset(&k[i], 0, sizeof(k[i]));
		k[i].family = 2;
		k[i].addr[0] = 127;
		k[i].addr[3] = 1;
		k[i].port = 8080;
		k[i].tgid = 42;
		k[i].cgid = i ? CG_DB : CG_WEB;
		v[i].requests = 3 + (uint64_t)i;
	}
	client_model_begin(m);
	for (int i = 0; i < 2; i++)
		assert_int_equal(client_model_update(m, &k[i], &v[i], &s), 0);
	client_model_end(m);
	assert_int_equal(s.n_clients, 2);
	for (size_t i = 0; i < s.n_clients; i++) {
		seen_web += s.clients[i].key.cgid == CG_WEB;
		seen_db += s.clients[i].key.cgid == CG_DB;
	}
	assert_int_equal(seen_web, 1);
	assert_int_equal(seen_db, 1);
	assert_int_equal(client_model_size(m), 2);
	snapshot_free(&s);
	free(v);
	client_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sys_rows_of_two_cgroups_apart),
		cmocka_unit_test(test_rename_merge_keeps_cgroups_apart),
		cmocka_unit_test(test_gone_cgroup_ages_out),
		cmocka_unit_test(test_sys_eviction_prefers_gone_cgroup),
		cmocka_unit_test(test_fam_cgroups),
		cmocka_unit_test(test_client_rows_keep_cgid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
