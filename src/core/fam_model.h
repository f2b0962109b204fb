/*
 * fam_model.h - cumulative kernel readings of one family on abi_fam_key
 * (run queue, block I/O) turned into interval deltas and since-start
 * totals in a snapshot table: the same tick + trunc semantics as the
 * syscall model, for every family that has one histogram and up to
 * SNAP_FAM_PARTS part histograms per key.
 */
#ifndef LATTOP_CORE_FAM_MODEL_H
#define LATTOP_CORE_FAM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct fam_model;

/*
 * @n_parts part histograms per key after the whole one (0..SNAP_FAM_PARTS);
 * at most @max_keys keys (the least recently active go first); a key that
 * stays idle for @age_ticks ticks, or vanished from the kernel map, is dropped.
 */
struct fam_model *fam_model_new(unsigned int n_parts, size_t max_keys, unsigned int age_ticks);
void fam_model_free(struct fam_model *m);

/* Start a tick's reading. */
void fam_model_begin(struct fam_model *m);

/* Key @key's cumulative reading: @cum[0] whole, @cum[1 .. n_parts] parts. 0 or -errno. */
int fam_model_update(struct fam_model *m, const struct abi_fam_key *key,
		     const struct abi_hist *cum);

/*
 * Rows of this tick into @out's table @f (only keys with a reading since
 * start; idle ones show an empty interval); *@evicted += keys dropped for
 * room; @on_retire(key) for each key dropped, so the kernel map may forget
 * it too. 0 or -ENOMEM.
 */
int fam_model_emit(struct fam_model *m, struct snapshot *out, enum snap_family f,
		   uint64_t *evicted, void (*on_retire)(const struct abi_fam_key *key, void *ctx),
		   void *ctx);

/*
 * Keys of cgroup @cgid (removed from the hierarchy) are gone: they age out
 * as idle keys do (no task can run there any more) and are evicted first,
 * without counting as evictions. @cgid 0: nothing.
 */
void fam_model_mark_cgroup_gone(struct fam_model *m, uint64_t cgid);

size_t fam_model_size(const struct fam_model *m);

#endif
