/* test_model.c - cumulative readings to interval deltas, ageing, eviction, retire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hist.h"
#include "core/model.h"

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

static void add_calls(struct abi_hist *h, uint64_t n, uint64_t lat_ns)
{
	h->count += n;
	h->timed += n;
	h->sum_ns += n * lat_ns;
	h->slots[abi_hist_slot(lat_ns)] += n;
	if (lat_ns > h->max_ns)
		h->max_ns = lat_ns;
}

static const struct snap_sys_row *find_row(const struct snapshot *s, const struct abi_sys_key *k)
{
	for (size_t i = 0; i < s->n_sys; i++)
		if (s->sys[i].pid == k->tgid && s->sys[i].nr == k->nr &&
		    s->sys[i].pstart_ns == k->pstart_ns && !memcmp(s->sys[i].comm, k->comm, 16))
			return &s->sys[i];
	return NULL;
}

struct retired {
	size_t n;
	struct abi_sys_key keys[64];
};

static void on_retire(const struct abi_sys_key *k, void *ctx)
{
	struct retired *r = ctx;

	if (r->n < 64)
		r->keys[r->n++] = *k;
}

static void tick(struct model *m, struct snapshot *s, const struct abi_sys_key *keys,
		 struct abi_hist *cum, size_t n, uint64_t *evicted, struct retired *ret)
{
	snapshot_reset(s);
	model_begin(m);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(model_update(m, &keys[i], &cum[i]), 0);
	assert_int_equal(model_emit(m, s, evicted, on_retire, ret), 0);
}

static void test_deltas_and_totals(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k[2] = { key(10, 0, 111, "nginx"), key(10, 1, 111, "nginx") };
	struct abi_hist *cum = calloc(2, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0, sum_interval = 0;
	struct retired ret = { 0 };

	(void)state;
	snapshot_init(&s);
	for (int t = 0; t < 20; t++) {
		add_calls(&cum[0], (uint64_t)t * 7 + 1, 1000 + (uint64_t)t * 100);
		size_t n = t < 5 ? 1 : 2; /* the second key appears at tick 5 */

		if (t >= 5)
			add_calls(&cum[1], 3, 50000);
		tick(m, &s, k, cum, n, &evicted, &ret);
		const struct snap_sys_row *r = find_row(&s, &k[0]);

		assert_non_null(r);
		assert_int_equal(r->interval.count, (uint64_t)t * 7 + 1);
		assert_int_equal(r->total.count, cum[0].count);
		sum_interval += r->interval.count;
		if (t == 5) {
			const struct snap_sys_row *r2 = find_row(&s, &k[1]);

			assert_non_null(r2);
			assert_int_equal(r2->interval.count, 3); /* new key: everything so far */
		}
	}
	/* No tick boundary loses anything. */
	assert_int_equal(sum_interval, cum[0].count);
	assert_int_equal(evicted, 0);
	assert_int_equal(ret.n, 0);
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

