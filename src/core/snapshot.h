/*
 * snapshot.h - one immutable picture of a tick, produced by a source
 * (live BPF, replay, simulation) and read by every consumer.
 *
 * A snapshot owns its row array. The producer fills a snapshot in place
 * (snapshot_reserve_sys grows it), publishes it through the SPSC ring, and
 * never touches it again until the consumer has released it.
 */
#ifndef LATTOP_CORE_SNAPSHOT_H
#define LATTOP_CORE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"
#include "core/hist.h"

/* Counters shown to the operator; interval and since-start variants. */
struct snap_counters {
	uint64_t events;		/* syscalls counted */
	uint64_t lost;			/* events not counted: map full, no task storage, ring drops,
					 * forks of a followed tree beyond ABI_TREE_MAX */
	uint64_t evicted;		/* keys dropped to stay within limits */
	uint64_t dropped_snapshots;	/* snapshots the ring had no room for */
	uint64_t client_evicted;	/* client rows the kernel LRU dropped for new ones */
	uint64_t client_lost;		/* connections/rows/samples the kernel could not store */
};

/*
 * One histogram of a (process, syscall) row: the exact summary of struct
 * abi_hist plus its non-empty slots, kept sparse in snapshot.buckets (a
 * full histogram is 2.4 KiB; a typical row has a few dozen slots in use).
 */
struct snap_hist {
	uint64_t count;
	uint64_t errors;
	uint64_t timed;			/* == sum of the bucket counts */
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t part_ns[ABI_PARTS];	/* syscalls, breakdown on: sum_ns split (enum abi_part) */
	uint32_t first;			/* its first bucket in snapshot.buckets */
	uint32_t n;			/* its number of buckets */
};

/* One (process, syscall) row. */
struct snap_sys_row {
	uint32_t pid;			/* tgid */
	uint32_t nr;			/* syscall number */
	uint64_t pstart_ns;		/* identifies the process with pid */
	char comm[ABI_COMM_LEN];	/* raw bytes from the kernel: untrusted */
	bool exited;			/* process has exited; row ages out */
	bool wait;			/* calls that waited for an event (enum abi_sys_class):
					 * one syscall of one process can have a work and a wait row */
	uint64_t cgroup_id;		/* cgroup v2 id (snapshot.cgroups names it); part of the key */
	struct snap_hist interval;	/* this tick only (tick + trunc) */
	struct snap_hist total;		/* since lattop started */
};

/* One latency distribution of a client row: summary plus sparse buckets. */
struct snap_lat {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t p50_ns, p90_ns, p99_ns;
	uint32_t first;			/* its first bucket in snapshot.buckets */
	uint32_t n;			/* its number of buckets */
};

/*
 * The counters of a client row, listed once for the struct, the model's
 * deltas, JSON and the recording. Each list is in recording order:
 * _V1 are written inline in a recorded row, fields added later in the
 * tick's row extension (core/rec_tick.c), so older recordings stay
 * readable. A new counter goes at the end of the newest list (or a new one).
 */
#define SNAP_CLIENT_COUNTERS_V1(X)						\
	X(connections)	/* opened and seen opening (IN: accepted, OUT: established) */ \
	X(closed)	/* closed, adopted ones too */				\
	X(failed)	/* outgoing connects that failed */			\
	X(requests)							\
	X(bytes_in)							\
	X(bytes_out)							\
	X(resets)							\
	X(retransmits)
/* Recording format 2. */
#define SNAP_CLIENT_COUNTERS_V2(X)						\
	X(adopted)	/* open before lattop started, first seen by their traffic */
#define SNAP_CLIENT_COUNTERS(X) SNAP_CLIENT_COUNTERS_V1(X) SNAP_CLIENT_COUNTERS_V2(X)

struct snap_client_counts {
#define SNAP_X(name) uint64_t name;
	SNAP_CLIENT_COUNTERS(SNAP_X)
#undef SNAP_X
};

