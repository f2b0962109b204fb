/*
 * sim_families.c - synthetic run-queue and block rows and the syscall
 * breakdown. Like sim.c: per (tick, row) one PRNG stream, at most
 * SIM_FAM_MAX_SAMPLES drawn values per row and tick, each weighing
 * count / n requests.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/family.h"
#include "core/hist.h"
#include "core/sim_families.h"
#include "core/sim_rand.h"

#define SIM_FAM_MAX_SAMPLES 500
#define SIM_FAM_MAX_LAT_NS 10e9
#define SALT_FAM 0xfa3100000000ull
#define SALT_SPLIT 0xb7ea0000000ull

#define DEV_NVME ((259u << 20) | 0u)
#define DEV_SDA ((8u << 20) | 0u)

/* One latency stream: a log-normal body with a Pareto tail (sim_lat_draw). */
struct sim_lat {
	double median_ns;
	double sigma;
	double tail_share;
};

/*
 * One family row: its key, requests (or waits) per second, and its
 * latency, or for block the queue and device parts (total = their sum).
 */
struct sim_fam_spec {
	enum snap_family fam;
	uint32_t pid;
	const char *comm;
	uint32_t dev;
	const char *label;
	uint32_t op;
	double rate_per_s;
	struct sim_lat lat;		/* runq: the wait; block: the device part */
	struct sim_lat queue;		/* block only */
	const char *detail;		/* functions: the binary (label: the function) */
};

#define PG_BIN "/usr/lib/postgresql/15/bin/postgres"
#define NGINX_BIN "/usr/sbin/nginx"


