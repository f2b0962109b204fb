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
	unsigned int held;	/* ticks it has been held (not in the data) */
	unsigned int age;	/* ticks it was in the data, up to ROW_SETTLE_HOLD_MIN_AGE */
};

struct settle_ent {
	uint64_t settled;
	size_t prev_pos;	/* SIZE_MAX: new this tick */
	size_t idx;		/* its place in the plain sort */
	unsigned int held;
	unsigned int age;
	bool drop;		/* a held item not kept: after every line */
};

void row_settle_init(struct row_settle *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->sort = -1;
}

void row_settle_free(struct row_settle *rs)
{
	free(rs->rec);
	free(rs->held);
	row_settle_init(rs);
}

void row_settle_reset(struct row_settle *rs)
{
	rs->n = 0;
	rs->sort = -1;
	rs->n_held = 0;
}

void row_settle_tick(struct row_settle *rs, uint64_t tick_id)
{
	rs->same_tick = rs->tick_known && tick_id == rs->tick_id;
	rs->tick_id = tick_id;
	rs->tick_known = true;
}

bool row_settle_row_held(const struct view_row *r)
{
	/* view_build leaves out rows without calls: only a held row has none. */
	return !r->hist.count;
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
	int c = (int)a->drop - (int)b->drop;

	if (c)
		return c;
	c = cmp_u64(a->settled, b->settled);
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
		     int sort, bool desc, int group, size_t *order, size_t *n_lines)
{
	size_t kept = n;

	struct settle_ent *ents;
	struct row_settle_rec *next = NULL;

	if (rs->sort != sort || rs->desc != desc || rs->group != group)
		rs->n = 0;	/* another order: this tick's plain sort is the start */
	rs->sort = sort;
	rs->desc = desc;
	rs->group = group;
	plain_order(order, n);
	while (kept && items[kept - 1].held)	/* held items come last */
		kept--;
	*n_lines = kept;
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
		ents[i].held = 0;
		ents[i].age = prev ? prev->age : 0;
		ents[i].drop = false;
		if (items[i].held) {
			/*
			 * Kept by the value it was placed by, a few ticks, if it was
			 * on screen and had been there a while: a row seen for one
			 * tick (a process that lived a moment) goes at once, or under
			 * fast process churn the held rows fill the table.
			 */
			ents[i].held = prev ? prev->held + !rs->same_tick : 0;
			ents[i].drop = !prev || ents[i].held > ROW_SETTLE_HOLD_TICKS ||
				       prev->pos >= ROW_SETTLE_HOLD_LINES ||
				       prev->age < ROW_SETTLE_HOLD_MIN_AGE;
			ents[i].settled = prev ? prev->settled : 0;
			kept += !ents[i].drop;
			continue;
		}
		if (!prev)
			ents[i].age = 1;
		else if (!rs->same_tick && ents[i].age < ROW_SETTLE_HOLD_MIN_AGE)
			ents[i].age++;
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
		if (j >= kept)
			continue;	/* a dropped held row: forgotten */
		memcpy(rs->rec[j].id, items[ents[j].idx].id, ROW_SETTLE_ID_LEN);
		rs->rec[j].settled = ents[j].settled;
		rs->rec[j].pos = j;
		rs->rec[j].held = ents[j].held;
		rs->rec[j].age = ents[j].age;
	}
	rs->n = kept;
	*n_lines = kept;
	rs->same_tick = false;
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

static int cmp_id(const void *a, const void *b)
{
	return memcmp(a, b, ROW_SETTLE_ID_LEN);
}

/*
 * Append last tick's first lines that are not in @v (held rows, histograms
 * zeroed) with their items marked held. Room for them in @v and @items is
 * the caller's. Returns how many were appended.
 */
static size_t append_held(struct row_settle *rs, struct view *v, struct row_settle_item *items,
			  size_t n)
{
	unsigned char (*ids)[ROW_SETTLE_ID_LEN];
	size_t added = 0;

	if (!rs->n_held)
		return 0;
	ids = malloc(n * sizeof(*ids));
	if (!ids && n)
		return 0;	/* nothing held this tick: only the order suffers */
	for (size_t i = 0; i < n; i++)
		memcpy(ids[i], items[i].id, ROW_SETTLE_ID_LEN);
	qsort(ids, n, sizeof(*ids), cmp_id);
	for (size_t k = 0; k < rs->n_held; k++) {
		struct row_settle_item *it = &items[n + added];

		view_id(it->id, &rs->held[k]);
		if (n && bsearch(it->id, ids, n, sizeof(*ids), cmp_id))
			continue;	/* back with calls: an ordinary row */
		it->value = 0;
		it->held = true;
		v->rows[n + added++] = rs->held[k];
	}
	free(ids);
	return added;
}

/* Keep copies of the first lines, zero histograms, for the next tick's held rows. */
static void keep_first_lines(struct row_settle *rs, const struct view *v)
{
	size_t n = v->n < ROW_SETTLE_HOLD_LINES ? v->n : ROW_SETTLE_HOLD_LINES;

	rs->n_held = 0;
	if (!rs->held)
		rs->held = malloc(ROW_SETTLE_HOLD_LINES * sizeof(*rs->held));
	if (!rs->held)
		return;
	for (size_t j = 0; j < n; j++) {
		struct view_row *r = &rs->held[j];

		*r = v->rows[j];
		memset(&r->hist, 0, sizeof(r->hist));
		r->cg = NULL;	/* it points into this tick's snapshot */
		r->slowest_p99_ns = 0;
	}
	rs->n_held = n;
}

int row_settle_view(struct row_settle *rs, struct view *v, enum view_sort key, bool desc,
		    int group)
{
	struct row_settle_item *items;
	struct view_row tmp;
	size_t *order, n = v->n, total, lines;
	int ret;

	if (!view_key_is_number(key)) {
		row_settle_reset(rs);
		return 0;
	}
	total = n + rs->n_held;
	if (v->cap < total) {
		struct view_row *rows = realloc(v->rows, total * sizeof(*rows));

		if (!rows) {
			row_settle_reset(rs);
			return -ENOMEM;
		}
		v->rows = rows;
		v->cap = total;
	}
	if (scratch(total ? total : 1, &items, &order)) {
		row_settle_reset(rs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		view_id(items[i].id, &v->rows[i]);
		items[i].value = view_value(&v->rows[i], key);
		items[i].held = false;
	}
	total = n + append_held(rs, v, items, n);
	ret = row_settle_order(rs, items, total, (int)key, desc, group, order, &lines);
	permute(v->rows, total, sizeof(*v->rows), order, &tmp);
	v->n = lines;
	if (!ret)
		keep_first_lines(rs, v);
	free(items);
	return ret;
}

int row_settle_clients(struct row_settle *rs, struct client_view *v, enum client_sort key,
		       bool desc)
{
	struct row_settle_item *items;
	const struct snap_client_row *tmp;
	size_t *order, lines;
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
		items[i].held = false;
	}
	ret = row_settle_order(rs, items, v->n, (int)key, desc, v->cumulative, order, &lines);
	if (!ret)
		permute(v->rows, v->n, sizeof(*v->rows), order, &tmp);
	free(items);
	return ret;
}
