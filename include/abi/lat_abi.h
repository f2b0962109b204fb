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
#define ABI_MAX_CGROUP_FILTER	8	/* --cgroup PATH options */
#define ABI_SYS_KEYS_DEFAULT	4096
#define ABI_RINGBUF_BYTES	(256 * 1024)

/* Index of the per-CPU counters array; user space sums over CPUs. */
enum abi_counter {
	ABI_CNT_MAP_FULL = 0,	/* histogram key could not be inserted */
	ABI_CNT_NO_TASK_STORE,	/* task storage could not be created */
	ABI_CNT_RB_DROPPED,	/* ring buffer reserve failed */
	ABI_CNT_EXIT_EVENTS,	/* process exits reported */
	ABI_CNT_TREE_FULL,	/* a fork in the followed tree found tree_pids full */
	ABI_CNT_STACKS_DROPPED,	/* --slow: a slow call's stack not stored (stack map or
				 * slow_stacks full) */
	ABI_CNT_NR
};

/* Bits of cfg_flags, set by user space before load. */
#define ABI_CFG_FILTER_PID	(1u << 0)
#define ABI_CFG_FILTER_COMM	(1u << 1)
#define ABI_CFG_FILTER_TREE	(1u << 2)	/* only processes in the tree_pids map */
#define ABI_CFG_BREAKDOWN	(1u << 3)	/* syscalls: split each timed call (enum abi_part) */
#define ABI_CFG_PER_CPU		(1u << 4)	/* runqueue: one row per (process, CPU) */
#define ABI_CFG_SLOW		(1u << 5)	/* --slow: stacks of calls slower than cfg_slow_ns */

/* Processes a followed tree (lattop run) may hold; forks beyond it are counted and not followed. */
#define ABI_TREE_MAX		8192

/*
 * Where the time of a timed syscall went, between its enter and its exit
 * (ABI_CFG_BREAKDOWN). Each part is measured from the scheduler's switch
 * events, none is a remainder: the four add up to the call's latency.
 */
enum abi_part {
	ABI_PART_ONCPU = 0,	/* running: enter -> switch-out, switch-in -> switch-out, ... -> exit */
	ABI_PART_RUNQ,		/* runnable, not running: preempted, or woken and queued */
	ABI_PART_IO,		/* blocked with in_iowait set (disk, page cache misses, fsync) */
	ABI_PART_BLOCKED,	/* blocked otherwise: sleep, lock, pipe, socket, futex */
	ABI_PARTS
};

/*
 * One histogram; the value of every latency map and the unit of all
 * user-space math. count/errors/sum_ns are exact even when sampling:
 * timed calls add to slots and sum_ns, all calls add to count.
 */
struct abi_hist {
	__u64 count;
	__u64 errors;		/* syscalls that returned a negative value; block: failed requests */
	__u64 timed;		/* calls that were timed (== count unless sampling); syscalls: see below */
	__u64 sum_ns;		/* sum of timed latencies */
	__u64 max_ns;
	__u64 part_ns[ABI_PARTS];/* syscalls with the breakdown on: sum_ns split (enum abi_part) */
	__u64 slots[ABI_HIST_SLOTS];
};

/*
 * The syscall map (sys_hist) leaves three fields to its reader, an atomic
 * add less each on a call: timed, the sum of the buckets; count, the same
 * when every call is timed (sampled, the kernel counts every call); and
 * part_ns[ABI_PART_ONCPU] with the breakdown on (only calls that left the
 * CPU add their off-CPU parts; the rest of sum_ns was on the CPU). A value
 * copied while a call on another CPU is half added can have its parts
 * ahead of sum_ns: on-CPU is then 0, never negative.
 */
static inline void abi_sys_hist_complete(struct abi_hist *h, int sampling, int breakdown)
{
	__u64 off_ns, timed = 0;

	for (__u32 i = 0; i < ABI_HIST_SLOTS; i++)
		timed += h->slots[i];
	h->timed = timed;
	if (!sampling)
		h->count = timed;
	else if (h->count < timed)
		h->count = timed;	/* copied between a call's bucket and its count */
	if (!breakdown)
		return;
	off_ns = h->part_ns[ABI_PART_RUNQ] + h->part_ns[ABI_PART_IO] + h->part_ns[ABI_PART_BLOCKED];
	h->part_ns[ABI_PART_ONCPU] = h->sum_ns > off_ns ? h->sum_ns - off_ns : 0;
}

