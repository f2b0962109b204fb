/* probe_opts.h - what the command line asks of the live source and its probe families. */
#ifndef LATTOP_COLLECT_PROBE_OPTS_H
#define LATTOP_COLLECT_PROBE_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "abi/lat_abi.h"
#include "collect/client_source.h"

struct bpf_source_opts {
	const uint32_t *pids;		/* kernel pre-filter; n_pids == 0: all */
	size_t n_pids;
	const char *comm;		/* kernel pre-filter (substring); NULL or "": all */
	uint32_t follow_tgid;		/* only this process and its descendants; 0: all */
	uint32_t sample_every;		/* time one call in N */
	uint32_t max_keys;		/* (process, syscall) keys in the kernel map */
	bool breakdown;			/* split each syscall's time (on-CPU, run queue, I/O, blocked) */
	bool clients;			/* per-client TCP tables */
	uint32_t max_clients;		/* their rows in the kernel LRU */
	const struct client_sample_sink *samples;	/* raw client samples; NULL: none */
	bool runq;			/* run-queue latency family */
	bool runq_per_cpu;		/* its rows per (process, CPU) */
	bool block;			/* block I/O latency family */
	uint32_t max_fam_keys;		/* rows of each of those families in the kernel */
	/* Functions (-u, --usdt): specs as typed, resolved and checked by the family. */
	const char *const *uprobes;
	size_t n_uprobes;
	const char *const *usdts;
	size_t n_usdts;
	uint64_t slow_ns;		/* --slow: stacks of calls slower than this; 0 = off */
	uint32_t max_stacks;		/* distinct (row, stack) entries in the kernel */
	/* --cgroup: trace only tasks in these cgroups or below (paths as typed, resolved by the source). */
	const char *const *cgroups;
	size_t n_cgroups;
	/* Their v2 ids, resolved before open (cmd_live: a missing path is a usage error). */
	uint64_t cgroup_filter[ABI_MAX_CGROUP_FILTER];
	size_t n_cgroup_filter;
	bool cgroup_ids;		/* rows keyed by cgroup v2 id (off: --no-cgroups, ids 0) */
	char *features;			/* out: one line saying what is active */
	size_t features_len;
};

#endif
