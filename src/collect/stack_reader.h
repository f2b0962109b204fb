/*
 * stack_reader.h - the --slow stacks of a BPF object that includes
 * bpf/lib/stacks.bpf.h (maps slow_stacks and stack_traces) into snapshots:
 * each distinct stack symbolised once, when first seen (kernel frames from
 * /proc/kallsyms, user frames from the process's mappings while it runs),
 * then counted per tick. Collector thread.
 */
#ifndef LATTOP_COLLECT_STACK_READER_H
#define LATTOP_COLLECT_STACK_READER_H

#include <stdint.h>

#include "core/snapshot.h"

struct stack_reader;

/* @stacks_fd, @traces_fd: the two maps; @max_stacks: slow_stacks' size. NULL with errno. */
struct stack_reader *stack_reader_new(int stacks_fd, int traces_fd, uint32_t max_stacks);
void stack_reader_free(struct stack_reader *r);

/*
 * Read /proc/kallsyms now (a few hundred ms) rather than at the first
 * stack, when a tick would be late: at open when --slow is on.
 */
void stack_reader_preload(struct stack_reader *r);

/*
 * Append every stack seen so far to @out (count = calls since the last
 * read, count_total, max_ns, frames). 0 or -ENOMEM.
 */
int stack_reader_read(struct stack_reader *r, struct snapshot *out);

#endif
