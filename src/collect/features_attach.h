/*
 * features_attach.h - the attach-flavour probes of `lattop --features`
 * (internal to collect/features*.c): each flavour loads and attaches a
 * trivial program, and says why not. Main thread.
 */
#ifndef LATTOP_COLLECT_FEATURES_ATTACH_H
#define LATTOP_COLLECT_FEATURES_ATTACH_H

#include <stdbool.h>

#include "core/host_features.h"

struct btf;

/* Where tracefs is for this probe; a mount made here is undone in features_probe. */
struct feat_tracefs {
	char dir[128];
	bool mounted_here;
	bool available;
	char why[HF_TEXT_LEN];
};

/* strerror, with the kernel's ENOTSUPP (524) named and EPERM's remedy when not root. */
const char *features_err_str(int err);

/* tp_btf, raw_tp, tracepoint, kprobe, fentry, uprobe into @r. @vmlinux may be NULL. */
void features_probe_attach(struct hf_report *r, const struct btf *vmlinux,
			   const struct feat_tracefs *t);

#endif
