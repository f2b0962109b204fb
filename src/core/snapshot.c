/* snapshot.c - a snapshot and its growable row array. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"

void snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void snapshot_free(struct snapshot *s)
{
	free(s->sys);
	snapshot_init(s);
}

void snapshot_reset(struct snapshot *s)
{
	struct snap_sys_row *rows = s->sys;
	size_t cap = s->cap_sys;

	memset(s, 0, sizeof(*s));
	s->sys = rows;
	s->cap_sys = cap;
}

static int snapshot_reserve(struct snapshot *s, size_t want)
{
	struct snap_sys_row *rows;
	size_t cap = s->cap_sys ? s->cap_sys : 64;

	if (want <= s->cap_sys)
		return 0;
	while (cap < want)
		cap *= 2;
	rows = realloc(s->sys, cap * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	s->sys = rows;
	s->cap_sys = cap;
	return 0;
}

struct snap_sys_row *snapshot_add_sys(struct snapshot *s)
{
	struct snap_sys_row *r;

	if (snapshot_reserve(s, s->n_sys + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	r = &s->sys[s->n_sys++];
	memset(r, 0, sizeof(*r));
	return r;
}

int snapshot_copy(struct snapshot *dst, const struct snapshot *src)
{
	struct snap_sys_row *rows = dst->sys;
	size_t cap = dst->cap_sys;

	dst->sys = NULL;
	dst->cap_sys = 0;
	*dst = *src;
	dst->sys = rows;
	dst->cap_sys = cap;
	dst->n_sys = 0;
	if (snapshot_reserve(dst, src->n_sys))
		return -ENOMEM;
	if (src->n_sys)
		memcpy(dst->sys, src->sys, src->n_sys * sizeof(*src->sys));
	dst->n_sys = src->n_sys;
	return 0;
}
