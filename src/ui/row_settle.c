/*
 * row_settle.c - rows keep their place while their sort value moves little
 * (see row_settle.h). Each tick costs one lookup per row in last tick's
 * records (binary search by identity) and two sorts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "ui/row_settle.h"

struct row_settle_rec {
	unsigned char id[ROW_SETTLE_ID_LEN];
	uint64_t settled;	/* the value the row was placed by */
	size_t pos;		/* its line in last tick's order */
};

struct settle_ent {
	uint64_t settled;
	size_t prev_pos;	/* SIZE_MAX: new this tick */
	size_t idx;		/* its place in the plain sort */
};

void row_settle_init(struct row_settle *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->sort = -1;
}

void row_settle_free(struct row_settle *rs)
{
	free(rs->rec);
	row_settle_init(rs);
}

void row_settle_reset(struct row_settle *rs)
{
	rs->n = 0;
	rs->sort = -1;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_rec(const void *a, const void *b)
{
	return memcmp(((const struct row_settle_rec *)a)->id, ((const struct row_settle_rec *)b)->id,
		      ROW_SETTLE_ID_LEN);
}

static int cmp_ent(const void *pa, const void *pb, void *ctx)
{
	const struct settle_ent *a = pa, *b = pb;
	bool desc = *(const bool *)ctx;
	int c = cmp_u64(a->settled, b->settled);

	if (desc)
		c = -c;
	if (!c)
		c = cmp_u64(a->prev_pos, b->prev_pos);
	if (!c)
		c = cmp_u64(a->idx, b->idx);
	return c;
}

/*
 * |value - settled| within ROW_SETTLE_BAND_PCT % of settled, or within two
 * standard deviations of a count's own noise (2 sqrt(n): a row of 9 calls
 * a tick reads 6 or 12 the next without anything changing). For values in
 * nanoseconds the second bound is far below the first. No overflow.
 */
static bool within_band(uint64_t value, uint64_t settled)
{
	uint64_t diff = value > settled ? value - settled : settled - value;
	uint64_t band = settled / 100 * ROW_SETTLE_BAND_PCT +
			settled % 100 * ROW_SETTLE_BAND_PCT / 100;

	if (diff <= band)
		return true;
	return diff < UINT32_MAX && settled < UINT64_MAX / 4 && diff * diff <= 4 * settled;
}

static void plain_order(size_t *order, size_t n)
{
	for (size_t j = 0; j < n; j++)
		order[j] = j;
}

int row_settle_order(struct row_settle *rs, const struct row_settle_item *items, size_t n,
		     int sort, bool desc, int group, size_t *order)
{
	struct settle_ent *ents;
	struct row_settle_rec *next = NULL;

	if (rs->sort != sort || rs->desc != desc || rs->group != group)
		rs->n = 0;	/* another order: this tick's plain sort is the start */
	rs->sort = sort;
	rs->desc = desc;
	rs->group = group;
	plain_order(order, n);
	if (!n) {
		rs->n = 0;
		return 0;
	}
	ents = malloc(n * sizeof(*ents));
	if (rs->cap < n)
		next = malloc(n * sizeof(*next));
	if (!ents || (rs->cap < n && !next)) {
		free(ents);
		free(next);
		row_settle_reset(rs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct row_settle_rec probe, *prev = NULL;

		memcpy(probe.id, items[i].id, ROW_SETTLE_ID_LEN);
		if (rs->n)
			prev = bsearch(&probe, rs->rec, rs->n, sizeof(*rs->rec), cmp_rec);
		ents[i].idx = i;
		ents[i].prev_pos = prev ? prev->pos : SIZE_MAX;
		ents[i].settled = prev && within_band(items[i].value, prev->settled) ?
					  prev->settled : items[i].value;
	}
	qsort_r(ents, n, sizeof(*ents), cmp_ent, &desc);
	if (next) {	/* every lookup is done: last tick's records may go */
		free(rs->rec);
		rs->rec = next;
		rs->cap = n;
	}
	for (size_t j = 0; j < n; j++) {
		order[j] = ents[j].idx;
		memcpy(rs->rec[j].id, items[ents[j].idx].id, ROW_SETTLE_ID_LEN);
		rs->rec[j].settled = ents[j].settled;
		rs->rec[j].pos = j;
	}
	rs->n = n;
	qsort(rs->rec, rs->n, sizeof(*rs->rec), cmp_rec);
	free(ents);
	return 0;
}

static bool view_key_is_number(enum view_sort key)
{
	return key == VIEW_SORT_TIME || key == VIEW_SORT_COUNT || key == VIEW_SORT_ERRORS ||
	       key == VIEW_SORT_P50 || key == VIEW_SORT_P99 || key == VIEW_SORT_MAX;
}

/* The same numbers view_sort orders by. */
static uint64_t view_value(const struct view_row *r, enum view_sort key)
{
	switch (key) {
	case VIEW_SORT_TIME:
		return r->hist.sum_ns;
	case VIEW_SORT_COUNT:
		return r->hist.count;
	case VIEW_SORT_ERRORS:
		return r->hist.errors;
	case VIEW_SORT_P50:
		return hist_percentile_ns(&r->hist, 50);
	case VIEW_SORT_P99:
		return hist_percentile_ns(&r->hist, 99);
	case VIEW_SORT_MAX:
		return r->hist.max_ns;
	default:
		return 0;
	}
}

/* The identity selection.c follows: pid, process start, syscall, wait flag. */
static void view_id(unsigned char *id, const struct view_row *r)
{
	unsigned char wait = r->wait;

	memset(id, 0, ROW_SETTLE_ID_LEN);
	memcpy(id, &r->pid, sizeof(r->pid));
	memcpy(id + 4, &r->nr, sizeof(r->nr));
	memcpy(id + 8, &r->pstart_ns, sizeof(r->pstart_ns));
	id[16] = wait;
}

/*
 * Elements to their new places, in place: place j gets the element at
 * order[j]. Follows each cycle once; @order is spent (SIZE_MAX marks done).
 */
static void permute(void *base, size_t n, size_t size, size_t *order, void *tmp)
{
	unsigned char *b = base;

	for (size_t start = 0; start < n; start++) {
		size_t j = start;

		if (order[start] == SIZE_MAX || order[start] == start)
			continue;
		memcpy(tmp, b + start * size, size);
		while (order[j] != start) {
			size_t from = order[j];

			memcpy(b + j * size, b + from * size, size);
			order[j] = SIZE_MAX;
			j = from;
		}
		memcpy(b + j * size, tmp, size);
		order[j] = SIZE_MAX;
	}
}

/* Items and order for @n rows: one allocation. */
static int scratch(size_t n, struct row_settle_item **items, size_t **order)
{
	*items = malloc(n * (sizeof(**items) + sizeof(**order)));
	if (!*items)
		return -ENOMEM;
	*order = (size_t *)(void *)(*items + n);
	return 0;
}

int row_settle_view(struct row_settle *rs, struct view *v, enum view_sort key, bool desc,
		    int group)
{
	struct row_settle_item *items;
	struct view_row tmp;
	size_t *order;
	int ret;

	if (!view_key_is_number(key) || !v->n) {
		row_settle_reset(rs);
		return 0;
	}
	if (scratch(v->n, &items, &order)) {
		row_settle_reset(rs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < v->n; i++) {
		view_id(items[i].id, &v->rows[i]);
		items[i].value = view_value(&v->rows[i], key);
	}
	ret = row_settle_order(rs, items, v->n, (int)key, desc, group, order);
	if (!ret)
		permute(v->rows, v->n, sizeof(*v->rows), order, &tmp);
	free(items);
	return ret;
}

int row_settle_clients(struct row_settle *rs, struct client_view *v, enum client_sort key,
		       bool desc)
{
	struct row_settle_item *items;
	const struct snap_client_row *tmp;
	size_t *order;
	int ret;

	_Static_assert(sizeof(struct abi_client_key) <= ROW_SETTLE_ID_LEN, "client key fits");
	if (key == CLIENT_SORT_ADDR || key == CLIENT_SORT_CGROUP || !v->n) {
		row_settle_reset(rs);
		return 0;
	}
	if (scratch(v->n, &items, &order)) {
		row_settle_reset(rs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < v->n; i++) {
		memset(items[i].id, 0, ROW_SETTLE_ID_LEN);
		memcpy(items[i].id, &v->rows[i]->key, sizeof(v->rows[i]->key));
		items[i].value = client_sort_value(v->rows[i], key, v->cumulative);
	}
	ret = row_settle_order(rs, items, v->n, (int)key, desc, v->cumulative, order);
	if (!ret)
		permute(v->rows, v->n, sizeof(*v->rows), order, &tmp);
	free(items);
	return ret;
}
