/*
 * fam_table.h - the user-space half every family on abi_fam_key shares:
 * read its hash map (batched), turn readings into interval deltas
 * (core/fam_model.c), sum its per-CPU counters, and fill the family's
 * snapshot table. A family's own code is its BPF program, its loader
 * configuration and, for block, device names.
 */
#ifndef LATTOP_COLLECT_FAM_TABLE_H
#define LATTOP_COLLECT_FAM_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct fam_table;

/*
 * @map_fd: hash map abi_fam_key -> (1 + @n_parts) struct abi_hist;
 * @counters_fd: per-CPU array of ABI_FCNT_NR u64. At most @max_keys rows.
 * NULL with errno on failure.
 */
struct fam_table *fam_table_new(enum snap_family f, unsigned int n_parts, int map_fd,
				int counters_fd, size_t max_keys);

/* This tick's rows, lost and evicted counts into out->fam[f] (state ON). 0 or -errno. */
int fam_table_tick(struct fam_table *t, struct snapshot *out);

/* Collector thread: rows of removed cgroup @cgid age out (fam_model_mark_cgroup_gone). */
void fam_table_cgroup_gone(struct fam_table *t, uint64_t cgid);

void fam_table_free(struct fam_table *t);

#endif
