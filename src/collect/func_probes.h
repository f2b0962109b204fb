/*
 * func_probes.h - the run's probe list from the -u and --usdt specs: each
 * -u spec's matches (in symbol address order), then each --usdt spec; a
 * probe's index is its id (abi_fam_key.a of its rows, ABI_STACK_FUNC | id
 * of its stacks). Building it checks everything that can be checked
 * without the kernel: the binary exists (a path, or a library name looked
 * up in ld.so.cache), the function is in .symtab or .dynsym, the USDT
 * probe is in .note.stapsdt. Main thread.
 */
#ifndef LATTOP_COLLECT_FUNC_PROBES_H
#define LATTOP_COLLECT_FUNC_PROBES_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"	/* also the ABI (abi_func_kind, ABI_MAX_FUNCS) */

#define FUNC_PROBES_PER_GLOB	32	/* a glob's matches probed, at most */

struct func_probe {
	enum abi_func_kind kind;
	char path[PATH_MAX];		/* resolved binary */
	uint64_t offset;		/* uprobe: file offset of the function */
	char symbol[256];		/* uprobe: raw symbol name */
	char provider[64], probe[64], end[64];	/* USDT */
	char label[SNAP_LABEL_LEN];	/* demangled function, "prov:probe", "prov:a->b" */
	char detail[SNAP_LABEL_LEN];	/* the binary's path (its tail if longer) */
};

struct func_probes {
	struct func_probe *p;
	size_t n;
	char note[256];		/* globs cut at the cap: "-u X: 120 matches, 32 probed" ("" if none) */
};

/* 0 with @out filled (free with func_probes_free), or -errno and one line in @err. */
int func_probes_build(const char *const *uprobes, size_t n_uprobes, const char *const *usdts,
		      size_t n_usdts, struct func_probes *out, char *err, size_t errlen);

void func_probes_free(struct func_probes *fp);

/* A C++ symbol demangled into @buf (cut to fit), else @sym as it is. */
void func_probes_demangle(const char *sym, char *buf, size_t len);

#endif
