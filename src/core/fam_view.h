/*
 * fam_view.h - the rows of one family table (run queue, block I/O) as a
 * view shows them: filtered, summarised (count, avg, p99, max, parts) and
 * sorted by any column. Pure; the dashboard's family panes use it.
 *
 * A row keeps the index of its snapshot row (@idx): valid for the snapshot
 * the view was built from, for the drill-down histogram.
 */
#ifndef LATTOP_CORE_FAM_VIEW_H
#define LATTOP_CORE_FAM_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/family.h"
#include "core/filter.h"
#include "core/snapshot.h"

/* What a column of a family table shows; also its sort key. */
enum fam_col {
	FAM_COL_PID = 0,
	FAM_COL_COMM,
	FAM_COL_CPU,
	FAM_COL_DEV,
	FAM_COL_OP,
	FAM_COL_FUNC,		/* functions: the function (label) */
	FAM_COL_BINARY,		/* functions: the binary's file name (basename of detail) */
	FAM_COL_RATE,		/* count per second (sorts by count) */
	FAM_COL_AVG,
	FAM_COL_P99,
	FAM_COL_MAX,
	FAM_COL_SHARE,		/* share of the summed latency (sorts by sum_ns) */
	FAM_COL_PART0_AVG,	/* block: queue */
	FAM_COL_PART0_P99,
	FAM_COL_PART1_AVG,	/* block: device */
	FAM_COL_PART1_P99,
	FAM_COL_NR
};

struct fam_view_row {
	size_t idx;			/* its row in snapshot.fam[f].rows */
	struct abi_fam_key key;
	char label[SNAP_LABEL_LEN];
	char detail[SNAP_LABEL_LEN];	/* functions: the binary's path */
	uint64_t count, sum_ns, max_ns, p50_ns, p99_ns;
	uint64_t part_avg_ns[SNAP_FAM_PARTS], part_p99_ns[SNAP_FAM_PARTS];
};

struct fam_view {
	enum snap_family fam;
	size_t n, cap;
	struct fam_view_row *rows;
	uint64_t total_sum_ns;		/* over all rows, for "share of time" */
};

void fam_view_init(struct fam_view *v, enum snap_family f);
void fam_view_free(struct fam_view *v);

/*
 * Rebuild @v from family @v->fam of @s: rows matching @flt (NULL = all;
 * filter_match_fam), the interval or cumulative histograms, rows without
 * events left out. 0 or -ENOMEM.
 */
int fam_view_build(struct fam_view *v, const struct snapshot *s, const struct filter *flt,
		   bool cumulative);

/* Stable sort by column @key; ties by pid, then key a, then key b. */
void fam_view_sort(struct fam_view *v, enum fam_col key, bool descending);

/* The order a sort key reads naturally: true = ascending (names, pids, devices, functions). */
bool fam_col_natural_up(enum fam_col key);

/* Sort key name as the title says it: "pid", "comm", "p99", "time". */
const char *fam_col_sort_name(enum fam_col key);

/* Same row (identity across ticks): same pid and key words, comm aside (a rename). */
bool fam_key_same(const struct abi_fam_key *a, const struct abi_fam_key *b);

/* The file name of @path (its last component; @path itself when it has no '/'). */
const char *fam_basename(const char *path);

/* Average of @sum over @count, 0 when empty. */
static inline uint64_t fam_avg_ns(uint64_t sum_ns, uint64_t count)
{
	return count ? sum_ns / count : 0;
}

#endif
