/* fam_view.c - a family table's rows filtered, summarised and sorted (see fam_view.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/fam_view.h"

void fam_view_init(struct fam_view *v, enum snap_family f)
{
	memset(v, 0, sizeof(*v));
	v->fam = f;
}

void fam_view_free(struct fam_view *v)
{
	free(v->rows);
	v->rows = NULL;
	v->n = v->cap = 0;
}

static int reserve(struct fam_view *v, size_t n)
{
	struct fam_view_row *rows;
	size_t cap;

	if (n <= v->cap)
		return 0;
	cap = v->cap ? v->cap : 64;
	while (cap < n)
		cap *= 2;
	rows = realloc(v->rows, cap * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	v->rows = rows;
	v->cap = cap;
	return 0;
}

int fam_view_build(struct fam_view *v, const struct snapshot *s, const struct filter *flt,
		   bool cumulative)
{
	const struct snap_table *t;

	v->n = 0;
	v->total_sum_ns = 0;
	if (!s || (unsigned int)v->fam >= SNAP_FAM_NR)
		return 0;
	t = &s->fam[v->fam];
	if (reserve(v, t->n))
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct snap_fam_row *r = &t->rows[i];
		const struct snap_hist *h = cumulative ? &r->total : &r->interval;
		struct fam_view_row *o;

		if (!h->count || (flt && !filter_match_fam_in(flt, s, v->fam, r)))
			continue;
		o = &v->rows[v->n++];
		memset(o, 0, sizeof(*o));
		o->idx = i;
		o->key = r->key;
		memcpy(o->label, r->label, sizeof(o->label));
		memcpy(o->detail, r->detail, sizeof(o->detail));
		o->label[SNAP_LABEL_LEN - 1] = o->detail[SNAP_LABEL_LEN - 1] = '\0';
		o->count = h->count;
		o->sum_ns = h->sum_ns;
		o->max_ns = h->max_ns;
		o->p50_ns = h->timed ? snapshot_hist_percentile_ns(s, h, 50) : 0;
		o->p99_ns = h->timed ? snapshot_hist_percentile_ns(s, h, 99) : 0;
		for (int p = 0; p < SNAP_FAM_PARTS; p++) {
			const struct snap_hist *ph = cumulative ? &r->part_total[p] : &r->part[p];

			o->part_avg_ns[p] = fam_avg_ns(ph->sum_ns, ph->count);
			o->part_p99_ns[p] = ph->timed ? snapshot_hist_percentile_ns(s, ph, 99) : 0;
		}
		v->total_sum_ns += h->sum_ns;
	}
	return 0;
}

bool fam_key_same(const struct abi_fam_key *a, const struct abi_fam_key *b)
{
	return a->tgid == b->tgid && a->a == b->a && a->b == b->b;
}

bool fam_col_natural_up(enum fam_col key)
{
	return key <= FAM_COL_BINARY;
}

const char *fam_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

const char *fam_col_sort_name(enum fam_col key)
{
	static const char *const names[FAM_COL_NR] = {
		[FAM_COL_PID] = "pid", [FAM_COL_COMM] = "comm", [FAM_COL_CPU] = "cpu",
		[FAM_COL_DEV] = "dev", [FAM_COL_OP] = "op", [FAM_COL_FUNC] = "function",
		[FAM_COL_BINARY] = "binary", [FAM_COL_RATE] = "count",
		[FAM_COL_AVG] = "avg", [FAM_COL_P99] = "p99", [FAM_COL_MAX] = "max",
		[FAM_COL_SHARE] = "time", [FAM_COL_PART0_AVG] = "part1 avg",
		[FAM_COL_PART0_P99] = "part1 p99", [FAM_COL_PART1_AVG] = "part2 avg",
		[FAM_COL_PART1_P99] = "part2 p99",
	};

	return (unsigned int)key < FAM_COL_NR ? names[key] : "?";
}

static uint64_t num_of(const struct fam_view_row *r, enum fam_col key)
{
	switch (key) {
	case FAM_COL_PID: return r->key.tgid;
	case FAM_COL_CPU: return r->key.a;	/* ABI_FAM_ANY ("all") last */
	case FAM_COL_DEV: return r->key.a;
	case FAM_COL_OP: return r->key.b;
	case FAM_COL_RATE: return r->count;
	case FAM_COL_AVG: return fam_avg_ns(r->sum_ns, r->count);
	case FAM_COL_P99: return r->p99_ns;
	case FAM_COL_MAX: return r->max_ns;
	case FAM_COL_SHARE: return r->sum_ns;
	case FAM_COL_PART0_AVG: return r->part_avg_ns[0];
	case FAM_COL_PART0_P99: return r->part_p99_ns[0];
	case FAM_COL_PART1_AVG: return r->part_avg_ns[1];
	case FAM_COL_PART1_P99: return r->part_p99_ns[1];
	default: return 0;
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* The order of @a and @b by @key, ascending; 0 when equal. */
static int cmp_key(const struct fam_view_row *a, const struct fam_view_row *b, enum fam_col key)
{
	if (key == FAM_COL_COMM)
		return strncmp(a->key.comm, b->key.comm, ABI_COMM_LEN);
	if (key == FAM_COL_FUNC)	/* labels are NUL-terminated within SNAP_LABEL_LEN */
		return strncmp(a->label, b->label, SNAP_LABEL_LEN);
	if (key == FAM_COL_BINARY)
		return strncmp(fam_basename(a->detail), fam_basename(b->detail), SNAP_LABEL_LEN);
	if (key == FAM_COL_DEV && (a->label[0] || b->label[0])) {
		int c = strncmp(a->label, b->label, SNAP_LABEL_LEN);

		if (c)
			return c;
	}
	return cmp_u64(num_of(a, key), num_of(b, key));
}

/* Merge sort: stable, and qsort has no context argument in C11. */
static void msort(struct fam_view_row *rows, struct fam_view_row *tmp, size_t n, enum fam_col key,
		  bool descending)
{
	size_t mid = n / 2, i = 0, j = mid, k = 0;

	if (n < 2)
		return;
	msort(rows, tmp, mid, key, descending);
	msort(rows + mid, tmp, n - mid, key, descending);
	while (i < mid && j < n) {
		int c = cmp_key(&rows[i], &rows[j], key);

		if (descending)
			c = -c;
		if (!c)	/* ties: by identity, always ascending */
			c = cmp_u64(rows[i].key.tgid, rows[j].key.tgid) ?:
			    cmp_u64(rows[i].key.a, rows[j].key.a) ?:
			    cmp_u64(rows[i].key.b, rows[j].key.b);
		tmp[k++] = c <= 0 ? rows[i++] : rows[j++];
	}
	while (i < mid)
		tmp[k++] = rows[i++];
	while (j < n)
		tmp[k++] = rows[j++];
	memcpy(rows, tmp, n * sizeof(*rows));
}

void fam_view_sort(struct fam_view *v, enum fam_col key, bool descending)
{
	struct fam_view_row *tmp;

	if (v->n < 2)
		return;
	tmp = malloc(v->n * sizeof(*tmp));
	if (!tmp)
		return;	/* unsorted this tick: the rows are still all there */
	msort(v->rows, tmp, v->n, key, descending);
	free(tmp);
}
