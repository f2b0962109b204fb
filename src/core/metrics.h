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
	bool cgroup_label;	/* --metrics-cgroup: a last label "cgroup" (the row's cgroup
				 * name; "" when not attributed) on every series; its label
				 * sets count against max_series like any other */
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

/*
 * Distinct folded label sets are remembered (as 64-bit hashes) up to this
 * many per group; past it the count saturates: metrics_folded stays at the
 * cap and metrics_folded_saturated says so. Bounds memory under churn.
 */
#define METRICS_FOLDED_TRACK_MAX 65536
bool metrics_folded_saturated(const struct metrics *m, enum metrics_group g);

/* --- what the exposition walks (src/export/prom_expo.c) --- */

#define METRICS_LABELS_MAX 5	/* clients' 4 and the optional cgroup */
#define METRICS_LABEL_LEN 72	/* a 15-byte comm fully escaped as \xNN is 60; longer
				 * cgroup names are cut */
#define METRICS_OTHER "other"

/* Variable label names of @g, in series order; their number in *@n. */
const char *const *metrics_group_labels(enum metrics_group g, size_t *n);

/* The same for @m: with "cgroup" last when @m was made with cgroup_label. */
const char *const *metrics_labels(const struct metrics *m, enum metrics_group g, size_t *n);

/* Family names of the process-wide {family} label, by enum metrics_group. */
const char *metrics_group_family(enum metrics_group g);

/* Cumulative latency histogram of one series: sparse, slots ascending. */
struct metrics_hist {
	uint64_t count;			/* == sum of b[].count */
	uint64_t sum_ns;
	size_t n, cap;
	struct hist_bucket *b;
};

/* Counters of one series; which ones a group uses is said per field. */
struct metrics_series {
	enum metrics_group group;
	bool other;			/* the group's catch-all */
	char label[METRICS_LABELS_MAX][METRICS_LABEL_LEN];	/* sanitised, unescaped */
	struct metrics_hist lat;	/* every group */
	uint64_t calls, errors;		/* SYSCALLS */
	uint64_t part_ns[ABI_PARTS];	/* SYSCALLS, breakdown */
	uint64_t connections, resets, retransmits, rx_bytes, tx_bytes;	/* CLIENTS */
};

/* Exported series of @g, sorted by label values (deterministic scrapes). */
size_t metrics_group_size(const struct metrics *m, enum metrics_group g);
const struct metrics_series *metrics_group_series(const struct metrics *m, enum metrics_group g,
						  size_t i);

/* Process-wide values: counters since the first ingest, states of the last snapshot. */
struct metrics_process {
	uint64_t ticks;
	uint64_t events;
	uint64_t lost[METRICS_GROUP_NR];
	uint64_t evicted[METRICS_GROUP_NR];
	uint64_t dropped_snapshots;
	bool breakdown;			/* some snapshot carried the syscall breakdown */
	bool up[METRICS_GROUP_NR];
	char reason[METRICS_GROUP_NR][SNAP_NOTE_LEN];	/* "" when up; sanitised */
};

const struct metrics_process *metrics_process(const struct metrics *m);
size_t metrics_max_series(const struct metrics *m);
bool metrics_fine_buckets(const struct metrics *m);

#endif
