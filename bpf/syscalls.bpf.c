/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * syscalls.bpf.c - latency of every syscall, aggregated in the kernel per
 * (process, syscall). Hot path: enter stores a start time in this CPU's
 * record (tp_btf; the thread's task storage once it leaves the CPU, or with
 * the other flavours); exit adds the latency to a hash-map histogram.
 * Only process exits cross to user space, through the ring buffer.
 *
 * Three attach flavours of the same logic, chosen by user space with
 * bpf_program__set_autoload: tp_btf (preferred), raw_tp, classic tracepoint.
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
#include "lib/stacks.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define NR_NONE 0xffffffffu

const volatile __u32 cfg_flags = 0;
/* Time a call when bpf_get_prandom_u32() <= cfg_sample_threshold; all when 0xffffffff. */
const volatile __u32 cfg_sample_threshold = 0xffffffffu;
/* enum abi_sys_class of each syscall number, from user space's list (src/core/wait_class.c). */
const volatile __u8 cfg_sys_class[ABI_SYS_CLASS_NR] = {};

/*
 * Per-thread state: the call in flight and the process identity, cached.
 * With the breakdown on, a timed call that leaves the CPU also keeps where
 * its time went so far (enum abi_part); one that never does costs one
 * store at entry (switched = 0) and its whole latency is on-CPU time.
 */
struct task_slot {
	__u64 start_ns;			/* 0: the call in flight is not timed */
	__u32 nr;			/* syscall in flight, NR_NONE if none */
	__u32 skip;			/* process excluded by the pre-filter */
	struct abi_sys_key key;		/* tgid, pstart_ns, comm; nr and cgid set at exit */
	__u64 cg_judged;		/* --cgroup: the cgroup id cg_skip was judged in */
	__u8 switched;			/* the call in flight left the CPU: part[] is valid */
	__u8 off;			/* 0 on CPU, else the part its off-CPU time goes to */
	__u8 pend_part;			/* the part of a stretch not yet split (pend_off_ns) */
	__u8 cg_skip;			/* --cgroup: the thread's cgroup is outside the filter */
	__s32 kstack_id;		/* --slow: kernel stack at the last switch-out (if switched) */
	__u64 seg_ns;			/* last switch-out (off CPU) or switch-in (on CPU) */
	__u64 pend_off_ns;		/* blocked stretch to split once run_delay has its wait */
	__u64 pend_run_delay;		/* sched_info.run_delay at that switch-in */
	__u64 part[ABI_PARTS];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_slot);
} task_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ABI_SYS_KEYS_DEFAULT);
	__type(key, struct abi_sys_key);
	__type(value, struct abi_hist);
} sys_hist SEC(".maps");

/*
 * The call in flight on each CPU (ABI: cfg_cpu_calls), for a thread that
 * has not left the CPU since it entered: enter and exit then touch no task
 * storage (two helper calls a syscall). The scheduler hook hands a call
 * over to its thread's slot when the thread leaves the CPU, and empties
 * the record at every switch; so a record names the thread on the CPU or
 * none, and an exit that does not find its thread here finds its call in
 * the slot. sched_switch is attached before sys_enter (program order).
 *
 * --sample: the calls not timed are counted here too, in up to
 * ABI_CPU_BATCHES rows (read/write loops alternate) of up to
 * ABI_CPU_BATCH_MAX calls each (no hash lookup, no atomic add a call), and
 * added to the map when a row is full, when a fifth row needs its place,
 * when the thread leaves the CPU and when it exits (before its process's
 * exit event): so a batch is always the current thread's, and no call is
 * left behind a thread or process that is gone. Rows of threads still on
 * their CPU at the last tick are added by user space once the programs
 * are detached.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct abi_cpu_call);
} cpu_calls SEC(".maps");

/*
 * Calls in flight in cpu_calls: set by user space with tp_btf (the hook
 * needs both tasks typed) and no pre-filter whose verdict is cached in the
 * slot (-c, a followed tree, --cgroup); -p is a few compares.
 */
