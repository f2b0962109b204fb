/*
 * fam_funcs.c - the functions family (-u, --usdt): the probe list built
 * and checked by func_probes, bpf/funcs.bpf.c loaded by probe_load, its
 * programs attached once per probe with the probe id as cookie, rows read
 * by fam_table and labelled from the probe list. Open/close: main thread;
 * tick, features, run_time: collector thread.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_stats.h"
#include "collect/fam_table.h"
#include "collect/families.h"
#include "collect/func_probes.h"
#include "collect/stack_reader.h"
/* The generated skeleton casts away const; that is bpftool's business. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "funcs.skel.h"
#pragma GCC diagnostic pop

PROBE_SKEL_OPS(funcs);

struct fam_funcs {
	const struct bpf_source_opts *o;
	struct probe_load_req req;
	struct funcs_bpf *skel;
	enum probe_flavour flavour;
	struct fam_table *table;
	struct func_probes probes;
	struct bpf_link **links;	/* up to 2 per probe */
	size_t n_links;
	struct stack_reader *stacks;	/* --slow stacks (the dashboard may turn them on later) */
	_Atomic uint64_t slow_ns;	/* 0: off; written by the main thread (set_slow_ns) */
	int nr_cpus;
	uint64_t *cpu_vals;		/* nr_cpus */
	uint64_t stacks_dropped_prev;
	char features[384];
};

/* --max-stacks, or the default for callers that do not set it (lattop run). */
static uint32_t max_stacks(const struct bpf_source_opts *o)
{
	return o->max_stacks ? o->max_stacks : ABI_STACKS_DEFAULT;
}

static int funcs_configure(void *skel_v, enum probe_flavour f, void *ctx)
{
	struct funcs_bpf *skel = skel_v;
	const struct bpf_source_opts *o = ((struct fam_funcs *)ctx)->o;

	(void)f;
	/* --slow, sized as the syscall family's: 4 stack ids per entry (pairs, collisions). */
	bpf_map__set_max_entries(skel->maps.slow_stacks, max_stacks(o));
	bpf_map__set_max_entries(skel->maps.stack_traces, 4 * max_stacks(o));
	skel->data->cfg_slow_ns = o->slow_ns ? o->slow_ns : ~0ull;
	skel->rodata->cfg_flags = probe_set_prefilter(skel->rodata->cfg_pids,
						      skel->rodata->cfg_comm, o->pids, o->n_pids,
						      o->comm, ABI_CFG_FILTER_PID,
						      ABI_CFG_FILTER_COMM);
	probe_set_cgroups(&skel->rodata->cfg_cgroup_ids, &skel->rodata->cfg_cgroup_filtering,
			  skel->rodata->cfg_cgroup_filter, o->cgroup_ids, o->cgroup_filter,
			  o->n_cgroup_filter);
	if (o->max_fam_keys)
		return bpf_map__set_max_entries(skel->maps.rows, o->max_fam_keys);
	return 0;
}

static void funcs_close(void *ctx)
{
	struct fam_funcs *fn = ctx;

	if (!fn)
		return;
	for (size_t i = 0; i < fn->n_links; i++)
		bpf_link__destroy(fn->links[i]);
	free(fn->links);
	stack_reader_free(fn->stacks);
	free(fn->cpu_vals);
	fam_table_free(fn->table);
	if (fn->skel)
		fn->req.skel->destroy(fn->skel);
	func_probes_free(&fn->probes);
	free(fn);
}

