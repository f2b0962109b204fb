/*
 * rec_match.c - previous-tick rows by key, for format-5 delta ticks.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/rec_match.h"

int rec_match_build(struct rec_match *m, size_t n, uint64_t (*hash)(const void *ctx, size_t i),
		    const void *ctx)
{
	size_t cap = 16;

	m->slot = NULL;
	m->mask = 0;
	if (n >= UINT32_MAX / 4)
		return -ENOMEM;
	while (cap < 2 * n)
		cap <<= 1;
	m->slot = calloc(cap, sizeof(*m->slot));
	if (!m->slot)
		return -ENOMEM;
	m->mask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		size_t at = hash(ctx, i) & m->mask;

		while (m->slot[at])
			at = (at + 1) & m->mask;
		m->slot[at] = (uint32_t)i + 1;
	}
	return 0;
}

size_t rec_match_find(const struct rec_match *m, uint64_t h,
		      bool (*eq)(const void *ctx, size_t i, const void *key), const void *ctx,
		      const void *key)
{
	if (!m->slot)
		return SIZE_MAX;
	for (size_t at = h & m->mask; m->slot[at]; at = (at + 1) & m->mask)
		if (eq(ctx, m->slot[at] - 1, key))
			return m->slot[at] - 1;
	return SIZE_MAX;
}

void rec_match_free(struct rec_match *m)
{
	free(m->slot);
	m->slot = NULL;
}