const volatile __u8 cfg_cpu_calls = 0;

/* tgids of the followed process tree (ABI_CFG_FILTER_TREE): the root from user space, forks here. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ABI_TREE_MAX);
	__type(key, __u32);
	__type(value, __u8);
} tree_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ABI_CNT_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, ABI_RINGBUF_BYTES);
} events SEC(".maps");

/* Source of new histogram values; too big for the 512-byte BPF stack. */
static const struct abi_hist zero_hist;

#define counter_inc(idx) counter_inc_in(&counters, (idx))

static __always_inline bool proc_excluded(const struct abi_sys_key *key)
{
	if (filter_excludes(key->tgid, key->comm, cfg_flags & ABI_CFG_FILTER_PID, false))
		return true;
	if ((cfg_flags & ABI_CFG_FILTER_TREE) && !bpf_map_lookup_elem(&tree_pids, &key->tgid))
		return true;
	return filter_excludes(key->tgid, key->comm, false, cfg_flags & ABI_CFG_FILTER_COMM);
}

/* Identity of @task's process, cached once per thread and refreshed on exec. */
static __always_inline void slot_fill_identity(struct task_slot *t, struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);

	t->key.tgid = BPF_CORE_READ(task, tgid);
	t->key.pstart_ns = BPF_CORE_READ(leader, start_time);
	BPF_CORE_READ_STR_INTO(&t->key.comm, leader, comm);
	t->skip = proc_excluded(&t->key);
}

/*
 * Syscall number at sys_exit from the registers, so that untimed (sampled
 * out) calls need no per-thread state. -1 where the architecture is not
 * known here: sampling then keeps state for every call.
 */
#if defined(__TARGET_ARCH_x86)
#define REGS_SYSCALL_NR(regs) ((long)BPF_CORE_READ(regs, orig_ax))
#define REGS_SYSCALL_NR_BTF(regs) ((long)(regs)->orig_ax)
#define REGS_SYSCALL_NR_KNOWN 1
#elif defined(__TARGET_ARCH_arm64)
#define REGS_SYSCALL_NR(regs) ((long)BPF_CORE_READ(regs, syscallno))
#define REGS_SYSCALL_NR_BTF(regs) ((long)(regs)->syscallno)
#define REGS_SYSCALL_NR_KNOWN 1
#else
#define REGS_SYSCALL_NR(regs) (-1L)
#define REGS_SYSCALL_NR_BTF(regs) (-1L)
#define REGS_SYSCALL_NR_KNOWN 0
#endif

/* uapi constants (include/uapi/linux/{futex,stat,fcntl}.h, kdev_t.h); vmlinux.h has no macros. */
#define FUTEX_WAIT_OP		0
#define FUTEX_WAIT_BITSET_OP	9
#define FUTEX_WAIT_REQUEUE_PI_OP 11
#define FUTEX_CMD_BITS		(~(128 | 256))	/* FUTEX_CMD_MASK: without PRIVATE, CLOCK_REALTIME */
#define MODE_FMT		0170000
#define MODE_SOCK		0140000
#define MODE_FIFO		0010000
#define MODE_CHR		0020000
#define OPEN_NONBLOCK		04000		/* O_NONBLOCK on x86 and arm64 */
#define MEM_MAJOR_NR		1		/* /dev/null, zero, urandom, kmsg: never wait */
#define DEV_MINOR_BITS		20

/* A scalar kernel address as a read-only BTF pointer: its fields are then plain loads. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

/* Syscall arguments 0 and 1 from the task's user registers, still there at sys_exit. */
#if defined(__TARGET_ARCH_x86)
#define SYSCALL_ARG0(regs) ((regs)->di)
#define SYSCALL_ARG1(regs) ((regs)->si)
#elif defined(__TARGET_ARCH_arm64)
#define SYSCALL_ARG0(regs) ((regs)->orig_x0)	/* x0 holds the return value by now */
#define SYSCALL_ARG1(regs) ((regs)->regs[1])
#else
#define SYSCALL_ARG0(regs) PT_REGS_PARM1_CORE_SYSCALL(regs)
#define SYSCALL_ARG1(regs) PT_REGS_PARM2_CORE_SYSCALL(regs)
#endif

