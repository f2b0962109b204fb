/*
 * cgroup_resolver.h - cgroup v2 ids to the paths and names an operator
 * recognises, for the live source. The ids come from the kernel
 * (bpf_get_current_cgroup_id: the kernfs inode number of the cgroup's
 * directory in the v2 hierarchy); paths come from a walk of the v2 mount,
 * found in /proc/self/mountinfo (pure v2: /sys/fs/cgroup; hybrid:
 * /sys/fs/cgroup/unified; wherever it is). The walk is cached and redone
 * only on a miss (an id no walk has seen), at most once per fill.
 */
#ifndef LATTOP_COLLECT_CGROUP_RESOLVER_H
#define LATTOP_COLLECT_CGROUP_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

struct cgroup_resolver;

/*
 * A resolver over the v2 hierarchy mounted at @mount (NULL: find it in
 * /proc/self/mountinfo). With no v2 hierarchy it still works: every id is
 * SNAP_CG_UNRESOLVED and fill sets SNAP_CGROUPS_NO_V2 and a note.
 * 0 or -ENOMEM.
 */
int cgroup_resolver_new(const char *mount, struct cgroup_resolver **out);
void cgroup_resolver_free(struct cgroup_resolver *r);

/* The v2 mount point, or NULL when there is none. */
const char *cgroup_resolver_mount(const struct cgroup_resolver *r);

/*
 * Where docker keeps its containers' config.v2.json (default
 * /var/lib/docker/containers; "" or NULL: do not look): a docker
 * container's name is then "docker:<its name>". For tests.
 */
void cgroup_resolver_set_docker_dir(struct cgroup_resolver *r, const char *dir);

/* Walks of the hierarchy so far (for tests and the bench). */
uint64_t cgroup_resolver_walks(const struct cgroup_resolver *r);

/*
 * Name every cgroup id @s's rows use (syscall rows, client rows, family
 * rows, stacks) in @s's cgroup table, sorted by id, and set
 * s->cgroups_state / cgroups_note. Ids no earlier walk has seen make one
 * new walk. An id that was seen and is no longer in the hierarchy is
 * marked gone (it keeps its last path and name). An id no walk finds is
 * in the table as SNAP_CG_UNRESOLVED, named "id:<id>". Id 0 (not
 * attributed) is not in the table. 0 or -ENOMEM.
 */
int cgroup_resolver_fill(struct cgroup_resolver *r, struct snapshot *s);

/*
 * The id of cgroup @path: absolute ("/sys/fs/cgroup/unified/web") or
 * below the v2 mount ("web", "/web", "system.slice/nginx.service").
 * 0, -ENOENT (no such cgroup), -ENOTDIR, -ENODEV (no v2 hierarchy).
 */
int cgroup_resolver_id_of(const struct cgroup_resolver *r, const char *path, uint64_t *id);

#endif
