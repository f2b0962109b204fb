/* test_hist.c - the slot function, bucket bounds, percentiles, quantize rows, deltas. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/hist.h"

/* Deterministic PRNG for the sample sets (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

static void check_value(uint64_t v)
{
	uint32_t slot = abi_hist_slot(v);

	assert_true(slot < ABI_HIST_SLOTS);
	if (v >= (1ull << ABI_HIST_MAX_POW)) {
		assert_int_equal(slot, ABI_HIST_SLOTS - 1);
		return;
	}
	assert_true(hist_slot_lower_ns(slot) <= v);
	assert_true(v <= hist_slot_upper_ns(slot));
}

static void test_slot_edges(void **state)
{
	(void)state;
	assert_int_equal(abi_hist_slot(0), 0);
	assert_int_equal(abi_hist_slot(1), 1);
	assert_int_equal(abi_hist_slot(UINT64_MAX), ABI_HIST_SLOTS - 1);
	check_value(0);
	check_value(1);
	check_value(UINT64_MAX);
	for (int k = 1; k < 64; k++) {
		uint64_t p = 1ull << k;

		check_value(p - 1);
		check_value(p);
		check_value(p + 1);
		/* A power of two always starts a new bucket (below the overflow slot). */
		if (k >= 1 && k < ABI_HIST_MAX_POW) {
			assert_int_not_equal(abi_hist_slot(p - 1), abi_hist_slot(p));
			assert_int_equal(hist_slot_lower_ns(abi_hist_slot(p)), p);
		}
	}
}

static void test_slot_monotonic_and_contiguous(void **state)
{
	(void)state;
	/* Bounds tile the whole range: each slot starts right after the previous one. */
	for (uint32_t s = 1; s < ABI_HIST_SLOTS; s++)
		assert_int_equal(hist_slot_lower_ns(s), hist_slot_upper_ns(s - 1) + 1);
	assert_int_equal(hist_slot_upper_ns(ABI_HIST_SLOTS - 1), UINT64_MAX);
	uint32_t prev = 0;
	for (uint64_t v = 0; v < 100000; v += 1 + v / 64) {
		uint32_t s = abi_hist_slot(v);

		assert_true(s >= prev);
		prev = s;
		check_value(v);
	}
	for (int i = 0; i < 100000; i++)
		check_value(rng_next() >> (rng_next() % 64));
}

