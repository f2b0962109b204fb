/*
 * client_source.h - the per-client TCP tables of the live source: loads
 * bpf/clients.bpf.c (tp_btf, else raw_tp), says what is active and why not,
 * and adds client rows to each snapshot. Never fatal: when it cannot load,
 * the syscall tables still run and the snapshot says why clients are off.
 */
#ifndef LATTOP_COLLECT_CLIENT_SOURCE_H
#define LATTOP_COLLECT_CLIENT_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/snapshot.h"

struct client_source;

/*
 * Where raw samples go (--csv, record --samples). Called from the source's
 * samples thread only: write() once per sample, flush() after each drain of
 * the ring. 0 or a negative errno; after an error no more samples are sent
 * and the snapshot's clients note says so.
 */
struct client_sample_sink {
	int (*write)(void *ctx, const struct abi_client_event *ev, int64_t mono_to_real_ns);
	int (*flush)(void *ctx);
	void *ctx;
};

struct client_source_opts {
	uint32_t max_clients;		/* rows in the kernel LRU */
	const uint32_t *pids;		/* -p pre-filter of rows and samples; n_pids == 0: all */
	size_t n_pids;
	const char *comm;		/* -c pre-filter (substring); NULL or "": all */
	const struct client_sample_sink *samples;	/* raw samples; NULL: none */
	bool cgroup_ids;		/* rows keyed by cgroup v2 id */
	const uint64_t *cgroup_filter;	/* --cgroup ids (and below); n_cgroup_filter == 0: all */
	size_t n_cgroup_filter;
};

/*
 * Main thread. Returns NULL when clients cannot be tracked, with the
 * reason in @note (also for a NULL return from allocation failure).
 * On success @note says what is active (or "" when everything is).
 */
struct client_source *client_source_open(const struct client_source_opts *o, char *note,
					 size_t note_len);

/* Collector thread. Append this tick's client rows and counters to @out. 0 or -errno. */
int client_source_tick(struct client_source *cs, struct snapshot *out);

/* What the dashboard's status line says: flavour and limit. */
const char *client_source_features(const struct client_source *cs);

/* Collector thread. Cumulative run time / runs of the clients programs (BPF statistics). */
void client_source_run_time(const struct client_source *cs, uint64_t *run_ns, uint64_t *run_cnt);

void client_source_close(struct client_source *cs);

#endif