/* One (remote address, port, process, direction) row. */
struct snap_client_row {
	struct abi_client_key key;
	char comm[ABI_COMM_LEN];	/* raw bytes from the kernel: untrusted */
	uint64_t open;			/* connections open at the end of the tick, adopted too */
	struct snap_client_counts interval;
	struct snap_client_counts total;
	struct snap_lat req;		/* request latency, this tick */
	struct snap_lat req_total;	/* request latency, since start */
	struct snap_lat conn;		/* lifetime (IN) or connect latency (OUT), this tick */
	struct snap_lat conn_total;
};

/* What the per-client tables can show on this run, and why not. */
enum snap_clients_state {
	SNAP_CLIENTS_OFF = 0,		/* not collected (disabled, or no source) */
	SNAP_CLIENTS_CONN_ONLY,		/* connections yes, request latency unavailable */
	SNAP_CLIENTS_ON,
};

/*
 * The latency tables of the families after syscalls and clients, all in
 * one shape (core/family.h names their key fields and parts): a key, a
 * histogram of the whole latency and up to SNAP_FAM_PARTS histograms of
 * its parts, this tick and since start.
 */
enum snap_family { SNAP_FAM_RUNQ = 0, SNAP_FAM_BLOCK, SNAP_FAM_FUNC, SNAP_FAM_NR };

#define SNAP_FAM_PARTS 2		/* block: queue, device */
#define SNAP_LABEL_LEN 64

struct snap_fam_row {
	struct abi_fam_key key;		/* comm: raw bytes from the kernel, untrusted */
	char label[SNAP_LABEL_LEN];	/* block: device name ("loop3"); functions: the function
					 * (demangled) or "provider:probe[->end]"; untrusted */
	char detail[SNAP_LABEL_LEN];	/* functions: the binary's path (its tail if longer) */
	struct snap_hist interval;	/* this tick (tick + trunc) */
	struct snap_hist total;		/* since lattop started */
	struct snap_hist part[SNAP_FAM_PARTS];		/* this tick, by part */
	struct snap_hist part_total[SNAP_FAM_PARTS];
};

/* Whether a family collected this run, and why not. */
enum snap_fam_state { SNAP_FAM_OFF = 0, SNAP_FAM_ON };

struct snap_table {
	uint32_t state;			/* enum snap_fam_state */
	char note[120];			/* why off, or what is partial ("no I/O scheduler: queue 0") */
	uint64_t lost, lost_total;	/* events the kernel could not store (this tick, since start) */
	uint64_t evicted, evicted_total;/* rows dropped to stay within limits */
	size_t n;
	size_t cap;
	struct snap_fam_row *rows;	/* n rows, in no particular order */
};

/* lattop's own BPF programs, by probe family (live only; not recorded). */
enum snap_probe_family {
	SNAP_PROBE_SYSCALLS, SNAP_PROBE_CLIENTS, SNAP_PROBE_RUNQ, SNAP_PROBE_BLOCK, SNAP_PROBE_FUNCS,
	SNAP_PROBE_NR
};

/*
 * One distinct stack of slow calls (--slow) of one row: a syscall row
 * (what = syscall number) or a function row (what = SNAP_STACK_FUNC |
 * its key.a). Frames are symbolised text in snapshot.frames: n_kernel
 * kernel frames then n_user user frames, each innermost first. A frame
 * that could not be resolved is "[unknown]". Names are untrusted.
 */
#define SNAP_STACK_FUNC ABI_STACK_FUNC

enum snap_stack_flags {
	SNAP_STACK_TRUNCATED = 1 << 0,	/* the user walk ended early: no frame pointers? */
	SNAP_STACK_LEAF = 1 << 1,	/* starts in a frameless leaf: its first caller may be missing */
	SNAP_STACK_REPAIRED = 1 << 2,	/* ... and was put back from the return address at sp */
};

