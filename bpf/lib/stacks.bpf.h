/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * stacks.bpf.h - stacks of slow calls (--slow), counted per (row, kernel
 * stack, user stack) in the kernel. A .bpf.c that includes this gets its own
 * two maps (stack_traces, slow_stacks; user space sizes them before load)
 * and the run-time threshold cfg_slow_ns.
 *
 * Use: at the end of a timed call, when lat_ns >= cfg_slow_ns (one compare:
 * off is ~0), call stacks_record(). The kernel stack of a call that blocked
 * should be taken at its last switch-out (stacks_kernel_id() in the
 * sched_switch handler, for prev); pass STACKS_ID_NOW to take it at the call's
 * end instead. A -1 from stacks_record(): not stored (maps full), count it.
 */
#ifndef LATTOP_BPF_STACKS_H
#define LATTOP_BPF_STACKS_H

#include "abi/lat_abi.h"

/* kstack_id argument: take the kernel stack now (the call never left the CPU). */
#define STACKS_ID_NOW (-1000)
#define STACKS_OFF (~0ull)
#define STACKS_EFAULT 14	/* bpf_get_stackid: no stack on that side (kernel thread's user stack) */

/*
 * Not const: user space changes it after load (the dashboard's --slow key)
 * through the mapped .data section. STACKS_OFF: no stacks.
 */
volatile __u64 cfg_slow_ns = STACKS_OFF;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 4 * ABI_STACKS_DEFAULT);	/* user space: 4 x max_stacks */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, ABI_STACK_DEPTH * sizeof(__u64));
} stack_traces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ABI_STACKS_DEFAULT);	/* user space: max_stacks */
	__type(key, struct abi_stack_key);
	__type(value, struct abi_stack_val);
} slow_stacks SEC(".maps");

static __always_inline bool stacks_slow(__u64 lat_ns)
{
	return lat_ns >= cfg_slow_ns;
}

/* The current task's kernel stack id (negative: none, the map was full or collided). */
static __always_inline __s32 stacks_kernel_id(void *ctx)
{
	return (__s32)bpf_get_stackid(ctx, &stack_traces, 0);
}

/*
 * Count one slow call of row (@tgid, @pstart_ns, @what, @cgid) with kernel stack
 * @kstack_id (or STACKS_ID_NOW) and the current task's user stack, taken
 * now. @comm: the process name (ABI_COMM_LEN bytes). @ctx: the program's
 * context. 0, or -1 when it could not be stored (count ABI_CNT_STACKS_DROPPED).
 */
static __always_inline int stacks_record(void *ctx, __u32 tgid, __u64 pstart_ns, __u32 what,
					 __u64 cgid, const char *comm, __s32 kstack_id, __u64 lat_ns)
{
	struct abi_stack_key key = {};
	struct abi_stack_val *v, nv = {};

	key.tgid = tgid;
	key.pstart_ns = pstart_ns;
	key.what = what;
	key.cgid = cgid;
	key.kstack_id = kstack_id == STACKS_ID_NOW ? stacks_kernel_id(ctx) : kstack_id;
	key.ustack_id = (__s32)bpf_get_stackid(ctx, &stack_traces, BPF_F_USER_STACK);
	/* A side the stack map could not hold (full, or a hash collision): not a stack to count. */
	if (key.kstack_id < 0 && key.ustack_id < 0)
		return -1;
	if (key.kstack_id < 0 && key.kstack_id != -STACKS_EFAULT)
		return -1;
	if (key.ustack_id < 0 && key.ustack_id != -STACKS_EFAULT)
		return -1;
	v = bpf_map_lookup_elem(&slow_stacks, &key);
	if (!v) {
		nv.count = 1;
		nv.max_ns = lat_ns;
		__builtin_memcpy(nv.comm, comm, ABI_COMM_LEN);
		if (!bpf_map_update_elem(&slow_stacks, &key, &nv, BPF_NOEXIST))
			return 0;
		v = bpf_map_lookup_elem(&slow_stacks, &key);	/* another CPU inserted it */
		if (!v)
			return -1;	/* full */
	}
	__sync_fetch_and_add(&v->count, 1);
	if (lat_ns > v->max_ns)
		v->max_ns = lat_ns;
	return 0;
}

#endif