static void test_exit_ageing_and_retire(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k[2] = { key(20, 0, 5, "a"), key(21, 0, 6, "b") };
	struct abi_hist *cum = calloc(2, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;
	struct retired ret = { 0 };
	int visible = 0;

	(void)state;
	snapshot_init(&s);
	add_calls(&cum[0], 5, 100);
	add_calls(&cum[1], 5, 100);
	tick(m, &s, k, cum, 2, &evicted, &ret);
	/* pid 20 exits after 2 more calls; PID reuse (same pid, new start) is a new key. */
	add_calls(&cum[0], 2, 100);
	model_mark_exited(m, 20, 5);
	tick(m, &s, k, cum, 2, &evicted, &ret);
	assert_int_equal(find_row(&s, &k[0])->interval.count, 2);
	assert_true(find_row(&s, &k[0])->exited);
	assert_false(find_row(&s, &k[1])->exited);
	assert_int_equal(ret.n, 1); /* the kernel may delete it now */
	assert_memory_equal(&ret.keys[0], &k[0], sizeof(k[0]));
	/* From now on the kernel map no longer has k[0]: only k[1] is read. */
	for (int t = 0; t < 6; t++) {
		tick(m, &s, &k[1], &cum[1], 1, &evicted, &ret);
		if (find_row(&s, &k[0])) {
			visible++;
			assert_int_equal(find_row(&s, &k[0])->total.count, 7);
			assert_int_equal(find_row(&s, &k[0])->interval.count, 0);
		}
	}
	assert_int_equal(visible, 3); /* shown for age_ticks idle ticks, then gone */
	assert_int_equal(ret.n, 1);   /* retired only once */
	assert_non_null(find_row(&s, &k[1]));
	assert_int_equal(model_size(m), 1);
	snapshot_free(&s);
	free(cum);
	model_free(m);
}

static void test_eviction(void **state)
{
	const size_t max = 8, total = 20;
	struct model *m = model_new(max, 100);
	struct abi_sys_key *k = calloc(total, sizeof(*k));
	struct abi_hist *cum = calloc(total, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;
	struct retired ret = { 0 };

	(void)state;
	snapshot_init(&s);
	for (size_t i = 0; i < total; i++) {
		k[i] = key((uint32_t)(1000 + i), 0, i, "flood");
		add_calls(&cum[i], 1, 10);
	}
	tick(m, &s, k, cum, total, &evicted, &ret);
	assert_int_equal(s.n_sys, total);   /* this tick's data is still shown */
	assert_int_equal(model_size(m), max);
	assert_int_equal(evicted, total - max);
	assert_int_equal(ret.n, total - max); /* and dropped from the kernel too */
	for (int t = 0; t < 3; t++)
		tick(m, &s, k, cum, 0, &evicted, &ret);
	assert_true(model_size(m) <= max);
	snapshot_free(&s);
	free(cum);
	free(k);
	model_free(m);
}

/*
 * Short-lived processes past max_keys: their keys go first and without a
 * warning (their counts were all emitted); a live key dropped is counted.
 */
static void test_eviction_of_exited_is_silent(void **state)
{
	const size_t max = 8, total = 20;
	struct model *m = model_new(max, 100);
	struct abi_sys_key *k = calloc(total, sizeof(*k));
	struct abi_hist *cum = calloc(total, sizeof(*cum));
	struct snapshot s;
	uint64_t evicted = 0;
	struct retired ret = { 0 };

	(void)state;
	snapshot_init(&s);
	for (size_t i = 0; i < total; i++) {
		k[i] = key((uint32_t)(1000 + i), 0, i, "cc1");
		add_calls(&cum[i], 1, 10);
	}
	/* 4 live keys, 16 of processes that exited this tick. */
	snapshot_reset(&s);
	model_begin(m);
	for (size_t i = 0; i < total; i++)
		assert_int_equal(model_update(m, &k[i], &cum[i]), 0);
	for (size_t i = 4; i < total; i++)
		model_mark_exited(m, k[i].tgid, k[i].pstart_ns);
	assert_int_equal(model_emit(m, &s, &evicted, on_retire, &ret), 0);
	assert_int_equal(s.n_sys, total);	/* their last counts are shown */
	assert_int_equal(model_size(m), max);
	assert_int_equal(evicted, 0);
	assert_int_equal(ret.n, total - 4);	/* every exited key retired once */
	/* The 4 live ones survived the eviction. */
	for (size_t i = 0; i < 4; i++) {
		bool found = false;

		for (size_t r = 0; r < s.n_sys; r++)
			found |= s.sys[r].pid == k[i].tgid;
		assert_true(found);
	}
	/*
	 * 12 new live keys (20 in all): the 4 exited leftovers go silently,
	 * then 8 live ones (the 4 idle first), each counted.
	 */
	for (size_t i = 0; i < 12; i++) {
		k[i] = key((uint32_t)(2000 + i), 0, i, "live");
		add_calls(&cum[i], 1, 10);
	}
	tick(m, &s, k, cum, 12, &evicted, &ret);
	assert_int_equal(evicted, 8);
	assert_int_equal(model_size(m), max);
	snapshot_free(&s);
	free(cum);
	free(k);
	model_free(m);
}

/*
 * Sparse storage: the interval buckets are exactly cur - prev slot by slot,
 * the totals' buckets exactly cur; an unchanged key gives an empty interval
 * and the same total; a key read twice in one tick is still a delta against
 * the last tick, not against its first reading.
 */
static void test_sparse_buckets_exact(void **state)
{
	struct model *m = model_new(100, 3);
	struct abi_sys_key k = key(20, 3, 222, "pg");
	struct abi_hist *cur = calloc(1, sizeof(*cur)), *prev = calloc(1, sizeof(*prev));
	struct abi_hist *got = calloc(1, sizeof(*got));
	struct snapshot s;
	const struct snap_sys_row *r;

	(void)state;
	snapshot_init(&s);
	add_calls(cur, 5, 0);
	add_calls(cur, 3, 7);
	add_calls(cur, 9, 1u << 20);
	add_calls(cur, 1, UINT64_MAX);
	tick(m, &s, &k, cur, 1, NULL, NULL);
	*prev = *cur;
	add_calls(cur, 4, 7);
	add_calls(cur, 2, 3u << 25);

	snapshot_reset(&s);
	model_begin(m);
	assert_int_equal(model_update(m, &k, prev), 0);	/* a stale first reading */
	assert_int_equal(model_update(m, &k, cur), 0);
	assert_int_equal(model_emit(m, &s, NULL, NULL, NULL), 0);
	r = find_row(&s, &k);
	assert_non_null(r);
	snapshot_hist_expand(&s, &r->interval, got);
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		assert_int_equal(got->slots[i], cur->slots[i] - prev->slots[i]);
	assert_int_equal(r->interval.count, 6);
	assert_int_equal(r->interval.n, 2);
	snapshot_hist_expand(&s, &r->total, got);
	assert_memory_equal(got->slots, cur->slots, sizeof(cur->slots));
	assert_int_equal(r->total.count, cur->count);
	assert_int_equal(r->total.max_ns, UINT64_MAX);

	/* Unchanged: nothing in the interval, the same total. */
	tick(m, &s, &k, cur, 1, NULL, NULL);
	r = find_row(&s, &k);
	assert_int_equal(r->interval.count, 0);
	assert_int_equal(r->interval.n, 0);
	snapshot_hist_expand(&s, &r->total, got);
	assert_memory_equal(got->slots, cur->slots, sizeof(cur->slots));
	assert_int_equal(r->total.sum_ns, cur->sum_ns);

	/* Untimed calls only (--sample N): counted, no buckets, also for a new key. */
	cur->count += 5;
	memset(prev, 0, sizeof(*prev));
	prev->count = 3;
	{
		struct abi_sys_key keys[2] = { k, key(21, 3, 223, "pg") };
		struct abi_hist cums[2] = { *cur, *prev };

		tick(m, &s, keys, cums, 2, NULL, NULL);
		r = find_row(&s, &k);
		assert_int_equal(r->interval.count, 5);
		assert_int_equal(r->interval.timed, 0);
		assert_int_equal(r->interval.n, 0);
		assert_int_equal(r->total.count, cur->count);
		r = find_row(&s, &keys[1]);
		assert_int_equal(r->interval.count, 3);
		assert_int_equal(r->interval.n + r->total.n, 0);
	}

	free(cur);
	free(prev);
	free(got);
	snapshot_free(&s);
	model_free(m);
}

/*
 * Only some keys change each tick (a different third of them, each with
 * its own latencies): every row's interval is exactly its key's delta and
 * its total its reading, whichever keys changed before it.
 */
static void test_changing_subsets(void **state)
{
	enum { KEYS = 200, TICKS = 12 };
	struct model *m = model_new(KEYS, 3);
	struct abi_sys_key k[KEYS];
	struct abi_hist *cum = calloc(KEYS, sizeof(*cum)), *got = calloc(1, sizeof(*got));
	uint64_t before[KEYS] = { 0 };
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	for (uint32_t i = 0; i < KEYS; i++)
		k[i] = key(1000 + i, i % 7, 5, "w");
	for (int t = 0; t < TICKS; t++) {
		for (uint32_t i = 0; i < KEYS; i++) {
			before[i] = cum[i].count;
			if ((i + (uint32_t)t) % 3 == 0)	/* a new slot per tick and key */
				add_calls(&cum[i], 1 + i % 5, 100ull << ((i + (uint32_t)t) % 40));
		}
		tick(m, &s, k, cum, KEYS, NULL, NULL);
		assert_int_equal(s.n_sys, KEYS);
		for (uint32_t i = 0; i < KEYS; i++) {
			const struct snap_sys_row *r = find_row(&s, &k[i]);

			assert_non_null(r);
			assert_int_equal(r->interval.count, cum[i].count - before[i]);
			snapshot_hist_expand(&s, &r->total, got);
			assert_memory_equal(got->slots, cum[i].slots, sizeof(got->slots));
			assert_int_equal(r->total.sum_ns, cum[i].sum_ns);
			if (r->interval.count) {
				snapshot_hist_expand(&s, &r->interval, got);
				assert_int_equal(got->slots[abi_hist_slot(100ull << ((i + (uint32_t)t) % 40))],
						 1 + i % 5);
				assert_int_equal(got->timed, 1 + i % 5);
			}
		}
	}
	free(cum);
	free(got);
	snapshot_free(&s);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deltas_and_totals),
		cmocka_unit_test(test_exit_ageing_and_retire),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_eviction_of_exited_is_silent),
		cmocka_unit_test(test_sparse_buckets_exact),
		cmocka_unit_test(test_changing_subsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