/*
 * Key of the per-(process, syscall) map. A process is (tgid, start time of
 * its leader, comm): PID reuse gives a new start time and exec a new comm,
 * so neither merges two processes.
 *
 * nr is the syscall number in its low 31 bits and ABI_SYS_NR_WAIT on top:
 * the call waited for an event (see enum abi_sys_class), so one syscall of
 * one process can have a work row and a wait row. A bit of nr, not a field
 * of its own, keeps the key at 32 bytes: the hash of every syscall's
 * lookup does not grow. Real syscall numbers stay far below bit 31 (x32's
 * marker is bit 30); an invalid number >= 2^31 (ENOSYS anyway) loses that bit.
 */
#define ABI_SYS_NR_WAIT		(1u << 31)
#define ABI_SYS_NR_MASK		(ABI_SYS_NR_WAIT - 1)

struct abi_sys_key {
	__u32 tgid;
	__u32 nr;		/* syscall number | ABI_SYS_NR_WAIT */
	__u64 pstart_ns;	/* group leader's start_time, CLOCK_MONOTONIC */
	char comm[ABI_COMM_LEN];
	__u64 cgid;		/* the task's cgroup v2 id when the call was attributed */
};

/*
 * One CPU's record in the syscall object's cpu_calls (a per-CPU array of
 * one entry; see bpf/syscalls.bpf.c): the call in flight of the thread on
 * the CPU and, with --sample, its calls not timed, counted in up to
 * ABI_CPU_BATCHES rows of up to ABI_CPU_BATCH_MAX calls before they are
 * added to the map. User space reads the rows at the last tick, once the
 * programs are detached (fam_syscalls.c), so none is left out.
 */
#define ABI_CPU_BATCHES		4
#define ABI_CPU_BATCH_MAX	32

struct abi_cpu_batch {
	struct abi_sys_key key;		/* the row, nr classified */
	__u32 calls;			/* 0: unused */
	__u32 errors;
};

struct abi_cpu_call {
	__u64 start_ns;			/* 0: not timed */
	__u32 tid;			/* the thread; 0: none (the idle task makes no syscalls) */
	__u32 nr;
	__u32 batches;			/* --sample: batch[] rows in use */
	__u32 victim;			/* the next row to give way */
	struct abi_cpu_batch batch[ABI_CPU_BATCHES];
};

/*
 * How a syscall number is classified as work or wait, one byte per number
 * below ABI_SYS_CLASS_NR in the BPF object's read-only cfg_sys_class (user
 * space fills it from its table before load; numbers at or above it are
 * work). The kernel side decides the FD_* and FUTEX classes per call.
 */
#define ABI_SYS_CLASS_NR	512