static void test_bucket_width(void **state)
{
	(void)state;
	/* Width / lower bound <= 1/8, so a midpoint is within 1/16 of any member. */
	for (uint32_t s = ABI_HIST_SUB; s < ABI_HIST_SLOTS - 1; s++) {
		uint64_t lo = hist_slot_lower_ns(s), hi = hist_slot_upper_ns(s);

		assert_true((double)(hi - lo + 1) / (double)lo <= 1.0 / ABI_HIST_SUB + 1e-12);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Estimate vs exact nearest-rank percentile of the same samples. */
static void check_percentiles(uint64_t *v, size_t n)
{
	static const double pcts[] = { 50, 90, 99, 99.9 };
	struct abi_hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	for (size_t i = 0; i < n; i++) {
		h->slots[abi_hist_slot(v[i])]++;
		h->count++;
		h->timed++;
		if (v[i] > h->max_ns)
			h->max_ns = v[i];
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		size_t rank = (size_t)ceil(pcts[i] / 100.0 * (double)n);
		uint64_t exact = v[rank - 1], est = hist_percentile_ns(h, pcts[i]);
		double err = fabs((double)est - (double)exact) / (double)exact;

		if (exact < ABI_HIST_SUB)
			assert_int_equal(est, exact);
		else if (err > 1.0 / 16)
			fail_msg("p%g: estimate %lu, exact %lu, error %.4f > 1/16", pcts[i],
				 (unsigned long)est, (unsigned long)exact, err);
	}
	free(h);
}

static void test_percentiles(void **state)
{
	size_t n = 100000;
	uint64_t *v = malloc(n * sizeof(*v));

	(void)state;
	assert_non_null(v);
	for (size_t i = 0; i < n; i++) /* uniform 1 us .. 10 ms */
		v[i] = 1000 + rng_next() % 10000000;
	check_percentiles(v, n);
	for (size_t i = 0; i < n; i++) /* log-normal-ish: exp of a sum of uniforms */
		v[i] = (uint64_t)exp(9.0 + 2.0 * (rng_unit() + rng_unit() + rng_unit() - 1.5));
	check_percentiles(v, n);
	for (size_t i = 0; i < n; i++) /* bimodal: cache hits and disk reads */
		v[i] = rng_next() % 10 ? 800 + rng_next() % 400 : 3000000 + rng_next() % 2000000;
	check_percentiles(v, n);
	for (size_t i = 0; i < n; i++) /* constant */
		v[i] = 123457;
	check_percentiles(v, n);
	for (size_t i = 0; i < n; i++) /* tiny values are exact */
		v[i] = rng_next() % 8;
	check_percentiles(v, n);
	free(v);
}

static void test_percentile_empty(void **state)
{
	struct abi_hist h;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(hist_percentile_ns(&h, 50), 0);
	assert_true(hist_is_empty(&h));
}

static void test_quantize_rows(void **state)
{
	struct hist_row rows[HIST_QUANTIZE_ROWS_MAX];
	struct abi_hist h;
	size_t n;

	(void)state;
	memset(&h, 0, sizeof(h));
	assert_int_equal(hist_quantize_rows(&h, rows, HIST_QUANTIZE_ROWS_MAX), 0);
	/* 3 x 1500 ns (row 1024), 5 x 2047 (row 1024), 2 x 2048 (row 2048), 1 x 9000 (row 8192). */
	h.slots[abi_hist_slot(1500)] += 3;
	h.slots[abi_hist_slot(2047)] += 5;
	h.slots[abi_hist_slot(2048)] += 2;
	h.slots[abi_hist_slot(9000)] += 1;
	n = hist_quantize_rows(&h, rows, HIST_QUANTIZE_ROWS_MAX);
	assert_int_equal(n, 6); /* 512 (empty), 1024, 2048, 4096 (empty), 8192, 16384 (empty) */
	assert_int_equal(rows[0].value_ns, 512);
	assert_int_equal(rows[0].count, 0);
	assert_int_equal(rows[1].value_ns, 1024);
	assert_int_equal(rows[1].count, 8);
	assert_int_equal(rows[2].value_ns, 2048);
	assert_int_equal(rows[2].count, 2);
	assert_int_equal(rows[3].count, 0);
	assert_int_equal(rows[4].value_ns, 8192);
	assert_int_equal(rows[4].count, 1);
	assert_int_equal(rows[5].value_ns, 16384);
	assert_int_equal(rows[5].count, 0);
	/* Zero gets row 0 and no empty row before it. */
	memset(&h, 0, sizeof(h));
	h.slots[0] = 4;
	n = hist_quantize_rows(&h, rows, HIST_QUANTIZE_ROWS_MAX);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].value_ns, 0);
	assert_int_equal(rows[0].count, 4);
	assert_int_equal(rows[1].value_ns, 1);
}

static void test_delta(void **state)
{
	struct abi_hist prev, cur, out;

	(void)state;
	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	/* Counters that wrapped past 2^64 still give the right delta. */
	prev.count = UINT64_MAX - 2;
	cur.count = 4;
	prev.sum_ns = UINT64_MAX;
	cur.sum_ns = 99;
	prev.slots[10] = UINT64_MAX;
	cur.slots[10] = 1;
	prev.max_ns = 5000;
	cur.max_ns = 5000;
	hist_delta(&out, &cur, &prev);
	assert_int_equal(out.count, 7);
	assert_int_equal(out.sum_ns, 100);
	assert_int_equal(out.slots[10], 2);
	/* Max did not grow: bounded by the highest non-empty delta bucket. */
	assert_int_equal(out.max_ns, hist_slot_upper_ns(10));
	/* Max grew: it happened in this interval, exactly. */
	cur.max_ns = 7000;
	hist_delta(&out, &cur, &prev);
	assert_int_equal(out.max_ns, 7000);
	/* New key: the delta is everything. */
	hist_delta(&out, &cur, NULL);
	assert_memory_equal(&out, &cur, sizeof(cur));
	/* Nothing new: empty interval, max 0. */
	hist_delta(&out, &cur, &cur);
	assert_int_equal(out.count, 0);
	assert_int_equal(out.max_ns, 0);
}

