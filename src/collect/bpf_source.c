/*
 * bpf_source.c - the live source: every probe family asked for (families.h),
 * opened in order and ticked into one snapshot. The syscall family is
 * required; any other that cannot load is off, with its reason in the
 * snapshot. Collector thread after open.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect/bpf_source.h"
#include "collect/bpf_stats.h"
#include "collect/cgroup_resolver.h"
#include "collect/families.h"
#include "collect/fam_syscalls.h"
#include "collect/pidns.h"

#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"

static const struct probe_family *const families[] = {
	&probe_family_syscalls,	/* first: the others take process names from it */
	&probe_family_clients,
	&probe_family_runq,
	&probe_family_block,
	&probe_family_funcs,
};
#define N_FAMILIES (sizeof(families) / sizeof(families[0]))

struct bpf_source {
	void *ctx[N_FAMILIES];		/* NULL: off (note says why) */
	char note[N_FAMILIES][320];	/* a required family's is the error message */
	uint64_t run_prev[2 * SNAP_PROBE_NR];	/* BPF statistics at the last tick: ns, cnt */
	_Atomic int stats_fd;		/* BPF_ENABLE_STATS fd held by 'B' (main thread), -1: none */
	struct pidns *pidns;		/* kernel pids -> ours; NULL: initial namespace */
	struct cgroup_resolver *cgroups;	/* names the rows' cgroup ids; NULL: --no-cgroups */
};

/*
 * The rows' cgroup ids named in @out; the rows of a cgroup removed since
 * age out from the next tick on, like an exited process's.
 */
static int name_cgroups(struct bpf_source *s, struct snapshot *out)
{
	int ret;

	if (!s->cgroups)
		return 0;	/* cgroups_state stays OFF: ids are 0 */
	ret = cgroup_resolver_fill(s->cgroups, out);
	if (ret)
		return ret;
	for (size_t c = 0; c < out->n_cgroups; c++) {
		if (!out->cgroups[c].gone)
			continue;
		for (size_t i = 0; i < N_FAMILIES; i++)
			if (s->ctx[i] && families[i]->cgroup_gone)
				families[i]->cgroup_gone(s->ctx[i], out->cgroups[c].id);
	}
	return 0;
}

/* Main thread: every open family with stacks takes the new --slow threshold. */
static int bpf_source_set_slow_ns(void *ctx, uint64_t slow_ns)
{
	struct bpf_source *s = ctx;
	int ret = -EOPNOTSUPP;

	for (size_t i = 0; i < N_FAMILIES; i++) {
		if (!s->ctx[i] || !families[i]->set_slow_ns)
			continue;
		ret = families[i]->set_slow_ns(s->ctx[i], slow_ns);
		if (ret)
			return ret;
	}
	return ret;
}

/* What lattop's own programs cost this tick, when the kernel counts it. */
static void read_probe_cost(struct bpf_source *s, struct snap_probe_cost *pc)
{
	uint64_t now[2 * SNAP_PROBE_NR] = { 0 };

	for (size_t i = 0; i < N_FAMILIES; i++) {
		uint64_t ns = 0, cnt = 0;

		if (!s->ctx[i])
			continue;
		families[i]->run_time(s->ctx[i], &ns, &cnt);
		now[2 * families[i]->cost] += ns;
		now[2 * families[i]->cost + 1] += cnt;
	}
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

/* Rows keep the name their process had when their key was made: show the newest. */
static void newest_names(struct bpf_source *s, struct snapshot *out)
{
	void *sys = s->ctx[0];

	for (size_t i = 0; i < out->n_clients; i++) {
		const char *comm = fam_syscalls_proc_comm(sys, out->clients[i].key.tgid);

		if (comm)
			memcpy(out->clients[i].comm, comm, ABI_COMM_LEN);
	}
	for (int f = 0; f < SNAP_FAM_NR; f++)
		for (size_t i = 0; i < out->fam[f].n; i++) {
			struct snap_fam_row *r = &out->fam[f].rows[i];
			const char *comm = fam_syscalls_proc_comm(sys, r->key.tgid);

			if (comm)
				memcpy(r->key.comm, comm, ABI_COMM_LEN);
		}
}

static int bpf_source_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct bpf_source *s = ctx;

	(void)interval_ns;
	for (size_t i = 0; i < N_FAMILIES; i++) {
		int ret;

		if (!s->ctx[i]) {
			if (families[i]->off)
				families[i]->off(out, s->note[i]);
			continue;
		}
		ret = families[i]->tick(s->ctx[i], out);
		if (ret)
			return ret;
	}
	newest_names(s, out);
	/* First: the cgroup table names only the rows our namespace shows. */
	if (pidns_translate(s->pidns, out) || name_cgroups(s, out))
		return -ENOMEM;
	read_probe_cost(s, &out->probe_cost);
	out->simulated = false;
	snprintf(out->source, sizeof(out->source), "bpf");
	return 0;
}

