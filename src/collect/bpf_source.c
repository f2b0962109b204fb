/* bpf_source.c - live syscall latency from the kernel. Collector thread after open. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_log.h"
#include "collect/bpf_source.h"
#include "collect/bpf_stats.h"
#include "collect/client_source.h"
#include "core/model.h"
#include "core/wait_class.h"
/* The generated skeleton casts away const; that is bpftool's business. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "syscalls.skel.h"
#pragma GCC diagnostic pop

#define READ_BATCH 256
#define AGE_TICKS 10
#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"

/* A process exit read from the ring buffer, applied to the model after the map read. */
struct exit_rec {
	uint32_t tgid;
	uint64_t pstart_ns;
};

struct bpf_source {
	struct syscalls_bpf *skel;
	struct ring_buffer *rb;
	struct model *model;
	struct client_source *clients;	/* NULL: off or unavailable (clients_note says why) */
	char clients_note[SNAP_NOTE_LEN];
	int hist_fd;
	int nr_cpus;
	uint32_t sample_every;
	struct abi_sys_key *keys;	/* READ_BATCH */
	struct abi_hist *vals;		/* READ_BATCH */
	uint64_t *cpu_vals;		/* nr_cpus */
	uint64_t counters_prev[ABI_CNT_NR];
	struct snap_counters total;
	uint64_t run_prev[2 * SNAP_PROBE_NR];	/* BPF statistics at the last tick: ns, cnt */
	_Atomic int stats_fd;		/* BPF_ENABLE_STATS fd held by 'B' (main thread), -1: none */
	struct exit_rec *exits;		/* exits seen this tick */
	size_t n_exits, cap_exits;	/* bounded by what the ring buffer holds */
};

/* Attach flavours, best first. */
enum flavour { FLAVOUR_TP_BTF, FLAVOUR_RAW_TP, FLAVOUR_TP, FLAVOUR_NR };
static const char *const flavour_names[FLAVOUR_NR] = { "tp_btf", "raw_tp", "tracepoint" };

static void set_flavour(struct syscalls_bpf *skel, enum flavour f, bool follow_tree)
{
	struct bpf_program *by_flavour[FLAVOUR_NR][5] = {
		{ skel->progs.btf_sys_enter, skel->progs.btf_sys_exit,
		  skel->progs.btf_proc_exec, skel->progs.btf_proc_exit, skel->progs.btf_proc_fork },
		{ skel->progs.raw_sys_enter, skel->progs.raw_sys_exit,
		  skel->progs.raw_proc_exec, skel->progs.raw_proc_exit, skel->progs.raw_proc_fork },
		{ skel->progs.tp_sys_enter, skel->progs.tp_sys_exit,
		  skel->progs.tp_proc_exec, skel->progs.tp_proc_exit, skel->progs.tp_proc_fork },
	};

	for (int i = 0; i < FLAVOUR_NR; i++)
		for (int p = 0; p < 5; p++)
			bpf_program__set_autoload(by_flavour[i][p], i == (int)f);
	/* Forks matter only when a process tree is followed (lattop run). */
	if (!follow_tree)
		for (int i = 0; i < FLAVOUR_NR; i++)
			bpf_program__set_autoload(by_flavour[i][4], false);
}

static void configure(struct syscalls_bpf *skel, const struct bpf_source_opts *o)
{
	uint32_t flags = 0;

	for (size_t i = 0; i < o->n_pids && i < ABI_MAX_PID_FILTER; i++)
		skel->rodata->cfg_pids[i] = o->pids[i];
	if (o->n_pids)
		flags |= ABI_CFG_FILTER_PID;
	if (o->comm && *o->comm) {
		for (size_t i = 0; i < ABI_COMM_LEN - 1 && o->comm[i]; i++)
			skel->rodata->cfg_comm[i] = o->comm[i];
		flags |= ABI_CFG_FILTER_COMM;
	}
	if (o->follow_tgid)
		flags |= ABI_CFG_FILTER_TREE;
	skel->rodata->cfg_flags = flags;
	/* One in N timed: prandom <= 2^32/N - 1; N == 1 skips the random draw. */
	skel->rodata->cfg_sample_threshold = o->sample_every <= 1 ? 0xffffffffu :
		(uint32_t)((1ull << 32) / o->sample_every - 1);
	/* The wait list, by number: the kernel side marks each wait call in its key. */
	_Static_assert(sizeof(skel->rodata->cfg_sys_class) == ABI_SYS_CLASS_NR, "class table");
	wait_class_fill((uint8_t *)skel->rodata->cfg_sys_class, ABI_SYS_CLASS_NR);
	bpf_map__set_max_entries(skel->maps.sys_hist, o->max_keys);
	/* The map must exist; keep it at the minimum when no tree is followed. */
	if (!o->follow_tgid)
		bpf_map__set_max_entries(skel->maps.tree_pids, 1);
}

/* Classic tracepoints live in tracefs; mount it if nobody has. */
static void ensure_tracefs(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return;
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

static int explain(int err, const char *what, char *buf, size_t len)
{
	if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "cannot %s: %s - run as root or grant CAP_BPF and CAP_PERFMON",
			 what, strerror(-err));
	else
		snprintf(buf, len, "cannot %s: %s", what, strerror(-err));
	return err;
}

