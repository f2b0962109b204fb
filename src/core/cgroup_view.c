/*
 * cgroup_view.c - a snapshot summed per cgroup (see cgroup_view.h).
 * Provisional (h-out): h-ui owns this file; at merge take h-ui's version.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup_view.h"
#include "core/client_view.h"
#include "core/filter.h"

struct cv_pid {
	uint64_t cgid;
	uint32_t pid;
};

static int pid_cmp(const void *a, const void *b)
{
	const struct cv_pid *x = a, *y = b;

	if (x->cgid != y->cgid)
		return (x->cgid > y->cgid) - (x->cgid < y->cgid);
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int sum_cmp(const void *a, const void *b)
{
	const struct cgroup_sum *x = a, *y = b;

	if (x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

static struct cgroup_sum *find_or_add(const struct snapshot *s, uint64_t id,
				      struct cgroup_sum **out, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].id == id)
			return &(*out)[i];
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct cgroup_sum *p = realloc(*out, ncap * sizeof(*p));

		if (!p)
			return NULL;
		*out = p;
		*cap = ncap;
	}
	memset(&(*out)[*n], 0, sizeof(**out));
	(*out)[*n].id = id;
	(*out)[*n].cg = snapshot_cgroup(s, id);
	return &(*out)[(*n)++];
}

int cgroup_view_build(const struct snapshot *s, const struct filter *f, bool cumulative,
		      struct cgroup_sum **out, size_t *n, size_t *cap)
{
	struct cv_pid *pids = calloc(s->n_sys + s->n_clients + 1, sizeof(*pids));
	size_t np = 0;

	*n = 0;
	if (!pids)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		const struct snap_hist *h = snap_row_hist(r, cumulative);
		struct cgroup_sum *c;
		uint64_t p99;

		if (!h->count || (f && !filter_match_sys_in(f, s, r)))
			continue;
		c = find_or_add(s, r->cgroup_id, out, n, cap);
		if (!c)
			goto nomem;
		c->calls += h->count;
		c->errors += h->errors;
		c->time_ns += h->sum_ns;
		p99 = snapshot_hist_percentile_ns(s, h, 99);
		if (p99 > c->worst_p99_ns) {
			c->worst_p99_ns = p99;
			c->slowest_nr = r->nr;
			c->slowest_wait = r->wait;
		}
		pids[np++] = (struct cv_pid){ r->cgroup_id, r->pid };
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];
		const struct snap_lat *req = client_req(r, cumulative);
		struct cgroup_sum *c;

		if (!client_row_active(r, cumulative) || (f && !filter_match_client_in(f, s, r)))
			continue;
		c = find_or_add(s, r->key.cgid, out, n, cap);
		if (!c)
			goto nomem;
		if (r->key.dir == ABI_DIR_IN) {
			c->requests += req->count;
			if (req->p99_ns > c->req_p99_ns)
				c->req_p99_ns = req->p99_ns;
		}
		pids[np++] = (struct cv_pid){ r->key.cgid, r->key.tgid };
	}
	qsort(pids, np, sizeof(*pids), pid_cmp);
	for (size_t i = 0; i < np; i++) {
		if (i && !pid_cmp(&pids[i], &pids[i - 1]))
			continue;
		for (size_t k = 0; k < *n; k++)
			if ((*out)[k].id == pids[i].cgid)
				(*out)[k].n_procs++;
	}
	free(pids);
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), sum_cmp);
	return 0;
nomem:
	free(pids);
	return -ENOMEM;
}
