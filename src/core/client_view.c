/* client_view.c - filter and sort client rows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/client_view.h"

static const char *const sort_names[CLIENT_SORT_NR] = {
	"requests", "p99", "p50", "connections", "bytes", "resets", "address", "cgroup",
};

const char *client_sort_name(enum client_sort key)
{
	return key < CLIENT_SORT_NR ? sort_names[key] : "?";
}

void client_view_init(struct client_view *v)
{
	memset(v, 0, sizeof(*v));
}

void client_view_free(struct client_view *v)
{
	free(v->rows);
	client_view_init(v);
}

bool client_row_active(const struct snap_client_row *r, bool cumulative)
{
	const struct snap_client_counts *c = client_counts(r, cumulative);

	return c->connections || c->adopted || c->closed || c->failed || c->requests || c->bytes_in ||
	       c->bytes_out || c->resets || c->retransmits || r->open;
}

int client_view_build(struct client_view *v, const struct snapshot *s, const struct filter *f,
		      bool cumulative)
{
	v->n = 0;
	v->cumulative = cumulative;
	v->snap = s;
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];

		if (!client_row_active(r, cumulative) || (f && !filter_match_client_in(f, s, r)))
			continue;
		if (v->n == v->cap) {
			size_t cap = v->cap ? v->cap * 2 : 64;
			const struct snap_client_row **rows = realloc(v->rows, cap * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			v->rows = rows;
			v->cap = cap;
		}
		v->rows[v->n++] = r;
	}
	return 0;
}

uint64_t client_sort_value(const struct snap_client_row *r, enum client_sort key, bool cum)
{
	const struct snap_client_counts *c = client_counts(r, cum);

	switch (key) {
	case CLIENT_SORT_P99:
		return client_req(r, cum)->p99_ns;
	case CLIENT_SORT_P50:
		return client_req(r, cum)->p50_ns;
	case CLIENT_SORT_CONNECTIONS:
		return c->connections;
	case CLIENT_SORT_BYTES:
		return c->bytes_in + c->bytes_out;
	case CLIENT_SORT_RESETS:
		return c->resets + c->retransmits;
	case CLIENT_SORT_REQUESTS:
	default:
		return c->requests;
	}
}

/* Address, then port, pid, direction: a total order over distinct keys. */
static int key_cmp(const struct snap_client_row *a, const struct snap_client_row *b)
{
	if (a->key.family != b->key.family)
		return a->key.family < b->key.family ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

struct sort_ctx {
	enum client_sort key;
	bool cumulative;
	bool descending;
	const struct snapshot *snap;
};

static const char *cgroup_name(const struct snapshot *s, uint64_t id)
{
	const struct snap_cgroup *cg = s && id ? snapshot_cgroup(s, id) : NULL;

	return cg ? cg->name : "";
}

static int row_cmp(const void *pa, const void *pb, void *pctx)
{
	const struct snap_client_row *a = *(const struct snap_client_row *const *)pa;
	const struct snap_client_row *b = *(const struct snap_client_row *const *)pb;
	const struct sort_ctx *ctx = pctx;
	int c = 0;

	if (ctx->key == CLIENT_SORT_CGROUP) {
		c = strcmp(cgroup_name(ctx->snap, a->key.cgid), cgroup_name(ctx->snap, b->key.cgid));
		if (!c && a->key.cgid != b->key.cgid)
			c = a->key.cgid < b->key.cgid ? -1 : 1;
		if (c)
			return ctx->descending ? -c : c;
	} else if (ctx->key != CLIENT_SORT_ADDR) {
		uint64_t va = client_sort_value(a, ctx->key, ctx->cumulative);
		uint64_t vb = client_sort_value(b, ctx->key, ctx->cumulative);

		if (va != vb)
			c = va < vb ? -1 : 1;
		if (c)
			return ctx->descending ? -c : c;
	}
	c = key_cmp(a, b);
	return ctx->key == CLIENT_SORT_ADDR && ctx->descending ? -c : c;
}

void client_view_sort(struct client_view *v, enum client_sort key, bool descending)
{
	struct sort_ctx ctx = { key, v->cumulative, descending, v->snap };

	if (v->n > 1)
		qsort_r(v->rows, v->n, sizeof(*v->rows), row_cmp, &ctx);
}