/*
 * After a failed load: is the kernel's BTF itself unreadable (CO-RE needs
 * it)? libbpf then fails with an errno that says nothing about BTF.
 */
static bool vmlinux_btf_parses(char *err, size_t errlen)
{
	struct btf *btf = btf__parse(VMLINUX_BTF_PATH, NULL);
	long e = libbpf_get_error(btf);
	char why[128];

	if (!e) {
		btf__free(btf);
		return true;
	}
	libbpf_strerror((int)e, why, sizeof(why));	/* also libbpf's own codes (4001: format) */
	snprintf(err, errlen, "the kernel's BTF (%s) cannot be read as BTF: %s; live tracing "
		 "needs the kernel's own type information (CONFIG_DEBUG_INFO_BTF); --simulate "
		 "works without it", VMLINUX_BTF_PATH, why);
	return false;
}

static int load_best(struct bpf_source *s, const struct bpf_source_opts *o, enum flavour *used,
		     char *err, size_t errlen)
{
	char path[256];
	int ret = -ENOENT;

	for (int f = 0; f < FLAVOUR_NR; f++) {
		bpf_log_reset();
		s->skel = syscalls_bpf__open();
		if (!s->skel)
			return explain(-errno, "open the BPF object", err, errlen);
		configure(s->skel, o);
		set_flavour(s->skel, (enum flavour)f, o->follow_tgid != 0);
		if (f == FLAVOUR_TP)
			ensure_tracefs();
		ret = syscalls_bpf__load(s->skel);
		if (!ret)
			ret = syscalls_bpf__attach(s->skel);
		if (!ret) {
			*used = (enum flavour)f;
			return 0;
		}
		syscalls_bpf__destroy(s->skel);
		s->skel = NULL;
		if (ret == -EPERM || ret == -EACCES)
			break;	/* no flavour will do better */
	}
	if (ret == -EPERM || ret == -EACCES)
		return explain(ret, "load BPF programs", err, errlen);
	if (ret == -EMFILE || ret == -ENFILE) {
		struct rlimit rl = { 0 };

		getrlimit(RLIMIT_NOFILE, &rl);
		snprintf(err, errlen, "cannot load the BPF programs: %s (ulimit -n is %llu; lattop "
			 "needs about 64 descriptors for its maps and programs: raise it, e.g. "
			 "ulimit -n 1024)", strerror(-ret), (unsigned long long)rl.rlim_cur);
		return ret;
	}
	if (!vmlinux_btf_parses(err, errlen))
		return ret;
	if (bpf_log_save(path, sizeof(path)) == 0)
		snprintf(err, errlen,
			 "the kernel refused the BPF programs (%s); libbpf and verifier log in %s, "
			 "or run with --verbose; --simulate works without BPF", strerror(-ret), path);
	else
		snprintf(err, errlen, "the kernel refused the BPF programs (%s); run with --verbose",
			 strerror(-ret));
	return ret;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct bpf_source *s = ctx;
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
	struct bpf_source *s = ctx;

	bpf_map_delete_elem(s->hist_fd, key);
}

/* Slow path for kernels without batch lookups on hash maps. */
static int read_map_by_key(struct bpf_source *s)
{
	struct abi_sys_key key, next;
	void *prev = NULL;
	int ret;

	while (bpf_map_get_next_key(s->hist_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(s->hist_fd, &next, &s->vals[0]) == 0) {
			ret = model_update(s->model, &next, &s->vals[0]);
			if (ret)
				return ret;
		}
		key = next;
		prev = &key;
	}
	return 0;
}

static int read_map(struct bpf_source *s)
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
			int uret = model_update(s->model, &s->keys[i], &s->vals[i]);

			if (uret)
				return uret;
		}
		if (ret)
			return 0;	/* ENOENT: that was the last batch */
		in = &token;
	}
}

static void read_counters(struct bpf_source *s, struct snap_counters *iv)
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
		   (now[ABI_CNT_TREE_FULL] - s->counters_prev[ABI_CNT_TREE_FULL]);
	memcpy(s->counters_prev, now, sizeof(now));
}

/* What lattop's own programs cost this tick, when the kernel counts it. */
static void read_probe_cost(struct bpf_source *s, struct snap_probe_cost *pc)
{
	uint64_t now[2 * SNAP_PROBE_NR];

	bpf_stats_sum(s->skel->obj, &now[0], &now[1]);
	client_source_run_time(s->clients, &now[2], &now[3]);
	pc->held = atomic_load(&s->stats_fd) >= 0;
	pc->on = pc->held || bpf_stats_sysctl_on();
	for (int f = 0; f < SNAP_PROBE_NR; f++) {
		pc->run_ns[f] = now[2 * f] - s->run_prev[2 * f];
		pc->run_cnt[f] = now[2 * f + 1] - s->run_prev[2 * f + 1];
	}
	memcpy(s->run_prev, now, sizeof(now));
}

