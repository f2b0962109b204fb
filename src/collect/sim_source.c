/* sim_source.c - adapts the pure simulation generator to struct source. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "collect/sim_source.h"
#include "core/sim.h"

struct sim_source {
	struct sim *sim;
	_Atomic uint64_t slow_ns;	/* written by the main thread (set_slow_ns), read per tick */
};

static int sim_source_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct sim_source *ss = ctx;

	sim_set_slow_ns(ss->sim, atomic_load(&ss->slow_ns));
	return sim_tick(ss->sim, out, interval_ns);
}

/* Main thread: the dashboard's --slow key; the next tick has the new threshold. */
static int sim_source_set_slow_ns(void *ctx, uint64_t slow_ns)
{
	struct sim_source *ss = ctx;

	atomic_store(&ss->slow_ns, slow_ns);
	return 0;
}

static void sim_source_destroy(void *ctx)
{
	struct sim_source *ss = ctx;

	sim_free(ss->sim);
	free(ss);
}

int sim_source_open(struct source *src, uint64_t seed, int profile, bool breakdown, bool runq,
		    bool block, bool cgroups, uint64_t slow_ns)
{
	struct sim_source *ss = calloc(1, sizeof(*ss));

	if (!ss)
		return -ENOMEM;
	ss->sim = sim_new_profile(seed, profile);
	if (!ss->sim) {
		int err = errno;

		free(ss);
		return -err;
	}
	atomic_init(&ss->slow_ns, slow_ns);
	/* --no-breakdown, --no-runq, --no-block: the simulation leaves them out too. */
	sim_set_families(ss->sim, breakdown, runq, block);
	sim_set_cgroups(ss->sim, cgroups);	/* --no-cgroups */
	src->name = "simulate";
	src->ctx = ss;
	src->tick = sim_source_tick;
	src->destroy = sim_source_destroy;
	src->set_slow_ns = sim_source_set_slow_ns;
	return 0;
}
