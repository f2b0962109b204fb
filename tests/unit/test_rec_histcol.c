/*
 * test_rec_histcol.c - format 6's codings: a histogram as differences from
 * a reference (buckets that shrink, grow, move, vanish; counts below the
 * reference; sums and maxima anywhere in 64 bits), the share that predicts
 * sums and parts, and whole delta ticks: counters that wrap or reset, a
 * row that leaves and comes back, parts far from their prediction, family
 * rows whose totals are (or are not) the previous ones plus this tick.
 * Every delta must decode to exactly what its keyframe decodes to.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/family.h"
#include "core/hist.h"
#include "core/rec_format.h"
#include "core/rec_histcol.h"
#include "core/snapshot.h"
#include "rec_fixture.h"

/* A histogram of @n buckets (slot, count) with the given summary. */
static void hist_of(struct snapshot *s, struct snap_hist *out, const uint32_t *slot,
		    const uint64_t *count, size_t n, uint64_t untimed, uint64_t sum_ns,
		    uint64_t max_ns, uint64_t errors)
{
	struct abi_hist h;

	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < n; i++) {
		h.slots[slot[i]] += count[i];
		h.timed += count[i];
	}
	h.count = h.timed + untimed;
	h.sum_ns = sum_ns;
	h.max_ns = max_ns;
	h.errors = errors;
	assert_int_equal(snapshot_put_hist(s, out, &h), 0);
}

static void assert_same_hist(const struct snapshot *sa, const struct snap_hist *a,
			     const struct snapshot *sb, const struct snap_hist *b)
{
	assert_int_equal(a->count, b->count);
	assert_int_equal(a->timed, b->timed);
	assert_int_equal(a->errors, b->errors);
	assert_int_equal(a->sum_ns, b->sum_ns);
	assert_int_equal(a->max_ns, b->max_ns);
	assert_int_equal(a->n, b->n);
	for (uint32_t i = 0; i < a->n; i++) {
		assert_int_equal(snap_hist_buckets(sa, a)[i].slot, snap_hist_buckets(sb, b)[i].slot);
		assert_int_equal(snap_hist_buckets(sa, a)[i].count, snap_hist_buckets(sb, b)[i].count);
	}
}

/* Every call in the middle of its slot. */
static uint64_t mid_sum(const uint32_t *slot, const uint64_t *count, size_t n)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += count[i] * (hist_slot_lower_ns(slot[i]) +
				   (hist_slot_upper_ns(slot[i]) - hist_slot_lower_ns(slot[i])) / 2);
	return sum;
}

/* @h (of @s) against @ref (of @rs) through the columns and back; the bytes written. */
static size_t hist_round_trip(const struct snapshot *s, const struct snap_hist *h,
			      const struct snapshot *rs, const struct snap_hist *ref)
{
	struct rec_buf col[HC_NR] = { 0 }, all = { 0 };
	struct rec_cur c, cur[HC_NR];
	struct snapshot out;
	struct snap_hist got;
	size_t n;

	snapshot_init(&out);
	for (int k = 0; k < HC_NR; k++)
		all.len = 0;
	assert_int_equal(rec_histcol_put(col, s, h, rs, ref), 0);
	assert_int_equal(rec_cols_put(&all, col, HC_NR), 0);
	c = (struct rec_cur){ .p = all.data, .n = all.len };
	assert_int_equal(rec_cols_get(&c, cur, HC_NR), 0);
	memset(&got, 0, sizeof(got));
	assert_int_equal(rec_histcol_get(cur, &out, &got, rs, ref), 0);
	assert_int_equal(rec_cols_done(&c, cur, HC_NR, "column"), 0);
	assert_same_hist(s, h, &out, &got);
	n = all.len;
	for (int k = 0; k < HC_NR; k++)
		rec_buf_free(&col[k]);
	rec_buf_free(&all);
	snapshot_free(&out);
	return n;
}