/*
 * Does the call on @fd wait for a peer, a writer or a key press: a blocking
 * socket, pipe/FIFO or terminal-like char device? A regular file's read is
 * the disk's work. The fd is still open at sys_exit (the call holds it).
 * @task is BTF-typed: its fields are plain loads (a fault reads 0), and so
 * are the file's once cast; only the fd array slot needs a probe read.
 * Measured: +~300 ns per read with BPF_CORE_READ chains (10 probe reads),
 * far less this way (tests/bench/README.md).
 */
static __noinline bool fd_waits(struct task_struct *task, __u64 fd)
{
	struct fdtable *fdt = task->files->fdt;
	struct file *f;
	void *slot = NULL;
	__u32 mode;

	if (!fdt || fd >= fdt->max_fds)
		return false;
	if (bpf_probe_read_kernel(&slot, sizeof(slot), &fdt->fd[fd]) || !slot)
		return false;
	f = bpf_rdonly_cast(slot, bpf_core_type_id_kernel(struct file));
	if (f->f_flags & OPEN_NONBLOCK)
		return false;	/* returns at once when nothing is there: never waits */
	mode = f->f_inode->i_mode & MODE_FMT;
	if (mode == MODE_SOCK || mode == MODE_FIFO)
		return true;
	return mode == MODE_CHR && (f->f_inode->i_rdev >> DEV_MINOR_BITS) != MEM_MAJOR_NR;
}

/* The per-call classes: arguments read from the task's user registers. */
static __noinline bool call_waits_by_args(struct task_struct *task, __u32 cls)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);

	if (cls == ABI_SYS_WAIT_FUTEX) {
		__u32 op = (__u32)SYSCALL_ARG1(regs) & FUTEX_CMD_BITS;

		return op == FUTEX_WAIT_OP || op == FUTEX_WAIT_BITSET_OP ||
		       op == FUTEX_WAIT_REQUEUE_PI_OP;
	}
	if (cls == ABI_SYS_WAIT_FD0)
		return fd_waits(task, (__u32)SYSCALL_ARG0(regs));
	return false;
}

/*
 * @nr with ABI_SYS_NR_WAIT when this call waited for an event. Most
 * syscalls are ABI_SYS_WORK: one bounded byte load and a compare.
 */
static __always_inline __u32 nr_classified(__u32 nr, struct task_struct *task)
{
	__u32 cls;

	if (nr >= ABI_SYS_CLASS_NR)
		return nr & ABI_SYS_NR_MASK;
	cls = cfg_sys_class[nr];
	if (cls == ABI_SYS_WORK)
		return nr;
	if (cls == ABI_SYS_WAIT || call_waits_by_args(task, cls))
		return nr | ABI_SYS_NR_WAIT;
	return nr;
}

static __always_inline bool sampling(void)
{
	return cfg_sample_threshold != 0xffffffffu;
}

/* The call @task enters, in this CPU's record (cfg_cpu_calls). */
static __always_inline int cpu_call_enter(struct task_struct *task, long id, bool timed)
{
	__u32 zero = 0;
	struct abi_cpu_call *c;

	if ((cfg_flags & ABI_CFG_FILTER_PID) && !filter_pid_listed(task->tgid))
		return 0;
	c = bpf_map_lookup_elem(&cpu_calls, &zero);
	if (!c)
		return 0;
	c->tid = task->pid;
	c->nr = (__u32)id;
	c->start_ns = timed ? bpf_ktime_get_ns() : 0;
	return 0;
}

/* The call @task exits from, if record @c holds it (emptied): its nr, else NR_NONE. */
static __always_inline __u32 cpu_call_take(struct abi_cpu_call *c, struct task_struct *task,
					   __u64 *start_ns)
{
	if (!c || c->tid != (__u32)task->pid)
		return NR_NONE;
	c->tid = 0;
	*start_ns = c->start_ns;
	return c->nr;
}

