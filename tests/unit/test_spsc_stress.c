/*
 * test_spsc_stress.c - producer and consumer threads, millions of publishes.
 * Each slot carries a sequence number and a payload whose checksum the
 * consumer verifies: a torn or reordered read fails. Now and then the
 * consumer holds its slot for a while and checks it again, so a producer
 * writing a held slot fails too. Run under TSan by tests/run-all.sh.
 *
 * The producer publishes every item: when the ring is full it counts a drop
 * (as the collector does) and offers the item again. LATTOP_STRESS_ITEMS sets
 * the number of items (default 5,000,000). Two consumers: latest wins (the
 * dashboard) and in order (streams), which must see every item, in sequence.
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

/* Measured: ~1 s plain, 5-9 s under ThreadSanitizer on 2 CPUs. */
#define STRESS_DEFAULT_ITEMS 5000000ull

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
/* Bumped before each publish, so it is never behind what the consumer has seen. */
static _Atomic uint64_t published;
static uint64_t failed_offers;	/* producer-only until joined */

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
		struct item *it;

		/* Full: the ring counts a drop; offer the same item again so all get published. */
		while (!(it = spsc_producer_slot(r))) {
			failed_offers++;
			sched_yield();
		}
		it->seq = seq;
		for (int i = 0; i < PAYLOAD; i++)
			it->payload[i] = seq * 31 + (uint64_t)i;
		it->checksum = checksum(it);
		atomic_fetch_add_explicit(&published, 1, memory_order_relaxed);
		spsc_publish(r);
	}
	atomic_store(&producer_done, true);
	return NULL;
}

static void check_item(const struct item *it, uint64_t last_seq)
{
	if (it->checksum != checksum(it))
		fail_msg("torn item at seq %llu", (unsigned long long)it->seq);
	if (it->seq <= last_seq)
		fail_msg("seq went back: %llu after %llu", (unsigned long long)it->seq,
			 (unsigned long long)last_seq);
}

static void run_stress(bool in_order)
{
	struct spsc_ring *r;
	pthread_t t;
	uint64_t last_seq = 0, taken = 0, skipped_total = 0, skipped = 0, pub, held_checks = 0;
	const char *env = getenv("LATTOP_STRESS_ITEMS");

	atomic_store(&producer_done, false);
	atomic_store(&published, 0);
	failed_offers = 0;
	total_items = env ? strtoull(env, NULL, 10) : STRESS_DEFAULT_ITEMS;
	assert_true(total_items > 0);
	for (int i = 0; i < SLOTS; i++)
		slot_ptrs[i] = &items[i];
	r = spsc_new(slot_ptrs, SLOTS);
	assert_non_null(r);
	assert_int_equal(pthread_create(&t, NULL, producer, r), 0);
	for (;;) {
		/* Read before taking: once done is seen, one more take drains the ring. */
		bool done = atomic_load(&producer_done);
		struct item *it = in_order ? spsc_take_next(r) : spsc_take_latest(r, &skipped);

		if (it) {
			check_item(it, last_seq);
			if (in_order && it->seq != last_seq + 1)
				fail_msg("in order: seq %llu after %llu", (unsigned long long)it->seq,
					 (unsigned long long)last_seq);
			last_seq = it->seq;
			taken++;
			skipped_total += skipped;
			/* In flight: published but neither taken nor skipped yet. */
			pub = atomic_load_explicit(&published, memory_order_relaxed);
			if (pub < taken + skipped_total || pub - (taken + skipped_total) > SLOTS)
				fail_msg("accounting: published %llu, taken %llu + skipped %llu",
					 (unsigned long long)pub, (unsigned long long)taken,
					 (unsigned long long)skipped_total);
			if (taken % 64 == 0) {
				/* Hold the slot while the producer runs, then re-check it. */
				for (int i = 0; i < 4; i++)
					sched_yield();
				check_item(it, last_seq - 1);
				if (it->seq != last_seq)
					fail_msg("held slot rewritten: seq %llu, took %llu",
						 (unsigned long long)it->seq,
						 (unsigned long long)last_seq);
				held_checks++;
			}
		} else if (done) {
			break;
		} else {
			sched_yield();
		}
	}
	pthread_join(t, NULL);
	pub = atomic_load(&published);
	/* Drained: every publish was taken or skipped; every failed offer was a counted drop. */
	assert_int_equal(taken + skipped_total, pub);
	assert_int_equal(pub, total_items);
	assert_int_equal(spsc_dropped(r), failed_offers);
	assert_int_equal(last_seq > 0, 1);
	assert_true(taken > 0);
	if (in_order)
		assert_int_equal(skipped_total, 0);
	print_message("%s: items %llu: published %llu, taken %llu, skipped %llu, dropped %llu, "
		      "held re-checks %llu\n",
		      in_order ? "in order" : "latest wins", (unsigned long long)total_items,
		      (unsigned long long)pub,
		      (unsigned long long)taken, (unsigned long long)skipped_total,
		      (unsigned long long)spsc_dropped(r), (unsigned long long)held_checks);
	spsc_free(r);
}

static void test_stress_latest(void **state)
{
	(void)state;
	run_stress(false);
}

static void test_stress_in_order(void **state)
{
	(void)state;
	run_stress(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_latest),
		cmocka_unit_test(test_stress_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
