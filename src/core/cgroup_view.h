/*
 * cgroup_view.h - a snapshot summed per cgroup: what the Containers pane,
 * batch text and the JSON "cgroups" array show. Pure: reads a snapshot.
 */
#ifndef LATTOP_CORE_CGROUP_VIEW_H
#define LATTOP_CORE_CGROUP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct filter;

struct cgroup_sum {
	uint64_t id;			/* cgroup v2 id */
	const struct snap_cgroup *cg;	/* its name in the snapshot, or NULL */
	uint32_t n_procs;		/* distinct processes with rows in it */
	uint64_t calls, errors;		/* syscalls, this tick (or since start: cumulative) */
	uint64_t time_ns;		/* summed syscall latency */
	uint64_t worst_p99_ns;		/* the largest p99 of its syscall rows */
	uint32_t slowest_nr;		/* the syscall of that row */
	bool slowest_wait;		/*   ... its wait row */
	uint64_t requests;		/* client requests (dir IN) answered by its processes */
	uint64_t req_p99_ns;		/* their worst p99 */
};

/*
 * One entry per cgroup id used by @s's syscall and client rows that pass
 * @f (NULL: all), in *@out (grown; *@cap its capacity), sorted by calls
 * descending then id. @cumulative: totals since start. *@n gets the count.
 * 0 or -ENOMEM.
 */
int cgroup_view_build(const struct snapshot *s, const struct filter *f, bool cumulative,
		      struct cgroup_sum **out, size_t *n, size_t *cap);

#endif
