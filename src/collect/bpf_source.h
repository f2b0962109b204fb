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

#include "collect/probe_opts.h"
#include "collect/source.h"


/*
 * Main thread, before the dashboard takes the screen. Fills @src. On failure
 * returns a negative errno and a one-line reason (what failed, why, what to
 * do) in @err.
 */
int bpf_source_open(struct source *src, const struct bpf_source_opts *o, char *err, size_t errlen);

#endif
