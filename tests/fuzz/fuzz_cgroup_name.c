/*
 * fuzz_cgroup_name.c - any path in: a known kind, a NUL-terminated name
 * that fits, made only of the path's own bytes (or a fixed prefix and hex).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup_name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *path, size_t len)
{
	/* Exact-size heap buffer: ASan sees any write past len. */
	char *name = malloc(len ? len : 1), again[SNAP_CGROUP_NAME_LEN];
	enum snap_cgroup_kind k;
	size_t n;

	if (!name)
		abort();
	name[0] = 'Z';
	k = cgroup_name_of(path, name, len);
	if ((unsigned)k >= SNAP_CG_KINDS || !strcmp(cgroup_kind_name(k), "?"))
		abort();
	if (!len) {
		if (name[0] != 'Z')
			abort();
		free(name);
		return;
	}
	n = strnlen(name, len);
	if (n >= len)
		abort();
	if (k == SNAP_CG_UNRESOLVED && (path[0] || n))
		abort();
	if (k == SNAP_CG_ROOT && strncmp(name, "/", len - 1))
		abort();
	if (k == SNAP_CG_PATH && len > 4 && strlen(path) < len && strcmp(name, path))
		abort();
	if (k == SNAP_CG_SYSTEMD && !strstr(path, name))
		abort();
	/* Deterministic, and a longer buffer only adds to the end. */
	if (cgroup_name_of(path, again, sizeof(again)) != k)
		abort();
	if (k != SNAP_CG_PATH && strncmp(again, name, n))
		abort();
	free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size ? data[0] % (SNAP_CGROUP_NAME_LEN + 1) : 0;
	char *path = malloc(size + 1);

	if (!path)
		abort();
	if (size)
		memcpy(path, data + 1, size - 1);
	path[size ? size - 1 : 0] = '\0';
	check(path, len);
	check(path, SNAP_CGROUP_NAME_LEN);
	free(path);
	return 0;
}
