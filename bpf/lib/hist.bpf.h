/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* hist.bpf.h - add one timed or untimed call to a shared histogram. */
#ifndef LATTOP_BPF_HIST_H
#define LATTOP_BPF_HIST_H

#include "abi/lat_abi.h"

/* A timed call's latency: its sum, the maximum and its bucket. */
static __always_inline void hist_add_latency(struct abi_hist *h, __u64 lat_ns)
{
	__u32 slot;

	__sync_fetch_and_add(&h->sum_ns, lat_ns);
	if (lat_ns > h->max_ns)
		h->max_ns = lat_ns;
	slot = abi_hist_slot(lat_ns);
	if (slot < ABI_HIST_SLOTS)	/* always true; tells the verifier */
		__sync_fetch_and_add(&h->slots[slot], 1);
}

/*
 * Values are shared by every CPU running threads of the same process, so
 * counters are added atomically; max is a plain racy store (a lost update
 * under a tie only ever keeps a slightly smaller maximum of that instant).
 */
static __always_inline void hist_add(struct abi_hist *h, __s64 ret, __u64 lat_ns, bool timed)
{
	__sync_fetch_and_add(&h->count, 1);
	if (ret < 0)
		__sync_fetch_and_add(&h->errors, 1);
	if (!timed)
		return;
	__sync_fetch_and_add(&h->timed, 1);
	hist_add_latency(h, lat_ns);
}

/*
 * The syscall map's add, two atomic adds fewer per call than hist_add():
 * timed is the buckets' sum, and so is count when every call is timed
 * (@count_calls false); the reader derives both (abi_sys_hist_complete).
 * Errors are added after the bucket, so a concurrent read never sees more
 * errors than calls.
 */
static __always_inline void hist_add_call(struct abi_hist *h, __s64 ret, __u64 lat_ns, bool timed,
					  bool count_calls)
{
	if (count_calls)
		__sync_fetch_and_add(&h->count, 1);
	if (timed)
		hist_add_latency(h, lat_ns);
	if (ret < 0)
		__sync_fetch_and_add(&h->errors, 1);
}

#endif
