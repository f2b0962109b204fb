/*
 * client_model.h - the kernel's cumulative per-client rows (abi_client_val)
 * to snapshot rows: interval deltas and totals of the counters, sparse
 * histograms and their percentiles.
 *
 * The kernel table is an LRU map: a row can vanish (evicted for a new
 * client) between two reads, or vanish and come back within one. The
 * first shows as a key not read this tick, the second as counters going
 * backwards; both are counted as evictions, and a returning row starts
 * from zero. Memory is bounded by the kernel map: a row not read this
 * tick is forgotten.
 *
 * Per tick: client_model_begin, client_model_update for every row read
 * (appends the snapshot row at once), then client_model_end.
 */
#ifndef LATTOP_CORE_CLIENT_MODEL_H
#define LATTOP_CORE_CLIENT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct client_model;

struct client_model *client_model_new(void);	/* NULL+errno */
void client_model_free(struct client_model *m);

void client_model_begin(struct client_model *m);

/* Record the cumulative @cum of @key and append its row to @out. 0 or -ENOMEM. */
int client_model_update(struct client_model *m, const struct abi_client_key *key,
			const struct abi_client_val *cum, struct snapshot *out);

/*
 * Forget rows not read this tick. Returns how many were forgotten plus rows
 * seen re-created; the live source counts evictions exactly from the
 * kernel instead (rows created - rows present), which also sees a row
 * created and evicted between two reads.
 */
uint64_t client_model_end(struct client_model *m);

size_t client_model_size(const struct client_model *m);

#endif
