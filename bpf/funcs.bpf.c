/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * funcs.bpf.c - function latency from uprobes (entry -> return) and USDT
 * probes (counted, or START -> END on the same thread), per (process,
 * probe). One program of each kind serves every probe: user space attaches
 * it once per function or note with the probe's id as the attach cookie
 * (bpf_get_attach_cookie; USDT: bpf_usdt_cookie, libbpf keeps the first).
 *
 * Timing a call needs its start on the same thread: a small per-(thread,
 * probe) stack of ABI_FUNC_NEST start times, so recursion and nested
 * spans are timed innermost first; calls nested deeper are still counted,
 * untimed. An LRU map holds the starts, so a return that never comes
 * (longjmp, exit) cannot fill it for good.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "abi/lat_abi.h"
#include "lib/filter.bpf.h"
#include "lib/hist.bpf.h"
#include "lib/maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FUNC_NEST	4	/* start times kept per (thread, probe) */
#define STARTS_MAX	16384	/* (thread, probe) pairs inside a call at once */

const volatile __u32 cfg_flags = 0;

struct start_key {
	__u32 tid;
	__u32 id;
};

struct starts {
	__u64 ns[FUNC_NEST];
	__u32 depth;		/* calls open on this thread, may exceed FUNC_NEST */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, STARTS_MAX);
	__type(key, struct start_key);
	__type(value, struct starts);
} fn_starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ABI_FAM_KEYS_DEFAULT);
	__type(key, struct abi_fam_key);
	__type(value, struct abi_hist);
} rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ABI_FCNT_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static const struct abi_hist zero_hist;
static const struct starts zero_starts;

/* The current process's key for probe @id, or false when the pre-filter excludes it. */
static __always_inline bool make_key(struct abi_fam_key *key, __u32 id, __u32 kind)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);

	__builtin_memset(key, 0, sizeof(*key));
	key->tgid = bpf_get_current_pid_tgid() >> 32;
	key->a = id;
	key->b = kind;
	BPF_CORE_READ_STR_INTO(&key->comm, leader, comm);
	return !filter_excludes(key->tgid, key->comm, cfg_flags & ABI_CFG_FILTER_PID,
				cfg_flags & ABI_CFG_FILTER_COMM);
}

static __always_inline void row_add(__u32 id, __u32 kind, __u64 lat_ns, bool timed)
{
	struct abi_fam_key key;
	struct abi_hist *h;
	bool created;

	if (!make_key(&key, id, kind))
		return;
	h = map_lookup_or_init(&rows, &key, &zero_hist, &created);
	if (!h) {
		counter_inc_in(&counters, ABI_FCNT_MAP_FULL);
		return;
	}
	hist_add(h, 0, lat_ns, timed);
}

static __always_inline int on_start(__u32 id)
{
	struct start_key k = { .tid = (__u32)bpf_get_current_pid_tgid(), .id = id };
	struct starts *s;
	bool created;
	__u32 d;

	/* Filtered here too, so that an excluded process never fills fn_starts. */
	if (cfg_flags & (ABI_CFG_FILTER_PID | ABI_CFG_FILTER_COMM)) {
		struct abi_fam_key key;

		if (!make_key(&key, id, 0))
			return 0;
	}
	s = map_lookup_or_init(&fn_starts, &k, &zero_starts, &created);
	if (!s) {
		counter_inc_in(&counters, ABI_FCNT_INFLIGHT_FULL);
		return 0;
	}
	d = s->depth;
	if (d < FUNC_NEST)
		s->ns[d] = bpf_ktime_get_ns();
	s->depth = d + 1;
	return 0;
}

static __always_inline int on_end(__u32 id, __u32 kind)
{
	struct start_key k = { .tid = (__u32)bpf_get_current_pid_tgid(), .id = id };
	struct starts *s = bpf_map_lookup_elem(&fn_starts, &k);
	__u64 now = bpf_ktime_get_ns(), start = 0;
	__u32 d;

	/* No start seen: the call began before lattop attached (or was filtered). */
	if (!s || !s->depth)
		return 0;
	d = s->depth - 1;
	if (d < FUNC_NEST)
		start = s->ns[d];
	s->depth = d;
	if (!d)
		bpf_map_delete_elem(&fn_starts, &k);
	row_add(id, kind, start && now >= start ? now - start : 0, start != 0);
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
	return on_end((__u32)bpf_get_attach_cookie(ctx), ABI_FUNC_UPROBE);
}

SEC("usdt")
int BPF_USDT(usdt_count)
{
	row_add((__u32)bpf_usdt_cookie(ctx), ABI_FUNC_USDT_COUNT, 0, false);
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
	return on_end((__u32)bpf_usdt_cookie(ctx), ABI_FUNC_USDT_SPAN);
}
