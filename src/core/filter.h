/*
 * filter.h - what the operator asked to see, parsed from the filter prompt
 * or the command line, applied to snapshot rows (never to the kernel).
 *
 * Syntax: whitespace-separated terms; kinds AND together, values of one kind
 * OR together.
 *   NAME            process name contains NAME (case-sensitive substring)
 *   pid:N[,N...]    process id
 *   sys:NAME[,NAME] syscall name (must exist on this architecture)
 * Example: "nginx sys:read,write" = (comm contains nginx) AND syscall in {read, write}.
 */
#ifndef LATTOP_CORE_FILTER_H
#define LATTOP_CORE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

#define FILTER_MAX_TERMS 16
#define FILTER_TEXT_MAX 256

struct filter {
	size_t n_comm;
	char comm[FILTER_MAX_TERMS][ABI_COMM_LEN];
	size_t n_pid;
	uint32_t pid[FILTER_MAX_TERMS];
	size_t n_sys;
	uint32_t sys_nr[FILTER_MAX_TERMS];
};

/* Empty filter: matches everything. */
void filter_clear(struct filter *f);
bool filter_is_empty(const struct filter *f);

/*
 * Parse @text into @f. On error returns -EINVAL, leaves @f unchanged and
 * writes a one-line reason into @err (e.g. "unknown syscall 'foo'").
 */
int filter_parse(struct filter *f, const char *text, char *err, size_t errlen);

/* Canonical text of @f (parses back to the same filter); "" when empty. */
void filter_format(const struct filter *f, char *buf, size_t len);

bool filter_match_proc(const struct filter *f, uint32_t pid, const char *comm);
bool filter_match_sys(const struct filter *f, const struct snap_sys_row *r);

#endif
