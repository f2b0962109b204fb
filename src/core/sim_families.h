/*
 * sim_families.h - the simulation's family tables (run queue, block I/O)
 * and the syscall breakdown, deterministic by seed like the rest of sim.c.
 *
 * Run queue: a few of sim.c's processes and a kworker wait for a CPU
 * (tens of microseconds, a tail into milliseconds). Block I/O: two devices,
 * nvme0n1 (postgres reads, WAL writes and flushes, jbd2) and sda (java
 * reads, kworker writeback), each request's time split into queue and
 * device time that add up exactly to it. Functions (as -u and --usdt give
 * them): postgres' exec_simple_query and its query__start -> query__done
 * USDT span, nginx' request handler in two workers. The regression profile slows
 * every family row as it slows busy syscall rows (sim_rand.h).
 */
#ifndef LATTOP_CORE_SIM_FAMILIES_H
#define LATTOP_CORE_SIM_FAMILIES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/snapshot.h"

struct sim_fams;

/* NULL with errno=ENOMEM. */
struct sim_fams *sim_fams_new(uint64_t seed, bool regress);
void sim_fams_free(struct sim_fams *fs);

/*
 * Tick @tick's rows of every family with @on[f] into @out (tables ON); the
 * others are off, with a note. Rows are drawn either way, so that turning
 * one table off changes nothing in another. 0 or -ENOMEM.
 */
int sim_fams_tick(struct sim_fams *fs, uint64_t tick, uint64_t interval_ns,
		  const bool on[SNAP_FAM_NR], struct snapshot *out);

/*
 * Split @h->sum_ns of a (process @comm, syscall @sys) row into the four
 * parts (enum abi_part), exactly: they add up to sum_ns. The shares depend
 * on the syscall (fsync and postgres' reads wait for I/O, waits block,
 * the rest runs with a little run-queue time) and jitter by (@seed, @tick,
 * @row).
 */
void sim_breakdown(uint64_t seed, uint64_t tick, uint64_t row, const char *comm,
		   const char *sys, struct abi_hist *h);

#endif