static void test_hist_against_reference(void **state)
{
	static const uint32_t s3[] = { 10, 11, 20 }, s1[] = { 30 }, s5[] = { 0, 9, 10, 11, 95 };
	static const uint64_t c3[] = { 5, 7, 1 }, c1[] = { 1 }, c5[] = { 1, 2, 3, 1, 9 };
	static const uint64_t same3[] = { 5, 7, 1 }, less3[] = { 1, 1, 1 };
	struct snapshot s, r;
	struct snap_hist ref, empty = { 0 }, h;
	size_t steady, changed;

	(void)state;
	snapshot_init(&s);
	snapshot_init(&r);
	hist_of(&r, &ref, s3, c3, 3, 2, 13 * 5000, 9000, 1);
	/*
	 * the same shape again, calls in the middle of their slots, the maximum at
	 * the highest slot's lower bound: fewer bytes than a changed one
	 */
	hist_of(&s, &h, s3, same3, 3, 2, mid_sum(s3, same3, 3), hist_slot_lower_ns(20), 1);
	steady = hist_round_trip(&s, &h, &r, &ref);
	/* counts below the reference's, sums and maxima away from the slots' middle */
	hist_of(&s, &h, s3, less3, 3, 0, 3000, 100, 0);
	changed = hist_round_trip(&s, &h, &r, &ref);
	assert_true(steady < changed);
	/* fewer buckets, elsewhere; more buckets, some new, the lowest and a high slot */
	hist_of(&s, &h, s1, c1, 1, 0, 1 << 20, 1 << 20, 0);
	hist_round_trip(&s, &h, &r, &ref);
	hist_of(&s, &h, s5, c5, 5, 0, 123456789, 987654321, 5);
	hist_round_trip(&s, &h, &r, &ref);
	{
		const uint32_t last[] = { 0, ABI_HIST_SLOTS - 1 };	/* no upper bound */

		hist_of(&s, &h, last, c5, 2, 0, UINT64_MAX / 3, UINT64_MAX / 4, 0);
		hist_round_trip(&s, &h, &r, &ref);
	}
	/* one timed call: its maximum is its sum (and when it is not, still exact) */
	hist_of(&s, &h, s1, c1, 1, 0, 5000, 5000, 0);
	steady = hist_round_trip(&s, &h, &r, &ref);
	hist_of(&s, &h, s1, c1, 1, 3, 5000, 7, 0);
	assert_true(steady <= hist_round_trip(&s, &h, &r, &ref));
	/* buckets vanish: calls without a timing only, and nothing at all */
	hist_of(&s, &h, NULL, NULL, 0, 4, 0, 0, 4);
	hist_round_trip(&s, &h, &r, &ref);
	hist_of(&s, &h, NULL, NULL, 0, 0, 0, 0, 0);
	hist_round_trip(&s, &h, &r, &ref);
	/* against nothing (a new row), and values at the ends of 64 bits */
	hist_of(&s, &h, s5, c5, 5, UINT64_MAX - 16, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	hist_round_trip(&s, &h, &r, &empty);
	hist_round_trip(&s, &h, &r, &ref);
	hist_of(&r, &ref, s5, c5, 5, UINT64_MAX - 16, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	hist_of(&s, &h, s3, c3, 3, 0, 0, 0, 0);
	hist_round_trip(&s, &h, &r, &ref);
	snapshot_free(&s);
	snapshot_free(&r);
}

static void test_share(void **state)
{
	(void)state;
	assert_int_equal(rec_histcol_share(1000, 1, 0), 0);
	assert_int_equal(rec_histcol_share(1000, 0, 7), 0);
	assert_in_range(rec_histcol_share(1000000, 3, 10), 299999, 300001);
	assert_int_equal(rec_histcol_share(1000000, 7, 7), 1000000);
	/* large wholes keep their precision (shifted, not overflowed) */
	assert_in_range(rec_histcol_share(1ull << 40, 1ull << 50, 1ull << 52), (1ull << 38) - 2,
			(1ull << 38) + 2);
}

/* --- whole delta ticks --------------------------------------------------- */

/* @cur as a format-6 delta against @prev (as decoded): equal to its keyframe; its size. */
static size_t delta_round_trip(const struct snapshot *prev, const struct snapshot *cur)
{
	struct snapshot want, got;
	struct rec_buf b = { 0 };
	size_t n;

	snapshot_init(&want);
	snapshot_init(&got);
	as_keyframe(cur, &want);
	assert_int_equal(rec_encode_tick_delta(&b, cur, prev), 0);
	assert_int_equal(rec_decode_tick_delta(b.data, b.len, prev, &got, NULL), 0);
	assert_same(&got, &want);
	n = b.len;
	rec_buf_free(&b);
	snapshot_free(&want);
	snapshot_free(&got);
	return n;
}

struct sys_spec {
	uint32_t pid;
	uint64_t iv, total;		/* calls this tick, since start */
	uint64_t part0, part1;		/* interval parts; totals 10x */
};

static void make_sys(struct snapshot *s, uint64_t seq, const struct sys_spec *rows, size_t n)
{
	snapshot_reset(s);
	s->seq = seq;
	s->interval_ns = 1000;
	s->breakdown = true;
	s->cgroups_state = SNAP_CGROUPS_ON;
	strcpy(s->source, "test");
	for (size_t i = 0; i < n; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);
		static const uint32_t slot[] = { 12, 13 };
		uint64_t c[2] = { rows[i].iv / 2, rows[i].iv - rows[i].iv / 2 };
		uint64_t t[2] = { rows[i].total / 2, rows[i].total - rows[i].total / 2 };

		assert_non_null(r);
		r->pid = rows[i].pid;
		r->nr = 1;
		r->cgroup_id = 7;
		snprintf(r->comm, sizeof(r->comm), "w%u", r->pid);
		hist_of(s, &r->interval, rows[i].iv / 2 ? slot : slot + 1,
			rows[i].iv / 2 ? c : c + 1, rows[i].iv / 2 ? 2 : rows[i].iv > 0, 0,
			rows[i].iv * 5000, rows[i].iv ? 6000 : 0, 0);
		hist_of(s, &r->total, slot, t, 2, 0, rows[i].total * 5000, 6000, 0);
		r->interval.part_ns[0] = rows[i].part0;
		r->interval.part_ns[1] = rows[i].part1;
		r->total.part_ns[0] = 10 * rows[i].part0;
		r->total.part_ns[1] = 10 * rows[i].part1;
	}
}

static void test_sys_rows_wrap_reset_leave_return(void **state)
{
	const struct sys_spec t1[] = { { 1, 10, 100, 30000, 20000 }, { 2, 4, 40, 1, 2 },
				       { 3, 6, 60, 100, 100 } };
	/* 1 resets (total below the previous), 2 leaves, 3 wraps its counters */
	const struct sys_spec t2[] = { { 1, 3, 3, 9000, 6000 },
				       { 3, 6, UINT64_MAX / 5000 + 7, UINT64_MAX, 5 } };
	/* 2 comes back with its old total plus this tick: a new row to the reader */
	const struct sys_spec t3[] = { { 1, 3, 6, 9000, 6000 }, { 2, 4, 44, 1, 2 },
				       { 3, 6, UINT64_MAX / 5000 + 13, 0, UINT64_MAX } };
	struct snapshot a, b, c, ad, bd;

	(void)state;
	snapshot_init(&a);
	snapshot_init(&b);
	snapshot_init(&c);
	snapshot_init(&ad);
	snapshot_init(&bd);
	make_sys(&a, 1, t1, 3);
	make_sys(&b, 2, t2, 2);
	make_sys(&c, 3, t3, 3);
	as_keyframe(&a, &ad);
	as_keyframe(&b, &bd);
	delta_round_trip(&ad, &b);
	delta_round_trip(&bd, &c);
	/* and the same rows steady: smaller than the tick that changed them */
	make_sys(&c, 3, t2, 2);
	assert_true(delta_round_trip(&bd, &c) < delta_round_trip(&ad, &b));
	snapshot_free(&a);
	snapshot_free(&b);
	snapshot_free(&c);
	snapshot_free(&ad);
	snapshot_free(&bd);
}

/* A table of family @f: @n rows, @calls a slot this tick, @base + @calls since start. */
static void make_fam(struct snapshot *s, uint64_t seq, size_t n, uint64_t calls, uint64_t base,
		     enum snap_family f)
{
	static const uint32_t slot[] = { 20, 21, 22 };

	snapshot_reset(s);
	s->seq = seq;
	strcpy(s->source, "test");
	s->fam[f].state = SNAP_FAM_ON;
	for (size_t i = 0; i < n; i++) {
		struct snap_fam_row *r = snapshot_add_fam(s, f);
		uint64_t c[3] = { calls, calls, calls }, t[3] = { base + calls, base + calls, base + calls };

		assert_non_null(r);
		r->key.tgid = 100 + (uint32_t)i;
		r->key.a = (uint32_t)i;
		snprintf(r->key.comm, sizeof(r->key.comm), "t%zu", i);
		snprintf(r->label, sizeof(r->label), "dev%zu", i % 3);
		hist_of(s, &r->interval, slot, c, calls ? 3 : 0, 0, calls * 3000000, 3000000, 0);
		hist_of(s, &r->total, slot, t, 3, 0, (base + calls) * 3000000, 3000000, 0);
		for (unsigned int p = 0; p < family_get(f)->n_parts; p++) {
			hist_of(s, &r->part[p], slot + p, c, calls ? 1 : 0, 0, calls * 1000,
				calls ? 2000 : 0, 0);
			hist_of(s, &r->part_total[p], slot + p, t, 1, 0, (base + calls) * 1000,
				2000, 0);
		}
	}
}

static void test_family_totals_as_sums(void **state)
{
	struct snapshot a, ad, b;
	size_t sums, whole;

	(void)state;
	snapshot_init(&a);
	snapshot_init(&ad);
	snapshot_init(&b);
	for (int f = SNAP_FAM_RUNQ; f <= SNAP_FAM_BLOCK; f++) {
		make_fam(&a, 1, 20, 5, 100, (enum snap_family)f);
		as_keyframe(&a, &ad);
		/* totals = previous + this tick: not written */
		make_fam(&b, 2, 20, 7, 105, (enum snap_family)f);
		sums = delta_round_trip(&ad, &b);
		/* reset totals (a restarted collector): written whole, larger */
		make_fam(&b, 2, 20, 7, 0, (enum snap_family)f);
		whole = delta_round_trip(&ad, &b);
		assert_true(sums + 20 * 4 < whole);
		/* rows that leave, come back, and are new */
		make_fam(&b, 2, 10, 0, 105, (enum snap_family)f);
		delta_round_trip(&ad, &b);
		make_fam(&b, 2, 30, 7, 105, (enum snap_family)f);
		delta_round_trip(&ad, &b);
	}
	snapshot_free(&a);
	snapshot_free(&ad);
	snapshot_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_against_reference),
		cmocka_unit_test(test_share),
		cmocka_unit_test(test_sys_rows_wrap_reset_leave_return),
		cmocka_unit_test(test_family_totals_as_sums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
