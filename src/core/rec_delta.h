/*
 * rec_delta.h - the syscall rows of a format-4 delta tick, as edits of the
 * previous tick's rows (format in rec_delta.c). Internal to the recording
 * format (rec_tick.c). @prev is the previous tick as a reader decodes it.
 */
#ifndef LATTOP_CORE_REC_DELTA_H
#define LATTOP_CORE_REC_DELTA_H

#include "core/rec_format.h"
#include "core/rec_varint.h"

/* 0, -ENOMEM or -EINVAL. */
int rec_delta_put_rows(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev);

/* Append @n_rows syscall rows to @s. 0 or -errno with c->e filled. */
int rec_delta_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
		       size_t n_rows);

/* The same in format 5: the fields of changed rows in columns (rec_delta.c). */
int rec_delta5_put_rows(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev);
int rec_delta5_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
			size_t n_rows);

#endif
