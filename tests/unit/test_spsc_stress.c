/*
 * test_spsc_stress.c - producer and consumer threads, millions of publishes.
 * Each slot carries a sequence number and a payload whose checksum the
 * consumer verifies: a torn or reordered read fails. Run under TSan by
 * `make test` (tests/run-all.sh). LATTOP_STRESS_ITEMS overrides the count.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/spsc.h"

#define SLOTS 4
#define PAYLOAD 32

struct item {
	uint64_t seq;
	uint64_t payload[PAYLOAD];
	uint64_t checksum;
};

static struct item items[SLOTS];
static void *slot_ptrs[SLOTS];
static uint64_t total_items;
static atomic_bool producer_done;
static uint64_t published;

static uint64_t checksum(const struct item *it)
{
	uint64_t c = it->seq * 0x9E3779B97F4A7C15ull;

	for (int i = 0; i < PAYLOAD; i++)
		c = (c ^ it->payload[i]) * 0x100000001B3ull;
	return c;
}

static void *producer(void *arg)
{
	struct spsc_ring *r = arg;

	for (uint64_t seq = 1; seq <= total_items; seq++) {
		struct item *it = spsc_producer_slot(r);

		if (!it)
			continue;	/* dropped, counted by the ring */
		it->seq = seq;
		for (int i = 0; i < PAYLOAD; i++)
			it->payload[i] = seq * 31 + (uint64_t)i;
		it->checksum = checksum(it);
		spsc_publish(r);
		published++;
	}
	atomic_store(&producer_done, true);
	return NULL;
}

static void test_stress(void **state)
{
	struct spsc_ring *r;
	pthread_t t;
	uint64_t last_seq = 0, taken = 0, skipped_total = 0, skipped;
	const char *env = getenv("LATTOP_STRESS_ITEMS");

	(void)state;
	total_items = env ? strtoull(env, NULL, 10) : 5000000;
	for (int i = 0; i < SLOTS; i++)
		slot_ptrs[i] = &items[i];
	r = spsc_new(slot_ptrs, SLOTS);
	assert_non_null(r);
	assert_int_equal(pthread_create(&t, NULL, producer, r), 0);
	for (;;) {
		bool done = atomic_load(&producer_done);
		struct item *it = spsc_take_latest(r, &skipped);

		if (it) {
			if (it->checksum != checksum(it))
				fail_msg("torn item at seq %lu", (unsigned long)it->seq);
			if (it->seq <= last_seq)
				fail_msg("seq went back: %lu after %lu", (unsigned long)it->seq,
					 (unsigned long)last_seq);
			last_seq = it->seq;
			taken++;
			skipped_total += skipped;
		} else if (done) {
			break;
		} else {
			sched_yield();
		}
	}
	pthread_join(t, NULL);
	/* Every publish was either taken or skipped; every item either published or dropped. */
	assert_int_equal(taken + skipped_total, published);
	assert_int_equal(published + spsc_dropped(r), total_items);
	assert_true(taken > 0);
	print_message("items %lu: published %lu, taken %lu, skipped %lu, dropped %lu\n",
		      (unsigned long)total_items, (unsigned long)published, (unsigned long)taken,
		      (unsigned long)skipped_total, (unsigned long)spsc_dropped(r));
	spsc_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_stress) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
