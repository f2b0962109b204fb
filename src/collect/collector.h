/*
 * collector.h - the collector thread: ticks a source every interval
 * (CLOCK_MONOTONIC, absolute deadlines so ticks do not drift), publishes each
 * snapshot through the SPSC ring and wakes the consumer through an eventfd.
 * Knows no curses; the consumer never touches the source.
 */
#ifndef LATTOP_COLLECT_COLLECTOR_H
#define LATTOP_COLLECT_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "collect/source.h"
#include "core/spsc.h"

struct collector;

/*
 * Main thread. Starts the thread; the collector owns @src from here.
 * @iterations: stop after that many ticks (0 = until collector_stop).
 * NULL + errno on failure.
 */
struct collector *collector_start(struct source *src, uint64_t interval_ns, uint64_t iterations);

/*
 * The same, for the dashboard: the first tick (live sources) lasts
 * @first_tick_ns when that is shorter than the interval, so the first frame
 * shows data at once. That tick carries its real interval_ns. Batch, JSON,
 * record and run use collector_start: their ticks keep their lengths.
 */
struct collector *collector_start_early(struct source *src, uint64_t interval_ns,
					uint64_t iterations, uint64_t first_tick_ns);

/* Consumer thread. The ring to take snapshots from, and an fd that becomes readable after each publish. */
struct spsc_ring *collector_ring(struct collector *c);
int collector_wake_fd(const struct collector *c);

/* Consumer thread. Read and reset the wake fd's counter (call after poll says readable). */
void collector_ack_wake(struct collector *c);

/*
 * Any thread. Change the interval (floored at 100 ms), at once: the current
 * tick ends at its start + the new interval (now, if that has passed: it is
 * published with its real length), so a shorter interval cuts it and a
 * longer one extends it. A replay keeps its recorded pace.
 */
void collector_set_interval(struct collector *c, uint64_t interval_ns);
uint64_t collector_interval(const struct collector *c);

/*
 * Main thread. Hold the kernel's BPF run-time statistics on (they cost a
 * little on every program run) or let them go; snapshots then carry the
 * run time of each probe family. -EOPNOTSUPP for replay and simulation.
 */
int collector_hold_bpf_stats(struct collector *c, bool on);

/*
 * Main thread. --slow from the dashboard: stacks of calls slower than
 * @slow_ns from the next tick on, 0 turns them off (source.h set_slow_ns).
 * -EOPNOTSUPP when the source has no stacks (a replay).
 */
int collector_set_slow_ns(struct collector *c, uint64_t slow_ns);

/*
 * Any thread; replay (a stamped source with seek) only, no-ops otherwise.
 * Pause or resume the replay's progress; step or seek (SOURCE_SEEK_NEXT is
 * one step forward): the collector thread moves the source and publishes
 * the resulting tick at once, paused or not. at_end: the last tick has been
 * published and no step has moved away from it since.
 */
bool collector_seekable(const struct collector *c);
void collector_pause(struct collector *c, bool paused);
void collector_seek(struct collector *c, enum source_seek how);
bool collector_at_end(const struct collector *c);

/* Any thread. True once the collector has stopped (iterations done, error or stop). */
bool collector_done(const struct collector *c);
/* After collector_done: 0 or the source's error. */
int collector_error(const struct collector *c);

/*
 * Any thread. Cut the current tick short: the collector reads the source
 * once more at once, publishes that partial tick marked final (with its
 * real interval; it waits for a free slot rather than drop it) and stops.
 * A replay just stops. Like DTrace's END { printa(); } on Ctrl-C.
 */
void collector_finish(struct collector *c);

/* Main thread. Stop, join, destroy the source and free everything. */
void collector_stop(struct collector *c);

#endif
