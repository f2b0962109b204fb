/*
 * proc_cmdline.h - command lines of live processes from /proc/PID/cmdline
 * (NUL-separated arguments joined with spaces, sanitised), cached per
 * process (pid, start time) and read again at most every 10 s: a table
 * redrawn every tick reads /proc only for rows it has not seen lately.
 * Bounded: at most PROC_CMDLINE_CACHE processes, the least recently used
 * one replaced. Main thread (the dashboard) only; no curses (plain /proc reads).
 */
#ifndef LATTOP_UI_PROC_CMDLINE_H
#define LATTOP_UI_PROC_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define PROC_CMDLINE_CACHE 256
#define PROC_CMDLINE_LEN 160

struct proc_cmdline;

/* NULL + errno on failure. */
struct proc_cmdline *proc_cmdline_new(void);
void proc_cmdline_free(struct proc_cmdline *pc);

/*
 * The command line of process (@pid, @pstart_ns: its start in
 * CLOCK_MONOTONIC ns, as the kernel keys have it), sanitised; "-" when the
 * process is gone, was replaced by another with its pid, or has none (a
 * kernel thread). The string lives until the next call.
 */
const char *proc_cmdline_get(struct proc_cmdline *pc, uint32_t pid, uint64_t pstart_ns);

/* How many /proc reads so far (for tests of the cache). */
uint64_t proc_cmdline_reads(const struct proc_cmdline *pc);

#endif
