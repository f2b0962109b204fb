/*
 * syscall_names.h - syscall number <-> name for the build architecture,
 * generated at build time from the kernel's uapi <asm/unistd_64.h>.
 */
#ifndef LATTOP_CORE_SYSCALL_NAMES_H
#define LATTOP_CORE_SYSCALL_NAMES_H

#include <stdint.h>

/* Name of @nr, or NULL when the architecture has none. */
const char *syscall_name(uint32_t nr);

/* Writes the name, or "sys_<nr>" for unknown numbers, into @buf. Returns buf. */
const char *syscall_name_or_nr(uint32_t nr, char *buf, unsigned int len);

/* Number of @name (with or without a "sys_" prefix), or -ENOENT. */
int syscall_lookup(const char *name);

/* One past the highest known syscall number. */
uint32_t syscall_count(void);

#endif
