/*
 * fam_runq.c - the run-queue latency family (bpf/runq.bpf.c): configure,
 * load through probe_load, read through fam_table.
 *
 * The method is chosen once here, from the kernel's BTF: "sched_info"
 * (the kernel's own run_delay delta, read at sched_switch) where struct
 * sched_info has last_queued and struct cfs_rq has rq,
 * "timestamps" (wakeup/preemption -> switch-in) elsewhere, or when
 * LATTOP_RUNQ_METHOD=timestamps asks for it (tests of the fallback).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "abi/lat_abi.h"
#include "collect/bpf_stats.h"
#include "collect/fam_table.h"
#include "collect/families.h"
#include "collect/probe_family.h"
/* bpftool's skeleton casts its const ELF bytes. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "runq.skel.h"
#pragma GCC diagnostic pop

PROBE_SKEL_OPS(runq);

enum runq_method { RUNQ_SCHED_INFO = 0, RUNQ_TIMESTAMPS };

struct fam_runq {
	struct runq_bpf *skel;
	struct fam_table *table;
	enum probe_flavour flavour;
	enum runq_method method;
	const struct bpf_source_opts *opts;	/* during open only */
	char features[96];
};

static bool btf_struct_has(const struct btf *btf, const char *type, const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_member *m;
	const struct btf_type *t;

	if (id <= 0)
		return false;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), member))
			return true;
	return false;
}

/*
 * Does the kernel's BTF have what the sched_info method reads:
 * sched_info.last_queued (CONFIG_SCHED_INFO) and cfs_rq.rq
 * (CONFIG_FAIR_GROUP_SCHED), the way to this CPU's rq clock?
 */
static bool runq_kernel_has_sched_info(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool found;

	if (libbpf_get_error(btf))
		return false;
	found = btf_struct_has(btf, "sched_info", "last_queued") &&
		btf_struct_has(btf, "cfs_rq", "rq") && btf_struct_has(btf, "rq", "clock");
	btf__free(btf);
	return found;
}

static enum probe_flavour runq_prog_flavour(const struct bpf_program *p)
{
	return strncmp(bpf_program__section_name(p), "tp_btf/", 7) ? PROBE_RAW_TP : PROBE_TP_BTF;
}

/* Programs of the chosen method end in "_si" (sched_info) or not (timestamps). */
static bool runq_prog_is_sched_info(const struct bpf_program *p)
{
	const char *name = bpf_program__name(p);
	size_t len = strlen(name);

	return len > 3 && !strcmp(name + len - 3, "_si");
}

static int runq_configure(void *skel_v, enum probe_flavour f, void *ctx)
{
	struct runq_bpf *skel = skel_v;
	struct fam_runq *r = ctx;
	const struct bpf_source_opts *o = r->opts;
	struct bpf_program *p;
	uint32_t flags = 0;

	flags |= probe_set_prefilter(skel->rodata->cfg_pids, skel->rodata->cfg_comm, o->pids,
				     o->n_pids, o->comm, ABI_CFG_FILTER_PID, ABI_CFG_FILTER_COMM);
	probe_set_cgroups(&skel->rodata->cfg_cgroup_ids, &skel->rodata->cfg_cgroup_filtering,
			  skel->rodata->cfg_cgroup_filter, o->cgroup_ids, o->cgroup_filter,
			  o->n_cgroup_filter);
	if (o->runq_per_cpu)
		flags |= ABI_CFG_PER_CPU;
	skel->rodata->cfg_flags = flags;
	bpf_map__set_max_entries(skel->maps.rows, o->max_fam_keys ? o->max_fam_keys :
				 ABI_FAM_KEYS_DEFAULT);
	bpf_object__for_each_program(p, skel->obj) {
		bool want = runq_prog_flavour(p) == f &&
			    runq_prog_is_sched_info(p) == (r->method == RUNQ_SCHED_INFO);

		bpf_program__set_autoload(p, want);
	}
	return 0;
}

static int runq_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	static const struct probe_load_req base = {
		.skel = &runq_skel_ops,
		.flavours = PROBE_FLAVOUR_BIT(PROBE_TP_BTF) | PROBE_FLAVOUR_BIT(PROBE_RAW_TP),
		.what = "the run-queue programs",
		.configure = runq_configure,
	};
	struct probe_load_req req = base;
	const char *force = getenv("LATTOP_RUNQ_METHOD");	/* tests of the fallback */
	struct fam_runq *r;
	void *skel = NULL;
	int err;

	if (!probe_kernel_has_tracepoint("sched_switch") ||
	    !probe_kernel_has_tracepoint("sched_wakeup")) {
		snprintf(note, notelen, "runqueue off: the kernel has no sched_switch/sched_wakeup "
			 "tracepoint");
		return -ENOENT;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(note, notelen, "runqueue off: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	r->opts = o;
	r->method = (force && !strcmp(force, "timestamps")) || !runq_kernel_has_sched_info() ?
		    RUNQ_TIMESTAMPS : RUNQ_SCHED_INFO;
	req.ctx = r;
	err = probe_load(&req, &skel, &r->flavour, note, notelen);
	r->opts = NULL;
	if (err) {
		free(r);
		return err;
	}
	r->skel = skel;
	r->table = fam_table_new(SNAP_FAM_RUNQ, 0, bpf_map__fd(r->skel->maps.rows),
				 bpf_map__fd(r->skel->maps.counters),
				 o->max_fam_keys ? o->max_fam_keys : ABI_FAM_KEYS_DEFAULT);
	if (!r->table) {
		err = -errno;
		snprintf(note, notelen, "runqueue off: %s", strerror(errno));
		runq_bpf__destroy(r->skel);
		free(r);
		return err;
	}
	snprintf(r->features, sizeof(r->features), "runq: %s sched_switch, %s",
		 probe_flavour_name(r->flavour),
		 r->method == RUNQ_SCHED_INFO ? "kernel sched_info" : "timestamps");
	*ctx = r;
	return 0;
}

static bool runq_wanted(const struct bpf_source_opts *o)
{
	return o->runq;
}

static void runq_off(struct snapshot *out, const char *note)
{
	struct snap_table *t = &out->fam[SNAP_FAM_RUNQ];

	t->state = SNAP_FAM_OFF;
	snprintf(t->note, sizeof(t->note), "%s", note);
}

static int runq_tick(void *ctx, struct snapshot *out)
{
	struct fam_runq *r = ctx;

	return fam_table_tick(r->table, out);
}

static const char *runq_features(void *ctx)
{
	return ((struct fam_runq *)ctx)->features;
}

static void runq_run_time(void *ctx, uint64_t *run_ns, uint64_t *run_cnt)
{
	struct fam_runq *r = ctx;

	bpf_stats_sum(r ? r->skel->obj : NULL, run_ns, run_cnt);
}

static void runq_close(void *ctx)
{
	struct fam_runq *r = ctx;

	if (!r)
		return;
	fam_table_free(r->table);
	runq_bpf__destroy(r->skel);
	free(r);
}

static void runq_cgroup_gone(void *ctx, uint64_t cgid)
{
	fam_table_cgroup_gone(((struct fam_runq *)ctx)->table, cgid);
}

const struct probe_family probe_family_runq = {
	.name = "runqueue",
	.cost = SNAP_PROBE_RUNQ,
	.off_option = "--no-runq",
	.wanted = runq_wanted,
	.off = runq_off,
	.open = runq_open,
	.tick = runq_tick,
	.features = runq_features,
	.run_time = runq_run_time,
	.cgroup_gone = runq_cgroup_gone,
	.close = runq_close,
};
