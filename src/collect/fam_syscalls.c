/*
 * fam_syscalls.c - the syscall family: every syscall's latency per
 * (process, syscall) from bpf/syscalls.bpf.c, process exits through its
 * ring buffer, and (with the breakdown on) where each call's time went.
 * Collector thread after open.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_stats.h"
#include "collect/fam_syscalls.h"
#include "collect/stack_reader.h"
#include "collect/families.h"
#include "core/model.h"
#include "core/wait_class.h"
/* The generated skeleton casts away const; that is bpftool's business. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "syscalls.skel.h"
#pragma GCC diagnostic pop

#define READ_BATCH 256
#define AGE_TICKS 10

PROBE_SKEL_OPS(syscalls);

/* A process exit read from the ring buffer, applied to the model after the map read. */
struct exit_rec {
	uint32_t tgid;
	uint64_t pstart_ns;
};

struct sys_family {
	struct syscalls_bpf *skel;
	const struct bpf_source_opts *o;	/* open() only */
	struct ring_buffer *rb;
	struct model *model;
	int hist_fd;
	int nr_cpus;
	uint32_t sample_every;
	bool breakdown;
	struct abi_sys_key *keys;	/* READ_BATCH */
	struct abi_hist *vals;		/* READ_BATCH */
	uint64_t *cpu_vals;		/* nr_cpus */
	uint64_t counters_prev[ABI_CNT_NR];
	uint64_t stacks_dropped_total;
	struct stack_reader *stacks;	/* --slow stacks (always there: the dashboard may turn it on) */
	_Atomic uint64_t slow_ns;	/* 0: off; written by the main thread (set_slow_ns) */
	bool switch_attached;		/* sched_switch runs: kernel stacks where calls blocked */
	struct snap_counters total;
	struct exit_rec *exits;		/* exits seen this tick */
	size_t n_exits, cap_exits;	/* bounded by what the ring buffer holds */
	uint64_t lost_at_finish;	/* batched calls the full map could not take (sys_finish) */
	char features[160];
};

/* --max-stacks, or the default for callers that do not set it (lattop run). */
static uint32_t max_stacks(const struct bpf_source_opts *o)
{
	return o->max_stacks ? o->max_stacks : ABI_STACKS_DEFAULT;
}

static int configure(void *skel_v, enum probe_flavour f, void *ctx)
{
	struct syscalls_bpf *skel = skel_v;
	struct sys_family *s = ctx;
	const struct bpf_source_opts *o = s->o;
	uint32_t flags = 0;

	flags |= probe_set_prefilter(skel->rodata->cfg_pids, skel->rodata->cfg_comm, o->pids,
				     o->n_pids, o->comm, ABI_CFG_FILTER_PID, ABI_CFG_FILTER_COMM);
	probe_set_cgroups(&skel->rodata->cfg_cgroup_ids, &skel->rodata->cfg_cgroup_filtering,
			  skel->rodata->cfg_cgroup_filter, o->cgroup_ids, o->cgroup_filter,
			  o->n_cgroup_filter);
	if (o->follow_tgid)
		flags |= ABI_CFG_FILTER_TREE;
	/* The breakdown needs both tasks of a switch typed: tp_btf only. */
	if (s->breakdown && f == PROBE_TP_BTF)
		flags |= ABI_CFG_BREAKDOWN;
	skel->rodata->cfg_flags = flags;
	/* One in N timed: prandom <= 2^32/N - 1; N == 1 skips the random draw. */
	skel->rodata->cfg_sample_threshold = o->sample_every <= 1 ? 0xffffffffu :
		(uint32_t)((1ull << 32) / o->sample_every - 1);
	/* The wait list, by number: the kernel side marks each wait call in its key. */
	_Static_assert(sizeof(skel->rodata->cfg_sys_class) == ABI_SYS_CLASS_NR, "class table");
	wait_class_fill((uint8_t *)skel->rodata->cfg_sys_class, ABI_SYS_CLASS_NR);
	bpf_map__set_max_entries(skel->maps.sys_hist, o->max_keys);
	/* The map must exist; keep it at the minimum when no tree is followed. */
	if (!o->follow_tgid) {
		bpf_map__set_max_entries(skel->maps.tree_pids, 1);
		/* Forks matter only when a process tree is followed (lattop run). */
		bpf_program__set_autoload(skel->progs.btf_proc_fork, false);
		bpf_program__set_autoload(skel->progs.raw_proc_fork, false);
		bpf_program__set_autoload(skel->progs.tp_proc_fork, false);
	}
	/*
	 * sched_switch: the breakdown, and --slow's kernel stack where a call
	 * blocked. Without it (other flavours, or --slow first set from the
	 * dashboard under --no-breakdown) the kernel stack is the one at exit.
	 */
	/*
	 * Calls in flight in a per-CPU record instead of the thread's task
	 * storage (two helper calls less a syscall): needs sched_switch to hand
	 * a call over when its thread leaves the CPU, and no pre-filter whose
	 * verdict the slot caches (-c, a followed tree, --cgroup).
	 */
	skel->rodata->cfg_cpu_calls = f == PROBE_TP_BTF && !(flags & ABI_CFG_FILTER_COMM) &&
				      !o->follow_tgid && !skel->rodata->cfg_cgroup_filtering;
	s->switch_attached = ((s->breakdown || o->slow_ns) && f == PROBE_TP_BTF) ||
			     skel->rodata->cfg_cpu_calls;
	bpf_program__set_autoload(skel->progs.btf_sys_switch, s->switch_attached);
	/* --slow: 4 stack ids per entry leave room for the (kernel, user) pairs and collisions. */
	bpf_map__set_max_entries(skel->maps.slow_stacks, max_stacks(o));
	bpf_map__set_max_entries(skel->maps.stack_traces, 4 * max_stacks(o));
	skel->data->cfg_slow_ns = o->slow_ns ? o->slow_ns : ~0ull;
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct sys_family *s = ctx;
	const struct abi_event *ev = data;

	if (size < sizeof(*ev))
		return 0;
	if (ev->kind != ABI_EV_PROC_EXIT)
		return 0;
	if (s->n_exits == s->cap_exits) {
		size_t cap = s->cap_exits ? s->cap_exits * 2 : 256;
		struct exit_rec *exits = realloc(s->exits, cap * sizeof(*exits));

		if (!exits)
			return -ENOMEM;	/* stops this consume; the rest waits in the ring */
		s->exits = exits;
		s->cap_exits = cap;
	}
	s->exits[s->n_exits].tgid = ev->tgid;
	s->exits[s->n_exits].pstart_ns = ev->pstart_ns;
	s->n_exits++;
	return 0;
}

