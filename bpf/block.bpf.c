/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * block.bpf.c - block I/O latency per (device, issuing process, op), like
 * biolatency -D -Q: queue time (insert -> issue), device time (issue ->
 * complete) and the whole (insert, or issue when the request was never
 * inserted, -> complete).
 *
 * A request in flight is remembered in a hash keyed by its address from
 * its start (block_io_start, where the kernel has one: in the submitter's
 * context) or else its insert (or issue) to complete; the issuer is the
 * task current at the first of those. Insert and issue alone can run in a
 * kblockd worker (a queue run put off to it): without block_io_start a
 * request first seen there is the worker's. Two attach flavours of the same
 * logic: tp_btf and raw_tp (classic tracepoints carry no request pointer).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "abi/lat_abi.h"
#include "lib/cgroup.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/hist.bpf.h"
#include "lib/maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define REQ_OP_BITS_MASK	0xffu	/* REQ_OP_MASK, include/linux/blk_types.h */
#define REQ_OP_READ_NR		0
#define REQ_OP_WRITE_NR		1
#define REQ_OP_FLUSH_NR		2
#define REQ_OP_DISCARD_NR	3
#define DEV_MINOR_BITS		20	/* the kernel's dev_t: MINORBITS */
#define INFLIGHT_DEFAULT	16384

const volatile __u32 cfg_flags = 0;

/* One request between insert (or issue) and complete. */
struct inflight {
	__u64 insert_ns;	/* 0: issued without an insert */
	__u64 issue_ns;		/* 0: not issued yet */
	__u64 alloc_ns;		/* rq->start_time_ns: tells a new life of the same request apart */
	__u32 requeued;		/* block_rq_requeue seen since the last issue */
	__u32 skip;		/* issuer outside the -p / -c pre-filter */
	__u32 begun;		/* made at block_io_start: this life's, until complete or merge */
	__u32 pad;
	struct abi_fam_key key;	/* issuer, dev, op */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, INFLIGHT_DEFAULT);
	__type(key, __u64);
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ABI_FAM_KEYS_DEFAULT);
	__type(key, struct abi_fam_key);
	__type(value, struct abi_block_val);
} rows SEC(".maps");

FAM_COUNTERS_MAP(counters);

/* Source of new rows; too big for the 512-byte BPF stack. */
static const struct abi_block_val zero_val;

static __always_inline void counter_inc(__u32 idx)
{
	counter_inc_in(&counters, idx);
}

/* Kernels before 5.16 (commit f3fa33acca9f, "block: remove the ->rq_disk field") had rq->rq_disk. */
struct request___old {
	struct gendisk *rq_disk;
};

static __always_inline __u32 rq_dev(struct request *rq)
{
	struct gendisk *disk;

	if (bpf_core_field_exists(rq->q->disk))
		disk = BPF_CORE_READ(rq, q, disk);
	else
		disk = BPF_CORE_READ((struct request___old *)rq, rq_disk);
	if (!disk)
		return 0;
	return ((__u32)BPF_CORE_READ(disk, major) << DEV_MINOR_BITS) |
	       (__u32)BPF_CORE_READ(disk, first_minor);
}

static __always_inline __u32 rq_op(struct request *rq)
{
	switch (BPF_CORE_READ(rq, cmd_flags) & REQ_OP_BITS_MASK) {
	case REQ_OP_READ_NR:
		return ABI_BLOCK_READ;
	case REQ_OP_WRITE_NR:
		return ABI_BLOCK_WRITE;
	case REQ_OP_FLUSH_NR:
		return ABI_BLOCK_FLUSH;
	case REQ_OP_DISCARD_NR:
		return ABI_BLOCK_DISCARD;
	default:
		return ABI_BLOCK_OTHER;
	}
}

/* A fresh entry for @rq: the current task is its issuer. */
static __always_inline void inflight_start(struct inflight *f, struct request *rq, __u64 alloc_ns)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);

	__builtin_memset(f, 0, sizeof(*f));
	f->alloc_ns = alloc_ns;
	f->key.tgid = BPF_CORE_READ(task, tgid);
	BPF_CORE_READ_STR_INTO(&f->key.comm, leader, comm);
	f->key.a = rq_dev(rq);
	f->key.b = rq_op(rq);
	/* The issuer's v2 cgroup (the blkio controller may be v1: not used). */
	f->key.cgid = cgroup_key_current();
	f->skip = filter_excludes(f->key.tgid, f->key.comm, cfg_flags & ABI_CFG_FILTER_PID,
				  cfg_flags & ABI_CFG_FILTER_COMM) ||
		  cgroup_excluded(bpf_get_current_task_btf(),
				  cgroup_filter_current(f->key.cgid), true);
}

/*
 * Is @f left from an earlier life of the same request structure (freed
 * without a completion, e.g. merged into another)? A new allocation has a
 * new start_time_ns; without one (no I/O statistics, no scheduler), an
 * entry already issued and not requeued is stale.
 */
static __always_inline bool inflight_stale(const struct inflight *f, struct request *rq,
					   __u64 alloc_ns)
{
	/*
	 * Made at this life's start (each start overwrites an older entry):
	 * current, unless a request that has no start (a flush) reuses the
	 * address of one that never completed: its op tells them apart.
	 */
	if (f->begun)
		return f->key.b != rq_op(rq);
	if (f->alloc_ns != alloc_ns)
		return true;
	return !alloc_ns && f->issue_ns && !f->requeued;
}

