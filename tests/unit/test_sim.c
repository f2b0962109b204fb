/*
 * test_sim.c - the simulation source: reproducible from its seed, realistic
 * enough to exercise every consumer (several processes and syscalls,
 * errors, a latency spike), and internally consistent snapshots.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hist.h"
#include "core/sim.h"
#include "core/snapshot.h"
#include "export/json.h"

#define SEC_NS 1000000000ull
#define MAX_TRACKED 64

/* JSON of @ticks ticks of seed @seed, concatenated (caller frees). */
static char *sim_json(uint64_t seed, int ticks, uint64_t interval_ns)
{
	struct sim *sim = sim_new(seed);
	struct snapshot s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(sim);
	assert_non_null(f);
	snapshot_init(&s);
	for (int i = 0; i < ticks; i++) {
		snapshot_reset(&s);
		assert_int_equal(sim_tick(sim, &s, interval_ns), 0);
		assert_int_equal(json_write_tick(f, &s, NULL), 0);
	}
	assert_int_equal(fclose(f), 0);
	snapshot_free(&s);
	sim_free(sim);
	return buf;
}

static void test_deterministic(void **state)
{
	char *a, *b, *c;

	(void)state;
	a = sim_json(42, 5, SEC_NS);
	b = sim_json(42, 5, SEC_NS);
	c = sim_json(43, 5, SEC_NS);
	assert_true(strlen(a) > 1000);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	free(a);
	free(b);
	free(c);
}

static bool seen_u32(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Per row: counts add up, totals grow, slots sum to the timed calls. */
static void check_consistent(const struct snapshot *s)
{
	uint64_t events = 0;

	assert_true(s->simulated);
	assert_string_equal(s->source, "simulate");
	assert_int_equal(s->sample_every, 1);
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		const struct snap_hist *hs[] = { &r->interval, &r->total };

		assert_true(r->comm[0] != '\0');
		assert_true(r->interval.count <= r->total.count);
		assert_true(r->total.count > 0);
		for (size_t k = 0; k < 2; k++) {
			const struct snap_hist *h = hs[k];
			const struct hist_bucket *b = snap_hist_buckets(s, h);
			uint64_t slots = 0;

			/* Sparse: non-empty slots only, in increasing order. */
			assert_true(h->first + h->n <= s->n_buckets);
			for (size_t j = 0; j < h->n; j++) {
				assert_true(b[j].slot < ABI_HIST_SLOTS);
				assert_true(b[j].count > 0);
				assert_true(j == 0 || b[j].slot > b[j - 1].slot);
				slots += b[j].count;
			}
			assert_int_equal(slots, h->timed);
			assert_int_equal(h->timed, h->count);
			assert_true(h->errors <= h->count);
			if (h->count) {
				assert_true(h->max_ns > 0);
				assert_true(h->sum_ns >= h->max_ns);
				assert_true(h->sum_ns <= h->max_ns * h->count);
			}
		}
		events += r->interval.count;
	}
	assert_int_equal(s->interval.events, events);
	assert_true(s->total.events >= s->interval.events);
}

static void test_realistic(void **state)
{
	struct sim *sim = sim_new(7);
	struct snapshot s;
	uint32_t pids[MAX_TRACKED], nrs[MAX_TRACKED];
	size_t n_pid = 0, n_nr = 0;
	uint64_t errors = 0, prev_total = 0;
	bool nginx = false, postgres = false, redis = false;

	(void)state;
	assert_non_null(sim);
	snapshot_init(&s);
	for (uint64_t t = 1; t <= 10; t++) {
		snapshot_reset(&s);
		assert_int_equal(sim_tick(sim, &s, SEC_NS), 0);
		assert_int_equal(s.seq, t);
		assert_int_equal(s.elapsed_ns, t * SEC_NS);
		check_consistent(&s);
		assert_true(s.total.events > prev_total);
		prev_total = s.total.events;
		for (size_t i = 0; i < s.n_sys; i++) {
			const struct snap_sys_row *r = &s.sys[i];

			if (!seen_u32(pids, n_pid, r->pid) && n_pid < MAX_TRACKED)
				pids[n_pid++] = r->pid;
			if (!seen_u32(nrs, n_nr, r->nr) && n_nr < MAX_TRACKED)
				nrs[n_nr++] = r->nr;
			errors += r->interval.errors;
			nginx |= !strcmp(r->comm, "nginx");
			postgres |= !strcmp(r->comm, "postgres");
			redis |= !strcmp(r->comm, "redis-server");
		}
	}
	assert_true(n_pid >= 6);
	assert_true(n_nr >= 6);
	assert_true(nginx && postgres && redis);
	assert_true(errors > 0);
	/* tens to thousands per second overall */
	assert_true(s.interval.events > 5000 && s.interval.events < 100000);
	snapshot_free(&s);
	sim_free(sim);
}

