/*
 * cgroup_name.h - what a cgroup v2 path is, for an operator: a systemd
 * unit, a container of a known runtime, a Kubernetes pod, or just a path.
 * Pure string work on untrusted input (cgroup names are chosen by whoever
 * creates them): the result is bounded and still untrusted (sanitise it
 * before a terminal or a file).
 */
#ifndef LATTOP_CORE_CGROUP_NAME_H
#define LATTOP_CORE_CGROUP_NAME_H

#include <stddef.h>

#include "core/snapshot.h"

/*
 * Classify @path (below the v2 mount, "/" for the root) and write its
 * name into @name (@len bytes, NUL-terminated, cut if longer):
 *   "/"                                              ROOT     "/"
 *   ".../nginx.service", "user@1000.service", "session-3.scope", "a.slice"
 *                                                    SYSTEMD  the unit ("nginx.service")
 *   ".../docker-<64 hex>.scope", ".../docker/<64 hex>"
 *                                                    DOCKER   "docker:<12 hex>"
 *   ".../cri-containerd-<64 hex>.scope"              CONTAINERD "containerd:<12 hex>"
 *   ".../crio-<64 hex>.scope"                        CRIO     "crio:<12 hex>"
 *   ".../libpod-<64 hex>.scope"                      PODMAN   "podman:<12 hex>"
 *   ".../kubepods.../pod<uid>[.slice]/<container>"   POD      "pod:<uid 8>/<12 hex>"
 *       (the pod itself: "pod:<uid 8>"; uid with '_' as in systemd slices
 *       printed with '-')
 *   anything else                                    PATH     the path
 * Returns the enum snap_cgroup_kind.
 */
enum snap_cgroup_kind cgroup_name_of(const char *path, char *name, size_t len);

/* The short form of kind @k ("systemd", "docker", "pod", ...), for JSON and columns. */
const char *cgroup_kind_name(enum snap_cgroup_kind k);

#endif
