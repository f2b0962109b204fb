/*
 * model.h - turns the kernel's cumulative per-(process, syscall) histograms
 * into a snapshot: interval deltas (tick + trunc) and totals, with exited
 * processes kept for a while and then aged out. Bounded: at most max_keys
 * keys are tracked; more are evicted (oldest-idle first) and counted.
 *
 * Use per tick: model_begin, model_update for every key read from the map,
 * model_mark_exited for processes that exited, then model_emit.
 */
#ifndef LATTOP_CORE_MODEL_H
#define LATTOP_CORE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct model;

/* @age_ticks: ticks an exited, idle key stays visible. NULL+errno. */
struct model *model_new(size_t max_keys, unsigned int age_ticks);
void model_free(struct model *m);

void model_begin(struct model *m);

/* Record the cumulative value of @key read this tick. 0, or -ENOMEM. */
int model_update(struct model *m, const struct abi_sys_key *key, const struct abi_hist *cum);

/* Every key of process (tgid, pstart_ns) is marked exited. */
void model_mark_exited(struct model *m, uint32_t tgid, uint64_t pstart_ns);

/*
 * Every key of cgroup @cgid (removed from the hierarchy) is marked exited:
 * its rows age out like an exited process's. @cgid 0 (not attributed): nothing.
 */
void model_mark_cgroup_gone(struct model *m, uint64_t cgid);

/*
 * Append one row per tracked key to @out (interval = delta since the last
 * tick, total = cumulative; a renamed process's keys under its old and new
 * names merged into one row per syscall, named with the newest), then drop keys that have been exited and idle
 * for age_ticks. Keys that may now be deleted from the kernel map (exited
 * and emitted once) are passed to @on_retire when non-NULL.
 * Over max_keys, exited keys go first, then the longest idle; *@evicted
 * counts live keys dropped (exited ones are only aged out early). 0 or -ENOMEM.
 */
int model_emit(struct model *m, struct snapshot *out, uint64_t *evicted,
	       void (*on_retire)(const struct abi_sys_key *key, void *ctx), void *ctx);

size_t model_size(const struct model *m);

/*
 * After model_emit: the newest name of process @tgid (the comm of its most
 * recently active key; rows of a renamed process all carry it), or NULL.
 * Valid until the next model_emit.
 */
const char *model_proc_comm(const struct model *m, uint32_t tgid);

#endif
