/* sim_source.h - the simulation generator (core/sim) as a snapshot source. */
#ifndef LATTOP_COLLECT_SIM_SOURCE_H
#define LATTOP_COLLECT_SIM_SOURCE_H

#include <stdint.h>

#include "collect/source.h"

/*
 * @profile: an enum sim_profile (core/sim.h); @cgroups: rows in simulated cgroups
 * (off: --no-cgroups); @slow_ns: --slow (0: off), changed later
 * through src->set_slow_ns. 0, -ENOMEM or -EINVAL. Needs no privileges.
 */
int sim_source_open(struct source *src, uint64_t seed, int profile, bool breakdown, bool runq,
		    bool block, bool cgroups, uint64_t slow_ns);

#endif
