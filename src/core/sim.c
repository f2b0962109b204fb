/*
 * sim.c - deterministic synthetic snapshots.
 *
 * Every (tick, row) pair gets its own PRNG stream derived from the seed, so
 * the data depends on nothing but the seed, the tick number and the
 * intervals. Per row and tick at most SIM_MAX_SAMPLES latencies are drawn
 * and each stands for count / n calls: busy rows cost a bounded amount of
 * work whatever the interval. The profiles draw the same numbers from the
 * same streams: regression only rescales steady's latencies (so a steady
 * and a regression run of one seed have the same calls), spike only
 * multiplies one row's, many-clients only adds clients (sim_clients.c).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/sim.h"
#include "core/sim_cgroups.h"
#include "core/sim_clients.h"
#include "core/sim_families.h"
#include "core/sim_rand.h"
#include "core/sim_stacks.h"
#include "core/syscall_names.h"
#include "core/wait_class.h"

#define SIM_MAX_SAMPLES 2000
#define SIM_SPIKE_MIN_RATE 200.0	/* only busy rows spike: visible in p50 */

struct sim_proc {
	const char *comm;
	uint32_t pid;
	uint64_t pstart_ns;
};

enum sim_proc_id { NGINX1, NGINX2, NGINX3, PG_BACKEND, PG_WAL, REDIS, SSHD, JAVA, SLEEPER };

static const struct sim_proc sim_procs[] = {
	[NGINX1] = { "nginx", 1201, 3100000000ull },
	[NGINX2] = { "nginx", 1202, 3110000000ull },
	[NGINX3] = { "nginx", 1203, 3120000000ull },
	[PG_BACKEND] = { "postgres", 842, 2200000000ull },
	[PG_WAL] = { "postgres", 851, 2250000000ull },
	[REDIS] = { "redis-server", 977, 2600000000ull },
	[SSHD] = { "sshd", 612, 1500000000ull },
	[JAVA] = { "java", 2301, 5400000000ull },
	[SLEEPER] = { "sleeper", 733, 1800000000ull },
};

/*
 * One (process, syscall) stream: calls per second, log-normal body
 * (median, sigma), Pareto tail (share of calls, shape; scale = 4x median),
 * share of calls that fail.
 */
struct sim_spec {
	enum sim_proc_id proc;
	const char *sys;
	double rate_per_s;
	double median_ns;
	double sigma;
	double tail_share;
	double tail_alpha;
	double err_share;
};

