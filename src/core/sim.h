/*
 * sim.h - the simulation source: a deterministic generator of realistic
 * snapshots (a few nginx workers, postgres, redis-server, sshd, a java app,
 * and their TCP clients) so that the UI, batch output, exporters and the
 * comparison run and can be tested without root or BPF.
 *
 * Pure: no clock, no I/O. The data of tick N depends only on (seed,
 * profile, N, interval_ns of ticks 1..N), so two runs with the same seed,
 * profile and intervals give byte-identical snapshots. Latencies are
 * heavy-tailed (log-normal body, Pareto tail); some calls fail (EAGAIN on
 * read/accept4, ...).
 *
 * Profiles (same processes, syscalls and clients unless said otherwise):
 * - steady: no spikes; load drifts slowly (+-30 % over minutes).
 * - spike: steady plus, in every SIM_SPIKE_WINDOW ticks, one busy syscall
 *   of one process 10-50x slower for SIM_SPIKE_TICKS ticks (what
 *   --simulate showed before profiles existed).
 * - regression: steady's streams, but rows of SIM_REGRESS_MIN_RATE calls/s
 *   or more, and every client's request latency, slower from the start:
 *   p50 x1.1, p99 x1.5 (see sim_rand.h for the exact mapping).
 * - many-clients: steady plus SIM_MANY_NEW_PER_S new client addresses a
 *   second (10.0.0.0/8 and 2001:db8::/32) that make a few requests and go
 *   quiet; the table keeps at most SIM_MANY_CLIENTS_MAX rows, least
 *   recently active dropped first and counted in client_evicted.
 */
#ifndef LATTOP_CORE_SIM_H
#define LATTOP_CORE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/snapshot.h"

/* spike: every window of this many ticks holds exactly one spike of 3 ticks. */
#define SIM_SPIKE_WINDOW 20
#define SIM_SPIKE_TICKS 3

/* regression: rows this busy (calls/s) get slower; 8 of the 33 streams. */
#define SIM_REGRESS_MIN_RATE 500.0

/* many-clients: new addresses per second, and the table's limit (rows). */
#define SIM_MANY_NEW_PER_S 400.0
#define SIM_MANY_CLIENTS_MAX 2048

enum sim_profile {
	SIM_STEADY = 0,
	SIM_SPIKE,
	SIM_REGRESSION,
	SIM_MANY_CLIENTS,
	SIM_PROFILE_NR
};

/* "steady, spike, regression, many-clients": for usage and error messages. */
#define SIM_PROFILE_LIST "steady, spike, regression, many-clients"

/* The profile called @name, or -EINVAL. */
int sim_profile_parse(const char *name);

/* The name of @p ("steady", ...); "?" when out of range. */
const char *sim_profile_name(int p);

struct sim;

/* Profile steady. NULL with errno=ENOMEM. */
struct sim *sim_new(uint64_t seed);

/* NULL with errno=ENOMEM, or errno=EINVAL for an unknown profile. */
struct sim *sim_new_profile(uint64_t seed, int profile);

/*
 * What the simulation fills besides syscalls and clients (all by default),
 * as --no-breakdown, --no-runq and --no-block ask of the live source: a
 * table left out is off with a note saying which option, the breakdown off
 * leaves part_ns 0. The data of what stays on does not change.
 */
void sim_set_families(struct sim *sim, bool breakdown, bool runq, bool block);

/*
 * Cgroups (sim_cgroups.h; on by default): every row carries its process's
 * cgroup id and the snapshot names them (cgroups_state ON). Off, as
 * --no-cgroups asks: ids 0, no table, cgroups_state OFF.
 */
void sim_set_cgroups(struct sim *sim, bool on);

/*
 * --slow: from the next tick, stacks of calls at or above @slow_ns (0: none)
 * for a few syscall and function rows (sim_stacks.h). Off by default.
 */
void sim_set_slow_ns(struct sim *sim, uint64_t slow_ns);
void sim_free(struct sim *sim);

/*
 * Generate the next tick of nominal length @interval_ns into @out (reset by
 * the caller): one row per (process, syscall) seen so far, with interval and
 * cumulative histograms, counters; one client row per client in the table
 * (as the live source fills them, clients_state SNAP_CLIENTS_ON);
 * simulated = true, source "simulate", sample_every = 1, seq = tick number,
 * interval_ns = @interval_ns, elapsed_ns = sum of intervals.
 * ts_ns is left to the caller. 0 or -ENOMEM.
 */
int sim_tick(struct sim *sim, struct snapshot *out, uint64_t interval_ns);

#endif
