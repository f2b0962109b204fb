/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * runq_floor.bpf.c - empty programs on the run-queue hooks (tp_btf
 * sched_switch, sched_wakeup, sched_wakeup_new): the price of "a BPF program
 * ran" at every context switch and wakeup, the floor of the runq bench.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(floor_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(floor_wakeup, struct task_struct *p)
{
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(floor_wakeup_new, struct task_struct *p)
{
	return 0;
}
