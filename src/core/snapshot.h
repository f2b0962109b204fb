/*
 * snapshot.h - one immutable picture of a tick, produced by a source
 * (live BPF, replay, simulation) and read by every consumer.
 *
 * A snapshot owns its row array. The producer fills a snapshot in place
 * (snapshot_reserve_sys grows it), publishes it through the SPSC ring, and
 * never touches it again until the consumer has released it.
 */
#ifndef LATTOP_CORE_SNAPSHOT_H
#define LATTOP_CORE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

/* Counters shown to the operator; interval and since-start variants. */
struct snap_counters {
	uint64_t events;		/* syscalls counted */
	uint64_t lost;			/* events not counted: map full, no task storage, ring drops */
	uint64_t evicted;		/* keys dropped to stay within limits */
	uint64_t dropped_snapshots;	/* snapshots the ring had no room for */
};

/* One (process, syscall) row. */
struct snap_sys_row {
	uint32_t pid;			/* tgid */
	uint32_t nr;			/* syscall number */
	uint64_t pstart_ns;		/* identifies the process with pid */
	char comm[ABI_COMM_LEN];	/* raw bytes from the kernel: untrusted */
	bool exited;			/* process has exited; row ages out */
	struct abi_hist interval;	/* this tick only (tick + trunc) */
	struct abi_hist total;		/* since lattop started */
};

#define SNAP_SOURCE_LEN 16

struct snapshot {
	uint64_t seq;			/* tick number, from 1 */
	uint64_t ts_ns;			/* CLOCK_REALTIME at the end of the tick */
	uint64_t interval_ns;		/* measured length of this tick (CLOCK_MONOTONIC) */
	uint64_t elapsed_ns;		/* since collection started */
	bool simulated;			/* data is synthetic: outputs say SIMULATED */
	uint32_t sample_every;		/* 1 = every syscall timed; N = one in N */
	char source[SNAP_SOURCE_LEN];	/* "bpf", "simulate", "replay" */
	struct snap_counters interval;
	struct snap_counters total;
	size_t n_sys;
	size_t cap_sys;
	struct snap_sys_row *sys;	/* n_sys rows, in no particular order */
};

/* Zeroed snapshot with no rows. */
void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* Drop all rows, keep capacity. */
void snapshot_reset(struct snapshot *s);

/* Append a zeroed row; NULL with errno=ENOMEM when growing fails. */
struct snap_sys_row *snapshot_add_sys(struct snapshot *s);

/* Deep copy @src into @dst (dst must be initialised). 0 or -ENOMEM. */
int snapshot_copy(struct snapshot *dst, const struct snapshot *src);

/* The histogram a view wants: interval or cumulative. */
static inline const struct abi_hist *snap_row_hist(const struct snap_sys_row *r, bool cumulative)
{
	return cumulative ? &r->total : &r->interval;
}

#endif