static const struct sim_spec sim_specs[] = {
	/* nginx workers: event loop, sockets, static files */
	{ NGINX1, "epoll_wait", 420, 1500000, 1.1, 0.02, 1.3, 0 },
	{ NGINX1, "accept4", 90, 4000, 0.5, 0.01, 1.8, 0.35 },
	{ NGINX1, "read", 650, 3000, 0.6, 0.01, 1.6, 0.10 },
	{ NGINX1, "write", 520, 6500, 0.6, 0.01, 1.5, 0.002 },
	{ NGINX1, "openat", 160, 9000, 0.7, 0.02, 1.4, 0.02 },
	{ NGINX1, "close", 300, 1500, 0.4, 0.005, 2.0, 0 },
	{ NGINX2, "epoll_wait", 350, 1700000, 1.1, 0.02, 1.3, 0 },
	{ NGINX2, "accept4", 70, 4000, 0.5, 0.01, 1.8, 0.35 },
	{ NGINX2, "read", 520, 3100, 0.6, 0.01, 1.6, 0.10 },
	{ NGINX2, "write", 430, 6600, 0.6, 0.01, 1.5, 0.002 },
	{ NGINX2, "openat", 130, 9200, 0.7, 0.02, 1.4, 0.02 },
	{ NGINX3, "epoll_wait", 240, 2100000, 1.1, 0.02, 1.3, 0 },
	{ NGINX3, "read", 360, 3000, 0.6, 0.01, 1.6, 0.10 },
	{ NGINX3, "write", 300, 6400, 0.6, 0.01, 1.5, 0.002 },
	{ NGINX3, "close", 150, 1600, 0.4, 0.005, 2.0, 0 },
	/* postgres: a backend and the WAL writer */
	{ PG_BACKEND, "recvfrom", 310, 5000, 0.5, 0.01, 1.7, 0.05 },
	{ PG_BACKEND, "sendto", 300, 12000, 0.5, 0.01, 1.6, 0 },
	{ PG_BACKEND, "read", 820, 18000, 1.2, 0.03, 1.2, 0 },
	{ PG_BACKEND, "epoll_wait", 290, 800000, 1.0, 0.02, 1.3, 0 },
	{ PG_WAL, "write", 85, 25000, 0.7, 0.02, 1.4, 0 },
	{ PG_WAL, "fsync", 40, 1800000, 0.8, 0.05, 1.1, 0 },
	{ PG_WAL, "epoll_wait", 20, 40000000, 0.6, 0.01, 1.5, 0 },
	/* redis: very busy, very fast */
	{ REDIS, "epoll_wait", 1100, 200000, 1.0, 0.01, 1.5, 0 },
	{ REDIS, "read", 2200, 1500, 0.4, 0.005, 1.8, 0.05 },
	{ REDIS, "write", 2100, 3000, 0.4, 0.005, 1.8, 0 },
	/* sshd: an interactive session */
	{ SSHD, "read", 30, 4000, 0.6, 0.02, 1.5, 0.03 },
	{ SSHD, "write", 28, 8000, 0.6, 0.02, 1.5, 0 },
	/* java: lock contention dominates */
	{ JAVA, "futex", 3200, 30000, 1.5, 0.04, 1.1, 0.20 },
	{ JAVA, "epoll_wait", 210, 5000000, 1.0, 0.02, 1.3, 0 },
	{ JAVA, "read", 410, 6000, 0.7, 0.01, 1.5, 0.20 },
	{ JAVA, "write", 320, 9000, 0.7, 0.01, 1.5, 0 },
	{ JAVA, "sendto", 150, 15000, 0.6, 0.01, 1.5, 0 },
	{ JAVA, "recvfrom", 150, 8000, 0.6, 0.01, 1.5, 0.20 },
	/* a sleeper: all of its time is waiting (the work view hides it); last, so
	 * that the rows above keep their random streams */
	{ SLEEPER, "clock_nanosleep", 20, 50000000, 0.02, 0, 1.5, 0 },
};

#define SIM_N_SPECS (sizeof(sim_specs) / sizeof(sim_specs[0]))

struct sim_row {
	const struct sim_spec *spec;
	uint32_t nr;
	struct abi_hist total;
};

struct sim {
	uint64_t seed;
	int profile;			/* enum sim_profile */
	struct sim_clients *clients;
	struct sim_fams *fams;
	struct sim_stacks *stacks;
	uint64_t slow_ns;		/* sim_set_slow_ns: 0 = no stacks */
	bool breakdown;			/* sim_set_families */
	bool cgroups;			/* sim_set_cgroups */
	bool fam_on[SNAP_FAM_NR];
	uint64_t tick;
	uint64_t elapsed_ns;
	struct snap_counters total;
	size_t n_rows;
	struct sim_row rows[SIM_N_SPECS];
};

struct sim_spike {
	size_t row;		/* SIZE_MAX: none this tick */
	double mult;
};

static double sim_latency_ns(const struct sim_spec *sp, uint64_t *state, bool regress)
{
	double v = sim_lat_draw(state, sp->median_ns, sp->sigma, sp->tail_share, sp->tail_alpha);

	if (regress)
		v = sim_regress(v, sp->median_ns, sp->sigma);
	return v > SIM_MAX_LAT_NS ? SIM_MAX_LAT_NS : v;
}

static const char *const sim_profile_names[SIM_PROFILE_NR] = {
	[SIM_STEADY] = "steady",
	[SIM_SPIKE] = "spike",
	[SIM_REGRESSION] = "regression",
	[SIM_MANY_CLIENTS] = "many-clients",
};

int sim_profile_parse(const char *name)
{
	for (int i = 0; i < SIM_PROFILE_NR; i++)
		if (!strcmp(name, sim_profile_names[i]))
			return i;
	return -EINVAL;
}

const char *sim_profile_name(int p)
{
	return p >= 0 && p < SIM_PROFILE_NR ? sim_profile_names[p] : "?";
}