/* One probe's links: uprobe entry + return, or the USDT note(s). 0 or -errno with @note. */
static int attach_one(struct fam_funcs *fn, size_t id, char *note, size_t notelen)
{
	const struct func_probe *p = &fn->probes.p[id];
	/* One -p: the kernel traps only that process; more: the BPF pre-filter sorts them. */
	pid_t pid = fn->o->n_pids == 1 ? (pid_t)fn->o->pids[0] : -1;
	struct bpf_link *l[2] = { NULL, NULL };
	int n = 0;

	if (p->kind == ABI_FUNC_UPROBE) {
		LIBBPF_OPTS(bpf_uprobe_opts, entry, .bpf_cookie = id);
		LIBBPF_OPTS(bpf_uprobe_opts, ret, .bpf_cookie = id, .retprobe = true);

		l[n++] = bpf_program__attach_uprobe_opts(fn->skel->progs.fn_entry, pid, p->path,
							 p->offset, &entry);
		if (l[0])
			l[n++] = bpf_program__attach_uprobe_opts(fn->skel->progs.fn_return, pid,
								 p->path, p->offset, &ret);
	} else {
		LIBBPF_OPTS(bpf_usdt_opts, uo, .usdt_cookie = id);

		if (p->kind == ABI_FUNC_USDT_COUNT) {
			l[n++] = bpf_program__attach_usdt(fn->skel->progs.usdt_count, pid, p->path,
							  p->provider, p->probe, &uo);
		} else {
			l[n++] = bpf_program__attach_usdt(fn->skel->progs.usdt_start, pid, p->path,
							  p->provider, p->probe, &uo);
			if (l[0])
				l[n++] = bpf_program__attach_usdt(fn->skel->progs.usdt_end, pid,
								  p->path, p->provider, p->end,
								  &uo);
		}
	}
	for (int i = 0; i < n; i++) {
		if (l[i]) {
			fn->links[fn->n_links++] = l[i];
			continue;
		}
		snprintf(note, notelen, "cannot attach %s %s of %s: %s",
			 p->kind == ABI_FUNC_UPROBE ? "a uprobe to" : "to the USDT probe",
			 p->kind == ABI_FUNC_UPROBE ? p->symbol : p->label, p->path, strerror(errno));
		return -errno ? -errno : -EINVAL;
	}
	return 0;
}

static int funcs_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	struct fam_funcs *fn;
	size_t n_up = 0;
	void *skel = NULL;
	int err;

	*ctx = NULL;
	fn = calloc(1, sizeof(*fn));
	if (!fn)
		return -ENOMEM;
	fn->o = o;
	err = func_probes_build(o->uprobes, o->n_uprobes, o->usdts, o->n_usdts, &fn->probes, note,
				notelen);
	if (err) {
		free(fn);
		return err;
	}
	fn->links = calloc(2 * fn->probes.n + 1, sizeof(*fn->links));
	if (!fn->links) {
		funcs_close(fn);
		return -ENOMEM;
	}
	fn->req = (struct probe_load_req){
		.skel = &funcs_skel_ops,
		/* No tracepoints: one pass; its uprobe/usdt programs are attached below. */
		.flavours = PROBE_FLAVOUR_BIT(PROBE_TP_BTF),
		.what = "the function (uprobe/USDT) programs",
		.configure = funcs_configure,
		.ctx = fn,
	};
	err = probe_load(&fn->req, &skel, &fn->flavour, note, notelen);
	if (err) {
		funcs_close(fn);
		return err;
	}
	fn->skel = skel;
	for (size_t id = 0; id < fn->probes.n; id++) {
		err = attach_one(fn, id, note, notelen);
		if (err) {
			funcs_close(fn);
			return err;
		}
		n_up += fn->probes.p[id].kind == ABI_FUNC_UPROBE;
	}
	fn->table = fam_table_new(SNAP_FAM_FUNC, 0, bpf_map__fd(fn->skel->maps.rows),
				  bpf_map__fd(fn->skel->maps.counters),
				  bpf_map__max_entries(fn->skel->maps.rows));
	if (!fn->table) {
		err = -errno;
		snprintf(note, notelen, "functions unavailable: cannot set up its table: %s",
			 strerror(-err));
		funcs_close(fn);
		return err;
	}
	fn->nr_cpus = libbpf_num_possible_cpus();
	fn->cpu_vals = calloc(fn->nr_cpus > 0 ? (size_t)fn->nr_cpus : 1, sizeof(*fn->cpu_vals));
	fn->stacks = stack_reader_new(bpf_map__fd(fn->skel->maps.slow_stacks),
				      bpf_map__fd(fn->skel->maps.stack_traces), max_stacks(o));
	if (fn->nr_cpus <= 0 || !fn->cpu_vals || !fn->stacks) {
		snprintf(note, notelen, "functions unavailable: out of memory");
		funcs_close(fn);
		return -ENOMEM;
	}
	/* No kallsyms preload: a uprobe's or USDT's stack has no kernel frames. */
	atomic_store(&fn->slow_ns, o->slow_ns);
	snprintf(fn->features, sizeof(fn->features),
		 "functions %zu uprobes, %zu USDT (<=%d/glob, %d in all; a uprobe hit costs "
		 "microseconds)%s%s", n_up, fn->probes.n - n_up, FUNC_PROBES_PER_GLOB,
		 ABI_MAX_FUNCS, fn->probes.note[0] ? "; " : "", fn->probes.note);
	*ctx = fn;
	return 0;
}

