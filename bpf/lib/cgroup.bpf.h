/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * cgroup.bpf.h - the cgroup v2 id in every family's key, and the --cgroup
 * pre-filter, the same in every family. User space sets, before load:
 * cfg_cgroup_ids (rows keyed by cgroup; off with --no-cgroups: the key's
 * cgid stays 0 and nothing is read) and cfg_cgroup_filter[] (the v2 ids of
 * the --cgroup paths; 0 = unused entry).
 *
 * The filter is hierarchical: a task is in when its cgroup or one of its
 * ancestors is listed, so that a cgroup created below a listed one after
 * start is traced too. The ancestry check walks cgroup->ancestors[]; its
 * verdict is cached per thread (task storage) and redone only when the
 * thread's cgroup id changed.
 */
#ifndef LATTOP_BPF_CGROUP_H
#define LATTOP_BPF_CGROUP_H

#include "abi/lat_abi.h"

#define CGROUP_MAX_LEVEL	32	/* deeper cgroups are checked up to here */

const volatile __u8 cfg_cgroup_ids = 0;
const volatile __u8 cfg_cgroup_filtering = 0;	/* any cfg_cgroup_filter entry set */
const volatile __u64 cfg_cgroup_filter[ABI_MAX_CGROUP_FILTER] = {};

/* The per-thread verdict of the --cgroup filter. */
struct cgroup_verdict {
	__u64 cgid;		/* the cgroup it was judged in; 0: not judged */
	__u8 in;		/* in a listed cgroup or below */
	__u8 pad[7];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct cgroup_verdict);
} cg_verdicts SEC(".maps");

/* @task's v2 cgroup (any task: CO-RE reads from every flavour). */
static __always_inline struct cgroup *cgroup_of(struct task_struct *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp);
}

/* @task's v2 cgroup id: the kernfs id of its directory, as bpf_get_current_cgroup_id(). */
static __always_inline __u64 cgroup_task_id(struct task_struct *task)
{
	return BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
}

/* The key's cgid for @task, or 0 when cgroups are off (nothing read). */
static __always_inline __u64 cgroup_key_id(struct task_struct *task)
{
	return cfg_cgroup_ids ? cgroup_task_id(task) : 0;
}

/*
 * The key's cgid for @task, a trusted BTF pointer (bpf_get_current_task_btf,
 * tp_btf arguments): four plain loads, cheaper on the syscall hot path than
 * the helper call (measured: tests/bench). 0 when off.
 */
static __always_inline __u64 cgroup_key_btf(struct task_struct *task)
{
	return cfg_cgroup_ids ? task->cgroups->dfl_cgrp->kn->id : 0;
}

/* The key's cgid for the current task: one helper call, or 0 when off. */
static __always_inline __u64 cgroup_key_current(void)
{
	return cfg_cgroup_ids ? bpf_get_current_cgroup_id() : 0;
}

/* The cgroup id to judge the filter by, read only when filtering. */
static __always_inline __u64 cgroup_filter_current(__u64 key_cgid)
{
	if (!cfg_cgroup_filtering)
		return 0;
	return cfg_cgroup_ids ? key_cgid : bpf_get_current_cgroup_id();
}

/* Is cgroup @cg, or one of its ancestors, listed in cfg_cgroup_filter? */
static __noinline bool cgroup_listed(struct cgroup *cg)
{
	void *ancestors;
	int level;

	if (!cg)
		return false;
	level = BPF_CORE_READ(cg, level);
	/* ancestors[0] is the root, ancestors[level] the cgroup itself (kernel 5.19+). */
	ancestors = (void *)cg + bpf_core_field_offset(struct cgroup, ancestors);
	for (int l = 0; l < CGROUP_MAX_LEVEL; l++) {
		struct cgroup *anc = NULL;
		__u64 id;

		if (l > level)
			break;
		if (bpf_probe_read_kernel(&anc, sizeof(anc), ancestors + l * sizeof(anc)) || !anc)
			break;
		id = BPF_CORE_READ(anc, kn, id);
		for (int i = 0; i < ABI_MAX_CGROUP_FILTER; i++)
			if (cfg_cgroup_filter[i] && cfg_cgroup_filter[i] == id)
				return true;
	}
	return false;
}

/*
 * Is @task outside the --cgroup filter? @cgid: its cgroup id now. @typed:
 * @task is a trusted BTF pointer (tp_btf arguments, bpf_get_current_task_btf),
 * so the verdict is cached in its task storage; else judged each time.
 */
static __always_inline bool cgroup_excluded(struct task_struct *task, __u64 cgid, bool typed)
{
	struct cgroup_verdict *v;

	if (!cfg_cgroup_filtering)
		return false;
	if (!typed)
		return !cgroup_listed(cgroup_of(task));
	v = bpf_task_storage_get(&cg_verdicts, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!v)
		return !cgroup_listed(cgroup_of(task));
	if (v->cgid != cgid || !cgid) {
		v->in = cgroup_listed(cgroup_of(task));
		v->cgid = cgid;
	}
	return !v->in;
}

#endif