enum abi_sys_class {
	ABI_SYS_WORK = 0,	/* never a wait */
	ABI_SYS_WAIT,		/* always a wait: sleeps, poll family, wait4, pause ... */
	ABI_SYS_WAIT_FD0,	/* a wait when fd arg 0 is a blocking socket, pipe/FIFO or
				 * terminal-like char device: read, readv, accept ... */
	ABI_SYS_WAIT_FUTEX,	/* futex: a wait for the FUTEX_WAIT* ops only */
	ABI_SYS_CLASS_KINDS
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

_Static_assert(sizeof(struct abi_sys_key) == 40, "abi_sys_key layout");
_Static_assert(ABI_SYS_CLASS_NR - 1 <= ABI_SYS_NR_MASK, "classified numbers fit beside the wait bit");
_Static_assert((ABI_SYS_NR_WAIT & ABI_SYS_NR_MASK) == 0, "wait bit outside the number");
_Static_assert(sizeof(struct abi_hist) == 8 * (5 + ABI_PARTS + ABI_HIST_SLOTS), "abi_hist layout");
_Static_assert(sizeof(struct abi_event) == 40, "abi_event layout");

/*
 * Per-client TCP tables (bpf/clients.bpf.c). A row is one remote address,
 * port and process. dir IN: we accepted; port is our local port, the remote
 * address is the client. dir OUT: we connected; port is the remote port.
 */
#define ABI_CLIENTS_DEFAULT	16384	/* ~2.6 KiB each in the kernel (LRU, preallocated) */
#define ABI_SOCKS_DEFAULT	65536	/* connections followed at once (LRU) */
#define ABI_CLIENT_RB_BYTES	(8 * 1024 * 1024)	/* per-request events, --csv only */

enum abi_conn_dir {
	ABI_DIR_IN = 0,
	ABI_DIR_OUT = 1,
};

enum abi_client_counter {
	ABI_CCNT_CLIENT_FULL = 0,	/* client row could not be inserted */
	ABI_CCNT_SOCK_FULL,		/* connection state could not be inserted */
	ABI_CCNT_RB_DROPPED,		/* --csv sample dropped: ring buffer full */
	ABI_CCNT_ROWS_CREATED,		/* rows inserted; minus rows present = LRU evictions */
	ABI_CCNT_NR
};

/* Bits of the clients object's cfg_flags. */
#define ABI_CCFG_SAMPLES	(1u << 0)	/* emit one event per request/connection */
#define ABI_CCFG_FILTER_PID	(1u << 1)	/* only processes in cfg_pids (-p) */
#define ABI_CCFG_FILTER_COMM	(1u << 2)	/* only process names containing cfg_comm (-c) */

/* Local ports with a listener (index: port): an adopted connection on one is dir IN. */
#define ABI_PORTS_NR		65536

/* IPv4 addresses use addr[0..3]; v4-mapped IPv6 is stored as IPv4. */
struct abi_client_key {
	__u8 addr[16];		/* network byte order */
	__u16 family;		/* AF_INET (2) or AF_INET6 (10) */
	__u16 port;		/* host byte order */
	__u32 tgid;		/* owning process; 0 if no process touched the socket */
	__u8 dir;		/* enum abi_conn_dir */
	__u8 pad[7];
	__u64 cgid;		/* cgroup v2 id of the owning process's task */
};

/*
 * Cumulative per-client counters and two histograms with 32-bit slots (a
 * slot wraps only after 4 G samples; deltas are taken modulo 2^32).
 * conn_* is the connection lifetime (dir IN: established -> our close) or
 * the connect latency (dir OUT: SYN sent -> established), of connections
 * whose start was seen (never of adopted ones).
 */
struct abi_client_val {
	__u64 connections;	/* opened (IN: accepted, OUT: established) */
	__u64 adopted;		/* open before lattop started: first seen by their traffic */
	__u64 closed;		/* closed (adopted ones too) */
	__u64 failed;		/* OUT: connects that never got established */
	__u64 requests;		/* request -> first response byte, timed */
	__u64 bytes_in;
	__u64 bytes_out;
	__u64 resets;		/* RST sent or received */
	__u64 retransmits;
	__u64 req_sum_ns;
	__u64 req_max_ns;
	__u64 conn_count;	/* samples in conn_slots */
	__u64 conn_sum_ns;
	__u64 conn_max_ns;
	char comm[ABI_COMM_LEN];
	__u32 req_slots[ABI_HIST_SLOTS];
	__u32 conn_slots[ABI_HIST_SLOTS];
};

enum abi_client_event_kind {
	ABI_CEV_REQUEST = 1,
	ABI_CEV_CONN = 2,	/* IN: lifetime; OUT: connect latency */
};

/* One raw sample for --csv; only sent when ABI_CCFG_SAMPLES is set. */
struct abi_client_event {
	__u32 kind;		/* enum abi_client_event_kind */
	__u32 pad;
	__u64 ts_ns;		/* CLOCK_MONOTONIC at the end of the sample */
	__u64 latency_ns;
	__u64 bytes_in;		/* request: bytes read; connection: total */
	__u64 bytes_out;	/* request: first response write; connection: total */
	struct abi_client_key key;
	char comm[ABI_COMM_LEN];
};

_Static_assert(sizeof(struct abi_client_key) == 40, "abi_client_key layout");
_Static_assert(sizeof(struct abi_client_val) == 8 * 14 + ABI_COMM_LEN + 8 * ABI_HIST_SLOTS,
	       "abi_client_val layout");
_Static_assert(sizeof(struct abi_client_event) == 40 + 40 + ABI_COMM_LEN, "abi_client_event layout");

/*
 * The families after syscalls and clients (run queue, block I/O, ...) share
 * one 32-byte key, so that one delta model and one snapshot table shape
 * serve them all. Values are struct abi_hist: one per key (run queue), or
 * struct abi_block_val.
 */
#define ABI_FAM_ANY		0xffffffffu	/* runqueue cpu: not per CPU */
#define ABI_FAM_KEYS_DEFAULT	4096

struct abi_fam_key {
	__u32 tgid;		/* the waiting (runqueue) or issuing (block) process; 0: none known */
	__u32 a;		/* runqueue: CPU or ABI_FAM_ANY; block: device as the kernel's
				 * dev_t (major << 20 | minor) */
	__u32 b;		/* block: enum abi_block_op; runqueue: 0 */
	__u32 pad;
	char comm[ABI_COMM_LEN];
	__u64 cgid;		/* cgroup v2 id of the waiting (runqueue) or issuing (block) task */
};

enum abi_block_op {
	ABI_BLOCK_READ = 0,
	ABI_BLOCK_WRITE,
	ABI_BLOCK_FLUSH,
	ABI_BLOCK_DISCARD,
	ABI_BLOCK_OTHER,
	ABI_BLOCK_OPS
};

/*
 * One block row: the request's whole time (insert, or issue when the
 * device has no I/O scheduler, to completion) and its two parts. queue
 * stays empty for requests issued without an insert.
 */
struct abi_block_val {
	struct abi_hist total;
	struct abi_hist queue;	/* insert -> issue */
	struct abi_hist device;	/* issue -> complete */
};

/* Per-CPU counters of the families on abi_fam_key; user space sums over CPUs. */
enum abi_fam_counter {
	ABI_FCNT_MAP_FULL = 0,	/* a row could not be inserted */
	ABI_FCNT_INFLIGHT_FULL,	/* a start (wakeup, request) could not be remembered */
	ABI_FCNT_NR
};

_Static_assert(sizeof(struct abi_fam_key) == 40, "abi_fam_key layout");

/*
 * Function latency (bpf/funcs.bpf.c; -u BINARY:FUNCTION, --usdt): rows on
 * struct abi_fam_key with a = the probe's id (its index in the run's probe
 * list, user space keeps binary and name) and b = enum abi_func_kind;
 * values struct abi_hist. A glob's matches take one id each.
 */
#define ABI_MAX_FUNCS		64

enum abi_func_kind {
	ABI_FUNC_UPROBE = 0,	/* entry -> return of a function */
	ABI_FUNC_USDT_COUNT,	/* a USDT probe, counted (no latency) */
	ABI_FUNC_USDT_SPAN,	/* USDT START -> END on the same thread */
	ABI_FUNC_KINDS
};

/*
 * Stacks of slow calls (--slow): calls (syscalls, functions) slower than
 * the threshold count their (kernel, user) stack pair per row, in the
 * kernel. The kernel stack of a call that blocked is the one at its last
 * switch-out inside the call. Stack ids index a BPF_MAP_TYPE_STACK_TRACE
 * of ABI_STACK_DEPTH frames; a negative id: no stack of that side.
 */
#define ABI_STACK_DEPTH		64
#define ABI_STACKS_DEFAULT	1024	/* distinct (row, stack pair) entries */
#define ABI_STACK_FUNC		(1u << 30)	/* what: ABI_STACK_FUNC | probe id, not a syscall */

struct abi_stack_key {
	__u32 tgid;
	__u32 what;		/* syscall number (no ABI_SYS_NR_WAIT), or ABI_STACK_FUNC | probe id */
	__s32 kstack_id;
	__s32 ustack_id;
	__u64 pstart_ns;	/* the process's start, as abi_sys_key */
	__u64 cgid;		/* as the row's key */
};

struct abi_stack_val {
	__u64 count;
	__u64 max_ns;
	char comm[ABI_COMM_LEN];
};

_Static_assert(sizeof(struct abi_stack_key) == 32, "abi_stack_key layout");
_Static_assert(sizeof(struct abi_stack_val) == 32, "abi_stack_val layout");

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
