/*
 * cgroup_filter.h - the --cgroup PATH options to the cgroup v2 ids the
 * kernel pre-filter checks ancestry against (bpf/lib/cgroup.bpf.h). Main
 * thread, before any BPF is loaded: a path that is no cgroup is a usage error.
 */
#ifndef LATTOP_COLLECT_CGROUP_FILTER_H
#define LATTOP_COLLECT_CGROUP_FILTER_H

#include <stddef.h>
#include <stdint.h>

/*
 * The ids of @paths[@n] into @ids (at least @n entries). 0, or a negative
 * errno and one line in @err naming the path and why (-ENOENT, -ENOTDIR,
 * -ENODEV: no v2 hierarchy, -ENOMEM).
 */
int cgroup_filter_resolve(const char *const *paths, size_t n, uint64_t *ids, char *err,
			  size_t errlen);

#endif
