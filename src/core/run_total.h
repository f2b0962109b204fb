/*
 * run_total.h - the totals of a whole `lattop run`: the newest cumulative
 * histogram of every (process, syscall) key seen in any snapshot, kept after
 * the key ages out of the live snapshots (the family tables' rows too, by
 * their whole latency; not their parts) (exited children of a long command
 * leave them after a few ticks). Cumulative totals are exact whatever the
 * consumer skipped, so missing a snapshot loses nothing as long as a later
 * one still carries the key. The cgroup is part of every key (rows of
 * different cgroups stay apart) and the cgroups the run's snapshots named
 * are kept, so a removed cgroup's rows keep their name. Pure.
 */
#ifndef LATTOP_CORE_RUN_TOTAL_H
#define LATTOP_CORE_RUN_TOTAL_H

#include <stddef.h>

#include "core/snapshot.h"

struct run_total;

/* At most @max_keys keys (more are counted in the output's evicted counter). NULL + errno. */
struct run_total *run_total_new(size_t max_keys);
void run_total_free(struct run_total *rt);

/* Take the newest totals of @s's rows (and its total counters). 0 or -ENOMEM. */
int run_total_observe(struct run_total *rt, const struct snapshot *s);

/*
 * @out (initialised; reset here) as a cumulative snapshot of the run: one
 * row per key with interval == total, the newest counters and header
 * fields of the last snapshot observed. 0 or -ENOMEM.
 */
int run_total_emit(const struct run_total *rt, struct snapshot *out);

#endif
