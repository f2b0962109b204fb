/*
 * cgroup_view.c - a snapshot summed per cgroup.
 *
 * Two passes: the (cgroup, pid) pairs of the rows that count, sorted, give
 * the entries (one per id, in id order) and their distinct processes; then
 * every row adds to its entry, found by bsearch. O(rows log rows), so a
 * host with thousands of cgroups costs no more than its rows.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/cgroup_view.h"
#include "core/client_view.h"
#include "core/filter.h"

struct cg_pid {
	uint64_t id;
	uint32_t pid;
};

static int cmp_cg_pid(const void *pa, const void *pb)
{
	const struct cg_pid *a = pa, *b = pb;

	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static bool sys_counts(const struct snapshot *s, const struct snap_sys_row *r,
		       const struct filter *f, bool cumulative)
{
	return snap_row_hist(r, cumulative)->count && (!f || filter_match_sys_in(f, s, r));
}

static bool client_counts_in(const struct snapshot *s, const struct snap_client_row *r,
			     const struct filter *f, bool cumulative)
{
	return client_row_active(r, cumulative) && (!f || filter_match_client_in(f, s, r));
}

static int cmp_sum_id(const void *key, const void *elem)
{
	uint64_t id = *(const uint64_t *)key;
	const struct cgroup_sum *c = elem;

	return id < c->id ? -1 : id > c->id;
}

static int cmp_sum_calls(const void *pa, const void *pb)
{
	const struct cgroup_sum *a = pa, *b = pb;

	if (a->calls != b->calls)
		return a->calls > b->calls ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The entries, one per distinct id of @pairs (sorted), with their distinct pids counted. */
static int make_entries(const struct snapshot *s, const struct cg_pid *pairs, size_t n_pairs,
			struct cgroup_sum **out, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < n_pairs; i++) {
		bool new_id = i == 0 || pairs[i].id != pairs[i - 1].id;
		struct cgroup_sum *c;

		if (new_id) {
			if (*n == *cap) {
				size_t ncap = *cap ? *cap * 2 : 16;
				struct cgroup_sum *grown = realloc(*out, ncap * sizeof(*grown));

				if (!grown)
					return -ENOMEM;
				*out = grown;
				*cap = ncap;
			}
			c = &(*out)[(*n)++];
			*c = (struct cgroup_sum){ .id = pairs[i].id };
			c->cg = snapshot_cgroup(s, pairs[i].id);
		}
		c = &(*out)[*n - 1];
		/* pid 0: a client row no process touched; not a process. */
		if (pairs[i].pid && (new_id || pairs[i].pid != pairs[i - 1].pid))
			c->n_procs++;
	}
	return 0;
}

static void add_sys(const struct snapshot *s, struct cgroup_sum *c, const struct snap_sys_row *r,
		    bool cumulative)
{
	const struct snap_hist *h = snap_row_hist(r, cumulative);
	uint64_t p99 = snapshot_hist_percentile_ns(s, h, 99);
	bool first = c->calls == 0;	/* counted rows have calls */
	bool lower = r->nr < c->slowest_nr ||
		     (r->nr == c->slowest_nr && !r->wait && c->slowest_wait);

	c->calls += h->count;
	c->errors += h->errors;
	c->time_ns += h->sum_ns;
	/* Ties keep the lower syscall (work before wait): the pick does not depend on row order. */
	if (first || p99 > c->worst_p99_ns || (p99 == c->worst_p99_ns && lower)) {
		c->worst_p99_ns = p99;
		c->slowest_nr = r->nr;
		c->slowest_wait = r->wait;
	}
}

static void add_client(struct cgroup_sum *c, const struct snap_client_row *r, bool cumulative)
{
	const struct snap_lat *req = client_req(r, cumulative);

	if (r->key.dir != ABI_DIR_IN)
		return;
	c->requests += client_counts(r, cumulative)->requests;
	if (req->p99_ns > c->req_p99_ns)
		c->req_p99_ns = req->p99_ns;
}

int cgroup_view_build(const struct snapshot *s, const struct filter *f, bool cumulative,
		      struct cgroup_sum **out, size_t *n, size_t *cap)
{
	size_t n_pairs = 0;
	struct cg_pid *pairs;
	int err;

	*n = 0;
	if (!s->n_sys && !s->n_clients)
		return 0;
	pairs = malloc((s->n_sys + s->n_clients) * sizeof(*pairs));
	if (!pairs)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_sys; i++)
		if (sys_counts(s, &s->sys[i], f, cumulative))
			pairs[n_pairs++] = (struct cg_pid){ s->sys[i].cgroup_id, s->sys[i].pid };
	for (size_t i = 0; i < s->n_clients; i++)
		if (client_counts_in(s, &s->clients[i], f, cumulative))
			pairs[n_pairs++] = (struct cg_pid){ s->clients[i].key.cgid,
							    s->clients[i].key.tgid };
	qsort(pairs, n_pairs, sizeof(*pairs), cmp_cg_pid);
	err = make_entries(s, pairs, n_pairs, out, n, cap);
	free(pairs);
	if (err)
		return err;

	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		struct cgroup_sum *c;

		if (!sys_counts(s, r, f, cumulative))
			continue;
		c = bsearch(&r->cgroup_id, *out, *n, sizeof(**out), cmp_sum_id);
		if (c)
			add_sys(s, c, r, cumulative);
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];
		struct cgroup_sum *c;

		if (!client_counts_in(s, r, f, cumulative))
			continue;
		c = bsearch(&r->key.cgid, *out, *n, sizeof(**out), cmp_sum_id);
		if (c)
			add_client(c, r, cumulative);
	}
	if (*n > 1)
		qsort(*out, *n, sizeof(**out), cmp_sum_calls);
	return 0;
}
