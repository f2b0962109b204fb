/* view.c - snapshot rows grouped, filtered, merged and sorted for display. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/syscall_names.h"
#include "core/view.h"

void view_init(struct view *v)
{
	memset(v, 0, sizeof(*v));
}

void view_free(struct view *v)
{
	free(v->rows);
	view_init(v);
}

static bool same_group(const struct view_row *a, const struct snap_sys_row *r, enum view_group g)
{
	switch (g) {
	case VIEW_BY_SYSCALL:
		return a->nr == r->nr && a->wait == r->wait;
	case VIEW_BY_PROCESS:
		/*
		 * A process is (pid, start time), whatever its name: a live source
		 * names all its rows with the newest (core/proc_names.h); a recording
		 * made before that may hold two names, and the pid is still one row.
		 */
		return a->pid == r->pid && a->pstart_ns == r->pstart_ns;
	case VIEW_BY_PROC_SYSCALL:
	default:
		return a->nr == r->nr && a->wait == r->wait && a->pid == r->pid &&
		       a->pstart_ns == r->pstart_ns && !memcmp(a->comm, r->comm, ABI_COMM_LEN);
	}
}

static struct view_row *view_append(struct view *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct view_row *rows = realloc(v->rows, cap * sizeof(*rows));

		if (!rows)
			return NULL;
		v->rows = rows;
		v->cap = cap;
	}
	memset(&v->rows[v->n], 0, sizeof(v->rows[0]));
	return &v->rows[v->n++];
}

/*
 * Groups are found with a linear scan from the newest row: snapshots hold at
 * most a few thousand rows and views are rebuilt once per frame, so a hash
 * table is not worth its code here.
 */
static struct view_row *find_group(struct view *v, const struct snap_sys_row *r, enum view_group g)
{
	for (size_t i = v->n; i-- > 0;)
		if (same_group(&v->rows[i], r, g))
			return &v->rows[i];
	return NULL;
}

int view_build(struct view *v, const struct snapshot *s, const struct filter *f,
	       enum view_group g, bool cumulative)
{
	v->n = 0;
	v->total_sum_ns = 0;
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		const struct snap_hist *h = snap_row_hist(r, cumulative);
		struct view_row *vr;

		if (!h->count || (f && !filter_match_sys_in(f, s, r)))
			continue;
		/* Snapshot rows are unique per (process, syscall): nothing to merge. */
		vr = g == VIEW_BY_PROC_SYSCALL ? NULL : find_group(v, r, g);
		if (!vr) {
			vr = view_append(v);
			if (!vr)
				return -ENOMEM;
			vr->nr = g == VIEW_BY_PROCESS ? UINT32_MAX : r->nr;
			vr->wait = g != VIEW_BY_PROCESS && r->wait;
			vr->cgroup_id = r->cgroup_id;
			if (g != VIEW_BY_SYSCALL) {
				vr->pid = r->pid;
				vr->pstart_ns = r->pstart_ns;
				memcpy(vr->comm, r->comm, ABI_COMM_LEN);
			}
		}
		snapshot_hist_merge(s, h, &vr->hist);
		vr->n_merged++;
		v->total_sum_ns += h->sum_ns;
		if (g == VIEW_BY_PROCESS) {
			uint64_t p99 = snapshot_hist_percentile_ns(s, h, 99);

			if (vr->n_merged == 1 || p99 > vr->slowest_p99_ns) {
				vr->slowest_p99_ns = p99;
				vr->slowest_nr = r->nr;
			}
		}
	}
	return 0;
}

struct sort_order {
	enum view_sort key;
	bool desc;
};

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_name(const struct view_row *a, const struct view_row *b)
{
	char na[40], nb[40];

	if (a->nr == UINT32_MAX || b->nr == UINT32_MAX)
		return strncmp(a->comm, b->comm, ABI_COMM_LEN);
	return strcmp(syscall_name_or_nr(a->nr, na, sizeof(na)),
		      syscall_name_or_nr(b->nr, nb, sizeof(nb)));
}

static int cmp_rows(const void *pa, const void *pb, void *ctx)
{
	const struct sort_order *order = ctx;
	const struct view_row *a = pa, *b = pb;
	int c = 0;

	switch (order->key) {
	case VIEW_SORT_TIME:
		c = cmp_u64(a->hist.sum_ns, b->hist.sum_ns);
		break;
	case VIEW_SORT_COUNT:
		c = cmp_u64(a->hist.count, b->hist.count);
		break;
	case VIEW_SORT_ERRORS:
		c = cmp_u64(a->hist.errors, b->hist.errors);
		break;
	case VIEW_SORT_P50:
		c = cmp_u64(hist_percentile_ns(&a->hist, 50), hist_percentile_ns(&b->hist, 50));
		break;
	case VIEW_SORT_P99:
		c = cmp_u64(hist_percentile_ns(&a->hist, 99), hist_percentile_ns(&b->hist, 99));
		break;
	case VIEW_SORT_MAX:
		c = cmp_u64(a->hist.max_ns, b->hist.max_ns);
		break;
	case VIEW_SORT_NAME:
		c = cmp_name(a, b);
		break;
	case VIEW_SORT_PID:
		c = cmp_u64(a->pid, b->pid);
		break;
	case VIEW_SORT_NR:
		c = cmp_u64(a->nr, b->nr);
		break;
	}
	if (order->desc)
		c = -c;
	if (!c)
		c = cmp_u64(a->pid, b->pid);
	if (!c)
		c = cmp_u64(a->nr, b->nr);
	if (!c)
		c = cmp_u64(a->wait, b->wait);	/* work before wait */
	if (!c)
		c = cmp_u64(a->pstart_ns, b->pstart_ns);
	if (!c)
		c = memcmp(a->comm, b->comm, ABI_COMM_LEN);
	return c;
}

void view_sort(struct view *v, enum view_sort key, bool descending)
{
	struct sort_order order = { .key = key, .desc = descending };

	/* Ties are broken by identity, so the order is total and the sort stable in effect. */
	if (v->n > 1)
		qsort_r(v->rows, v->n, sizeof(v->rows[0]), cmp_rows, &order);
}

const char *view_sort_name(enum view_sort key)
{
	static const char *const names[] = {
		[VIEW_SORT_TIME] = "time", [VIEW_SORT_COUNT] = "calls",
		[VIEW_SORT_ERRORS] = "errors", [VIEW_SORT_P50] = "p50",
		[VIEW_SORT_P99] = "p99", [VIEW_SORT_MAX] = "max",
		[VIEW_SORT_NAME] = "name", [VIEW_SORT_PID] = "pid",
		[VIEW_SORT_NR] = "nr",
	};

	return (unsigned int)key < sizeof(names) / sizeof(names[0]) ? names[key] : "?";
}