static void bpf_source_finish(void *ctx)
{
	struct bpf_source *s = ctx;

	for (size_t i = 0; i < N_FAMILIES; i++)
		if (s->ctx[i] && families[i]->finish)
			families[i]->finish(s->ctx[i]);
}

static void bpf_source_destroy(void *ctx)
{
	struct bpf_source *s = ctx;

	if (!s)
		return;
	if (atomic_load(&s->stats_fd) >= 0)
		close(atomic_load(&s->stats_fd));
	for (size_t i = N_FAMILIES; i-- > 0;)
		if (s->ctx[i])
			families[i]->close(s->ctx[i]);
	pidns_free(s->pidns);
	cgroup_resolver_free(s->cgroups);
	free(s);
}

/* "syscalls: ...; clients: ...; runqueue off (--no-runq)" */
static void describe(const struct bpf_source *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_FAMILIES && off < len; i++) {
		const char *what = s->ctx[i] ? families[i]->features(s->ctx[i]) : s->note[i];
		int n;

		if (!what || !*what)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "; " : "", what);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* "; cgroups v2 at /sys/fs/cgroup/unified (--cgroup: 1)", or why not. */
static void describe_cgroups(const struct bpf_source *s, const struct bpf_source_opts *o,
			     char *buf, size_t len)
{
	size_t off = strlen(buf);
	const char *mount = s->cgroups ? cgroup_resolver_mount(s->cgroups) : NULL;

	if (off >= len)
		return;
	if (!o->cgroup_ids)
		snprintf(buf + off, len - off, "; cgroups off (--no-cgroups)%s",
			 o->n_cgroup_filter ? ", --cgroup filter on" : "");
	else if (!mount)
		snprintf(buf + off, len - off, "; cgroups: no v2 hierarchy");
	else
		snprintf(buf + off, len - off, "; cgroups v2 at %s%s", mount,
			 o->n_cgroup_filter ? " (--cgroup filter)" : "");
}

int bpf_source_open(struct source *src, const struct bpf_source_opts *o, char *err, size_t errlen)
{
	struct bpf_source *s;

	if (access(VMLINUX_BTF_PATH, R_OK)) {
		snprintf(err, errlen, "kernel BTF is missing (%s: %s): live tracing needs "
			 "CONFIG_DEBUG_INFO_BTF; --simulate works without it", VMLINUX_BTF_PATH,
			 strerror(errno));
		return -ENOENT;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "cannot allocate the source: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	atomic_store(&s->stats_fd, -1);
	if (o->cgroup_ids && cgroup_resolver_new(NULL, &s->cgroups)) {
		snprintf(err, errlen, "cannot allocate the cgroup resolver: %s", strerror(ENOMEM));
		free(s);
		return -ENOMEM;
	}
	for (size_t i = 0; i < N_FAMILIES; i++) {
		const struct probe_family *pf = families[i];
		int ret;

		if (pf->wanted && !pf->wanted(o)) {
			/* A family with no off option is off unless asked for: nothing to say. */
			if (pf->off_option)
				snprintf(s->note[i], sizeof(s->note[i]), "%s off (%s)", pf->name,
					 pf->off_option);
			continue;
		}
		ret = pf->open(&s->ctx[i], o, s->note[i], sizeof(s->note[i]));
		if (ret && !pf->off_option) {	/* required */
			snprintf(err, errlen, "%s", s->note[i]);
			bpf_source_destroy(s);
			return ret;
		}
		if (ret)
			s->ctx[i] = NULL;
	}
	/* Out of memory here: pids stay the kernel's, as in the initial namespace. */
	s->pidns = pidns_open(NULL);
	if (o->features) {
		describe(s, o->features, o->features_len);
		describe_cgroups(s, o, o->features, o->features_len);
	}
	src->name = "bpf";
	src->ctx = s;
	src->tick = bpf_source_tick;
	src->finish = bpf_source_finish;
	src->destroy = bpf_source_destroy;
	src->hold_stats = bpf_source_hold_stats;
	src->set_slow_ns = bpf_source_set_slow_ns;
	return 0;
}
