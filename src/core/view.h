/*
 * view.h - rows grouped for display or output: by syscall, by process, or
 * by (process, syscall), after a filter, with one merged histogram each.
 * Pure; the UI, batch text and exporters share it.
 */
#ifndef LATTOP_CORE_VIEW_H
#define LATTOP_CORE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/filter.h"
#include "core/snapshot.h"

enum view_group {
	VIEW_BY_SYSCALL,	/* one row per syscall and wait flag, all matching processes merged */
	VIEW_BY_PROCESS,	/* one row per process, all matching syscalls merged */
	VIEW_BY_PROC_SYSCALL,	/* one row per (process, syscall, wait flag) */
};

enum view_sort {
	VIEW_SORT_TIME,		/* total time (sum_ns), the default */
	VIEW_SORT_COUNT,
	VIEW_SORT_ERRORS,
	VIEW_SORT_P50,
	VIEW_SORT_P99,
	VIEW_SORT_MAX,
	VIEW_SORT_NAME,		/* syscall name, or comm for processes */
	VIEW_SORT_PID,
	VIEW_SORT_NR
};

struct view_row {
	uint32_t pid;		/* 0 in VIEW_BY_SYSCALL */
	uint64_t pstart_ns;
	char comm[ABI_COMM_LEN];/* raw; "" in VIEW_BY_SYSCALL */
	uint32_t nr;		/* UINT32_MAX in VIEW_BY_PROCESS */
	bool wait;		/* calls that waited for an event; false in VIEW_BY_PROCESS */
	uint64_t cgroup_id;	/* the first merged row's cgroup (VIEW_BY_PROC_SYSCALL: the row's) */
	uint32_t n_merged;	/* snapshot rows merged into this one */
	uint32_t slowest_nr;	/* VIEW_BY_PROCESS: syscall with the highest p99 */
	uint64_t slowest_p99_ns;
	struct abi_hist hist;
};

struct view {
	size_t n;
	size_t cap;
	struct view_row *rows;
	uint64_t total_sum_ns;	/* over all rows, for "share of time" */
};

void view_init(struct view *v);
void view_free(struct view *v);

/*
 * Rebuild @v from @s: rows matching @f (NULL = all) grouped by @g, using the
 * interval or cumulative histograms. Rows with no calls are left out.
 * 0 or -ENOMEM.
 */
int view_build(struct view *v, const struct snapshot *s, const struct filter *f,
	       enum view_group g, bool cumulative);

/* Stable sort; ties broken by pid then syscall number. */
void view_sort(struct view *v, enum view_sort key, bool descending);

const char *view_sort_name(enum view_sort key);

#endif
