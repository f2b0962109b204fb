/*
 * sim_cgroups.c - the simulation's cgroups (see sim_cgroups.h).
 *
 * A pass over a finished tick: the generators of rows know nothing of
 * cgroups, so their random streams (and every number tests rely on) stay
 * what they were.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/cgroup_name.h"
#include "core/sim_cgroups.h"
#include "core/sim_rand.h"

#define SIM_CG_SALT 0xc9c0ull

uint64_t sim_cgroup_id(uint64_t seed, enum sim_cgroup_id which)
{
	/* kernfs inode numbers: small, and a later cgroup a larger one */
	uint64_t base = 4096 + (sim_stream(seed, 0, SIM_CG_SALT) % 65536) * 64;

	return which == SIM_CG_ROOT ? 1 : base + (uint64_t)which * 7;
}

/* @n lowercase hex digits drawn from (@seed, @salt) into @out (n + 1 bytes). */
static void hex_of(uint64_t seed, uint64_t salt, char *out, size_t n)
{
	uint64_t st = sim_stream(seed, 1, SIM_CG_SALT + salt);

	for (size_t i = 0; i < n; i++)
		out[i] = "0123456789abcdef"[sim_next(&st) & 15];
	out[n] = '\0';
}

void sim_cgroup_path(uint64_t seed, enum sim_cgroup_id which, char *path, size_t len)
{
	char id[65], uid[33];

	switch (which) {
	case SIM_CG_NGINX:
		snprintf(path, len, "/system.slice/nginx.service");
		break;
	case SIM_CG_DOCKER:
		hex_of(seed, 1, id, 64);
		snprintf(path, len, "/system.slice/docker-%s.scope", id);
		break;
	case SIM_CG_POD:
		hex_of(seed, 2, id, 64);
		hex_of(seed, 3, uid, 32);
		snprintf(path, len,
			 "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
			 "%.8s_%.4s_%.4s_%.4s_%.12s.slice/cri-containerd-%s.scope",
			 uid, uid + 8, uid + 12, uid + 16, uid + 20, id);
		break;
	case SIM_CG_EVIL:
		snprintf(path, len, "/lattop-sim/evil\x1b[2J\x07name");
		break;
	default:
		snprintf(path, len, "/");
		break;
	}
}

enum sim_cgroup_id sim_cgroup_of_pid(uint32_t pid)
{
	switch (pid) {
	case 1201: case 1202: case 1203:
		return SIM_CG_NGINX;
	case 842: case 851:
		return SIM_CG_DOCKER;
	case 977:
		return SIM_CG_POD;
	case 2301:
		return SIM_CG_EVIL;
	default:
		return SIM_CG_ROOT;
	}
}

int sim_cgroups_fill(uint64_t seed, struct snapshot *s)
{
	bool used[SIM_CG_NR] = { false };
	enum sim_cgroup_id c;

	for (size_t i = 0; i < s->n_sys; i++) {
		c = sim_cgroup_of_pid(s->sys[i].pid);
		s->sys[i].cgroup_id = sim_cgroup_id(seed, c);
		used[c] = true;
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		c = sim_cgroup_of_pid(s->clients[i].key.tgid);
		s->clients[i].key.cgid = sim_cgroup_id(seed, c);
		used[c] = true;
	}
	for (int f = 0; f < SNAP_FAM_NR; f++)
		for (size_t i = 0; i < s->fam[f].n; i++) {
			c = sim_cgroup_of_pid(s->fam[f].rows[i].key.tgid);
			s->fam[f].rows[i].key.cgid = sim_cgroup_id(seed, c);
			used[c] = true;
		}
	for (size_t i = 0; i < s->n_stacks; i++)
		s->stacks[i].cgroup_id = sim_cgroup_id(seed, sim_cgroup_of_pid(s->stacks[i].pid));
	/* ids grow with the enum: added in id order */
	for (c = SIM_CG_ROOT; c < SIM_CG_NR; c++) {
		struct snap_cgroup *cg;

		if (!used[c])
			continue;
		cg = snapshot_add_cgroup(s);
		if (!cg)
			return -ENOMEM;
		cg->id = sim_cgroup_id(seed, c);
		sim_cgroup_path(seed, c, cg->path, sizeof(cg->path));
		cg->kind = cgroup_name_of(cg->path, cg->name, sizeof(cg->name));
	}
	s->cgroups_state = SNAP_CGROUPS_ON;
	s->cgroups_note[0] = '\0';
	return 0;
}