struct snap_stack {
	uint32_t pid;
	uint32_t what;			/* syscall number, or SNAP_STACK_FUNC | probe id */
	uint64_t pstart_ns;
	uint64_t cgroup_id;		/* the row's cgroup v2 id */
	char comm[ABI_COMM_LEN];	/* raw bytes from the kernel: untrusted */
	uint64_t count;			/* this tick */
	uint64_t count_total;		/* since lattop started */
	uint64_t max_ns;		/* slowest call with this stack, since start */
	uint32_t first;			/* its first frame in snapshot.frames */
	uint16_t n_kernel, n_user;
	uint32_t flags;			/* enum snap_stack_flags */
};

/*
 * Their run time this tick, from the kernel's BPF statistics: counted only
 * while kernel.bpf_stats_enabled is on (@on). Zero otherwise.
 */
struct snap_probe_cost {
	bool on;			/* statistics were on during this tick */
	bool held;			/* lattop holds them on (the 'B' key) */
	uint64_t run_ns[SNAP_PROBE_NR];
	uint64_t run_cnt[SNAP_PROBE_NR];
};

/*
 * What a cgroup v2 id is, for the operator: rows carry only the id
 * (sys row cgroup_id, client/family key.cgid); the snapshot names every id
 * its rows use. Kinds are what the path was recognised as.
 */
enum snap_cgroup_kind {
	SNAP_CG_UNRESOLVED = 0,		/* no path known for the id (no v2 hierarchy, or gone) */
	SNAP_CG_ROOT,			/* the hierarchy's root: not in any container or service */
	SNAP_CG_PATH,			/* a cgroup not recognised as below: named by its path */
	SNAP_CG_SYSTEMD,		/* a systemd unit: service, scope, slice ("nginx.service") */
	SNAP_CG_DOCKER,			/* a container: docker, containerd (cri-containerd), CRI-O, */
	SNAP_CG_CONTAINERD,		/* Podman (libpod); name "docker:3f2a1b0c9d8e" (12 hex) or */
	SNAP_CG_CRIO,			/* the runtime's own name when it is readable */
	SNAP_CG_PODMAN,
	SNAP_CG_POD,			/* a Kubernetes pod or its container ("pod 5f1c…/3f2a1b0c9d8e") */
	SNAP_CG_KINDS
};

#define SNAP_CGROUP_PATH_LEN 256
#define SNAP_CGROUP_NAME_LEN 96

struct snap_cgroup {
	uint64_t id;			/* cgroup v2 id: the kernfs inode number of its directory */
	uint32_t kind;			/* enum snap_cgroup_kind */
	bool gone;			/* removed since: its rows age out */
	char path[SNAP_CGROUP_PATH_LEN];/* below the v2 mount ("/" for the root; "" unresolved;
					 * tail kept if longer); untrusted */
	char name[SNAP_CGROUP_NAME_LEN];/* what an operator recognises (see kinds); untrusted */
};

/* Whether rows carry cgroups this run. */
enum snap_cgroups_state {
	SNAP_CGROUPS_OFF = 0,		/* not known (recordings before cgroups, simulation off) */
	SNAP_CGROUPS_NO_V2,		/* no cgroup v2 hierarchy mounted: ids without names */
	SNAP_CGROUPS_ON,
};

#define SNAP_SOURCE_LEN 16
#define SNAP_NOTE_LEN 120
#define SNAP_HOST_LEN 64

/*
 * One host of the fleet view (source "fleet"): what Prometheus holds for
 * one lattop exporter. @name is its host label (or instance): untrusted.
 */
struct snap_host {
	char name[SNAP_HOST_LEN];
	bool up;			/* Prometheus's last scrape of it worked */
	uint64_t calls, calls_total;	/* syscalls this tick, since the exporter started */
	uint64_t errors, errors_total;
	uint64_t lost, lost_total;	/* lattop_lost_events_total, all families */
	uint64_t worst_p99_ns;		/* largest p99 of its syscall rows this tick (0: no calls) */
	uint32_t n_rows;		/* its (comm, syscall) rows */
};

