/*
 * spsc.c - single-producer/single-consumer ring: latest wins, or in order.
 *
 * head: slots published so far (written by the producer only).
 * tail: slots released so far (written by the consumer only).
 * After a take the consumer holds slot (tail % n): it is published but not
 * released, so head - tail < n keeps the producer off it until a newer take
 * moves tail past it.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/spsc.h"

#define SPSC_CACHE_LINE 64

/* Each thread writes only its own cache line, so neither stalls the other. */
struct spsc_ring {
	/* Read-only after spsc_new. */
	void **slots;
	size_t n;

	/* Producer-written. */
	alignas(SPSC_CACHE_LINE) _Atomic uint64_t head;
	_Atomic uint64_t dropped;

	/* Consumer-written. */
	alignas(SPSC_CACHE_LINE) _Atomic uint64_t tail;
	uint64_t held_end;	/* head seen by the last successful take; 0 = none held */
	_Atomic uint64_t taken;	/* held_end, for the producer's spsc_unread */
};

struct spsc_ring *spsc_new(void **slots, size_t n)
{
	struct spsc_ring *r;

	if (!slots || n < 3) {
		errno = EINVAL;
		return NULL;
	}
	/* NULL is how spsc_producer_slot says "full", so it cannot be a slot. */
	for (size_t i = 0; i < n; i++) {
		if (!slots[i]) {
			errno = EINVAL;
			return NULL;
		}
	}
	/* sizeof is a multiple of the alignment, as aligned_alloc wants. */
	r = aligned_alloc(alignof(struct spsc_ring), sizeof(*r));
	if (!r) {
		errno = ENOMEM;
		return NULL;
	}
	r->slots = slots;
	r->n = n;
	atomic_init(&r->head, 0);
	atomic_init(&r->dropped, 0);
	atomic_init(&r->tail, 0);
	r->held_end = 0;
	atomic_init(&r->taken, 0);
	return r;
}

void spsc_free(struct spsc_ring *r)
{
	free(r);
}

void *spsc_producer_slot(struct spsc_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	/* acquire: the consumer's reads of every slot before tail are finished. */
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head - tail >= r->n) {
		/* Only this thread writes it; atomic so that any thread may read it. */
		atomic_store_explicit(&r->dropped,
				      atomic_load_explicit(&r->dropped, memory_order_relaxed) + 1,
				      memory_order_relaxed);
		return NULL;
	}
	return r->slots[head % r->n];
}

void *spsc_producer_spare(struct spsc_ring *r, size_t ahead)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	/* acquire: as in spsc_producer_slot, the consumer is done with what it released. */
	uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	/* Sequence head + ahead reuses the slot of head + ahead - n: released once tail is past it. */
	if (ahead < 1 || ahead >= r->n || head + ahead - tail >= r->n)
		return NULL;
	return r->slots[(head + ahead) % r->n];
}

void spsc_publish(struct spsc_ring *r)
{
	uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	/* release: the slot's contents are visible before the new head. */
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
}

void *spsc_take_latest(struct spsc_ring *r, uint64_t *skipped)
{
	/* acquire: pairs with spsc_publish, so the newest slot is complete. */
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t first_new = r->held_end ? r->held_end
					 : atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (skipped)
		*skipped = 0;
	if (head == first_new)
		return NULL;	/* nothing new: keep holding the current slot */
	if (skipped)
		*skipped = head - 1 - first_new;
	/*
	 * release: our reads of the previously held slot are done before the
	 * producer can see it free. The newest slot (head - 1) stays held.
	 */
	atomic_store_explicit(&r->tail, head - 1, memory_order_release);
	r->held_end = head;
	atomic_store_explicit(&r->taken, head, memory_order_release);
	return r->slots[(head - 1) % r->n];
}

void *spsc_take_next(struct spsc_ring *r)
{
	/* acquire: pairs with spsc_publish, so the slot taken is complete. */
	uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint64_t next = r->held_end ? r->held_end : atomic_load_explicit(&r->tail, memory_order_relaxed);

	if (head == next)
		return NULL;	/* nothing new: keep holding the current slot */
	/* release: our reads of the previously held slot are done before the producer reuses it. */
	atomic_store_explicit(&r->tail, next, memory_order_release);
	r->held_end = next + 1;
	atomic_store_explicit(&r->taken, next + 1, memory_order_release);
	return r->slots[next % r->n];
}

void spsc_release(struct spsc_ring *r)
{
	/*
	 * release: our reads of the held slot are done before the producer
	 * can see it free. tail only moves forward: a take set it to held_end - 1.
	 */
	if (r->held_end)
		atomic_store_explicit(&r->tail, r->held_end, memory_order_release);
}

uint64_t spsc_unread(const struct spsc_ring *r)
{
	return atomic_load_explicit(&r->head, memory_order_relaxed) -
	       atomic_load_explicit(&r->taken, memory_order_acquire);
}

uint64_t spsc_dropped(const struct spsc_ring *r)
{
	return atomic_load_explicit(&r->dropped, memory_order_relaxed);
}
