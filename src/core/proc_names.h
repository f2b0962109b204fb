/*
 * proc_names.h - one name per process: the newest comm seen for each tgid.
 *
 * The kernel side keys its histograms by (process, comm, syscall), so a
 * process renamed with prctl(PR_SET_NAME) (or exec) leaves keys under its
 * old name next to new ones. The model offers every key here each tick with
 * when it last had calls; the comm of the most recently active key wins
 * (ties: the key created last). Rebuilt every tick; bounded by the keys.
 */
#ifndef LATTOP_CORE_PROC_NAMES_H
#define LATTOP_CORE_PROC_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "abi/lat_abi.h"

struct proc_name {
	uint32_t tgid;
	bool used;
	bool renamed;		/* keys under more than one comm: rows to merge */
	uint64_t pstart_ns;	/* the newest process with that tgid */
	uint64_t active_tick;	/* newest-name rank: last tick with calls, */
	uint64_t born;		/* then this rank (the model: calls in that tick, then creation order) */
	char comm[ABI_COMM_LEN];
};

struct proc_names {
	struct proc_name *slots;
	size_t cap;		/* a power of two, >= 1.5 x the keys offered */
};

/* Empty, with room for @n processes. 0 or -ENOMEM (then the table stays usable, empty). */
int proc_names_reset(struct proc_names *p, size_t n);
void proc_names_free(struct proc_names *p);

/* A key of process (@tgid, @pstart_ns) named @comm, active at @active_tick, created @born-th. */
void proc_names_offer(struct proc_names *p, uint32_t tgid, uint64_t pstart_ns, const char *comm,
		      uint64_t active_tick, uint64_t born);

/* The entry of @tgid (the newest process with that pid), or NULL. */
const struct proc_name *proc_names_get(const struct proc_names *p, uint32_t tgid);

#endif