/* --sample: batch row @b of @c into the map. */
static __always_inline void cpu_batch_flush(struct abi_cpu_call *c, struct abi_cpu_batch *b)
{
	struct abi_hist *h;
	bool created;

	h = map_lookup_or_init(&sys_hist, &b->key, &zero_hist, &created);
	if (h) {
		__sync_fetch_and_add(&h->count, b->calls);
		if (b->errors)
			__sync_fetch_and_add(&h->errors, b->errors);
	} else {
		counter_add_in(&counters, ABI_CNT_MAP_FULL, b->calls);
	}
	b->calls = 0;
	b->errors = 0;
	c->batches--;
}

/* --sample: every batch row of @c into the map (the thread leaves the CPU or exits). */
static __noinline void cpu_batch_flush_all(struct abi_cpu_call *c)
{
	if (!c)
		return;
	for (int i = 0; i < ABI_CPU_BATCHES; i++)
		if (c->batch[i].calls)
			cpu_batch_flush(c, &c->batch[i]);
}

static __always_inline bool sys_keys_equal(const struct abi_sys_key *a, const struct abi_sys_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3] && x[4] == y[4];
}

/* --sample: count an untimed call of @key in this CPU's batch rows. */
static __noinline int cpu_batch_add(struct abi_cpu_call *c, const struct abi_sys_key *key, long ret)
{
	struct abi_cpu_batch *b = NULL;
	bool created;
	int i;

	for (i = 0; i < ABI_CPU_BATCHES; i++) {
		if (c->batch[i].calls && sys_keys_equal(&c->batch[i].key, key)) {
			b = &c->batch[i];
			break;
		}
	}
	if (!b) {
		for (i = 0; i < ABI_CPU_BATCHES; i++) {
			if (!c->batch[i].calls) {
				b = &c->batch[i];
				break;
			}
		}
		/*
		 * The row's key goes into the map now, from the exit program:
		 * a flush at a switch-out runs with interrupts off, where the
		 * map's allocator cannot refill its per-CPU cache, and inserting
		 * a few new keys there ran it dry (a call lost as "map full"
		 * under load); at a flush the key is then found, not inserted.
		 */
		if (!map_lookup_or_init(&sys_hist, key, &zero_hist, &created)) {
			counter_inc(ABI_CNT_MAP_FULL);
			return 0;
		}
		if (!b) {
			b = &c->batch[c->victim++ & (ABI_CPU_BATCHES - 1)];
			cpu_batch_flush(c, b);
		}
		__builtin_memcpy(&b->key, key, sizeof(*key));
		c->batches++;
	}
	b->calls++;
	if (ret < 0)
		b->errors++;
	if (b->calls >= ABI_CPU_BATCH_MAX)
		cpu_batch_flush(c, b);
	return 0;
}

#define TASK_DEAD_STATE 0x80	/* TASK_DEAD (include/linux/sched.h): its last switch */

/*
 * @prev leaves the CPU: a call it is in moves to its slot, where its exit
 * and the breakdown find it. The record is emptied at every switch, which
 * keeps it the current thread's or none's.
 */