static void retire_key(const struct abi_sys_key *key, void *ctx)
{
	struct sys_family *s = ctx;

	bpf_map_delete_elem(s->hist_fd, key);
}

/* Slow path for kernels without batch lookups on hash maps. */
static int read_map_by_key(struct sys_family *s)
{
	struct abi_sys_key key, next;
	void *prev = NULL;
	int ret;

	while (bpf_map_get_next_key(s->hist_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(s->hist_fd, &next, &s->vals[0]) == 0) {
			abi_sys_hist_complete(&s->vals[0], s->sample_every > 1, s->breakdown);
			ret = model_update(s->model, &next, &s->vals[0]);
			if (ret)
				return ret;
		}
		key = next;
		prev = &key;
	}
	return 0;
}

static int read_map(struct sys_family *s)
{
	struct abi_sys_key token;
	void *in = NULL;
	uint32_t count;
	int ret;

	for (;;) {
		count = READ_BATCH;
		ret = bpf_map_lookup_batch(s->hist_fd, in, &token, s->keys, s->vals, &count, NULL);
		if (ret && errno != ENOENT)
			return in ? -errno : read_map_by_key(s);
		for (uint32_t i = 0; i < count; i++) {
			int uret;

			abi_sys_hist_complete(&s->vals[i], s->sample_every > 1, s->breakdown);
			uret = model_update(s->model, &s->keys[i], &s->vals[i]);

			if (uret)
				return uret;
		}
		if (ret)
			return 0;	/* ENOENT: that was the last batch */
		in = &token;
	}
}

static void read_counters(struct sys_family *s, struct snap_counters *iv, uint64_t *stacks_dropped)
{
	int fd = bpf_map__fd(s->skel->maps.counters);
	uint64_t now[ABI_CNT_NR] = { 0 };

	for (uint32_t idx = 0; idx < ABI_CNT_NR; idx++) {
		if (bpf_map_lookup_elem(fd, &idx, s->cpu_vals))
			continue;
		for (int c = 0; c < s->nr_cpus; c++)
			now[idx] += s->cpu_vals[c];
	}
	iv->lost = (now[ABI_CNT_MAP_FULL] - s->counters_prev[ABI_CNT_MAP_FULL]) +
		   (now[ABI_CNT_NO_TASK_STORE] - s->counters_prev[ABI_CNT_NO_TASK_STORE]) +
		   (now[ABI_CNT_RB_DROPPED] - s->counters_prev[ABI_CNT_RB_DROPPED]) +
		   (now[ABI_CNT_TREE_FULL] - s->counters_prev[ABI_CNT_TREE_FULL]) +
		   s->lost_at_finish;
	s->lost_at_finish = 0;
	*stacks_dropped = now[ABI_CNT_STACKS_DROPPED] - s->counters_prev[ABI_CNT_STACKS_DROPPED];
	memcpy(s->counters_prev, now, sizeof(now));
}

