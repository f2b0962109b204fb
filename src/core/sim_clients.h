/*
 * sim_clients.h - the simulation's TCP clients (internal to core/sim.c).
 *
 * Keeps, per simulated client, the cumulative row the kernel's table would
 * hold (struct abi_client_val) and turns it into snapshot rows with
 * core/client_model, the same code the live source uses: interval and
 * total counters, sparse histograms, p50/p90/p99 are computed identically.
 */
#ifndef LATTOP_CORE_SIM_CLIENTS_H
#define LATTOP_CORE_SIM_CLIENTS_H

#include <stdint.h>

#include "core/snapshot.h"

struct sim_clients;

/* NULL with errno set. @profile is an enum sim_profile. */
struct sim_clients *sim_clients_new(uint64_t seed, int profile);
void sim_clients_free(struct sim_clients *c);

/*
 * Tick @tick (from 1) of @interval_ns: append the client rows to @out, set
 * clients_state and out->interval.client_evicted. 0 or -ENOMEM.
 */
int sim_clients_tick(struct sim_clients *c, uint64_t tick, uint64_t interval_ns,
		     struct snapshot *out);

#endif