struct snapshot {
	uint64_t seq;			/* tick number, from 1 */
	uint64_t ts_ns;			/* CLOCK_REALTIME at the end of the tick */
	uint64_t interval_ns;		/* measured length of this tick (CLOCK_MONOTONIC) */
	uint64_t elapsed_ns;		/* since collection started */
	bool simulated;			/* data is synthetic: outputs say SIMULATED */
	bool final;			/* the last tick, cut short by a stop signal */
	uint32_t sample_every;		/* 1 = every syscall timed; N = one in N */
	char source[SNAP_SOURCE_LEN];	/* "bpf", "simulate", "replay" */
	struct snap_counters interval;
	struct snap_counters total;
	struct snap_probe_cost probe_cost;	/* this tick; live BPF only */
	size_t n_sys;
	size_t cap_sys;
	struct snap_sys_row *sys;	/* n_sys rows, in no particular order */
	uint32_t clients_state;		/* enum snap_clients_state */
	char clients_note[SNAP_NOTE_LEN];/* why something is unavailable; "" if all is */
	size_t n_clients;
	size_t cap_clients;
	struct snap_client_row *clients;/* n_clients rows, in no particular order */
	bool breakdown;			/* syscall rows carry part_ns (enum abi_part) */
	struct snap_table fam[SNAP_FAM_NR];	/* run queue, block I/O, ... */
	size_t n_buckets;
	size_t cap_buckets;
	struct hist_bucket *buckets;	/* all rows' histograms (snap_hist, snap_lat: first/n) */
	/* --slow: stacks of calls slower than slow_ns (0: off). */
	uint64_t slow_ns;
	uint64_t stacks_dropped, stacks_dropped_total;	/* not stored: the kernel's maps were full */
	size_t n_stacks;
	size_t cap_stacks;
	struct snap_stack *stacks;	/* n_stacks, in no particular order */
	size_t n_frames;
	size_t cap_frames;
	uint32_t *frames;		/* offsets into frame_text, one per frame */
	size_t frame_text_len;
	size_t cap_frame_text;
	char *frame_text;		/* NUL-terminated frame names, back to back */
	/* cgroups named by the rows' ids (every id a row uses), sorted by id. */
	uint32_t cgroups_state;		/* enum snap_cgroups_state */
	char cgroups_note[SNAP_NOTE_LEN];/* "no cgroup v2 hierarchy" etc.; "" if none */
	size_t n_cgroups;
	size_t cap_cgroups;
	struct snap_cgroup *cgroups;
	/* The PID namespace pids are shown in (live): 0 when it is the initial one. */
	uint64_t pidns_ino;
	/* Fleet view only (source "fleet"); empty otherwise. */
	char note[SNAP_NOTE_LEN];	/* the source's trouble, for the status line: "" if none */
	bool stale;			/* the rows are the last good ones, not this tick's */
	size_t n_hosts;
	size_t cap_hosts;
	struct snap_host *hosts;	/* n_hosts hosts, sorted by name */
};

/* Zeroed snapshot with no rows. */
void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* Drop all rows, keep capacity. */
void snapshot_reset(struct snapshot *s);

/* Bytes @s's arrays have room for (their capacity, used or not). */
size_t snapshot_capacity_bytes(const struct snapshot *s);

/* @dst gets @src's header and counters but no rows (it keeps its own arrays, emptied). */
void snapshot_copy_header(struct snapshot *dst, const struct snapshot *src);

/* Append a zeroed row; NULL with errno=ENOMEM when growing fails. */
struct snap_sys_row *snapshot_add_sys(struct snapshot *s);

/* Append a zeroed client row; NULL with errno=ENOMEM when growing fails. */
struct snap_client_row *snapshot_add_client(struct snapshot *s);

/* Append a zeroed host; NULL with errno=ENOMEM when growing fails. */
struct snap_host *snapshot_add_host(struct snapshot *s);