static __always_inline void cpu_call_hand_over(struct task_struct *prev)
{
	__u32 zero = 0;
	struct abi_cpu_call *c = bpf_map_lookup_elem(&cpu_calls, &zero);
	struct task_slot *t;

	if (!c)
		return;
	if (c->batches)
		cpu_batch_flush_all(c);
	if (!c->tid)
		return;
	if (c->tid == (__u32)prev->pid && !(prev->__state & TASK_DEAD_STATE)) {
		t = bpf_task_storage_get(&task_slots, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (t) {
			t->nr = c->nr;
			t->start_ns = c->start_ns;
			t->switched = 0;
		} else {
			counter_inc(ABI_CNT_NO_TASK_STORE);
		}
	}
	c->tid = 0;
}

static __always_inline int on_enter(long id)
{
	/*
	 * Sampled out: touch nothing; the exit counts the call from the task
	 * and its registers alone. A comm pre-filter needs the verdict cached
	 * in the slot, so then every call keeps a slot (timed or not).
	 */
	bool fast_sample = sampling() && !(cfg_flags & ABI_CFG_FILTER_COMM) &&
			   REGS_SYSCALL_NR_KNOWN;
	bool timed = !sampling() || bpf_get_prandom_u32() <= cfg_sample_threshold;
	struct task_struct *task;
	struct task_slot *t;

	/*
	 * Untimed calls keep a CPU record too (start 0): a few stores, and
	 * their exit then needs no task storage lookup to know the call.
	 */
	if (cfg_cpu_calls)
		return cpu_call_enter(bpf_get_current_task_btf(), id, timed);
	if (fast_sample && !timed)
		return 0;
	task = bpf_get_current_task_btf();
	t = bpf_task_storage_get(&task_slots, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t) {
		counter_inc(ABI_CNT_NO_TASK_STORE);
		return 0;
	}
	if (!t->key.tgid)
		slot_fill_identity(t, task);
	if (t->skip)
		return 0;
	if (cfg_cgroup_filtering) {
		/* Judged again only when the thread moved to another cgroup. */
		__u64 cgid = bpf_get_current_cgroup_id();

		if (cgid != t->cg_judged) {
			t->cg_skip = !cgroup_listed(cgroup_of(task));
			t->cg_judged = cgid;
		}
		if (t->cg_skip) {
			t->nr = NR_NONE;	/* its exit counts nothing */
			return 0;
		}
	}
	t->nr = (__u32)id;
	t->start_ns = timed ? bpf_ktime_get_ns() : 0;
	t->switched = 0;
	return 0;
}

/*
 * Key of the current process read from the task itself (the same fields as
 * the slot's). @task comes from bpf_get_current_task_btf(), so these are
 * plain loads, not probe-read helper calls: this runs on every sampled-out
 * call.
 */
static __always_inline bool key_from_task(struct abi_sys_key *key, struct task_struct *task)
{
	struct task_struct *leader = task->group_leader;

	key->tgid = task->tgid;
	key->pstart_ns = leader->start_time;
	__builtin_memcpy(key->comm, leader->comm, ABI_COMM_LEN);
	key->cgid = cgroup_key_btf(task);
	if (proc_excluded(key))
		return false;
	return !cgroup_excluded(task, cgroup_filter_current(key->cgid), true);
}

/*
 * The breakdown's scheduler hook (tp_btf only: it needs both tasks typed).
 * @prev leaves the CPU: the on-CPU stretch of its call ends, and its state
 * says where the time off CPU goes: still runnable (preempted) -> run
 * queue; blocked with in_iowait -> I/O; blocked otherwise -> blocked.
 * @next gets the CPU: a blocked stretch ends with some time runnable in
 * the queue. That part is the kernel's own figure: sched_info_arrive()
 * adds it to next's sched_info.run_delay (/proc/PID/schedstat) right
 * after this tracepoint, so it is read back at the task's next event
 * (switch-out or syscall exit) and the stretch split then.
 */
static __always_inline void breakdown_settle(struct task_slot *t, struct task_struct *task)
{
	__u64 queued_ns;

	if (!t->pend_off_ns)
		return;
	queued_ns = task->sched_info.run_delay - t->pend_run_delay;
	if (queued_ns > t->pend_off_ns)
		queued_ns = t->pend_off_ns;
	t->part[ABI_PART_RUNQ] += queued_ns;
	if (t->pend_part == ABI_PART_IO)
		t->part[ABI_PART_IO] += t->pend_off_ns - queued_ns;
	else
		t->part[ABI_PART_BLOCKED] += t->pend_off_ns - queued_ns;
	t->pend_off_ns = 0;
}

static __always_inline void breakdown_parts_out(struct task_slot *t, struct task_struct *prev,
						bool preempt, __u64 now)
{
	if (!t->switched) {
		t->switched = 1;
		t->pend_off_ns = 0;
		t->part[ABI_PART_ONCPU] = now - t->start_ns;
		t->part[ABI_PART_RUNQ] = 0;
		t->part[ABI_PART_IO] = 0;
		t->part[ABI_PART_BLOCKED] = 0;
	} else {
		breakdown_settle(t, prev);
		t->part[ABI_PART_ONCPU] += now - t->seg_ns;
	}
	t->seg_ns = now;
	if (preempt || prev->__state == 0)
		t->off = ABI_PART_RUNQ;
	else if (BPF_CORE_READ_BITFIELD(prev, in_iowait))
		t->off = ABI_PART_IO;
	else
		t->off = ABI_PART_BLOCKED;
}

static __always_inline void breakdown_switch_out(void *ctx, struct task_struct *prev, bool preempt,
						 __u64 now)
{
	struct task_slot *t = bpf_task_storage_get(&task_slots, prev, 0, 0);

	if (!t || t->nr == NR_NONE || !t->start_ns)
		return;
	/*
	 * --slow: where the call blocked. Taken at every switch-out of a timed
	 * call (whether it will be slow is known only at its exit); the last
	 * one wins. prev is the current task in this tracepoint. Breakdown
	 * first: it owns `switched` when on.
	 */
	if (cfg_flags & ABI_CFG_BREAKDOWN)
		breakdown_parts_out(t, prev, preempt, now);
	if (cfg_slow_ns != STACKS_OFF) {
		t->switched = 1;
		t->kstack_id = stacks_kernel_id(ctx);
	}
}

static __always_inline void breakdown_switch_in(struct task_struct *next, __u64 now)
{
	struct task_slot *t = bpf_task_storage_get(&task_slots, next, 0, 0);
	__u64 off_ns;

	if (!t || !t->off || t->nr == NR_NONE || !t->start_ns)
		return;
	off_ns = now - t->seg_ns;
	t->seg_ns = now;
	if (t->off == ABI_PART_RUNQ) {
		t->part[ABI_PART_RUNQ] += off_ns;	/* runnable all along */
	} else {
		t->pend_off_ns = off_ns;
		t->pend_part = t->off;
		t->pend_run_delay = next->sched_info.run_delay;	/* before this wait is added */
	}
	t->off = 0;
}

/*
 * --slow: count this slow call's stacks. The kernel one is from its last
 * switch-out when it left the CPU (where it blocked), else taken now.
 */
static __noinline void slow_record(void *ctx, struct task_slot *t, const struct abi_sys_key *key,
				   __u32 nr, __u64 lat_ns)
{
	__s32 kid = t && t->switched ? t->kstack_id : STACKS_ID_NOW;

	if (stacks_record(ctx, key->tgid, key->pstart_ns, nr, key->cgid, key->comm, kid, lat_ns))
		counter_inc(ABI_CNT_STACKS_DROPPED);
}

static __always_inline int on_exit(void *ctx, long ret, long nr)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct abi_sys_key stack_key = {};
	struct abi_sys_key *key = &stack_key;
	struct task_slot *t = NULL;
	struct abi_hist *h;
	__u64 start_ns = 0, lat_ns = 0;
	__u32 nr_in = NR_NONE, nr_raw = 0, zero = 0;
	struct abi_cpu_call *c = NULL;
	bool created;

	if (cfg_cpu_calls) {
		c = bpf_map_lookup_elem(&cpu_calls, &zero);
		nr_in = cpu_call_take(c, task, &start_ns);
	}
	if (nr_in == NR_NONE) {
		/* Not in this CPU's record: the thread left the CPU, or no record is kept. */
		t = bpf_task_storage_get(&task_slots, task, 0, 0);
		if (t && t->nr != NR_NONE) {
			if (!cfg_cpu_calls && t->skip)
				return 0;
			nr_in = t->nr;
			start_ns = t->start_ns;
			t->nr = NR_NONE;
			/* Without cpu_calls the slot holds the identity: the key is built in place. */
			if (!cfg_cpu_calls)
				key = &t->key;
		}
	}
	if (nr_in != NR_NONE) {
		if (start_ns)
			lat_ns = bpf_ktime_get_ns() - start_ns;
		if (key == &stack_key) {
			key->tgid = task->tgid;
			key->pstart_ns = task->group_leader->start_time;
		}
		/*
		 * The name now, not the one cached at the thread's first call:
		 * prctl(PR_SET_NAME) renames a process, and the tables show the
		 * newest name (a plain load from a BTF task, as key_from_task).
		 */
		__builtin_memcpy(key->comm, task->group_leader->comm, ABI_COMM_LEN);
		/* The cgroup now: a task moved is counted in the new one from this call. */
		key->cgid = cgroup_key_btf(task);
		nr_raw = nr_in & ABI_SYS_NR_MASK;
		key->nr = nr_classified(nr_in, task);
		if (!start_ns && c && sampling())
			return cpu_batch_add(c, key, ret);	/* sampled out */
	} else if (!cfg_cpu_calls && sampling() && nr >= 0 && !(cfg_flags & ABI_CFG_FILTER_COMM)) {
		/* A call the entry sampled out: count it, untimed. */
		if (!key_from_task(key, task))
			return 0;
		key->nr = nr_classified((__u32)nr, task);
	} else {
		return 0;	/* entered before we attached */
	}

	if (start_ns && t && t->switched && (cfg_flags & ABI_CFG_BREAKDOWN)) {
		breakdown_settle(t, task);
		/* Blocked, not on I/O, for most of the call: it waited for an event. */
		if (t->part[ABI_PART_BLOCKED] * 2 > lat_ns)
			key->nr |= ABI_SYS_NR_WAIT;
	}

	h = map_lookup_or_init(&sys_hist, key, &zero_hist, &created);
	if (!h) {
		counter_inc(ABI_CNT_MAP_FULL);
		return 0;
	}
	/* count is derived by user space when every call is timed (abi_sys_hist_complete). */
	hist_add_call(h, ret, lat_ns, start_ns != 0, sampling());
	/* Off is ~0: one compare a call (untimed calls have lat_ns 0). */
	if (stacks_slow(lat_ns))
		slow_record(ctx, t, key, nr_raw, lat_ns);
	/*
	 * Only the off-CPU parts of a call that left the CPU: its on-CPU part,
	 * and the whole latency of one that never did, is sum_ns minus them
	 * (abi_sys_hist_complete). Added after sum_ns, so a concurrent read
	 * rather sees them late than early.
	 */
	if (start_ns && t && t->switched && (cfg_flags & ABI_CFG_BREAKDOWN)) {
		for (int p = ABI_PART_ONCPU + 1; p < ABI_PARTS; p++)
			if (t->part[p])
				__sync_fetch_and_add(&h->part_ns[p], t->part[p]);
	}
	return 0;
}