static int bpf_source_hold_stats(void *ctx, bool on)
{
	struct bpf_source *s = ctx;
	int fd = atomic_load(&s->stats_fd), ret = bpf_stats_hold(&fd, on);

	atomic_store(&s->stats_fd, fd);
	return ret;
}

static int bpf_source_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct bpf_source *s = ctx;
	struct snap_counters iv = { 0 };
	int ret;

	(void)interval_ns;
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
	read_counters(s, &iv);
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
	out->simulated = false;
	read_probe_cost(s, &out->probe_cost);
	if (s->clients) {
		ret = client_source_tick(s->clients, out);
		if (ret)
			return ret;
		/* A client row keeps the name its process had when first seen: show the newest. */
		for (size_t i = 0; i < out->n_clients; i++) {
			const char *comm = model_proc_comm(s->model, out->clients[i].key.tgid);

			if (comm)
				memcpy(out->clients[i].comm, comm, ABI_COMM_LEN);
		}
	} else {
		out->clients_state = SNAP_CLIENTS_OFF;
		snprintf(out->clients_note, sizeof(out->clients_note), "%s", s->clients_note);
	}
	snprintf(out->source, sizeof(out->source), "bpf");
	return 0;
}

static void bpf_source_destroy(void *ctx)
{
	struct bpf_source *s = ctx;

	if (!s)
		return;
	if (atomic_load(&s->stats_fd) >= 0)
		close(atomic_load(&s->stats_fd));
	client_source_close(s->clients);
	ring_buffer__free(s->rb);
	syscalls_bpf__destroy(s->skel);
	model_free(s->model);
	free(s->keys);
	free(s->vals);
	free(s->cpu_vals);
	free(s->exits);
	free(s);
}

int bpf_source_open(struct source *src, const struct bpf_source_opts *o, char *err, size_t errlen)
{
	struct bpf_source *s;
	enum flavour used = FLAVOUR_TP_BTF;
	int ret;

	if (access(VMLINUX_BTF_PATH, R_OK)) {
		snprintf(err, errlen, "kernel BTF is missing (%s: %s): live tracing needs "
			 "CONFIG_DEBUG_INFO_BTF; --simulate works without it", VMLINUX_BTF_PATH,
			 strerror(errno));
		return -ENOENT;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return explain(-ENOMEM, "allocate the source", err, errlen);
	atomic_store(&s->stats_fd, -1);
	s->nr_cpus = libbpf_num_possible_cpus();
	s->keys = calloc(READ_BATCH, sizeof(*s->keys));
	s->vals = calloc(READ_BATCH, sizeof(*s->vals));
	s->cpu_vals = calloc(s->nr_cpus > 0 ? (size_t)s->nr_cpus : 1, sizeof(*s->cpu_vals));
	s->model = model_new((size_t)o->max_keys * 2, AGE_TICKS);
	s->sample_every = o->sample_every ? o->sample_every : 1;
	if (s->nr_cpus <= 0 || !s->keys || !s->vals || !s->cpu_vals || !s->model) {
		bpf_source_destroy(s);
		return explain(-ENOMEM, "allocate the source", err, errlen);
	}
	ret = load_best(s, o, &used, err, errlen);
	if (ret) {
		bpf_source_destroy(s);
		return ret;
	}
	s->hist_fd = bpf_map__fd(s->skel->maps.sys_hist);
	if (o->follow_tgid) {
		uint8_t one = 1;

		/* Before the root runs (its caller holds it): every fork from here on is seen. */
		if (bpf_map_update_elem(bpf_map__fd(s->skel->maps.tree_pids), &o->follow_tgid, &one,
					BPF_ANY)) {
			ret = -errno;
			bpf_source_destroy(s);
			return explain(ret, "follow the process tree", err, errlen);
		}
	}
	s->rb = ring_buffer__new(bpf_map__fd(s->skel->maps.events), on_event, s, NULL);
	if (!s->rb) {
		ret = -errno;
		bpf_source_destroy(s);
		return explain(ret, "create the BPF ring buffer reader", err, errlen);
	}
	if (o->clients) {
		struct client_source_opts co = { .max_clients = o->max_clients,
						 .pids = o->pids, .n_pids = o->n_pids,
						 .comm = o->comm, .samples = o->samples };

		s->clients = client_source_open(&co, s->clients_note, sizeof(s->clients_note));
	} else {
		snprintf(s->clients_note, sizeof(s->clients_note), "clients off (--no-clients)");
	}
	if (o->features) {
		char timing[32] = "every call timed";

		if (s->sample_every > 1)
			snprintf(timing, sizeof(timing), "1 in %u timed", s->sample_every);
		snprintf(o->features, o->features_len,
			 "syscalls: %s + task storage, %s, %u keys max; exits: ring buffer; %s",
			 flavour_names[used], timing, o->max_keys,
			 s->clients ? client_source_features(s->clients) : s->clients_note);
	}
	src->name = "bpf";
	src->ctx = s;
	src->tick = bpf_source_tick;
	src->destroy = bpf_source_destroy;
	src->hold_stats = bpf_source_hold_stats;
	return 0;
}
