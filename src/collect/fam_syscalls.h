/* fam_syscalls.h - what the syscall family offers the others: the newest name of a process. */
#ifndef LATTOP_COLLECT_FAM_SYSCALLS_H
#define LATTOP_COLLECT_FAM_SYSCALLS_H

#include <stdint.h>

/* The newest name of process @tgid seen by the syscall family (@ctx its context), or NULL. */
const char *fam_syscalls_proc_comm(void *ctx, uint32_t tgid);

#endif
