/* test_spsc.c - the snapshot ring: wraparound, full, latest-wins, in order, held slot. */
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

static void test_rejects_bad_args(void **state)
{
	void *with_null[3] = { &slot_data[0], NULL, &slot_data[2] };

	(void)state;
	for (size_t n = 0; n < 3; n++) {
		errno = 0;
		assert_null(spsc_new(slots, n));
		assert_int_equal(errno, EINVAL);
	}
	errno = 0;
	assert_null(spsc_new(NULL, 4));
	assert_int_equal(errno, EINVAL);
	/* NULL means "full" to the producer, so it cannot be a slot. */
	errno = 0;
	assert_null(spsc_new(with_null, 3));
	assert_int_equal(errno, EINVAL);
	spsc_free(spsc_new(slots, 3));
	spsc_free(NULL);
}

static void test_wraparound(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t skipped = 99;

	(void)state;
	assert_non_null(r);
	assert_null(spsc_take_latest(r, &skipped));
	assert_int_equal(skipped, 0);
	/* Many times round the ring, one at a time: every slot is reused in turn. */
	for (int i = 0; i < 1000 * N + 1; i++) {
		int *got;

		publish(r, i);
		got = spsc_take_latest(r, &skipped);
		assert_non_null(got);
		assert_ptr_equal(got, slots[i % N]);
		assert_int_equal(*got, i);
		assert_int_equal(skipped, 0);
		assert_null(spsc_take_latest(r, &skipped)); /* nothing new */
		assert_int_equal(skipped, 0);
	}
	assert_int_equal(spsc_dropped(r), 0);
	spsc_free(r);
}

