/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * block_floor.bpf.c - empty programs on the hooks bpf/block.bpf.c uses:
 * what a block request costs with these attached is the price of "a BPF
 * program ran" on each of them, the floor of the block family's cost.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/block_rq_insert")
int BPF_PROG(floor_rq_insert, struct request *rq)
{
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(floor_rq_issue, struct request *rq)
{
	return 0;
}

SEC("tp_btf/block_rq_requeue")
int BPF_PROG(floor_rq_requeue, struct request *rq)
{
	return 0;
}

SEC("tp_btf/block_rq_merge")
int BPF_PROG(floor_rq_merge, struct request *rq)
{
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(floor_rq_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	return 0;
}