struct sim *sim_new(uint64_t seed)
{
	return sim_new_profile(seed, SIM_STEADY);
}

struct sim *sim_new_profile(uint64_t seed, int profile)
{
	struct sim *sim;

	if (profile < 0 || profile >= SIM_PROFILE_NR) {
		errno = EINVAL;
		return NULL;
	}
	sim = calloc(1, sizeof(*sim));
	if (!sim) {
		errno = ENOMEM;
		return NULL;
	}
	sim->seed = seed;
	sim->profile = profile;
	sim_set_families(sim, true, true, true);
	sim->cgroups = true;
	sim->clients = sim_clients_new(seed, profile);
	sim->fams = sim_fams_new(seed, profile == SIM_REGRESSION);
	sim->stacks = sim_stacks_new();
	if (!sim->clients || !sim->fams || !sim->stacks) {
		sim_clients_free(sim->clients);
		sim_fams_free(sim->fams);
		sim_stacks_free(sim->stacks);
		free(sim);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < SIM_N_SPECS; i++) {
		int nr = syscall_lookup(sim_specs[i].sys);

		if (nr < 0)
			continue;	/* not on this architecture: arm64 has no epoll_wait */
		sim->rows[sim->n_rows].spec = &sim_specs[i];
		sim->rows[sim->n_rows].nr = (uint32_t)nr;
		sim->n_rows++;
	}
	return sim;
}

void sim_set_families(struct sim *sim, bool breakdown, bool runq, bool block)
{
	sim->breakdown = breakdown;
	sim->fam_on[SNAP_FAM_RUNQ] = runq;
	sim->fam_on[SNAP_FAM_BLOCK] = block;
	sim->fam_on[SNAP_FAM_FUNC] = true;	/* as if -u and --usdt were given */
}

void sim_set_cgroups(struct sim *sim, bool on)
{
	sim->cgroups = on;
}

void sim_set_slow_ns(struct sim *sim, uint64_t slow_ns)
{
	sim->slow_ns = slow_ns;
}

void sim_free(struct sim *sim)
{
	if (!sim)
		return;
	sim_clients_free(sim->clients);
	sim_fams_free(sim->fams);
	sim_stacks_free(sim->stacks);
	free(sim);
}

/*
 * One spike per window of SIM_SPIKE_WINDOW ticks, starting at a random
 * offset in the window so that it always fits, on a random busy row.
 */
static struct sim_spike sim_spike_at(const struct sim *sim, uint64_t tick)
{
	struct sim_spike sp = { SIZE_MAX, 1.0 };
	uint64_t window = (tick - 1) / SIM_SPIKE_WINDOW;
	uint64_t h = sim_stream(sim->seed, window, 0x5b1cedull);
	uint64_t start = window * SIM_SPIKE_WINDOW + 1 +
			 h % (SIM_SPIKE_WINDOW - SIM_SPIKE_TICKS + 1);
	size_t busy = 0, pick;

	if (sim->profile != SIM_SPIKE || tick < start || tick >= start + SIM_SPIKE_TICKS)
		return sp;
	for (size_t i = 0; i < sim->n_rows; i++)
		busy += sim->rows[i].spec->rate_per_s >= SIM_SPIKE_MIN_RATE;
	if (!busy)
		return sp;
	pick = (size_t)((h >> 16) % busy);
	for (size_t i = 0; i < sim->n_rows; i++) {
		if (sim->rows[i].spec->rate_per_s < SIM_SPIKE_MIN_RATE)
			continue;
		if (pick-- == 0) {
			sp.row = i;
			break;
		}
	}
	sp.mult = 10.0 + (double)((h >> 40) % 41);
	return sp;
}