static __always_inline int on_exec(struct task_struct *task)
{
	struct task_slot *t = bpf_task_storage_get(&task_slots, task, 0, 0);

	/* A new image: new comm, and the call in flight (execve) is finished by exit. */
	if (t)
		slot_fill_identity(t, task);
	return 0;
}

static __always_inline int on_proc_exit(struct task_struct *task)
{
	struct abi_event *ev;

	/* The exiting thread's batch (it is current), before its process's exit event. */
	if (cfg_cpu_calls && sampling()) {
		__u32 zero = 0;

		cpu_batch_flush_all(bpf_map_lookup_elem(&cpu_calls, &zero));
	}

	/* Only when the last thread of the process goes. */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (cfg_flags & ABI_CFG_FILTER_TREE) {
		__u32 tgid = BPF_CORE_READ(task, tgid);

		/* Its pid may be reused by a process outside the tree. */
		bpf_map_delete_elem(&tree_pids, &tgid);
	}
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		counter_inc(ABI_CNT_RB_DROPPED);
		return 0;
	}
	ev->kind = ABI_EV_PROC_EXIT;
	ev->tgid = BPF_CORE_READ(task, tgid);
	ev->pstart_ns = BPF_CORE_READ(task, group_leader, start_time);
	ev->ts_ns = bpf_ktime_get_ns();
	BPF_CORE_READ_STR_INTO(&ev->comm, task, group_leader, comm);
	bpf_ringbuf_submit(ev, 0);
	counter_inc(ABI_CNT_EXIT_EVENTS);
	return 0;
}