/* Slow calls whose stack was not stored since the last call; the total in stacks_dropped_prev. */
static uint64_t stacks_dropped(struct fam_funcs *fn)
{
	uint32_t idx = 0;
	uint64_t now = 0, d;

	if (bpf_map_lookup_elem(bpf_map__fd(fn->skel->maps.stack_drops), &idx, fn->cpu_vals))
		return 0;
	for (int c = 0; c < fn->nr_cpus; c++)
		now += fn->cpu_vals[c];
	d = now - fn->stacks_dropped_prev;
	fn->stacks_dropped_prev = now;
	return d;
}

static int funcs_tick(void *ctx, struct snapshot *out)
{
	struct fam_funcs *fn = ctx;
	struct snap_table *t = &out->fam[SNAP_FAM_FUNC];
	uint64_t dropped;
	int err = fam_table_tick(fn->table, out);

	if (err)
		return err;
	for (size_t i = 0; i < t->n; i++) {
		struct snap_fam_row *r = &t->rows[i];

		if (r->key.a >= fn->probes.n)
			continue;
		memcpy(r->label, fn->probes.p[r->key.a].label, sizeof(r->label));
		memcpy(r->detail, fn->probes.p[r->key.a].detail, sizeof(r->detail));
	}
	/* After the syscall family's: its stacks come first, the drops add up. */
	dropped = stacks_dropped(fn);
	out->stacks_dropped += dropped;
	out->stacks_dropped_total += fn->stacks_dropped_prev;
	out->slow_ns = atomic_load(&fn->slow_ns);
	return stack_reader_read(fn->stacks, out);
}

static const char *funcs_features(void *ctx)
{
	return ((struct fam_funcs *)ctx)->features;
}

static void funcs_run_time(void *ctx, uint64_t *run_ns, uint64_t *run_cnt)
{
	struct fam_funcs *fn = ctx;

	bpf_stats_sum(fn->skel ? fn->skel->obj : NULL, run_ns, run_cnt);
}

static bool funcs_wanted(const struct bpf_source_opts *o)
{
	return o->n_uprobes || o->n_usdts;
}

/* Main thread: the kernel reads cfg_slow_ns at each timed call's end (mapped .data). */
static int funcs_set_slow_ns(void *ctx, uint64_t slow_ns)
{
	struct fam_funcs *fn = ctx;

	__atomic_store_n(&fn->skel->data->cfg_slow_ns, slow_ns ? slow_ns : ~0ull,
			 __ATOMIC_RELAXED);
	atomic_store(&fn->slow_ns, slow_ns);
	return 0;
}

static void funcs_off(struct snapshot *out, const char *note)
{
	out->fam[SNAP_FAM_FUNC].state = SNAP_FAM_OFF;
	snprintf(out->fam[SNAP_FAM_FUNC].note, sizeof(out->fam[SNAP_FAM_FUNC].note), "%s", note);
}

/* No off_option: asked for with -u / --usdt, it must work (a failure stops lattop). */
static void funcs_cgroup_gone(void *ctx, uint64_t cgid)
{
	fam_table_cgroup_gone(((struct fam_funcs *)ctx)->table, cgid);
}

const struct probe_family probe_family_funcs = {
	.name = "functions",
	.cost = SNAP_PROBE_FUNCS,
	.off_option = NULL,
	.wanted = funcs_wanted,
	.off = funcs_off,
	.open = funcs_open,
	.tick = funcs_tick,
	.features = funcs_features,
	.run_time = funcs_run_time,
	.set_slow_ns = funcs_set_slow_ns,
	.cgroup_gone = funcs_cgroup_gone,
	.close = funcs_close,
};
