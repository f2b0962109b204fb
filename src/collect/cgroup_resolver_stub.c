/*
 * cgroup_resolver_stub.c - a minimal stand-in for h-cg's cgroup_resolver.c
 * (the v2 mount from /proc/self/mountinfo, path -> id by stat(), no names),
 * so that the live source and --cgroup work before it lands. Every function
 * is weak: the real resolver's definitions win at link time. DELETE this
 * file when src/collect/cgroup_resolver.c is merged.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect/cgroup_resolver.h"

#define WEAK __attribute__((weak))

struct cgroup_resolver {
	char mount[PATH_MAX];	/* "" when there is no v2 hierarchy */
};

static void find_mount(char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	out[0] = '\0';
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		if (!strcmp(fstype, "cgroup2")) {
			snprintf(out, len, "%s", mnt);
			break;
		}
	}
	if (f)
		fclose(f);
}

WEAK int cgroup_resolver_new(const char *mount, struct cgroup_resolver **out)
{
	struct cgroup_resolver *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	if (mount)
		snprintf(r->mount, sizeof(r->mount), "%s", mount);
	else
		find_mount(r->mount, sizeof(r->mount));
	*out = r;
	return 0;
}

WEAK void cgroup_resolver_free(struct cgroup_resolver *r)
{
	free(r);
}

WEAK const char *cgroup_resolver_mount(const struct cgroup_resolver *r)
{
	return r->mount[0] ? r->mount : NULL;
}

WEAK int cgroup_resolver_fill(struct cgroup_resolver *r, struct snapshot *s)
{
	s->cgroups_state = r->mount[0] ? SNAP_CGROUPS_ON : SNAP_CGROUPS_NO_V2;
	if (!r->mount[0])
		snprintf(s->cgroups_note, sizeof(s->cgroups_note), "no cgroup v2 hierarchy");
	return 0;
}

WEAK int cgroup_resolver_id_of(const struct cgroup_resolver *r, const char *path, uint64_t *id)
{
	char full[PATH_MAX * 2];
	struct stat st;

	if (!r->mount[0])
		return -ENODEV;
	/* Absolute below the mount as typed, else taken as below the mount. */
	size_t ml = strlen(r->mount);

	if (!strncmp(path, r->mount, ml) && (path[ml] == '/' || !path[ml]))
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", r->mount, path[0] == '/' ? path + 1 : path);
	if (stat(full, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = st.st_ino;	/* 64-bit: the cgroup id is the kernfs inode number */
	return 0;
}
