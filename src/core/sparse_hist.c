/* sparse_hist.c - summary + non-empty slots of a histogram, owned by a model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/sparse_hist.h"

void sparse_hist_free(struct sparse_hist *sh)
{
	free(sh->b);
	sh->b = NULL;
	sh->cap = 0;
}

int sparse_hist_set(struct sparse_hist *sh, const struct abi_hist *h, struct hist_bucket *scratch)
{
	size_t n = hist_to_buckets(h, scratch);

	if (n > sh->cap) {
		struct hist_bucket *b = realloc(sh->b, n * sizeof(*b));

		if (!b)
			return -ENOMEM;
		sh->b = b;
		sh->cap = (uint32_t)n;
	}
	if (n)
		memcpy(sh->b, scratch, n * sizeof(*sh->b));
	sh->sum = (struct snap_hist){
		.count = h->count,
		.errors = h->errors,
		.timed = h->timed,
		.sum_ns = h->sum_ns,
		.max_ns = h->max_ns,
		.n = (uint32_t)n,
	};
	memcpy(sh->sum.part_ns, h->part_ns, sizeof(sh->sum.part_ns));
	return 0;
}

void sparse_hist_expand(const struct sparse_hist *sh, struct abi_hist *out)
{
	memset(out, 0, sizeof(*out));
	out->count = sh->sum.count;
	out->errors = sh->sum.errors;
	out->timed = sh->sum.timed;
	out->sum_ns = sh->sum.sum_ns;
	out->max_ns = sh->sum.max_ns;
	memcpy(out->part_ns, sh->sum.part_ns, sizeof(out->part_ns));
	hist_add_buckets(out, sh->b, sh->sum.n);
}