/* Append a zeroed row to family @f's table; NULL with errno=ENOMEM when growing fails. */
struct snap_fam_row *snapshot_add_fam(struct snapshot *s, enum snap_family f);

/*
 * Append a zeroed cgroup; NULL with errno=ENOMEM. Add them in id order (or
 * call snapshot_sort_cgroups after): snapshot_cgroup searches by id.
 */
struct snap_cgroup *snapshot_add_cgroup(struct snapshot *s);
void snapshot_sort_cgroups(struct snapshot *s);

/* The cgroup named @id in @s, or NULL. */
const struct snap_cgroup *snapshot_cgroup(const struct snapshot *s, uint64_t id);

/* Append a zeroed stack (its first = s->n_frames); NULL with errno=ENOMEM. */
struct snap_stack *snapshot_add_stack(struct snapshot *s);

/* Append frame @name (copied; the caller counts it in its stack's n_kernel/n_user). 0 or -ENOMEM. */
int snapshot_add_frame(struct snapshot *s, const char *name);

/* Frame @i of @st of @s (0 .. n_kernel + n_user - 1: kernel frames, then user frames). */
static inline const char *snap_stack_frame(const struct snapshot *s, const struct snap_stack *st,
					   unsigned int i)
{
	return &s->frame_text[s->frames[st->first + i]];
}

/* Room for @n more buckets at s->buckets + s->n_buckets. 0 or -ENOMEM. */
int snapshot_reserve_buckets(struct snapshot *s, size_t n);

/* The buckets of @l (a snap_lat of one of @s's client rows). */
static inline const struct hist_bucket *snap_lat_buckets(const struct snapshot *s,
							 const struct snap_lat *l)
{
	return l->n ? &s->buckets[l->first] : NULL;
}

/*
 * Store @h in @s as *@out: its summary, and its non-empty slots appended to
 * s->buckets. @out may point into s->sys. 0 or -ENOMEM.
 */
int snapshot_put_hist(struct snapshot *s, struct snap_hist *out, const struct abi_hist *h);

/* Store a histogram given as a summary (@sum; its first/n are ignored) and @n sparse buckets. */
int snapshot_put_sparse(struct snapshot *s, struct snap_hist *out, const struct snap_hist *sum,
			const struct hist_bucket *b, size_t n);

/* The buckets of @h (a snap_hist of one of @s's rows). */
static inline const struct hist_bucket *snap_hist_buckets(const struct snapshot *s,
							  const struct snap_hist *h)
{
	return h->n ? &s->buckets[h->first] : NULL;
}

/* @h of @s as a full histogram in @out. */
void snapshot_hist_expand(const struct snapshot *s, const struct snap_hist *h,
			  struct abi_hist *out);

/* dst += @h of @s (as hist_merge). */
void snapshot_hist_merge(const struct snapshot *s, const struct snap_hist *h,
			 struct abi_hist *dst);

/* hist_percentile_ns of @h of @s. */
uint64_t snapshot_hist_percentile_ns(const struct snapshot *s, const struct snap_hist *h,
				     double pct);

/* Deep copy @src into @dst (dst must be initialised). 0 or -ENOMEM. */
int snapshot_copy(struct snapshot *dst, const struct snapshot *src);

/* The map key's nr word of @r: syscall number | ABI_SYS_NR_WAIT. */
static inline uint32_t snap_sys_key_nr(const struct snap_sys_row *r)
{
	return r->nr | (r->wait ? ABI_SYS_NR_WAIT : 0);
}

/* @r's syscall number and wait flag from a map key's nr word. */
static inline void snap_sys_set_key_nr(struct snap_sys_row *r, uint32_t key_nr)
{
	r->nr = key_nr & ABI_SYS_NR_MASK;
	r->wait = (key_nr & ABI_SYS_NR_WAIT) != 0;
}

/* The histogram a view wants: interval or cumulative. */
static inline const struct snap_hist *snap_row_hist(const struct snap_sys_row *r, bool cumulative)
{
	return cumulative ? &r->total : &r->interval;
}

#endif
