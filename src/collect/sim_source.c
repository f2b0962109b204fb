/* sim_source.c - adapts the pure simulation generator to struct source. */
#include <errno.h>

#include "collect/sim_source.h"
#include "core/sim.h"

static int sim_source_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	return sim_tick(ctx, out, interval_ns);
}

static void sim_source_destroy(void *ctx)
{
	sim_free(ctx);
}

int sim_source_open(struct source *src, uint64_t seed, int profile, bool breakdown, bool runq,
		    bool block)
{
	struct sim *sim = sim_new_profile(seed, profile);

	if (!sim)
		return -errno;
	/* --no-breakdown, --no-runq, --no-block: the simulation leaves them out too. */
	sim_set_families(sim, breakdown, runq, block);
	src->name = "simulate";
	src->ctx = sim;
	src->tick = sim_source_tick;
	src->destroy = sim_source_destroy;
	return 0;
}
