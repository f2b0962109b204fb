/*
 * spsc.c - single-producer/single-consumer ring, latest wins.
 *
 * head: slots published so far (written by the producer only).
 * tail: slots released so far (written by the consumer only).
 * The consumer holds slot (tail % n) after taking it: held slots are not yet
 * released, so the producer can never overwrite what is being read.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/spsc.h"

#define CACHE_LINE 64

struct spsc_ring {
	alignas(CACHE_LINE) _Atomic uint64_t head;
	alignas(CACHE_LINE) _Atomic uint64_t tail;
	alignas(CACHE_LINE) _Atomic uint64_t dropped;
	/* Consumer-only state. */
	uint64_t taken;		/* the slot index the consumer holds + 1; 0 = none */
	size_t n;
	void **slots;
};

struct spsc_ring *spsc_new(void **slots, size_t n)
{
	struct spsc_ring *r;

	if (!slots || n < 3) {
		errno = EINVAL;
		return NULL;
	}
	r = aligned_alloc(CACHE_LINE, (sizeof(*r) + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
	if (!r)
		return NULL;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->dropped, 0);
	r->taken = 0;
	r->n = n;
	r->slots = slots;
	return r;
}

void spsc_free(struct spsc_ring *r)
{
	free(r);
}

void *spsc_producer_slot(struct spsc_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	/* acquire: the consumer is done with every slot before tail. */
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head - tail >= r->n) {
		atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
		return NULL;
	}
	return r->slots[head % r->n];
}

void spsc_publish(struct spsc_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	/* release: the slot's contents are visible before the new head. */
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
}

void *spsc_take_latest(struct spsc_ring *r, uint64_t *skipped)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint64_t first_new = r->taken ? r->taken : tail;

	if (skipped)
		*skipped = 0;
	if (head == first_new)
		return NULL;	/* nothing published since the last take */
	if (skipped)
		*skipped = head - 1 - first_new;
	/* Release the held slot and every older one: tail moves to the newest. */
	atomic_store_explicit(&r->tail, head - 1, memory_order_release);
	r->taken = head;
	return r->slots[(head - 1) % r->n];
}

uint64_t spsc_dropped(const struct spsc_ring *r)
{
	return atomic_load_explicit(&r->dropped, memory_order_relaxed);
}
