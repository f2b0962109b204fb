/* test_fam_model.c - a family's cumulative readings (whole + parts) to interval rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/fam_model.h"
#include "core/family.h"
#include "core/hist.h"

static struct abi_fam_key key(uint32_t tgid, uint32_t dev, uint32_t op)
{
	struct abi_fam_key k;

	memset(&k, 0, sizeof(k));
	k.tgid = tgid;
	k.a = dev;
	k.b = op;
	strncpy(k.comm, "dd", sizeof(k.comm) - 1);
	return k;
}

static void add(struct abi_hist *h, uint64_t n, uint64_t lat_ns)
{
	h->count += n;
	h->timed += n;
	h->sum_ns += n * lat_ns;
	h->slots[abi_hist_slot(lat_ns)] += n;
	if (lat_ns > h->max_ns)
		h->max_ns = lat_ns;
}

static const struct snap_fam_row *find(const struct snapshot *s, const struct abi_fam_key *k)
{
	const struct snap_table *t = &s->fam[SNAP_FAM_BLOCK];

	for (size_t i = 0; i < t->n; i++)
		if (!memcmp(&t->rows[i].key, k, sizeof(*k)))
			return &t->rows[i];
	return NULL;
}

/* One block request key: 3 histograms (whole, queue, device). */
static void test_deltas_and_parts(void **state)
{
	struct fam_model *m = fam_model_new(2, 16, 3);
	struct abi_hist *cum = calloc(3, sizeof(*cum));
	struct abi_fam_key k = key(42, (7u << 20) | 3, ABI_BLOCK_READ);
	struct snapshot s;
	const struct snap_fam_row *r;

	(void)state;
	assert_non_null(m);
	snapshot_init(&s);
	add(&cum[0], 10, 3000);	/* 10 requests of 3 us: 1 us queued, 2 us on the device */
	add(&cum[1], 10, 1000);
	add(&cum[2], 10, 2000);
	fam_model_begin(m);
	assert_int_equal(fam_model_update(m, &k, cum), 0);
	assert_int_equal(fam_model_emit(m, &s, SNAP_FAM_BLOCK, NULL, NULL, NULL), 0);
	r = find(&s, &k);
	assert_non_null(r);
	assert_int_equal(r->interval.count, 10);
	assert_int_equal(r->part[0].sum_ns, 10000);
	assert_int_equal(r->part[1].sum_ns, 20000);

	/* Next tick: 5 more, slower; the interval holds only them, the total all 15. */
	snapshot_reset(&s);
	add(&cum[0], 5, 9000);
	add(&cum[1], 5, 4000);
	add(&cum[2], 5, 5000);
	fam_model_begin(m);
	assert_int_equal(fam_model_update(m, &k, cum), 0);
	assert_int_equal(fam_model_emit(m, &s, SNAP_FAM_BLOCK, NULL, NULL, NULL), 0);
	r = find(&s, &k);
	assert_non_null(r);
	assert_int_equal(r->interval.count, 5);
	assert_int_equal(r->interval.sum_ns, 45000);
	assert_int_equal(r->part[0].sum_ns, 20000);
	assert_int_equal(r->part[1].sum_ns, 25000);
	assert_int_equal(r->total.count, 15);
	assert_int_equal(r->part_total[1].sum_ns, 45000);
	/* The interval's own histogram: 9 us within the bucket error (6.25 %). */
	assert_in_range(snapshot_hist_percentile_ns(&s, &r->interval, 50), 8437, 9563);

	/* Unchanged reading: the row stays with an empty interval. */
	snapshot_reset(&s);
	fam_model_begin(m);
	assert_int_equal(fam_model_update(m, &k, cum), 0);
	assert_int_equal(fam_model_emit(m, &s, SNAP_FAM_BLOCK, NULL, NULL, NULL), 0);
	r = find(&s, &k);
	assert_non_null(r);
	assert_int_equal(r->interval.count, 0);
	assert_int_equal(r->total.count, 15);
	snapshot_free(&s);
	free(cum);
	fam_model_free(m);
}

struct retired {
	size_t n;
};

static void on_retire(const struct abi_fam_key *k, void *ctx)
{
	(void)k;
	((struct retired *)ctx)->n++;
}

/* Idle rows age out (and are retired from the kernel); beyond max_keys the idlest go. */
static void test_age_and_evict(void **state)
{
	struct fam_model *m = fam_model_new(0, 2, 2);
	struct abi_hist *cum = calloc(4, sizeof(*cum));
	struct abi_fam_key k[4];
	struct retired ret = { 0 };
	struct snapshot s;
	uint64_t evicted = 0;

	(void)state;
	snapshot_init(&s);
	for (int i = 0; i < 4; i++) {
		k[i] = key(100 + (uint32_t)i, ABI_FAM_ANY, 0);
		add(&cum[i], 1 + (uint64_t)i, 500);
	}
	fam_model_begin(m);
	for (int i = 0; i < 4; i++)
		assert_int_equal(fam_model_update(m, &k[i], &cum[i]), 0);
	assert_int_equal(fam_model_emit(m, &s, SNAP_FAM_RUNQ, &evicted, on_retire, &ret), 0);
	assert_int_equal(s.fam[SNAP_FAM_RUNQ].n, 4);	/* all shown, then trimmed to 2 */
	assert_int_equal(evicted, 2);
	assert_int_equal(fam_model_size(m), 2);
	assert_int_equal(ret.n, 2);
	/* Two idle ticks: the rest age out. */
	for (int t = 0; t < 3; t++) {
		snapshot_reset(&s);
		fam_model_begin(m);
		assert_int_equal(fam_model_emit(m, &s, SNAP_FAM_RUNQ, &evicted, on_retire, &ret), 0);
	}
	assert_int_equal(fam_model_size(m), 0);
	snapshot_free(&s);
	free(cum);
	fam_model_free(m);
}