static int sys_tick(void *ctx, struct snapshot *out)
{
	struct sys_family *s = ctx;
	struct snap_counters iv = { 0 };
	uint64_t stacks_dropped = 0;
	int ret;

	/* Exits first: a process that ended this tick still has its last counts read below. */
	ring_buffer__consume(s->rb);
	model_begin(s->model);
	ret = read_map(s);
	if (ret)
		return ret;
	/*
	 * Exits are applied after the read: a process that started and ended
	 * within this tick has its keys only now.
	 */
	for (size_t i = 0; i < s->n_exits; i++)
		model_mark_exited(s->model, s->exits[i].tgid, s->exits[i].pstart_ns);
	s->n_exits = 0;
	read_counters(s, &iv, &stacks_dropped);
	ret = model_emit(s->model, out, &iv.evicted, retire_key, s);
	if (ret)
		return ret;
	for (size_t i = 0; i < out->n_sys; i++)
		iv.events += out->sys[i].interval.count;
	s->total.events += iv.events;
	s->total.lost += iv.lost;
	s->total.evicted += iv.evicted;
	out->interval.events = iv.events;
	out->interval.lost = iv.lost;
	out->interval.evicted = iv.evicted;
	out->total.events = s->total.events;
	out->total.lost = s->total.lost;
	out->total.evicted = s->total.evicted;
	out->sample_every = s->sample_every;
	out->breakdown = s->breakdown;
	s->stacks_dropped_total += stacks_dropped;
	out->slow_ns = atomic_load(&s->slow_ns);
	out->stacks_dropped = stacks_dropped;
	out->stacks_dropped_total = s->stacks_dropped_total;
	return stack_reader_read(s->stacks, out);
}

static void sys_close(void *ctx)
{
	struct sys_family *s = ctx;

	if (!s)
		return;
	ring_buffer__free(s->rb);
	stack_reader_free(s->stacks);
	syscalls_bpf__destroy(s->skel);
	model_free(s->model);
	free(s->keys);
	free(s->vals);
	free(s->cpu_vals);
	free(s->exits);
	free(s);
}

static int sys_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	struct sys_family *s = calloc(1, sizeof(*s));
	struct probe_load_req req = {
		.skel = &syscalls_skel_ops,
		.flavours = PROBE_FLAVOURS_ALL,
		.what = "the syscall programs",
		.configure = configure,
		.ctx = s,
	};
	enum probe_flavour used = PROBE_TP_BTF;
	void *skel = NULL;
	char timing[32] = "every call timed";
	int ret;

	if (!s) {
		snprintf(note, notelen, "out of memory");
		return -ENOMEM;
	}
	s->o = o;
	s->nr_cpus = libbpf_num_possible_cpus();
	s->keys = calloc(READ_BATCH, sizeof(*s->keys));
	s->vals = calloc(READ_BATCH, sizeof(*s->vals));
	s->cpu_vals = calloc(s->nr_cpus > 0 ? (size_t)s->nr_cpus : 1, sizeof(*s->cpu_vals));
	s->model = model_new((size_t)o->max_keys * 2, AGE_TICKS);
	s->sample_every = o->sample_every ? o->sample_every : 1;
	s->breakdown = o->breakdown;
	if (s->nr_cpus <= 0 || !s->keys || !s->vals || !s->cpu_vals || !s->model) {
		sys_close(s);
		snprintf(note, notelen, "out of memory");
		return -ENOMEM;
	}
	ret = probe_load(&req, &skel, &used, note, notelen);
	if (ret) {
		sys_close(s);
		return ret;
	}
	s->skel = skel;
	s->o = NULL;
	s->breakdown = s->breakdown && used == PROBE_TP_BTF;
	s->hist_fd = bpf_map__fd(s->skel->maps.sys_hist);
	if (o->follow_tgid) {
		uint8_t one = 1;

		/* Before the root runs (its caller holds it): every fork from here on is seen. */
		if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.tree_pids), &o->follow_tgid, &one,
					BPF_ANY)) {
			ret = -errno;
			sys_close(s);
			snprintf(note, notelen, "cannot follow the process tree: %s", strerror(-ret));
			return ret;
		}
	}
	atomic_store(&s->slow_ns, o->slow_ns);
	s->stacks = stack_reader_new(bpf_map__fd(s->skel->maps.slow_stacks),
				     bpf_map__fd(s->skel->maps.stack_traces), max_stacks(o));
	if (!s->stacks) {
		sys_close(s);
		snprintf(note, notelen, "out of memory");
		return -ENOMEM;
	}
	if (o->slow_ns)
		stack_reader_preload(s->stacks);
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_event, s, NULL);
	if (!s->rb) {
		ret = -errno;
		sys_close(s);
		snprintf(note, notelen, "cannot create the BPF ring buffer reader: %s",
			 strerror(-ret));
		return ret;
	}
	if (s->sample_every > 1)
		snprintf(timing, sizeof(timing), "1 in %u timed", s->sample_every);
	snprintf(s->features, sizeof(s->features),
		 "syscalls: %s + %s, %s, %u keys max%s; exits: ring buffer%s",
		 probe_flavour_name(used),
		 s->skel->rodata->cfg_cpu_calls ? "per-CPU call records" : "task storage", timing,
		 o->max_keys,
		 s->breakdown ? ", breakdown (sched_switch)" :
		 o->breakdown ? ", no breakdown (needs tp_btf)" : ", no breakdown (--no-breakdown)",
		 !o->slow_ns ? "" : s->switch_attached ? "; slow stacks: where calls blocked" :
		 "; slow stacks: at exit (needs tp_btf)");
	*ctx = s;
	return 0;
}

