/* test_spsc.c - the snapshot ring: wraparound, full, latest-wins, held slot. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/spsc.h"

#define N 4

static int slot_data[N];
static void *slots[N] = { &slot_data[0], &slot_data[1], &slot_data[2], &slot_data[3] };

static void publish(struct spsc_ring *r, int value)
{
	int *s = spsc_producer_slot(r);

	assert_non_null(s);
	*s = value;
	spsc_publish(r);
}

static void test_rejects_small(void **state)
{
	(void)state;
	assert_null(spsc_new(slots, 2));
	assert_int_equal(errno, EINVAL);
	assert_null(spsc_new(NULL, 4));
}

static void test_wraparound(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t skipped;

	(void)state;
	assert_null(spsc_take_latest(r, &skipped));
	for (int i = 0; i < 10 * N + 1; i++) {
		publish(r, i);
		int *got = spsc_take_latest(r, &skipped);

		assert_non_null(got);
		assert_int_equal(*got, i);
		assert_int_equal(skipped, 0);
		assert_null(spsc_take_latest(r, &skipped)); /* nothing new */
	}
	assert_int_equal(spsc_dropped(r), 0);
	spsc_free(r);
}

static void test_latest_wins(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t skipped;
	int *got;

	(void)state;
	publish(r, 1);
	publish(r, 2);
	publish(r, 3);
	got = spsc_take_latest(r, &skipped);
	assert_int_equal(*got, 3);
	assert_int_equal(skipped, 2);
	spsc_free(r);
}

static void test_full_drops_and_held_slot_is_safe(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t skipped;
	int *held;

	(void)state;
	publish(r, 1);
	held = spsc_take_latest(r, &skipped);
	assert_int_equal(*held, 1);
	/* One slot held by the consumer: the producer gets the other N-1, never the held one. */
	for (int i = 0; i < N - 1; i++) {
		int *s = spsc_producer_slot(r);

		assert_non_null(s);
		assert_ptr_not_equal(s, held);
		*s = 10 + i;
		spsc_publish(r);
	}
	assert_null(spsc_producer_slot(r));
	assert_null(spsc_producer_slot(r));
	assert_int_equal(spsc_dropped(r), 2);
	assert_int_equal(*held, 1); /* untouched while held */
	held = spsc_take_latest(r, &skipped);
	assert_int_equal(*held, 10 + N - 2);
	assert_int_equal(skipped, N - 2);
	/* Everything older was released: the producer has room again. */
	assert_non_null(spsc_producer_slot(r));
	spsc_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects_small),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_latest_wins),
		cmocka_unit_test(test_full_drops_and_held_slot_is_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