/* A bio-based request begins: the submitter, in its own context, is the issuer. */
static __always_inline int on_io_start(struct request *rq)
{
	__u64 id = (__u64)rq;
	struct inflight fresh;

	inflight_start(&fresh, rq, BPF_CORE_READ(rq, start_time_ns));
	fresh.begun = 1;
	if (bpf_map_update_elem(&inflight, &id, &fresh, BPF_ANY))
		counter_inc(ABI_FCNT_INFLIGHT_FULL);
	return 0;
}

static __always_inline int on_insert(struct request *rq)
{
	__u64 id = (__u64)rq, alloc_ns = BPF_CORE_READ(rq, start_time_ns);
	struct inflight *f = bpf_map_lookup_elem(&inflight, &id);
	struct inflight fresh;

	/* A requeued request inserted again keeps its first insert (and issuer). */
	if (f && !inflight_stale(f, rq, alloc_ns)) {
		if (!f->insert_ns && !f->issue_ns)
			f->insert_ns = bpf_ktime_get_ns();
		return 0;
	}
	inflight_start(&fresh, rq, alloc_ns);
	fresh.insert_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&inflight, &id, &fresh, BPF_ANY))
		counter_inc(ABI_FCNT_INFLIGHT_FULL);
	return 0;
}

static __always_inline int on_issue(struct request *rq)
{
	__u64 id = (__u64)rq, alloc_ns = BPF_CORE_READ(rq, start_time_ns), now = bpf_ktime_get_ns();
	struct inflight *f = bpf_map_lookup_elem(&inflight, &id);
	struct inflight fresh;

	if (f && !inflight_stale(f, rq, alloc_ns)) {
		/* Device time runs from the last issue: a requeued request is issued again. */
		f->issue_ns = now;
		f->requeued = 0;
		return 0;
	}
	/* No insert seen: no I/O scheduler, or a direct issue; the issuing task submits. */
	inflight_start(&fresh, rq, alloc_ns);
	fresh.issue_ns = now;
	if (bpf_map_update_elem(&inflight, &id, &fresh, BPF_ANY))
		counter_inc(ABI_FCNT_INFLIGHT_FULL);
	return 0;
}

static __always_inline int on_requeue(struct request *rq)
{
	__u64 id = (__u64)rq;
	struct inflight *f = bpf_map_lookup_elem(&inflight, &id);

	if (f)
		f->requeued = 1;
	return 0;
}

/* Merged into another request: this one is freed without a completion. */
static __always_inline int on_merge(struct request *rq)
{
	__u64 id = (__u64)rq;

	bpf_map_delete_elem(&inflight, &id);
	return 0;
}

static __always_inline struct abi_block_val *row_get(const struct abi_fam_key *key)
{
	bool created;
	struct abi_block_val *v = map_lookup_or_init(&rows, key, &zero_val, &created);

	if (!v)
		counter_inc(ABI_FCNT_MAP_FULL);
	return v;
}

static __always_inline int on_complete(struct request *rq, int error, unsigned int nr_bytes)
{
	__u64 id = (__u64)rq, now = bpf_ktime_get_ns(), start_ns;
	struct abi_block_val *v;
	struct inflight *f;
	struct abi_fam_key key;
	__s64 ret = error ? -1 : 0;
	bool queued;

	/* A partial completion (nr_bytes short of what is left): the request goes on. */
	if (nr_bytes < BPF_CORE_READ(rq, __data_len))
		return 0;
	f = bpf_map_lookup_elem(&inflight, &id);
	if (!f)
		return 0;
	/* Issued before lattop started (or never): no device time to give. */
	if (!f->issue_ns || f->skip || now < f->issue_ns) {
		bpf_map_delete_elem(&inflight, &id);
		return 0;
	}
	key = f->key;
	queued = f->insert_ns && f->insert_ns <= f->issue_ns;
	start_ns = queued ? f->insert_ns : f->issue_ns;
	v = row_get(&key);
	if (v) {
		hist_add(&v->total, ret, now - start_ns, true);
		if (queued)
			hist_add(&v->queue, ret, f->issue_ns - f->insert_ns, true);
		hist_add(&v->device, ret, now - f->issue_ns, true);
	}
	bpf_map_delete_elem(&inflight, &id);
	return 0;
}

SEC("tp_btf/block_io_start")
int BPF_PROG(btf_io_start, struct request *rq)
{
	return on_io_start(rq);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(btf_rq_insert, struct request *rq)
{
	return on_insert(rq);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(btf_rq_issue, struct request *rq)
{
	return on_issue(rq);
}

SEC("tp_btf/block_rq_requeue")
int BPF_PROG(btf_rq_requeue, struct request *rq)
{
	return on_requeue(rq);
}

SEC("tp_btf/block_rq_merge")
int BPF_PROG(btf_rq_merge, struct request *rq)
{
	return on_merge(rq);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(btf_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	return on_complete(rq, error, nr_bytes);
}

SEC("raw_tp/block_io_start")
int BPF_PROG(raw_io_start, struct request *rq)
{
	return on_io_start(rq);
}

SEC("raw_tp/block_rq_insert")
int BPF_PROG(raw_rq_insert, struct request *rq)
{
	return on_insert(rq);
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(raw_rq_issue, struct request *rq)
{
	return on_issue(rq);
}

SEC("raw_tp/block_rq_requeue")
int BPF_PROG(raw_rq_requeue, struct request *rq)
{
	return on_requeue(rq);
}

SEC("raw_tp/block_rq_merge")
int BPF_PROG(raw_rq_merge, struct request *rq)
{
	return on_merge(rq);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(raw_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	return on_complete(rq, error, nr_bytes);
}