/* The descriptors name fields and format them safely. */
static void test_family_fields(void **state)
{
	struct snap_fam_row r;
	char buf[32];
	enum snap_family f;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.key.tgid = 7;
	r.key.a = (259u << 20) | 1;
	r.key.b = ABI_BLOCK_FLUSH;
	memcpy(r.key.comm, "a\033[2Jb", 6);
	assert_string_equal(family_field_fmt(&r, FAM_F_DEV, buf, sizeof(buf)), "259:1");
	memcpy(r.label, "nvme0n1", 8);
	assert_string_equal(family_field_fmt(&r, FAM_F_DEV, buf, sizeof(buf)), "nvme0n1");
	assert_string_equal(family_field_fmt(&r, FAM_F_OP, buf, sizeof(buf)), "flush");
	assert_string_equal(family_field_fmt(&r, FAM_F_COMM, buf, sizeof(buf)), "a?[2Jb");
	r.key.a = ABI_FAM_ANY;
	assert_string_equal(family_field_fmt(&r, FAM_F_CPU, buf, sizeof(buf)), "all");
	assert_non_null(family_find("runq", &f));
	assert_int_equal(f, SNAP_FAM_RUNQ);
	assert_non_null(family_find("block", &f));
	assert_int_equal(f, SNAP_FAM_BLOCK);
	assert_null(family_find("nosuch", NULL));
	assert_int_equal(family_block_op_parse("discard"), ABI_BLOCK_DISCARD);
	assert_int_equal(family_block_op_parse("x"), -1);
	assert_string_equal(family_part_name(ABI_PART_IO), "io");
}

/*
 * Block keys (whole + 2 parts) of which a different third changes each
 * tick, each in its own slots: every row's interval and parts are exactly
 * its key's deltas and its totals its readings, whichever keys changed
 * before it (this tick's readings live in slots reused every tick).
 */
static void test_changing_subsets(void **state)
{
	enum { KEYS = 150, TICKS = 10 };
	struct fam_model *m = fam_model_new(2, KEYS, 3);
	struct abi_hist *cum = calloc((size_t)KEYS * 3, sizeof(*cum)), *got = calloc(1, sizeof(*got));
	struct abi_fam_key k[KEYS];
	uint64_t before[KEYS] = { 0 };
	struct snapshot s;

	(void)state;
	assert_non_null(m);
	snapshot_init(&s);
	for (uint32_t i = 0; i < KEYS; i++)
		k[i] = key(100 + i, i % 4, ABI_BLOCK_WRITE);
	for (int t = 0; t < TICKS; t++) {
		uint32_t shift = 0;

		fam_model_begin(m);
		for (uint32_t i = 0; i < KEYS; i++) {
			struct abi_hist *c = &cum[i * 3];

			before[i] = c[0].count;
			shift = (i + (uint32_t)t) % 30;
			if ((i + (uint32_t)t) % 3 == 0) {
				add(&c[0], 1 + i % 4, 3000ull << shift);
				add(&c[1], 1 + i % 4, 1000ull << shift);
				add(&c[2], 1 + i % 4, 2000ull << shift);
			}
			assert_int_equal(fam_model_update(m, &k[i], c), 0);
		}
		snapshot_reset(&s);
		assert_int_equal(fam_model_emit(m, &s, SNAP_FAM_BLOCK, NULL, NULL, NULL), 0);
		assert_int_equal(s.fam[SNAP_FAM_BLOCK].n, KEYS);
		for (uint32_t i = 0; i < KEYS; i++) {
			const struct snap_fam_row *r = find(&s, &k[i]);
			const struct abi_hist *c = &cum[i * 3];

			assert_non_null(r);
			assert_int_equal(r->interval.count, c[0].count - before[i]);
			snapshot_hist_expand(&s, &r->total, got);
			assert_memory_equal(got->slots, c[0].slots, sizeof(got->slots));
			snapshot_hist_expand(&s, &r->part_total[1], got);
			assert_memory_equal(got->slots, c[2].slots, sizeof(got->slots));
			assert_int_equal(r->part_total[0].sum_ns, c[1].sum_ns);
			if (r->interval.count) {
				shift = (i + (uint32_t)t) % 30;
				assert_int_equal(r->part[0].sum_ns, (1 + i % 4) * (1000ull << shift));
				snapshot_hist_expand(&s, &r->part[1], got);
				assert_int_equal(got->slots[abi_hist_slot(2000ull << shift)], 1 + i % 4);
				assert_int_equal(got->timed, 1 + i % 4);
			} else {
				assert_int_equal(r->part[0].count + r->part[1].count, 0);
			}
		}
	}
	free(cum);
	free(got);
	snapshot_free(&s);
	fam_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deltas_and_parts),
		cmocka_unit_test(test_age_and_evict),
		cmocka_unit_test(test_family_fields),
		cmocka_unit_test(test_changing_subsets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