/* A child of a followed process is followed too (threads share the tgid: no-op). */
static __always_inline int on_fork(__u32 parent_tgid, __u32 child_tgid)
{
	__u8 one = 1;

	if (!(cfg_flags & ABI_CFG_FILTER_TREE) || parent_tgid == child_tgid ||
	    !bpf_map_lookup_elem(&tree_pids, &parent_tgid))
		return 0;
	if (bpf_map_update_elem(&tree_pids, &child_tgid, &one, BPF_ANY))
		counter_inc(ABI_CNT_TREE_FULL);
	return 0;
}

/*
 * tp_btf: BTF-typed raw tracepoints, preferred. The scheduler hook comes
 * first: programs attach in this order, and with cfg_cpu_calls it must run
 * before any call is entered in a CPU's record.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(btf_sys_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u64 now;

	if (cfg_cpu_calls)
		cpu_call_hand_over(prev);
	if (!(cfg_flags & ABI_CFG_BREAKDOWN) && cfg_slow_ns == STACKS_OFF)
		return 0;	/* attached for cpu_calls alone */
	now = bpf_ktime_get_ns();
	breakdown_switch_out(ctx, prev, preempt, now);
	if (cfg_flags & ABI_CFG_BREAKDOWN)
		breakdown_switch_in(next, now);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(btf_sys_enter, struct pt_regs *regs, long id)
{
	return on_enter(id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(btf_sys_exit, struct pt_regs *regs, long ret)
{
	/* regs is BTF-typed here: a plain load. */
	return on_exit(ctx, ret,
		       sampling() && REGS_SYSCALL_NR_KNOWN ? REGS_SYSCALL_NR_BTF(regs) : -1);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(btf_proc_exec, struct task_struct *p)
{
	return on_exec(p);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(btf_proc_exit, struct task_struct *p)
{
	return on_proc_exit(p);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(btf_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent->tgid, child->tgid);
}

/* raw_tp: same hooks without BTF typing, for kernels that lack tp_btf. */
SEC("raw_tp/sys_enter")
int BPF_PROG(raw_sys_enter, struct pt_regs *regs, long id)
{
	return on_enter(id);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(raw_sys_exit, struct pt_regs *regs, long ret)
{
	return on_exit(ctx, ret, sampling() ? REGS_SYSCALL_NR(regs) : -1);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(raw_proc_exec, struct task_struct *p)
{
	return on_exec(bpf_get_current_task_btf());
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(raw_proc_exit, struct task_struct *p)
{
	return on_proc_exit(bpf_get_current_task_btf());
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(raw_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(BPF_CORE_READ(parent, tgid), BPF_CORE_READ(child, tgid));
}

/* Classic tracepoints: the last resort (they need tracefs). */
SEC("tp/raw_syscalls/sys_enter")
int tp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx->id);
}

SEC("tp/raw_syscalls/sys_exit")
int tp_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx, ctx->ret, ctx->id);
}

SEC("tp/sched/sched_process_exec")
int tp_proc_exec(void *ctx)
{
	return on_exec(bpf_get_current_task_btf());
}

SEC("tp/sched/sched_process_exit")
int tp_proc_exit(void *ctx)
{
	return on_proc_exit(bpf_get_current_task_btf());
}

/*
 * The classic tracepoint names only the child's thread id: the tgid of a new
 * process, or a new thread's id (its tgid is the parent's, already
 * followed; the extra entry is harmless unless that id is reused as a tgid
 * while lattop runs, and this flavour is the last resort anyway).
 */
SEC("tp/sched/sched_process_fork")
int tp_proc_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	return on_fork(BPF_CORE_READ((struct task_struct *)bpf_get_current_task_btf(), tgid),
		       (__u32)ctx->child_pid);
}
