/*
 * sim_stacks.h - the simulation's stacks of slow calls (--slow): for a few
 * syscall rows (postgres' fsync and reads, java's futex waits, a sleeper,
 * nginx' epoll_wait) and the function rows (sim_families.h), the calls of
 * this tick slower than the threshold are split over two or three fixed
 * stacks (kernel and user frames, as the live source symbolises them), with
 * counts this tick and since start. Deterministic: no random draws, only
 * the rows' own histograms. Pure C, like the rest of the simulation.
 */
#ifndef LATTOP_CORE_SIM_STACKS_H
#define LATTOP_CORE_SIM_STACKS_H

#include <stdint.h>

#include "core/snapshot.h"

struct sim_stacks;

/* NULL with errno=ENOMEM. */
struct sim_stacks *sim_stacks_new(void);
void sim_stacks_free(struct sim_stacks *ss);

/*
 * After @out's syscall and function rows are filled: set out->slow_ns to
 * @slow_ns and, when it is not 0, add the stacks of the rows' calls at or
 * above it (a histogram slot counts when its lower bound is). Totals keep
 * counting across threshold changes, as the kernel's map does. 0 or -ENOMEM.
 */
int sim_stacks_tick(struct sim_stacks *ss, uint64_t slow_ns, struct snapshot *out);

#endif
