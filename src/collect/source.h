/*
 * source.h - a producer of snapshots: live BPF, simulation or replay.
 * The collector thread calls tick() once per interval; everything
 * downstream sees only the snapshots.
 */
#ifndef LATTOP_COLLECT_SOURCE_H
#define LATTOP_COLLECT_SOURCE_H

#include "core/snapshot.h"

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
	void (*destroy)(void *ctx);
};

#endif
