/*
 * source.h - a producer of snapshots: live BPF, simulation or replay.
 * The collector thread calls tick() once per interval; everything
 * downstream sees only the snapshots.
 */
#ifndef LATTOP_COLLECT_SOURCE_H
#define LATTOP_COLLECT_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/snapshot.h"

/* tick() of a finite source (replay): there is no next tick. */
#define SOURCE_END 1

/* Where a seekable source (replay) goes on; the collector then ticks it at once. */
enum source_seek {
	SOURCE_SEEK_NEXT = 0,	/* no move: the next tick */
	SOURCE_SEEK_BACK,	/* the tick before the one last returned */
	SOURCE_SEEK_START,
	SOURCE_SEEK_END,	/* the last tick */
};

struct source {
	const char *name;	/* "bpf", "simulate", "replay" */
	void *ctx;
	/*
	 * Collector thread. Fill @out (already reset) with the tick that just
	 * ended; @interval_ns is its nominal length (deterministic, for the
	 * simulation); the collector stamps the measured length afterwards.
	 * 0, or a negative errno that stops collection.
	 */
	int (*tick)(void *ctx, struct snapshot *out, uint64_t interval_ns);
	/*
	 * Optional, collector thread: the next tick() is the last (a finish,
	 * or the last of -n): add what the source still holds back. Live
	 * collection may stop here.
	 */
	void (*finish)(void *ctx);
	void (*destroy)(void *ctx);
	/*
	 * Optional, collector thread: called with each finished snapshot (seq,
	 * times and drop counters stamped) just before it is published, e.g. to
	 * record it. 0, or a negative errno that stops collection.
	 */
	int (*published)(void *ctx, const struct snapshot *s);
	/*
	 * Replay sources. @stamped: snapshots carry their own seq, times and
	 * counters and are published as they are, never dropped (the collector
	 * waits for a free slot); tick() may return SOURCE_END. @wait_ns: how
	 * long to wait before the next tick (instead of the interval). @seek:
	 * move (enum source_seek), 0 or -errno. @hold_at_end: at SOURCE_END wait
	 * for a seek (dashboard) instead of stopping (batch, JSON).
	 */
	bool stamped;
	bool hold_at_end;
	/*
	 * Optional (live BPF), main thread: hold the kernel's BPF run-time
	 * statistics on or let them go. 0 or -errno.
	 */
	int (*hold_stats)(void *ctx, bool on);
	/*
	 * Optional (live BPF with --slow support), main thread: record the
	 * stacks of calls slower than @slow_ns from now on; 0 turns it off.
	 * 0 or -errno (-EOPNOTSUPP: this source has no stacks).
	 */
	int (*set_slow_ns)(void *ctx, uint64_t slow_ns);
	uint64_t (*wait_ns)(void *ctx);
	int (*seek)(void *ctx, enum source_seek how);
};

#endif