static const struct sim_fam_spec specs[] = {
	{ SNAP_FAM_RUNQ, 1201, "nginx", 0, NULL, 0, 900, { 12000, 0.8, 0.01 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_RUNQ, 1202, "nginx", 0, NULL, 0, 700, { 14000, 0.8, 0.01 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_RUNQ, 1203, "nginx", 0, NULL, 0, 500, { 15000, 0.8, 0.01 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_RUNQ, 842, "postgres", 0, NULL, 0, 600, { 25000, 1.0, 0.02 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_RUNQ, 977, "redis-server", 0, NULL, 0, 1500, { 6000, 0.6, 0.005 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_RUNQ, 2301, "java", 0, NULL, 0, 2500, { 40000, 1.2, 0.03 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_RUNQ, 37, "kworker/0:1", 0, NULL, 0, 120, { 4000, 0.5, 0.01 }, { 0, 0, 0 }, NULL },
	{ SNAP_FAM_BLOCK, 842, "postgres", DEV_NVME, "nvme0n1", ABI_BLOCK_READ, 300,
	  { 110000, 0.6, 0.01 }, { 3000, 0.5, 0.01 }, NULL },
	{ SNAP_FAM_BLOCK, 851, "postgres", DEV_NVME, "nvme0n1", ABI_BLOCK_WRITE, 85,
	  { 60000, 0.5, 0.01 }, { 5000, 0.5, 0.01 }, NULL },
	{ SNAP_FAM_BLOCK, 851, "postgres", DEV_NVME, "nvme0n1", ABI_BLOCK_FLUSH, 40,
	  { 1500000, 0.7, 0.03 }, { 2000, 0.4, 0.01 }, NULL },
	{ SNAP_FAM_BLOCK, 412, "jbd2/nvme0n1p1-", DEV_NVME, "nvme0n1", ABI_BLOCK_WRITE, 10,
	  { 80000, 0.5, 0.01 }, { 4000, 0.5, 0.01 }, NULL },
	{ SNAP_FAM_BLOCK, 2301, "java", DEV_SDA, "sda", ABI_BLOCK_READ, 50,
	  { 4000000, 0.6, 0.02 }, { 200000, 0.8, 0.02 }, NULL },
	{ SNAP_FAM_BLOCK, 95, "kworker/u4:2", DEV_SDA, "sda", ABI_BLOCK_WRITE, 20,
	  { 6000000, 0.6, 0.02 }, { 1000000, 0.8, 0.02 }, NULL },
	/*
	 * Functions (-u, --usdt): dev = the probe id, op = enum abi_func_kind.
	 * Last, so that the rows above keep their random streams.
	 */
	{ .fam = SNAP_FAM_FUNC, .pid = 842, .comm = "postgres", .dev = 0,
	  .label = "exec_simple_query", .op = ABI_FUNC_UPROBE, .rate_per_s = 250,
	  .lat = { 2500000, 0.9, 0.03 }, .detail = PG_BIN },
	{ .fam = SNAP_FAM_FUNC, .pid = 842, .comm = "postgres", .dev = 1,
	  .label = "postgresql:query__start->query__done", .op = ABI_FUNC_USDT_SPAN,
	  .rate_per_s = 250, .lat = { 2300000, 0.9, 0.03 }, .detail = PG_BIN },
	{ .fam = SNAP_FAM_FUNC, .pid = 1201, .comm = "nginx", .dev = 2,
	  .label = "ngx_http_process_request", .op = ABI_FUNC_UPROBE, .rate_per_s = 400,
	  .lat = { 45000, 0.8, 0.02 }, .detail = NGINX_BIN },
	{ .fam = SNAP_FAM_FUNC, .pid = 1202, .comm = "nginx", .dev = 2,
	  .label = "ngx_http_process_request", .op = ABI_FUNC_UPROBE, .rate_per_s = 300,
	  .lat = { 50000, 0.8, 0.02 }, .detail = NGINX_BIN },
	{ .fam = SNAP_FAM_FUNC, .pid = 1201, .comm = "nginx", .dev = 3,
	  .label = "ngx_http_static_handler", .op = ABI_FUNC_UPROBE, .rate_per_s = 150,
	  .lat = { 12000, 0.7, 0.02 }, .detail = NGINX_BIN },
};

#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

struct sim_fam_row {
	struct abi_hist total;
	struct abi_hist part_total[SNAP_FAM_PARTS];
};

struct sim_fams {
	uint64_t seed;
	bool regress;
	struct sim_fam_row rows[N_SPECS];
	/* this tick's, kept here: 2.4 KiB each is too much for the stack */
	struct abi_hist iv, iv_part[SNAP_FAM_PARTS];
};

struct sim_fams *sim_fams_new(uint64_t seed, bool regress)
{
	struct sim_fams *fs = calloc(1, sizeof(*fs));

	if (!fs) {
		errno = ENOMEM;
		return NULL;
	}
	fs->seed = seed;
	fs->regress = regress;
	return fs;
}

void sim_fams_free(struct sim_fams *fs)
{
	free(fs);
}

static uint64_t draw_ns(uint64_t *state, const struct sim_lat *l, bool regress)
{
	double v = sim_lat_draw(state, l->median_ns, l->sigma, l->tail_share, 1.4);

	if (regress)
		v = sim_regress(v, l->median_ns, l->sigma);
	if (v > SIM_FAM_MAX_LAT_NS)
		v = SIM_FAM_MAX_LAT_NS;
	return v < 1.0 ? 1 : (uint64_t)v;
}

static void hist_add_ns(struct abi_hist *h, uint64_t v, uint64_t w)
{
	h->count += w;
	h->timed += w;
	h->sum_ns += v * w;
	h->slots[abi_hist_slot(v)] += w;
	if (v > h->max_ns)
		h->max_ns = v;
}

/* This tick's requests of row @i into fs->iv (and fs->iv_part for block). */
static void row_tick(struct sim_fams *fs, size_t i, uint64_t tick, uint64_t interval_ns)
{
	const struct sim_fam_spec *sp = &specs[i];
	uint64_t state = sim_stream(fs->seed, tick, SALT_FAM + i);
	uint64_t count, n, base, extra;
	double lambda;

	memset(&fs->iv, 0, sizeof(fs->iv));
	memset(fs->iv_part, 0, sizeof(fs->iv_part));
	lambda = sp->rate_per_s * ((double)interval_ns / 1e9) *
		 (1.0 + 0.3 * sin((double)tick / 30.0 + (double)i)) * exp(0.1 * sim_gauss(&state));
	count = sim_poisson(&state, lambda);
	if (!count)
		return;
	n = count < SIM_FAM_MAX_SAMPLES ? count : SIM_FAM_MAX_SAMPLES;
	base = count / n;
	extra = count % n;
	for (uint64_t k = 0; k < n; k++) {
		uint64_t w = base + (k < extra), d = draw_ns(&state, &sp->lat, fs->regress), q;

		if (sp->fam != SNAP_FAM_BLOCK) {
			hist_add_ns(&fs->iv, d, w);
			continue;
		}
		q = draw_ns(&state, &sp->queue, fs->regress);
		hist_add_ns(&fs->iv, q + d, w);
		hist_add_ns(&fs->iv_part[0], q, w);
		hist_add_ns(&fs->iv_part[1], d, w);
	}
}

static int put_row(struct sim_fams *fs, size_t i, struct snapshot *out)
{
	const struct sim_fam_spec *sp = &specs[i];
	struct sim_fam_row *row = &fs->rows[i];
	struct snap_fam_row *r = snapshot_add_fam(out, sp->fam);
	unsigned int parts = sp->fam == SNAP_FAM_BLOCK ? SNAP_FAM_PARTS : 0;

	if (!r)
		return -ENOMEM;
	r->key.tgid = sp->pid;
	r->key.a = sp->fam != SNAP_FAM_RUNQ ? sp->dev : ABI_FAM_ANY;
	r->key.b = sp->op;
	strncpy(r->key.comm, sp->comm, sizeof(r->key.comm) - 1);
	if (sp->label)
		strncpy(r->label, sp->label, sizeof(r->label) - 1);
	if (sp->detail)
		strncpy(r->detail, sp->detail, sizeof(r->detail) - 1);
	if (snapshot_put_hist(out, &r->interval, &fs->iv) ||
	    snapshot_put_hist(out, &r->total, &row->total))
		return -ENOMEM;
	for (unsigned int p = 0; p < parts; p++)
		if (snapshot_put_hist(out, &r->part[p], &fs->iv_part[p]) ||
		    snapshot_put_hist(out, &r->part_total[p], &row->part_total[p]))
			return -ENOMEM;
	return 0;
}

int sim_fams_tick(struct sim_fams *fs, uint64_t tick, uint64_t interval_ns,
		  const bool on[SNAP_FAM_NR], struct snapshot *out)
{
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		out->fam[f].state = on[f] ? SNAP_FAM_ON : SNAP_FAM_OFF;
		if (!on[f])
			snprintf(out->fam[f].note, sizeof(out->fam[f].note),
				 "disabled (--no-%s)", family_get((enum snap_family)f)->term);
	}
	for (size_t i = 0; i < N_SPECS; i++) {
		struct sim_fam_row *row = &fs->rows[i];

		row_tick(fs, i, tick, interval_ns);
		hist_merge(&row->total, &fs->iv);
		for (int p = 0; p < SNAP_FAM_PARTS; p++)
			hist_merge(&row->part_total[p], &fs->iv_part[p]);
		if (!row->total.count || !on[specs[i].fam])
			continue;	/* not seen yet: the kernel would have no key */
		if (put_row(fs, i, out))
			return -ENOMEM;
	}
	return 0;
}

/* Shares (on CPU, run queue, I/O, blocked) of a syscall's time, before jitter. */
static void split_weights(const char *comm, const char *sys, double w[ABI_PARTS])
{
	static const struct {
		const char *comm;	/* NULL: any */
		const char *sys;
		double w[ABI_PARTS];
	} table[] = {
		{ NULL, "fsync", { 0.04, 0.03, 0.91, 0.02 } },
		{ "postgres", "read", { 0.12, 0.06, 0.80, 0.02 } },
		{ NULL, "openat", { 0.55, 0.10, 0.35, 0.00 } },
		{ NULL, "futex", { 0.05, 0.12, 0.00, 0.83 } },
		{ NULL, "epoll_wait", { 0.01, 0.02, 0.00, 0.97 } },
		{ NULL, "clock_nanosleep", { 0.002, 0.01, 0.00, 0.988 } },
		{ NULL, "accept4", { 0.60, 0.10, 0.00, 0.30 } },
		{ NULL, "recvfrom", { 0.50, 0.15, 0.00, 0.35 } },
	};
	static const double rest[ABI_PARTS] = { 0.80, 0.15, 0.00, 0.05 };

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(sys, table[i].sys) || (table[i].comm && strcmp(comm, table[i].comm)))
			continue;
		memcpy(w, table[i].w, sizeof(table[i].w));
		return;
	}
	memcpy(w, rest, sizeof(rest));
}

void sim_breakdown(uint64_t seed, uint64_t tick, uint64_t row, const char *comm,
		   const char *sys, struct abi_hist *h)
{
	uint64_t state = sim_stream(seed, tick, SALT_SPLIT + row), left = h->sum_ns;
	double w[ABI_PARTS], sum_w = 0;
	unsigned int big = 0;

	memset(h->part_ns, 0, sizeof(h->part_ns));
	if (!h->sum_ns)
		return;
	split_weights(comm, sys, w);
	for (unsigned int p = 0; p < ABI_PARTS; p++) {
		w[p] *= exp(0.2 * sim_gauss(&state));
		sum_w += w[p];
		if (w[p] > w[big])
			big = p;
	}
	/* every part but the largest rounded down, the largest takes the rest: exact */
	for (unsigned int p = 0; p < ABI_PARTS; p++) {
		if (p == big)
			continue;
		h->part_ns[p] = (uint64_t)((double)h->sum_ns * (w[p] / sum_w));
		if (h->part_ns[p] > left)
			h->part_ns[p] = left;
		left -= h->part_ns[p];
	}
	h->part_ns[big] = left;
}
