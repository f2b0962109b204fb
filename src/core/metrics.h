/*
 * metrics.h - lattop's numbers as Prometheus series: counters and
 * histograms cumulative since start (never reset per tick), one series per
 * label set, aggregated per process name (pids churn), bounded and sticky.
 *
 * Every published snapshot's *interval* values are added (ticks are
 * deltas; rows that age out of snapshots never make a counter go back).
 * A label set once admitted stays while lattop runs; past max_series new
 * label sets are summed into their group's catch-all set ("other" in
 * every variable label), which is reserved up front, so the number of
 * label sets never exceeds max_series. Pure C11: no locking (the caller
 * serialises ingest and render).
 */
#ifndef LATTOP_CORE_METRICS_H
#define LATTOP_CORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

#define METRICS_MAX_SERIES_DEFAULT 2000
#define METRICS_MAX_SERIES_MAX 100000

/* Series groups: each has its own label names and catch-all label set. */
enum metrics_group {
	METRICS_SYSCALLS = 0,	/* comm, syscall */
	METRICS_CLIENTS,	/* client, port, dir, comm */
	METRICS_RUNQ,		/* comm */
	METRICS_BLOCK,		/* device, op, comm */
	METRICS_GROUP_NR,
};

struct metrics_opts {
	size_t max_series;	/* label sets over all groups, catch-alls included */
	bool fine_buckets;	/* every log-linear bound as le, not only powers of two */
};

struct metrics;

/* NULL+errno (ENOMEM, EINVAL: max_series < METRICS_GROUP_NR + 1). */
struct metrics *metrics_new(const struct metrics_opts *o);
void metrics_free(struct metrics *m);

/* Add @s's interval values and remember its header (states, notes, totals). 0 or -ENOMEM. */
int metrics_ingest(struct metrics *m, const struct snapshot *s);

/* Label sets exported now (catch-alls included once used), and how many distinct label sets were folded. */
size_t metrics_series(const struct metrics *m);
uint64_t metrics_folded(const struct metrics *m, enum metrics_group g);

#endif
