/* cgroup_filter.c - --cgroup PATH to cgroup v2 ids, through the resolver. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collect/cgroup_filter.h"
#include "collect/cgroup_resolver.h"

int cgroup_filter_resolve(const char *const *paths, size_t n, uint64_t *ids, char *err,
			  size_t errlen)
{
	struct cgroup_resolver *r;
	const char *mount;
	int ret = 0;

	if (!n)
		return 0;
	if (cgroup_resolver_new(NULL, &r)) {
		snprintf(err, errlen, "--cgroup: cannot allocate the resolver: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	mount = cgroup_resolver_mount(r);
	for (size_t i = 0; i < n && !ret; i++) {
		ret = cgroup_resolver_id_of(r, paths[i], &ids[i]);
		if (ret == -ENODEV)
			snprintf(err, errlen, "--cgroup %s: no cgroup v2 hierarchy is mounted "
				 "(mount -t cgroup2 none /sys/fs/cgroup/unified)", paths[i]);
		else if (ret)
			snprintf(err, errlen, "--cgroup %s: no such cgroup below %s (%s): give a "
				 "directory of the v2 hierarchy, e.g. system.slice/nginx.service",
				 paths[i], mount ? mount : "the v2 mount", strerror(-ret));
	}
	cgroup_resolver_free(r);
	return ret;
}
