/*
 * probe_family.h - one descriptor per probe family (syscalls, clients, run
 * queue, block I/O, ...) and the one loader they share.
 *
 * The loader opens a family's BPF skeleton, lets the family configure it
 * (rodata, map sizes), and loads and attaches it with the best attach
 * flavour the kernel takes: tp_btf, then raw_tp, then classic tracepoints.
 * A program's flavour is its section ("tp_btf/", "raw_tp/", "tp/"); only
 * the programs of the flavour being tried are loaded; programs of other
 * sections always are. Failures come back as one line that says what to
 * do: not root, descriptors exhausted, BTF unreadable, or where the
 * verifier's log was saved.
 */
#ifndef LATTOP_COLLECT_PROBE_FAMILY_H
#define LATTOP_COLLECT_PROBE_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/probe_opts.h"
#include "core/snapshot.h"

struct bpf_object;
struct bpf_object_skeleton;

enum probe_flavour { PROBE_TP_BTF = 0, PROBE_RAW_TP, PROBE_TP, PROBE_FLAVOUR_NR };

#define PROBE_FLAVOUR_BIT(f)	(1u << (f))
#define PROBE_FLAVOURS_ALL	((1u << PROBE_FLAVOUR_NR) - 1)

/* "tp_btf", "raw_tp", "tracepoint". */
const char *probe_flavour_name(enum probe_flavour f);

/* A family's BPF skeleton, whatever its generated type (PROBE_SKEL_OPS). */
struct probe_skel_ops {
	void *(*open)(void);
	void (*destroy)(void *skel);
	struct bpf_object_skeleton *(*skeleton)(void *skel);
};

/* static const struct probe_skel_ops NAME_skel_ops, for the skeleton NAME.skel.h. */
#define PROBE_SKEL_OPS(name)							\
	static void *name##_skel_open(void) { return name##_bpf__open(); }	\
	static void name##_skel_destroy(void *s) { name##_bpf__destroy(s); }	\
	static struct bpf_object_skeleton *name##_skel_skeleton(void *s)	\
	{ return ((struct name##_bpf *)s)->skeleton; }				\
	static const struct probe_skel_ops name##_skel_ops = {			\
		name##_skel_open, name##_skel_destroy, name##_skel_skeleton }

struct probe_load_req {
	const struct probe_skel_ops *skel;
	unsigned int flavours;		/* PROBE_FLAVOUR_BIT()s the family has programs for */
	const char *what;		/* for messages: "the syscall programs" */
	/* Before load, for flavour @f: rodata, map sizes, programs not wanted. 0 or -errno. */
	int (*configure)(void *skel, enum probe_flavour f, void *ctx);
	/* Optional: after load, before attach (seed maps). 0 or -errno. */
	int (*loaded)(void *skel, void *ctx);
	void *ctx;
};

/*
 * Open, configure, load and attach @req's skeleton with the best flavour.
 * On success *@skel is the skeleton (free with req->skel->destroy) and
 * *@used its flavour. On failure a negative errno and the reason in @err.
 */
int probe_load(const struct probe_load_req *req, void **skel, enum probe_flavour *used,
	       char *err, size_t errlen);

/* The bpf_object of a skeleton loaded by probe_load. */
struct bpf_object *probe_object(const struct probe_load_req *req, void *skel);

/*
 * The -p / -c pre-filter into a program's rodata (bpf/lib/filter.bpf.h:
 * cfg_pids[ABI_MAX_PID_FILTER], cfg_comm[ABI_COMM_LEN]), the same for every
 * family. Returns @pid_flag and/or @comm_flag: the cfg_flags bits to set.
 */
uint32_t probe_set_prefilter(__u32 *cfg_pids, char *cfg_comm, const uint32_t *pids, size_t n_pids,
			     const char *comm, uint32_t pid_flag, uint32_t comm_flag);

/*
 * The cgroup settings into a program's rodata (bpf/lib/cgroup.bpf.h), the
 * same for every family: @ids keys rows by cgroup v2 id; @filter[@n] are
 * the --cgroup ids (the kernel checks ancestry: below them is in too).
 */
void probe_set_cgroups(__u8 *cfg_ids, __u8 *cfg_filtering, __u64 *cfg_filter, bool ids,
		       const uint64_t *filter, size_t n);

/* Does the running kernel have tracepoint @name (e.g. "block_rq_insert")? */
bool probe_kernel_has_tracepoint(const char *name);

/*
 * A probe family at run time. The live source (bpf_source.c) opens each
 * family asked for, ticks them in order into one snapshot, and closes them.
 */
struct probe_family {
	const char *name;		/* "syscalls", "clients", "runqueue", "block" */
	enum snap_probe_family cost;	/* where its BPF run time is shown */
	const char *off_option;		/* the option that turns it off ("--no-block"); NULL: required */
	/* Is it asked for? NULL: always. */
	bool (*wanted)(const struct bpf_source_opts *o);
	/* Collector thread: say in @out that the family is off, and why (@note). */
	void (*off)(struct snapshot *out, const char *note);
	/*
	 * Main thread. 0 with *@ctx set, or a negative errno and why in @note
	 * (then the family is off and its note is shown; the syscall family's
	 * failure stops lattop).
	 */
	int (*open)(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen);
	/* Collector thread: this tick's rows and counters into @out. 0 or -errno. */
	int (*tick)(void *ctx, struct snapshot *out);
	/* Optional, collector thread: the next tick is the last; settle what is held back. */
	void (*finish)(void *ctx);
	/* One phrase for the status line: flavour, limits. */
	const char *(*features)(void *ctx);
	/* Cumulative run time and runs of its programs (kernel BPF statistics). */
	void (*run_time)(void *ctx, uint64_t *run_ns, uint64_t *run_cnt);
	/* Optional, collector thread: cgroup @cgid was removed; its rows age out. */
	void (*cgroup_gone)(void *ctx, uint64_t cgid);
	/* Optional, main thread: --slow threshold from now on (0: off). 0 or -errno. */
	int (*set_slow_ns)(void *ctx, uint64_t slow_ns);
	void (*close)(void *ctx);
};

#endif
