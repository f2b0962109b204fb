/*
 * spsc.h - single-producer/single-consumer lock-free ring of preallocated
 * slots (C11 atomics), used to hand snapshots from the collector thread to
 * the consumer thread.
 *
 * Ordering: the producer fills slot[head % n] and then stores head+1 with
 * release; the consumer loads head with acquire before reading any slot, so
 * it sees the slot's contents. The consumer stores tail with release after it
 * is done with a slot; the producer loads tail with acquire before reusing
 * the slot, so it never writes a slot still being read.
 *
 * Two ways to take: latest wins (the dashboard: only the newest published
 * slot, the older ones released unread and counted as skipped), or in order
 * (streams: every published slot, oldest first, none skipped). When every
 * slot is in use the producer does not wait, it counts a dropped snapshot
 * (the collector then reads its source a tick later: nothing is lost).
 *
 * The consumer holds the slot it last took until it takes a newer one, so the
 * ring needs n >= 3 (one held, one being filled, one spare).
 */
#ifndef LATTOP_CORE_SPSC_H
#define LATTOP_CORE_SPSC_H

#include <stddef.h>
#include <stdint.h>

struct spsc_ring;

/* Ring over @n caller-owned slots (@slots[i] stays valid for the ring's life). NULL+errno. */
struct spsc_ring *spsc_new(void **slots, size_t n);
void spsc_free(struct spsc_ring *r);

/* Producer thread only. The slot to fill next, or NULL when full (a drop is counted). */
void *spsc_producer_slot(struct spsc_ring *r);
/* Producer thread only. Publish the slot returned by spsc_producer_slot. */
void spsc_publish(struct spsc_ring *r);

/*
 * Producer thread only. The slot the producer fills @ahead publishes after
 * the next one (1 .. n - 1) when the consumer has released it (its contents
 * are dead), else NULL: the producer may free what that slot holds, so
 * that only the slots in use keep a busy tick's arrays.
 */
void *spsc_producer_spare(struct spsc_ring *r, size_t ahead);

/*
 * Consumer thread only. The newest published slot if one arrived since the
 * last call, else NULL. Releases the previously taken slot and every older
 * one; @skipped (may be NULL) gets how many published slots were released
 * unread.
 */
void *spsc_take_latest(struct spsc_ring *r, uint64_t *skipped);

/*
 * Consumer thread only. The oldest published slot not taken yet (NULL if
 * none), releasing the previously taken one: in order, nothing skipped.
 * Do not mix with spsc_take_latest on one ring.
 */
void *spsc_take_next(struct spsc_ring *r);

/*
 * Consumer thread only. Done with the slot taken last before taking a newer
 * one (a stream that has written it out): the producer may reuse it. The
 * next take goes on as if it were still held. No-op when none is held.
 */
void spsc_release(struct spsc_ring *r);

/* Any thread. Snapshots the producer could not publish because all slots were busy. */
uint64_t spsc_dropped(const struct spsc_ring *r);

/* Producer thread only. Published slots the consumer has not taken yet (a replay waits for 0). */
uint64_t spsc_unread(const struct spsc_ring *r);

#endif
