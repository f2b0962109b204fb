// SPDX-License-Identifier: GPL-2.0
/*
 * pidns.bpf.c - kernel pid -> pid in lattop's PID namespace, for every
 * process that namespace can see: a task iterator, read by user space
 * (src/collect/pidns.c) when a pid is not in its cache. Inside a container
 * with its own /proc, the kernel's pids (which the other programs record)
 * appear nowhere else. One line per thread group leader: "KERNEL_PID NS_PID".
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

/* include/linux/pid_namespace.h: MAX_PID_NS_LEVEL */
#define PIDNS_MAX_LEVEL 32

const volatile __u32 cfg_ns_ino = 0;	/* inode of lattop's namespace (stat /proc/self/ns/pid) */

char LICENSE[] SEC("license") = "GPL";

SEC("iter/task")
int pidns_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct pid *pid;
	unsigned int level;

	if (!task || task->pid != task->tgid)
		return 0;
	/* Read as plain values: the upid array is indexed by a variable. */
	pid = BPF_CORE_READ(task, thread_pid);
	level = BPF_CORE_READ(pid, level);
	for (unsigned int i = 0; i < PIDNS_MAX_LEVEL && i <= level; i++) {
		struct upid up = {};
		__u32 ino;

		if (bpf_core_read(&up, sizeof(up), &pid->numbers[i]))
			return 0;
		ino = BPF_CORE_READ(up.ns, ns.inum);
		if (ino == cfg_ns_ino) {
			__u32 tgid = task->tgid, nr = up.nr;

			BPF_SEQ_PRINTF(seq, "%u %u\n", tgid, nr);
			return 0;
		}
	}
	return 0;
}