static const char *sys_features(void *ctx)
{
	return ((struct sys_family *)ctx)->features;
}

static void sys_run_time(void *ctx, uint64_t *run_ns, uint64_t *run_cnt)
{
	struct sys_family *s = ctx;

	bpf_stats_sum(s->skel->obj, run_ns, run_cnt);
}

const char *fam_syscalls_proc_comm(void *ctx, uint32_t tgid)
{
	return model_proc_comm(((struct sys_family *)ctx)->model, tgid);
}

/* Main thread: the kernel reads cfg_slow_ns at each call's exit (mapped .data). */
static int sys_set_slow_ns(void *ctx, uint64_t slow_ns)
{
	struct sys_family *s = ctx;

	__atomic_store_n(&s->skel->data->cfg_slow_ns, slow_ns ? slow_ns : ~0ull, __ATOMIC_RELAXED);
	atomic_store(&s->slow_ns, slow_ns);
	return 0;
}

static void sys_cgroup_gone(void *ctx, uint64_t cgid)
{
	model_mark_cgroup_gone(((struct sys_family *)ctx)->model, cgid);
}

/* Add batch row @b's calls to its key's value in the map (the programs are detached). */
static int batch_fold(struct sys_family *s, const struct abi_cpu_batch *b)
{
	struct abi_hist h;

	if (bpf_map_lookup_elem(s->hist_fd, &b->key, &h))
		memset(&h, 0, sizeof(h));	/* retired since the row took it: a new one */
	h.count += b->calls;
	h.errors += b->errors;
	return bpf_map_update_elem(s->hist_fd, &b->key, &h, BPF_ANY) ? -errno : 0;
}

/*
 * Collector thread, before the last tick. With --sample, calls not timed
 * wait in per-CPU rows until their thread leaves its CPU or a row fills
 * (bpf/syscalls.bpf.c): up to 31 a row of a thread still running would
 * be left out of the last tick. So the programs stop here, and once none
 * is still running (membarrier's GLOBAL command is a synchronize_rcu(),
 * which waits for every BPF program in flight) the rows are added to the
 * map for the last read. Without --sample nothing is held back.
 */
static void sys_finish(void *ctx)
{
	struct sys_family *s = ctx;
	struct abi_cpu_call *cpus;
	__u32 zero = 0;

	if (!s->skel->rodata->cfg_cpu_calls || s->sample_every <= 1)
		return;
	syscalls_bpf__detach(s->skel);
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		usleep(20 * 1000);	/* nohz_full CPUs refuse it: programs run for microseconds */
	/* A per-CPU value is copied out at 8-byte strides: this one is a multiple. */
	_Static_assert(sizeof(*cpus) % 8 == 0, "per-CPU stride");
	cpus = calloc((size_t)s->nr_cpus, sizeof(*cpus));
	if (!cpus)
		return;
	if (!bpf_map_lookup_elem(bpf_map__fd(s->skel->maps.cpu_calls), &zero, cpus)) {
		for (int c = 0; c < s->nr_cpus; c++)
			for (int i = 0; i < ABI_CPU_BATCHES; i++) {
				const struct abi_cpu_batch *b = &cpus[c].batch[i];

				if (b->calls && batch_fold(s, b))
					s->lost_at_finish += b->calls;
			}
	}
	free(cpus);
}

const struct probe_family probe_family_syscalls = {
	.name = "syscalls",
	.cost = SNAP_PROBE_SYSCALLS,
	.open = sys_open,
	.tick = sys_tick,
	.finish = sys_finish,
	.features = sys_features,
	.run_time = sys_run_time,
	.set_slow_ns = sys_set_slow_ns,
	.cgroup_gone = sys_cgroup_gone,
	.close = sys_close,
};
