/*
 * folded.h - --slow stacks in the folded form of Brendan Gregg's
 * flamegraph.pl / stackcollapse: one line per distinct stack,
 *
 *   comm;user frames outermost first;kernel frames outermost first COUNT
 *
 * summed over every tick given (lattop export REC --folded). Frame names
 * are sanitised, and ';' inside a name (it separates frames) becomes ':'.
 */
#ifndef LATTOP_EXPORT_FOLDED_H
#define LATTOP_EXPORT_FOLDED_H

#include <stddef.h>
#include <stdio.h>

#include "core/filter.h"
#include "core/snapshot.h"

struct folded;

struct folded *folded_new(void);
void folded_free(struct folded *fd);

/* Add the calls of each stack of @s this tick (processes @f matches; NULL: all). 0 or -ENOMEM. */
int folded_add(struct folded *fd, const struct snapshot *s, const struct filter *f);

/* Write the lines, sorted, duplicates summed. 0 or -EIO / -ENOMEM. */
int folded_write(struct folded *fd, FILE *out);

/* The line of @st of @s without its count into @buf; its length (cut to fit). */
size_t folded_stack_line(char *buf, size_t len, const struct snapshot *s,
			 const struct snap_stack *st);

#endif