/* Fill @h with this tick's calls of @row. */
static void sim_row_tick(const struct sim *sim, size_t idx, const struct sim_spike *spike,
			 uint64_t interval_ns, struct abi_hist *h)
{
	const struct sim_spec *sp = sim->rows[idx].spec;
	uint64_t state = sim_stream(sim->seed, sim->tick, idx + 1);
	double lambda, mult = spike->row == idx ? spike->mult : 1.0;
	bool regress = sim->profile == SIM_REGRESSION && sp->rate_per_s >= SIM_REGRESS_MIN_RATE;
	uint64_t count, n, base, extra;

	memset(h, 0, sizeof(*h));
	/* load drifts slowly (a few minutes' period) and jitters per tick */
	lambda = sp->rate_per_s * ((double)interval_ns / 1e9) *
		 (1.0 + 0.3 * sin((double)sim->tick / 40.0 + (double)idx)) *
		 exp(0.1 * sim_gauss(&state));
	count = sim_poisson(&state, lambda);
	if (!count)
		return;
	h->count = count;
	h->timed = count;
	if (count <= SIM_MAX_SAMPLES) {
		for (uint64_t i = 0; i < count; i++)
			h->errors += sim_uniform(&state) < sp->err_share;
	} else {
		double mean = (double)count * sp->err_share;
		double e = mean + sqrt(mean * (1.0 - sp->err_share)) * sim_gauss(&state) + 0.5;

		h->errors = e < 0 ? 0 : e > (double)count ? count : (uint64_t)e;
	}
	/* n samples stand for count calls: each weighs base, the first extra one more */
	n = count < SIM_MAX_SAMPLES ? count : SIM_MAX_SAMPLES;
	base = count / n;
	extra = count % n;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w = base + (i < extra), v;
		double lat = sim_latency_ns(sp, &state, regress) * mult;

		v = lat < 1.0 ? 1 : (uint64_t)lat;
		h->slots[abi_hist_slot(v)] += w;
		h->sum_ns += v * w;
		if (v > h->max_ns)
			h->max_ns = v;
	}
	/* its own stream: the latencies above stay what they were before the breakdown */
	if (sim->breakdown)
		sim_breakdown(sim->seed, sim->tick, idx, sim_procs[sp->proc].comm, sp->sys, h);
}

int sim_tick(struct sim *sim, struct snapshot *out, uint64_t interval_ns)
{
	struct sim_spike spike;
	int ret;

	sim->tick++;
	sim->elapsed_ns += interval_ns;
	spike = sim_spike_at(sim, sim->tick);
	memset(&out->interval, 0, sizeof(out->interval));
	for (size_t i = 0; i < sim->n_rows; i++) {
		struct sim_row *row = &sim->rows[i];
		const struct sim_proc *p = &sim_procs[row->spec->proc];
		struct abi_hist h;
		struct snap_sys_row *r;

		sim_row_tick(sim, i, &spike, interval_ns, &h);
		hist_merge(&row->total, &h);
		out->interval.events += h.count;
		if (!row->total.count)
			continue;	/* not seen yet: the kernel would have no key */
		r = snapshot_add_sys(out);
		if (!r)
			return -ENOMEM;
		r->pid = p->pid;
		r->nr = row->nr;
		r->wait = wait_class_always(row->nr);	/* no per-call facts here: by name only */
		r->pstart_ns = p->pstart_ns;
		strncpy(r->comm, p->comm, sizeof(r->comm) - 1);
		r->exited = false;
		if (snapshot_put_hist(out, &r->interval, &h) ||
		    snapshot_put_hist(out, &r->total, &row->total))
			return -ENOMEM;
	}
	ret = sim_clients_tick(sim->clients, sim->tick, interval_ns, out) ?:
	      sim_fams_tick(sim->fams, sim->tick, interval_ns, sim->fam_on, out) ?:
	      sim_stacks_tick(sim->stacks, sim->slow_ns, out);
	/* last: a pass over the rows made above, which leaves their numbers alone */
	if (!ret && sim->cgroups)
		ret = sim_cgroups_fill(sim->seed, out);
	if (ret)
		return ret;
	out->breakdown = sim->breakdown;
	sim->total.events += out->interval.events;
	sim->total.client_evicted += out->interval.client_evicted;
	out->total = sim->total;
	out->seq = sim->tick;
	out->interval_ns = interval_ns;	/* nominal; the collector stamps the measured one */
	out->elapsed_ns = sim->elapsed_ns;
	out->simulated = true;
	out->sample_every = 1;
	memset(out->source, 0, sizeof(out->source));
	strncpy(out->source, "simulate", sizeof(out->source) - 1);
	return 0;
}