/* Calls scale with the interval; a zero interval has none. */
static void test_interval_scaling(void **state)
{
	struct sim *fast = sim_new(3), *slow = sim_new(3), *none = sim_new(3);
	struct snapshot s;
	uint64_t ev_fast, ev_slow;

	(void)state;
	snapshot_init(&s);
	assert_int_equal(sim_tick(fast, &s, SEC_NS / 10), 0);
	ev_fast = s.interval.events;
	snapshot_reset(&s);
	assert_int_equal(sim_tick(slow, &s, 10 * SEC_NS), 0);
	ev_slow = s.interval.events;
	assert_true(ev_slow > 50 * ev_fast && ev_slow < 200 * ev_fast);
	snapshot_reset(&s);
	assert_int_equal(sim_tick(none, &s, 0), 0);
	assert_int_equal(s.interval.events, 0);
	assert_int_equal(s.n_sys, 0);
	snapshot_free(&s);
	sim_free(fast);
	sim_free(slow);
	sim_free(none);
}

struct p50_track {
	uint32_t pid, nr;
	size_t n;
	uint64_t p50_ns[2 * SIM_SPIKE_WINDOW];
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Within two spike windows some busy row's p50 jumps at least 8x above its
 * usual (median) value: the spike is visible to the operator.
 */
static void test_spike(void **state)
{
	static struct p50_track tr[MAX_TRACKED];
	size_t n_tr = 0;
	bool spiked = false;
	struct snapshot s;
	struct sim *sim;

	(void)state;
	for (uint64_t seed = 1; seed <= 5; seed++) {
		sim = sim_new(seed);
		assert_non_null(sim);
		snapshot_init(&s);
		n_tr = 0;
		for (int t = 0; t < 2 * SIM_SPIKE_WINDOW; t++) {
			snapshot_reset(&s);
			assert_int_equal(sim_tick(sim, &s, SEC_NS), 0);
			for (size_t i = 0; i < s.n_sys; i++) {
				const struct snap_sys_row *r = &s.sys[i];
				size_t j;

				if (r->interval.count < 100)
					continue;
				for (j = 0; j < n_tr; j++)
					if (tr[j].pid == r->pid && tr[j].nr == r->nr)
						break;
				if (j == n_tr) {
					assert_true(n_tr < MAX_TRACKED);
					tr[n_tr++] = (struct p50_track){ .pid = r->pid,
									 .nr = r->nr };
				}
				tr[j].p50_ns[tr[j].n++] = snapshot_hist_percentile_ns(&s, &r->interval, 50);
			}
		}
		spiked = false;
		for (size_t j = 0; j < n_tr; j++) {
			uint64_t sorted[2 * SIM_SPIKE_WINDOW], peak;

			if (tr[j].n < SIM_SPIKE_WINDOW)
				continue;
			memcpy(sorted, tr[j].p50_ns, tr[j].n * sizeof(sorted[0]));
			qsort(sorted, tr[j].n, sizeof(sorted[0]), cmp_u64);
			peak = sorted[tr[j].n - 1];
			if (peak >= 8 * sorted[tr[j].n / 2])
				spiked = true;
		}
		snapshot_free(&s);
		sim_free(sim);
		assert_true(spiked);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_realistic),
		cmocka_unit_test(test_interval_scaling),
		cmocka_unit_test(test_spike),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
