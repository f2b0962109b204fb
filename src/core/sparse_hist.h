/*
 * sparse_hist.h - a histogram kept as its summary and non-empty slots,
 * owned by a delta model (core/model.c, core/fam_model.c): a key costs a
 * few hundred bytes instead of full 2.4 KiB histograms.
 */
#ifndef LATTOP_CORE_SPARSE_HIST_H
#define LATTOP_CORE_SPARSE_HIST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hist.h"
#include "core/snapshot.h"

struct sparse_hist {
	struct snap_hist sum;	/* first unused; n = buckets in b */
	struct hist_bucket *b;
	uint32_t cap;
};

void sparse_hist_free(struct sparse_hist *sh);

/* *@sh = @h; @scratch holds ABI_HIST_SLOTS buckets. 0 or -ENOMEM. */
int sparse_hist_set(struct sparse_hist *sh, const struct abi_hist *h, struct hist_bucket *scratch);

void sparse_hist_expand(const struct sparse_hist *sh, struct abi_hist *out);

static inline void sparse_hist_swap(struct sparse_hist *a, struct sparse_hist *b)
{
	struct sparse_hist t = *a;

	*a = *b;
	*b = t;
}

/* Every counter equal: nothing happened since (slots only move with timed). */
static inline bool sparse_hist_same(const struct snap_hist *a, const struct abi_hist *b)
{
	return a->count == b->count && a->timed == b->timed && a->errors == b->errors &&
	       a->sum_ns == b->sum_ns && a->max_ns == b->max_ns;
}

#endif
