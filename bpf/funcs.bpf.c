/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * funcs.bpf.c - function latency from uprobes (entry -> return) and USDT
 * probes (counted, or START -> END on the same thread), per (process,
 * probe). One program of each kind serves every probe: user space attaches
 * it once per function or note with the probe's id as the attach cookie
 * (bpf_get_attach_cookie; USDT: bpf_usdt_cookie, libbpf keeps the first).
 *
 * Timing a call needs its start on the same thread: a per-thread stack
 * (task storage: one lookup at entry and at return, nothing to delete) of
 * FUNC_NEST (probe, start) pairs, so recursion and nested calls of other
 * probes are timed innermost first; calls nested deeper are still
 * counted, untimed. A return that never comes (longjmp) leaves an entry
 * that the next return of an outer probe pops past; the storage goes with
 * the thread.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "abi/lat_abi.h"
#include "lib/cgroup.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/hist.bpf.h"
#include "lib/maps.bpf.h"
#include "lib/stacks.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FUNC_NEST	4	/* (probe, start) pairs kept per thread; a power of two */

const volatile __u32 cfg_flags = 0;

struct fn_thread {
	__u64 ns[FUNC_NEST];
	__u32 id[FUNC_NEST];
	__u32 depth;		/* calls open on this thread, may exceed FUNC_NEST */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct fn_thread);
} fn_threads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ABI_FAM_KEYS_DEFAULT);
	__type(key, struct abi_fam_key);
	__type(value, struct abi_hist);
} rows SEC(".maps");

FAM_COUNTERS_MAP(counters);

/* --slow: a slow call's stack not stored (stack maps full); one per-CPU u64. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} stack_drops SEC(".maps");

static const struct abi_hist zero_hist;

/* The current process's key for probe @id (every byte set), or false when the pre-filter excludes it. */
static __always_inline bool make_key(struct abi_fam_key *key, struct task_struct *task, __u32 id,
				     __u32 kind)
{
	key->tgid = task->tgid;
	key->a = id;
	key->b = kind;
	key->pad = 0;
	/* The leader's name, as the syscall rows (a plain load from a BTF task). */
	__builtin_memcpy(key->comm, task->group_leader->comm, ABI_COMM_LEN);
	key->cgid = cgroup_key_current();
	if (filter_excludes(key->tgid, key->comm, cfg_flags & ABI_CFG_FILTER_PID,
			    cfg_flags & ABI_CFG_FILTER_COMM))
		return false;
	return !cgroup_excluded(task, cgroup_filter_current(key->cgid), true);
}

/*
 * @ctx: the program's context, for a --slow stack of a timed call (NULL:
 * none). Taken at the call's end: at a uretprobe the kernel has put the
 * real return address back (regs->ip), so the user walk starts in the
 * caller and is not broken by the uretprobe trampoline.
 */
static __always_inline void row_add(void *ctx, struct task_struct *task, __u32 id, __u32 kind,
				    __u64 lat_ns, bool timed)
{
	struct abi_fam_key key;
	struct abi_hist *h;
	bool created;

	if (!make_key(&key, task, id, kind))
		return;
	h = map_lookup_or_init(&rows, &key, &zero_hist, &created);
	if (!h) {
		counter_inc_in(&counters, ABI_FCNT_MAP_FULL);
		return;
	}
	hist_add(h, 0, lat_ns, timed);
	/* pstart_ns: the process's start, as the syscall family keys it (abi_sys_key). */
	if (ctx && timed && stacks_slow(lat_ns) &&
	    stacks_record(ctx, key.tgid, task->group_leader->start_time, ABI_STACK_FUNC | id,
			  key.cgid, key.comm, STACKS_ID_NOW, lat_ns))
		counter_inc_in(&stack_drops, 0);
}

static __always_inline int on_start(__u32 id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fn_thread *t;
	__u32 d;

	/* Filtered here too, so that an excluded process keeps no storage. */
	if ((cfg_flags & (ABI_CFG_FILTER_PID | ABI_CFG_FILTER_COMM)) || cfg_cgroup_filtering) {
		struct abi_fam_key key;

		if (!make_key(&key, task, id, 0))
			return 0;
	}
	t = bpf_task_storage_get(&fn_threads, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t) {
		counter_inc_in(&counters, ABI_FCNT_INFLIGHT_FULL);
		return 0;
	}
	d = t->depth;
	if (d < FUNC_NEST) {
		t->id[d] = id;
		t->ns[d] = bpf_ktime_get_ns();
	}
	t->depth = d + 1;
	return 0;
}

static __always_inline int on_end(void *ctx, __u32 id, __u32 kind)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fn_thread *t = bpf_task_storage_get(&fn_threads, task, 0, 0);
	__u64 now = bpf_ktime_get_ns(), start = 0;
	__u32 d;

	/* No start seen: the call began before lattop attached (or was filtered). */
	if (!t || !t->depth)
		return 0;
	d = t->depth - 1;
	if (d < FUNC_NEST) {
		/*
		 * The innermost open call should be this probe's; one whose return
		 * never came (longjmp) is popped past. Not found: untimed, pop one.
		 */
		__u32 top = d;

		/* Constant indices: the verifier sees every access in bounds. */
		for (int k = FUNC_NEST - 1; k >= 0; k--) {
			if ((__u32)k <= top && t->id[k] == id) {
				start = t->ns[k];
				d = (__u32)k;
				break;
			}
		}
	}
	t->depth = d;
	row_add(ctx, task, id, kind, start && now >= start ? now - start : 0, start != 0);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(fn_entry)
{
	return on_start((__u32)bpf_get_attach_cookie(ctx));
}

SEC("uretprobe")
int BPF_KRETPROBE(fn_return)
{
	return on_end(ctx, (__u32)bpf_get_attach_cookie(ctx), ABI_FUNC_UPROBE);
}

SEC("usdt")
int BPF_USDT(usdt_count)
{
	row_add(NULL, bpf_get_current_task_btf(), (__u32)bpf_usdt_cookie(ctx), ABI_FUNC_USDT_COUNT,
		0, false);
	return 0;
}

SEC("usdt")
int BPF_USDT(usdt_start)
{
	return on_start((__u32)bpf_usdt_cookie(ctx));
}

SEC("usdt")
int BPF_USDT(usdt_end)
{
	return on_end(ctx, (__u32)bpf_usdt_cookie(ctx), ABI_FUNC_USDT_SPAN);
}
