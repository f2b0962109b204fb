/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * lat_abi.h - the only definitions shared by bpf/ and src/.
 *
 * Fixed-width __u* types only; the includer provides them (vmlinux.h on the
 * BPF side, <linux/types.h> in user space). Nothing is included from here so
 * that both sides see exactly one layout.
 */
#ifndef LATTOP_ABI_LAT_ABI_H
#define LATTOP_ABI_LAT_ABI_H

/*
 * Log-linear latency histogram. Values below 2^SUB_BITS get a slot each;
 * above, every power of two [2^k, 2^(k+1)) is split into ABI_HIST_SUB equal
 * linear sub-buckets. Sub-buckets never straddle a power of two, so the
 * DTrace quantize() rows are exact sums. Bucket width is 2^(k-SUB_BITS), so
 * the midpoint of a bucket is within 1/(2*ABI_HIST_SUB) = 6.25 % of any value
 * in it. Values >= 2^ABI_HIST_MAX_POW ns (~18 min) share the last slot.
 */
#define ABI_HIST_SUB_BITS	3
#define ABI_HIST_SUB		(1u << ABI_HIST_SUB_BITS)
#define ABI_HIST_MAX_POW	40
#define ABI_HIST_SLOTS		((ABI_HIST_MAX_POW - ABI_HIST_SUB_BITS + 1) * ABI_HIST_SUB)

#define ABI_COMM_LEN		16
#define ABI_MAX_PID_FILTER	8
#define ABI_SYS_KEYS_DEFAULT	4096
#define ABI_RINGBUF_BYTES	(256 * 1024)

/* Index of the per-CPU counters array; user space sums over CPUs. */
enum abi_counter {
	ABI_CNT_MAP_FULL = 0,	/* histogram key could not be inserted */
	ABI_CNT_NO_TASK_STORE,	/* task storage could not be created */
	ABI_CNT_RB_DROPPED,	/* ring buffer reserve failed */
	ABI_CNT_EXIT_EVENTS,	/* process exits reported */
	ABI_CNT_NR
};

/* Bits of cfg_flags, set by user space before load. */
#define ABI_CFG_FILTER_PID	(1u << 0)
#define ABI_CFG_FILTER_COMM	(1u << 1)

/*
 * One histogram; the value of every latency map and the unit of all
 * user-space math. count/errors/sum_ns are exact even when sampling:
 * timed calls add to slots and sum_ns, all calls add to count.
 */
struct abi_hist {
	__u64 count;
	__u64 errors;		/* syscalls that returned a negative value */
	__u64 timed;		/* calls that were timed (== count unless sampling) */
	__u64 sum_ns;		/* sum of timed latencies */
	__u64 max_ns;
	__u64 slots[ABI_HIST_SLOTS];
};

/*
 * Key of the per-(process, syscall) map. A process is (tgid, start time of
 * its leader, comm): PID reuse gives a new start time and exec a new comm,
 * so neither merges two processes.
 */
struct abi_sys_key {
	__u32 tgid;
	__u32 nr;		/* syscall number */
	__u64 pstart_ns;	/* group leader's start_time, CLOCK_MONOTONIC */
	char comm[ABI_COMM_LEN];
};

/* Rare events carried by the BPF ring buffer. */
enum abi_event_kind {
	ABI_EV_PROC_EXIT = 1,
};

struct abi_event {
	__u32 kind;		/* enum abi_event_kind */
	__u32 tgid;
	__u64 pstart_ns;
	__u64 ts_ns;
	char comm[ABI_COMM_LEN];
};

_Static_assert(sizeof(struct abi_sys_key) == 32, "abi_sys_key layout");
_Static_assert(sizeof(struct abi_hist) == 8 * (5 + ABI_HIST_SLOTS), "abi_hist layout");
_Static_assert(sizeof(struct abi_event) == 40, "abi_event layout");

/* floor(log2(v)) for v > 0, branch-free so the BPF verifier sees no loop. */
static inline __u32 abi_log2_u64(__u64 v)
{
	__u32 r, shift;

	r = (v > 0xFFFFFFFFull) << 5;
	v >>= r;
	shift = (v > 0xFFFF) << 4;
	v >>= shift;
	r |= shift;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (__u32)(v >> 1);
	return r;
}

/* Histogram slot of a latency in ns; the one slot function of the project. */
static inline __u32 abi_hist_slot(__u64 v)
{
	__u32 k, sub;

	if (v < ABI_HIST_SUB)
		return (__u32)v;
	k = abi_log2_u64(v);
	if (k >= ABI_HIST_MAX_POW)
		return ABI_HIST_SLOTS - 1;
	sub = (__u32)(v >> (k - ABI_HIST_SUB_BITS)) & (ABI_HIST_SUB - 1);
	return (k - ABI_HIST_SUB_BITS + 1) * ABI_HIST_SUB + sub;
}

#endif /* LATTOP_ABI_LAT_ABI_H */
