/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * floor.bpf.c - empty programs on the hooks lattop's hot path uses
 * (tp_btf/sys_enter and tp_btf/sys_exit). Whatever a syscall costs with these
 * attached is the price of "a BPF program ran" twice: the floor against which
 * lattop's own per-syscall cost is measured.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_sys_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_sys_exit, struct pt_regs *regs, long ret)
{
	return 0;
}
