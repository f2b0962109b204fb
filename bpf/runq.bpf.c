/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * runq.bpf.c - run-queue latency per process (or per process and CPU):
 * the time from becoming runnable (woken, or preempted while runnable) to
 * running, as struct abi_hist rows keyed by struct abi_fam_key.
 *
 * Two methods, chosen by user space (cfg_method and autoload):
 *
 * sched_info (one hook, no per-task state): the kernel's own accounting.
 * sched_info_enqueue() stamps next->sched_info.last_queued with the rq
 * clock when a task is queued (woken, or put back while running:
 * sched_info_depart of a task still TASK_RUNNING);
 * sched_info_arrive() adds rq_clock - last_queued to run_delay (the second
 * field of /proc/PID/schedstat) in context_switch() -> prepare_task_switch(),
 * right after trace_sched_switch() in __schedule(), under the same rq lock
 * and with the same rq->clock. So at sched_switch the delta the kernel is
 * about to add is this_rq->clock - next->sched_info.last_queued.
 *
 * timestamps (kernels without sched_info.last_queued or cfs_rq.rq): sched_wakeup, sched_wakeup_new and a preempting sched_switch
 * store bpf_ktime_get_ns() in task storage; the switch-in takes the delta.
 *
 * Each method has a tp_btf and a raw_tp flavour of the same logic.
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

#define TASK_RUNNING_STATE	0	/* prev_state of a preempted task (include/linux/sched.h) */

const volatile __u32 cfg_flags = 0;	/* ABI_CFG_FILTER_PID, _COMM, _PER_CPU */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ABI_FAM_KEYS_DEFAULT);	/* user space sets it */
	__type(key, struct abi_fam_key);
	__type(value, struct abi_hist);
} rows SEC(".maps");

FAM_COUNTERS_MAP(counters);

/* timestamps method: when the task became runnable (0: not waiting). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} queued_at SEC(".maps");

/* Source of new rows; too big for the 512-byte BPF stack. */
static const struct abi_hist zero_hist;

#define counter_inc(idx) counter_inc_in(&counters, (idx))

/* Is @task's process outside the -p / -c pre-filter? @comm: its leader's. */
static __always_inline bool runq_excluded(__u32 tgid, const char *comm)
{
	return filter_excludes(tgid, comm, cfg_flags & ABI_CFG_FILTER_PID,
			       cfg_flags & ABI_CFG_FILTER_COMM);
}

/*
 * Add one wait of @task (CO-RE reads: valid from every flavour). @typed:
 * @task is a tp_btf argument (its --cgroup verdict can be cached).
 */
static __always_inline void runq_record(struct task_struct *task, __u64 wait_ns, bool typed)
{
	struct abi_fam_key key = {};
	struct abi_hist *h;
	bool created;

	key.tgid = BPF_CORE_READ(task, tgid);
	if (!key.tgid)
		return;		/* the idle task is never waiting */
	/* The pid filter first: it needs no comm and drops most events on a busy host. */
	if ((cfg_flags & ABI_CFG_FILTER_PID) && !filter_pid_listed(key.tgid))
		return;
	BPF_CORE_READ_STR_INTO(&key.comm, task, group_leader, comm);
	if ((cfg_flags & ABI_CFG_FILTER_COMM) && runq_excluded(key.tgid, key.comm))
		return;
	/* The waiting task's cgroup: it is not the current one here. */
	if (cfg_cgroup_ids || cfg_cgroup_filtering) {
		key.cgid = cgroup_task_id(task);
		if (cgroup_excluded(task, key.cgid, typed))
			return;
		if (!cfg_cgroup_ids)
			key.cgid = 0;
	}
	key.a = (cfg_flags & ABI_CFG_PER_CPU) ? bpf_get_smp_processor_id() : ABI_FAM_ANY;

	h = map_lookup_or_init(&rows, &key, &zero_hist, &created);
	if (!h) {
		counter_inc(ABI_FCNT_MAP_FULL);
		return;
	}
	hist_add(h, 0, wait_ns, true);
}

