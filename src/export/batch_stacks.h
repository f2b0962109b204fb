/*
 * batch_stacks.h - the --slow stacks of one row in batch text, after its
 * quantize() block, the way DTrace prints @[stack(), ustack()] = count():
 * kernel frames then user frames, innermost first, then the count.
 *
 *   slow stacks of clock_nanosleep (>= 5.00ms): 1 distinct, 0 dropped
 *     fn_target[4242]  count 10  max 20.1ms
 *                 __schedule
 *                 schedule
 *                 ...
 *                 --
 *                 slow_path
 *                 handle
 *                 serve
 *                 main
 */
#ifndef LATTOP_EXPORT_BATCH_STACKS_H
#define LATTOP_EXPORT_BATCH_STACKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/filter.h"
#include "core/snapshot.h"

#define BATCH_STACKS_TOP_N 3

/*
 * The stacks of row @what (a syscall number, or SNAP_STACK_FUNC | probe id)
 * of @s with calls this tick (@cumulative: since start), most calls first,
 * at most @top_n; @label names the row. Only processes @f matches (NULL: all).
 * Nothing when --slow is off or no stack matches. Frame names are sanitised.
 */
void batch_stacks_write(FILE *out, const struct snapshot *s, uint32_t what, const char *label,
			bool cumulative, const struct filter *f, unsigned int top_n);

#endif
