/* fuzz_mountinfo.c - any bytes as a mountinfo line or file: bounded, terminated fields. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ret, const struct mountinfo_entry *e)
{
	if (ret && ret != -EINVAL && ret != -ENAMETOOLONG && ret != -ENOENT)
		abort();
	if (ret)
		return;
	if (strnlen(e->root, sizeof(e->root)) >= sizeof(e->root) ||
	    strnlen(e->mount_point, sizeof(e->mount_point)) >= sizeof(e->mount_point) ||
	    strnlen(e->fstype, sizeof(e->fstype)) >= sizeof(e->fstype))
		abort();
	if (e->mount_point[0] != '/' || !e->fstype[0] || strchr(e->fstype, ' ') ||
	    strchr(e->fstype, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exact-size copy: ASan sees any read past the input. */
	char *text = malloc(size ? size : 1);
	struct mountinfo_entry *e = malloc(sizeof(*e));

	if (!text || !e)
		abort();
	memcpy(text, data, size);
	check(mountinfo_parse_line(text, size, e), e);
	check(mountinfo_find(text, size, "cgroup2", e), e);
	if (!mountinfo_find(text, size, "cgroup2", e) && strcmp(e->fstype, "cgroup2"))
		abort();
	free(e);
	free(text);
	return 0;
}
