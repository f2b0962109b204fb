/*
 * bpf_source.h - the live source: loads bpf/syscalls.bpf.c, attaches it with
 * the best flavour this kernel offers (tp_btf, then raw_tp, then classic
 * tracepoints), and turns its maps into snapshots.
 */
#ifndef LATTOP_COLLECT_BPF_SOURCE_H
#define LATTOP_COLLECT_BPF_SOURCE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "collect/client_source.h"
#include "collect/source.h"

struct bpf_source_opts {
	const uint32_t *pids;		/* kernel pre-filter; n_pids == 0: all */
	size_t n_pids;
	const char *comm;		/* kernel pre-filter (substring); NULL or "": all */
	uint32_t sample_every;		/* time one call in N */
	uint32_t max_keys;		/* (process, syscall) keys in the kernel map */
	bool clients;			/* per-client TCP tables */
	uint32_t max_clients;		/* their rows in the kernel LRU */
	const struct client_sample_sink *samples;	/* raw client samples; NULL: none */
	char *features;			/* out: one line saying what is active */
	size_t features_len;
};

/*
 * Main thread, before the dashboard takes the screen. Fills @src. On failure
 * returns a negative errno and a one-line reason (what failed, why, what to
 * do) in @err.
 */
int bpf_source_open(struct source *src, const struct bpf_source_opts *o, char *err, size_t errlen);

#endif