/* Bursts of 1..N-1 publishes between takes, round and round: last one wins each time. */
static void test_wraparound_bursts(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t skipped;
	int value = 0;

	(void)state;
	for (int cycle = 0; cycle < 3000; cycle++) {
		int burst = 1 + cycle % (N - 1);
		int *got;

		for (int k = 0; k < burst; k++)
			publish(r, ++value);
		got = spsc_take_latest(r, NULL);	/* NULL @skipped is allowed */
		assert_non_null(got);
		assert_int_equal(*got, value);
		if (cycle % 7 == 0) {
			publish(r, ++value);
			got = spsc_take_latest(r, &skipped);
			assert_int_equal(*got, value);
			assert_int_equal(skipped, 0);
		}
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
	assert_non_null(got);
	assert_int_equal(*got, 3);
	assert_int_equal(skipped, 2);
	assert_null(spsc_take_latest(r, &skipped));
	assert_int_equal(skipped, 0);
	/* After a take, the held slot is not counted again as skipped. */
	publish(r, 4);
	publish(r, 5);
	got = spsc_take_latest(r, &skipped);
	assert_int_equal(*got, 5);
	assert_int_equal(skipped, 1);
	spsc_free(r);
}

static void test_full_drops_and_held_slot_is_safe(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t skipped;
	int *held;

	(void)state;
	/* Nothing taken yet: all N slots are the producer's, then it drops. */
	for (int i = 0; i < N; i++)
		publish(r, i);
	assert_null(spsc_producer_slot(r));
	assert_int_equal(spsc_dropped(r), 1);
	held = spsc_take_latest(r, &skipped);
	assert_int_equal(*held, N - 1);
	assert_int_equal(skipped, N - 1);

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
	assert_int_equal(spsc_dropped(r), 3);
	assert_int_equal(*held, N - 1); /* untouched while held */
	held = spsc_take_latest(r, &skipped);
	assert_int_equal(*held, 10 + N - 2);
	assert_int_equal(skipped, N - 2);
	/* Everything older was released: the producer has room again. */
	assert_non_null(spsc_producer_slot(r));
	spsc_free(r);
}

/* Over many cycles and fill levels, the slot the consumer holds is never offered. */
static void test_held_slot_never_offered(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	uint64_t dropped = 0;
	int *held = NULL, value = 0;

	(void)state;
	for (int cycle = 0; cycle < 5000; cycle++) {
		int tries = cycle % (N + 2);	/* sometimes more than fit: drops */
		int *got;

		for (int k = 0; k < tries; k++) {
			int *s = spsc_producer_slot(r);

			if (!s) {
				dropped++;
				continue;
			}
			assert_ptr_not_equal(s, held);
			*s = ++value;
			spsc_publish(r);
		}
		if (held)
			assert_int_equal(*held, -1); /* our mark survived */
		got = spsc_take_latest(r, NULL);
		if (got) {
			assert_int_equal(*got, value);
			held = got;
			*held = -1;	/* the producer must not write here while we hold it */
		}
	}
	assert_int_equal(spsc_dropped(r), dropped);
	assert_true(dropped > 0);
	spsc_free(r);
}

/* In order: every published slot, oldest first; the held slot is never handed to the producer. */
static void test_take_next_in_order(void **state)
{
	struct spsc_ring *r = spsc_new(slots, N);
	int *got;

	(void)state;
	assert_non_null(r);
	assert_null(spsc_take_next(r));
	for (int round = 0; round < 100; round++) {
		int base = round * 10;

		/* N - 1 published while the consumer holds one: the ring is then full. */
		for (int i = 0; i < N - 1; i++)
			publish(r, base + i);
		if (round > 0)
			assert_null(spsc_producer_slot(r));	/* the held slot is not free */
		for (int i = 0; i < N - 1; i++) {
			got = spsc_take_next(r);
			assert_non_null(got);
			assert_int_equal(*got, base + i);
		}
		assert_null(spsc_take_next(r));	/* nothing new: still holding the last */
		assert_int_equal(spsc_unread(r), 0);
		assert_int_equal(*got, base + N - 2);
	}
	spsc_free(r);
}

/* The spare is never the slot being filled nor one the consumer holds or has yet to read. */
static void test_spare_only_when_released(void **state)
{
	struct spsc_ring *r = spsc_new(slots, 3);
	int *held = NULL;

	(void)state;
	assert_non_null(r);
	/* Nothing published or held yet: the slot after the next is free. */
	assert_ptr_equal(spsc_producer_spare(r, 1), slots[1]);
	publish(r, 0);
	assert_ptr_equal(spsc_producer_spare(r, 1), slots[2]);
	publish(r, 1);
	/* Slot 0 (value 0) is published but unread: not a spare. */
	assert_null(spsc_producer_spare(r, 1));
	held = spsc_take_latest(r, NULL);
	assert_ptr_equal(held, slots[1]);
	/* The take released slot 0 unread: now it is the spare. */
	assert_ptr_equal(spsc_producer_spare(r, 1), slots[0]);
	/* Round and round: once the consumer took the newest, the spare is the third slot. */
	for (int i = 2; i < 300; i++) {
		void *spare = spsc_producer_spare(r, 1);
		void *next = spsc_producer_slot(r);

		assert_non_null(spare);
		assert_non_null(next);
		assert_ptr_not_equal(spare, next);
		assert_ptr_not_equal(spare, held);
		publish(r, i);
		/*
		 * Before the consumer takes i it still holds i - 1, the slot
		 * the producer would fill after the next one: nothing is spare.
		 */
		assert_null(spsc_producer_spare(r, 1));
		assert_ptr_not_equal(spsc_producer_slot(r), held);
		held = spsc_take_latest(r, NULL);
		assert_int_equal(*held, i);
	}
	spsc_free(r);
}

/* A stream releases what it wrote: every other slot is then spare, and in-order takes go on. */
static void test_release_frees_held_slot(void **state)
{
	struct spsc_ring *r = spsc_new(slots, 3);
	int *got;

	(void)state;
	assert_non_null(r);
	spsc_release(r);	/* nothing held: nothing changes */
	assert_null(spsc_producer_spare(r, 0));
	assert_null(spsc_producer_spare(r, 3));
	for (int i = 0; i < 30; i++) {
		publish(r, i);
		got = spsc_take_next(r);
		assert_non_null(got);
		assert_int_equal(*got, i);
		/* Held: the slot after the next is the one it holds, not spare. */
		assert_null(spsc_producer_spare(r, 2));
		assert_ptr_equal(spsc_producer_spare(r, 1), slots[(i + 2) % 3]);
		spsc_release(r);
		assert_ptr_equal(spsc_producer_spare(r, 2), got);
		assert_ptr_equal(spsc_producer_spare(r, 1), slots[(i + 2) % 3]);
		assert_null(spsc_take_next(r));	/* nothing new after a release */
		assert_int_equal(spsc_unread(r), 0);
	}
	/* Two published, one taken and released: the other is still taken next, in order. */
	publish(r, 100);
	publish(r, 101);
	got = spsc_take_next(r);
	assert_int_equal(*got, 100);
	spsc_release(r);
	assert_null(spsc_producer_spare(r, 2));	/* 101 is unread: never spare */
	got = spsc_take_next(r);
	assert_int_equal(*got, 101);
	spsc_release(r);
	assert_int_equal(spsc_dropped(r), 0);
	spsc_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_take_next_in_order),
		cmocka_unit_test(test_rejects_bad_args),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_spare_only_when_released),
		cmocka_unit_test(test_release_frees_held_slot),
		cmocka_unit_test(test_wraparound_bursts),
		cmocka_unit_test(test_latest_wins),
		cmocka_unit_test(test_full_drops_and_held_slot_is_safe),
		cmocka_unit_test(test_held_slot_never_offered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
