/*
 * sim_cgroups.h - the simulation's cgroups: every simulated process lives
 * in one of a handful of cgroup v2 cgroups, as on a real host:
 *   nginx workers          /system.slice/nginx.service
 *   postgres               /system.slice/docker-<64 hex>.scope
 *   redis-server           /kubepods.slice/kubepods-burstable.slice/
 *                            kubepods-burstable-pod<uid>.slice/cri-containerd-<64 hex>.scope
 *   java                   /lattop-sim/evil<ESC>[2J<BEL>name (a hostile name: the
 *                            sanitiser's test on every output)
 *   sshd, sleeper, others  the root "/"
 * Ids, container ids and the pod uid are drawn from the seed (the root is
 * always 1, as in the kernel); the process-to-cgroup mapping is fixed.
 * Pure: no I/O.
 */
#ifndef LATTOP_CORE_SIM_CGROUPS_H
#define LATTOP_CORE_SIM_CGROUPS_H

#include <stdint.h>

#include "core/snapshot.h"

enum sim_cgroup_id { SIM_CG_ROOT, SIM_CG_NGINX, SIM_CG_DOCKER, SIM_CG_POD, SIM_CG_EVIL, SIM_CG_NR };

/* The v2 id of simulated cgroup @which for @seed (distinct, nonzero). */
uint64_t sim_cgroup_id(uint64_t seed, enum sim_cgroup_id which);

/* Its path below the v2 mount into @path (@len bytes). */
void sim_cgroup_path(uint64_t seed, enum sim_cgroup_id which, char *path, size_t len);

/* The cgroup of simulated process @pid (unknown pids: the root). */
enum sim_cgroup_id sim_cgroup_of_pid(uint32_t pid);

/*
 * Set the cgroup id of every row of @s (syscall, client, family rows,
 * stacks) from its pid, fill @s's cgroup table with the cgroups they use
 * (named by cgroup_name_of) and set cgroups_state ON. 0 or -ENOMEM.
 */
int sim_cgroups_fill(uint64_t seed, struct snapshot *s);

#endif
