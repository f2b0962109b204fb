/* syscall_names.c - lookups over the table generated from <asm/unistd_64.h>. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/syscall_names.h"

static const char *const syscall_table[] = {
#include "gen/syscall_table.h"
};

#define SYSCALL_TABLE_LEN (sizeof(syscall_table) / sizeof(syscall_table[0]))

#if defined(__x86_64__)
/*
 * x86_64 calls newer than the build host's headers (Debian 12's stop at
 * 450): a kernel that has them shows names, not sys_N. uretprobe is what
 * every uretprobe hit costs on kernels >= 6.11 (lattop's own -u included).
 */
static const struct { uint32_t nr; const char *name; } newer_calls[] = {
	{ 335, "uretprobe" }, { 336, "uprobe" },
	{ 451, "cachestat" }, { 452, "fchmodat2" }, { 453, "map_shadow_stack" },
	{ 454, "futex_wake" }, { 455, "futex_wait" }, { 456, "futex_requeue" },
	{ 457, "statmount" }, { 458, "listmount" }, { 459, "lsm_get_self_attr" },
	{ 460, "lsm_set_self_attr" }, { 461, "lsm_list_modules" }, { 462, "mseal" },
	{ 463, "setxattrat" }, { 464, "getxattrat" }, { 465, "listxattrat" },
	{ 466, "removexattrat" },
};
#define NEWER_CALLS_LEN (sizeof(newer_calls) / sizeof(newer_calls[0]))
#else
static const struct { uint32_t nr; const char *name; } newer_calls[1];
#define NEWER_CALLS_LEN 0
#endif

const char *syscall_name(uint32_t nr)
{
	if (nr < SYSCALL_TABLE_LEN && syscall_table[nr])
		return syscall_table[nr];
	for (size_t i = 0; i < NEWER_CALLS_LEN; i++)
		if (newer_calls[i].nr == nr)
			return newer_calls[i].name;
	return NULL;
}

const char *syscall_name_or_nr(uint32_t nr, char *buf, unsigned int len)
{
	const char *name = syscall_name(nr);

	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "sys_%u", nr);
	return buf;
}

int syscall_lookup(const char *name)
{
	unsigned int nr;
	char tail;

	if (!strncmp(name, "sys_", 4)) {
		/* "sys_123" names an unnamed number; "sys_read" a named one. */
		if (sscanf(name + 4, "%u%c", &nr, &tail) == 1 && nr < 4096)
			return (int)nr;
		name += 4;
	}
	for (size_t i = 0; i < SYSCALL_TABLE_LEN; i++) {
		if (syscall_table[i] && !strcmp(syscall_table[i], name))
			return (int)i;
	}
	for (size_t i = 0; i < NEWER_CALLS_LEN; i++)
		if (!strcmp(newer_calls[i].name, name))
			return (int)newer_calls[i].nr;
	return -ENOENT;
}

uint32_t syscall_count(void)
{
	return (uint32_t)SYSCALL_TABLE_LEN;
}
