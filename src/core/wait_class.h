/*
 * wait_class.h - which syscalls wait for events (the "waits" of the work
 * view) and which do work. The one list of the project: the BPF side gets
 * it as a per-number table before load (enum abi_sys_class), and sources
 * without a kernel side (simulation) classify with it too.
 */
#ifndef LATTOP_CORE_WAIT_CLASS_H
#define LATTOP_CORE_WAIT_CLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

/* One entry of the list: a syscall by name and its class. */
struct wait_class_entry {
	const char *name;
	enum abi_sys_class cls;
};

extern const struct wait_class_entry wait_class_list[];
extern const size_t wait_class_list_len;

/*
 * @out[nr] = class of syscall nr for nr < @n (ABI_SYS_WORK for the rest).
 * Names the architecture lacks are skipped.
 */
void wait_class_fill(uint8_t *out, size_t n);

/* Class of syscall @nr. */
enum abi_sys_class wait_class_of(uint32_t nr);

/*
 * Is a call of @nr a wait when nothing per call is known (no fd, no futex
 * op)? ABI_SYS_WAIT only: the per-call classes are decided in the kernel.
 */
bool wait_class_always(uint32_t nr);

/* "read", or "read (wait)" for the wait row of a syscall, into @buf. Returns buf. */
const char *wait_class_label(uint32_t nr, bool wait, char *buf, size_t len);

#endif