/* --- sched_info: the kernel's own delta, read at the switch ----------------- */

/*
 * rq_clock(rq) of the CPU switching @next in is next->se.cfs_rq->rq->clock:
 * next is queued here, so its cfs_rq is this CPU's (set_task_rq). The
 * per-CPU runqueues variable is not reachable where kallsyms lacks data
 * symbols (CONFIG_KALLSYMS_ALL=n: the verifier cannot resolve the ksym);
 * this path needs CONFIG_FAIR_GROUP_SCHED (struct cfs_rq has rq), which
 * user space checks in the kernel's BTF.
 */
static __always_inline void sched_info_wait(struct task_struct *next, __u64 queued_ns,
					    __u64 now_ns, bool typed)
{
	/*
	 * last_queued 0: not queued since it last ran, sched_info_arrive adds
	 * nothing. A wait of 0 (rq clock not updated since the enqueue) is
	 * still one wait, as in the kernel's count (pcount).
	 */
	if (queued_ns && now_ns >= queued_ns)
		runq_record(next, now_ns - queued_ns, typed);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(btf_switch_si, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 queued_ns = next->sched_info.last_queued;

	if (queued_ns)
		sched_info_wait(next, queued_ns, next->se.cfs_rq->rq->clock, true);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_switch_si, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 queued_ns = BPF_CORE_READ(next, sched_info.last_queued);

	if (queued_ns)
		sched_info_wait(next, queued_ns, BPF_CORE_READ(next, se.cfs_rq, rq, clock), false);
	return 0;
}

/* --- timestamps: wakeup / preemption -> switch-in -------------------------- */

static __always_inline void ts_queued(struct task_struct *task)
{
	__u64 *ts;

	/* Storage only for processes the pid pre-filter keeps (comm is checked at switch-in). */
	if ((cfg_flags & ABI_CFG_FILTER_PID) && !filter_pid_listed(BPF_CORE_READ(task, tgid)))
		return;
	ts = bpf_task_storage_get(&queued_at, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ts) {
		counter_inc(ABI_FCNT_INFLIGHT_FULL);
		return;
	}
	/* Like sched_info_enqueue: the first queueing counts until the task runs. */
	if (!*ts)
		*ts = bpf_ktime_get_ns();
}

static __always_inline void ts_switch(struct task_struct *prev, struct task_struct *next,
				      unsigned int prev_state, bool typed)
{
	__u64 *ts, now_ns;

	if (prev_state == TASK_RUNNING_STATE && BPF_CORE_READ(prev, pid))
		ts_queued(prev);
	ts = bpf_task_storage_get(&queued_at, next, 0, 0);
	if (!ts || !*ts)
		return;
	now_ns = bpf_ktime_get_ns();
	if (now_ns > *ts)
		runq_record(next, now_ns - *ts, typed);
	*ts = 0;
}

/*
 * A wakeup of a task still on its CPU (woken before it got to sleep:
 * ttwu_runnable) queues nothing; a stamp then would wait for its next
 * switch-in, past sleeps, and count them all.
 */
static __always_inline void ts_wakeup(struct task_struct *p)
{
	if (!BPF_CORE_READ(p, on_cpu))
		ts_queued(p);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(btf_wakeup, struct task_struct *p)
{
	ts_wakeup(p);
	return 0;
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(btf_wakeup_new, struct task_struct *p)
{
	ts_queued(p);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(btf_switch_ts, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	ts_switch(prev, next, prev_state, true);
	return 0;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(raw_wakeup, struct task_struct *p)
{
	ts_wakeup(p);
	return 0;
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(raw_wakeup_new, struct task_struct *p)
{
	ts_queued(p);
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(raw_switch_ts, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	ts_switch(prev, next, prev_state, false);
	return 0;
}
