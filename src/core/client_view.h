/*
 * client_view.h - the client rows of a snapshot that match a filter and have
 * something to show, sorted. Pure; the UI, batch text and JSON share it.
 */
#ifndef LATTOP_CORE_CLIENT_VIEW_H
#define LATTOP_CORE_CLIENT_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/filter.h"
#include "core/snapshot.h"

enum client_sort {
	CLIENT_SORT_REQUESTS,	/* the default */
	CLIENT_SORT_P99,
	CLIENT_SORT_P50,
	CLIENT_SORT_CONNECTIONS,
	CLIENT_SORT_BYTES,	/* in + out */
	CLIENT_SORT_RESETS,	/* resets + retransmits */
	CLIENT_SORT_ADDR,
	CLIENT_SORT_CGROUP,	/* cgroup name, then address */
	CLIENT_SORT_NR
};

struct client_view {
	size_t n;
	size_t cap;
	const struct snap_client_row **rows;	/* into the snapshot: valid while it is */
	bool cumulative;
	const struct snapshot *snap;	/* the rows' snapshot: their cgroups' names */
};

void client_view_init(struct client_view *v);
void client_view_free(struct client_view *v);

/* Has @r anything to show in this view (counts, or connections still open)? */
bool client_row_active(const struct snap_client_row *r, bool cumulative);

/* Rows of @s matching @f (NULL = all) and active. 0 or -ENOMEM. */
int client_view_build(struct client_view *v, const struct snapshot *s, const struct filter *f,
		      bool cumulative);

/* Ties broken by address, port, pid and direction, so the order is stable. */
void client_view_sort(struct client_view *v, enum client_sort key, bool descending);

/* The number @key sorts by (requests, p99, ...); 0 for the address and cgroup sorts. */
uint64_t client_sort_value(const struct snap_client_row *r, enum client_sort key, bool cumulative);

const char *client_sort_name(enum client_sort key);

/* The counters and request latency the view shows for @r. */
static inline const struct snap_client_counts *client_counts(const struct snap_client_row *r,
							     bool cumulative)
{
	return cumulative ? &r->total : &r->interval;
}

static inline const struct snap_lat *client_req(const struct snap_client_row *r, bool cumulative)
{
	return cumulative ? &r->req_total : &r->req;
}

static inline const struct snap_lat *client_conn(const struct snap_client_row *r, bool cumulative)
{
	return cumulative ? &r->conn_total : &r->conn;
}

#endif
