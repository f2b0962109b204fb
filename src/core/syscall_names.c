/* syscall_names.c - lookups over the table generated from <asm/unistd_64.h>. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/syscall_names.h"

static const char *const syscall_table[] = {
#include "gen/syscall_table.h"
};

#define SYSCALL_TABLE_LEN (sizeof(syscall_table) / sizeof(syscall_table[0]))

const char *syscall_name(uint32_t nr)
{
	if (nr >= SYSCALL_TABLE_LEN)
		return NULL;
	return syscall_table[nr];
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
	return -ENOENT;
}

uint32_t syscall_count(void)
{
	return (uint32_t)SYSCALL_TABLE_LEN;
}
