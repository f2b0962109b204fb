/*
 * pidns.h - show the pids of the PID namespace lattop runs in. The BPF
 * programs see the kernel's pids (the initial namespace); inside a
 * container lattop translates them with the NSpid lines of its own /proc,
 * and leaves out rows of processes its namespace cannot see. In the
 * initial namespace every call is a no-op.
 */
#ifndef LATTOP_COLLECT_PIDNS_H
#define LATTOP_COLLECT_PIDNS_H

#include <stdint.h>

#include "core/snapshot.h"

struct pidns;

/*
 * Find out which namespace lattop runs in from /proc/self/status's NSpid
 * (more than one number: not the initial one; comparing /proc/self/ns/pid
 * with /proc/1/ns/pid is not enough inside a container, where pid 1 is in
 * lattop's namespace too). @proc: the /proc to read (NULL: "/proc").
 * NULL with errno set (ENOMEM).
 */
struct pidns *pidns_open(const char *proc);
void pidns_free(struct pidns *p);

/* The namespace's inode (stat /proc/self/ns/pid) when not the initial one, else 0. */
uint64_t pidns_ino(const struct pidns *p);

/*
 * The kernel's pid of @ns_pid, a pid of lattop's namespace (for -p, before
 * the BPF pre-filter is set). In the initial namespace: @ns_pid itself.
 * 0 or -ESRCH (not a process of the namespace).
 */
int pidns_to_kernel(struct pidns *p, uint32_t ns_pid, uint32_t *kernel_pid);

/*
 * Collector thread, once per tick after every family: rewrite the pids of
 * @s's rows (syscalls, clients, families, stacks) to the namespace's, drop
 * the rows of processes it cannot see, set s->pidns_ino. Translations are
 * cached; a pid not in the cache makes one rescan of /proc per call at most.
 * 0 or -ENOMEM.
 */
int pidns_translate(struct pidns *p, struct snapshot *s);

#endif