/* The fields the syscall map leaves to its reader (abi_sys_hist_complete). */
static void test_sys_hist_complete(void **state)
{
	struct abi_hist h, prev, out;

	(void)state;
	memset(&h, 0, sizeof(h));
	/* The kernel adds neither count nor timed when every call is timed: the buckets' sum. */
	h.slots[0] = 4, h.slots[17] = 5, h.slots[ABI_HIST_SLOTS - 1] = 1, h.sum_ns = 1000;
	h.errors = 2;
	h.part_ns[ABI_PART_RUNQ] = 100, h.part_ns[ABI_PART_IO] = 200, h.part_ns[ABI_PART_BLOCKED] = 300;
	prev = h;
	/* Every call timed: count and timed are the buckets' sum; breakdown off: on-CPU stays 0. */
	abi_sys_hist_complete(&h, 0, 0);
	assert_int_equal(h.count, 10);
	assert_int_equal(h.timed, 10);
	assert_int_equal(h.errors, 2);
	assert_int_equal(h.part_ns[ABI_PART_ONCPU], 0);
	/* Breakdown on: on-CPU is the rest of sum_ns, so the parts add up to it exactly. */
	abi_sys_hist_complete(&h, 0, 1);
	assert_int_equal(h.part_ns[ABI_PART_ONCPU], 400);
	/* Sampling: the kernel counts every call; timed is still the buckets' sum. */
	h.count = 160;
	abi_sys_hist_complete(&h, 1, 1);
	assert_int_equal(h.count, 160);
	assert_int_equal(h.timed, 10);
	/* A copy taken between a timed call's bucket and its count: never fewer calls than timed. */
	h.count = 9;
	abi_sys_hist_complete(&h, 1, 1);
	assert_int_equal(h.count, 10);
	assert_int_equal(h.timed, 10);
	/* A read that caught a call's parts before its sum_ns: on-CPU 0, not a wrapped value. */
	h.part_ns[ABI_PART_BLOCKED] = 900;
	abi_sys_hist_complete(&h, 1, 1);
	assert_int_equal(h.part_ns[ABI_PART_ONCPU], 0);
	/* ...and the next delta of that part is 0 rather than ~2^64. */
	prev.part_ns[ABI_PART_ONCPU] = 400;
	hist_delta(&out, &h, &prev);
	assert_int_equal(out.part_ns[ABI_PART_ONCPU], 0);
	assert_int_equal(out.part_ns[ABI_PART_BLOCKED], 600);
}

static void test_merge(void **state)
{
	struct abi_hist a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.count = 2, a.errors = 1, a.sum_ns = 10, a.max_ns = 7, a.slots[3] = 2;
	b.count = 3, b.errors = 0, b.sum_ns = 20, b.max_ns = 5, b.slots[3] = 1, b.slots[4] = 2;
	hist_merge(&a, &b);
	assert_int_equal(a.count, 5);
	assert_int_equal(a.errors, 1);
	assert_int_equal(a.sum_ns, 30);
	assert_int_equal(a.max_ns, 7);
	assert_int_equal(a.slots[3], 3);
	assert_int_equal(a.slots[4], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_edges),
		cmocka_unit_test(test_slot_monotonic_and_contiguous),
		cmocka_unit_test(test_bucket_width),
		cmocka_unit_test(test_percentiles),
		cmocka_unit_test(test_percentile_empty),
		cmocka_unit_test(test_quantize_rows),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_sys_hist_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
