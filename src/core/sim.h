/*
 * sim.h - the simulation source: a deterministic generator of realistic
 * snapshots (a few nginx workers, postgres, redis-server, sshd, a java app)
 * so that the UI, batch output and exporters run and can be tested without
 * root or BPF.
 *
 * Pure: no clock, no I/O. The data of tick N depends only on (seed, N,
 * interval_ns of ticks 1..N), so two runs with the same seed and intervals
 * give byte-identical snapshots. Latencies are heavy-tailed (log-normal
 * body, Pareto tail); some calls fail (EAGAIN on read/accept4, ...); now
 * and then one busy syscall of one process spikes 10-50x for a few ticks
 * (at least once in every SIM_SPIKE_WINDOW ticks).
 */
#ifndef LATTOP_CORE_SIM_H
#define LATTOP_CORE_SIM_H

#include <stdint.h>

#include "core/snapshot.h"

/* Every window of this many ticks holds exactly one spike of 3 ticks. */
#define SIM_SPIKE_WINDOW 20

struct sim;

/* NULL with errno=ENOMEM. */
struct sim *sim_new(uint64_t seed);
void sim_free(struct sim *sim);

/*
 * Generate the next tick of nominal length @interval_ns into @out (reset by
 * the caller): one row per (process, syscall) seen so far, with interval and
 * cumulative histograms, counters, simulated = true, source "simulate",
 * sample_every = 1, seq = tick number, interval_ns = @interval_ns,
 * elapsed_ns = sum of intervals.
 * ts_ns is left to the caller. 0 or -ENOMEM.
 */
int sim_tick(struct sim *sim, struct snapshot *out, uint64_t interval_ns);

#endif
