/*
 * rec_delta.h - the syscall rows of a format-4 delta tick, as edits of the
 * previous tick's rows (format in rec_delta.c). Internal to the recording
 * format (rec_tick.c). @prev is the previous tick as a reader decodes it.
 */
#ifndef LATTOP_CORE_REC_DELTA_H
#define LATTOP_CORE_REC_DELTA_H

#include "core/rec_format.h"
#include "core/rec_match.h"
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

/*
 * Format 6 (rec_delta6.c): format 5's ops and matching, every histogram
 * field in columns against the row's previous tick (rec_histcol.h).
 */
int rec_delta6_put_rows(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev);
int rec_delta6_get_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
			size_t n_rows);

/* --- rec_delta.c's pieces that format 6 shares --------------------------- */
/* Row ops (op = arg << 2 | kind) and a CHANGED/NEW op's DT_* bits, formats 4-6. */
enum { DT_COPY = 0, DT_SKIP = 1, DT_JUMP = 1, DT_CHANGED = 2, DT_NEW = 3 };
#define DT_TOTAL_SUM 1u		/* total = previous total + interval */
#define DT_CGROUP 2u		/* the cgroup id changed: it follows */
#define DT_PARTS_SUM 4u		/* total parts = previous total parts + interval parts */
#define DT_BITS (DT_TOTAL_SUM | DT_CGROUP | DT_PARTS_SUM)

/*
 * What differs between the formats' row ops: how a CHANGED row (previous
 * row @pr) and a NEW row are read from the columns @col (@col alone in
 * format 4), and what kind 1 and a NEW op's arg mean.
 */
struct rec_delta_rows {
	int (*get_changed)(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
			   const struct snap_sys_row *pr, uint64_t bits, bool parts);
	int (*get_new)(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
		       uint64_t bits, bool parts);
	bool jump;		/* kind 1 is JUMP (formats 5, 6), not SKIP (format 4) */
	uint64_t new_bits;	/* the DT_* bits a NEW op may carry (format 6) */
};
/*
 * How formats 5 and 6 write a CHANGED row (@r of @s, previous row @pr of
 * @prev) and a NEW row into their columns @col.
 */
struct rec_delta_put {
	int (*put_changed)(struct rec_buf *col, const struct snapshot *s,
			   const struct snap_sys_row *r, const struct snapshot *prev,
			   const struct snap_sys_row *pr);
	int (*put_new)(struct rec_buf *col, const struct snapshot *s, const struct snap_sys_row *r,
		       const struct snapshot *prev);
};
/*
 * @s's syscall rows as ops against @prev's into @col[0] (rows matched
 * anywhere by key and cgroup id, row j first). 0 or -ENOMEM.
 */
int rec_delta_put_ops(struct rec_buf *col, const struct snapshot *s, const struct snapshot *prev,
		      const struct rec_delta_put *f);
/* Walk the ops in @col[0] until @s has @n_rows syscall rows. 0 or -errno with e filled. */
int rec_delta_walk(struct rec_cur *col, struct snapshot *s, const struct snapshot *prev,
		   size_t n_rows, bool parts, const struct rec_delta_rows *f);
/*
 * r->total from @c (or @pr's total + r->interval if DT_TOTAL_SUM), part_ns
 * zeroed, then r->cgroup_id if DT_CGROUP.
 */
int rec_delta_get_total(struct rec_cur *c, struct snapshot *s, struct snap_sys_row *r,
			const struct snapshot *prev, const struct snap_sys_row *pr, uint64_t bits);
/* r->total.part_ns from @c, or @pr's + r->interval's if DT_PARTS_SUM. */
int rec_delta_get_total_parts(struct rec_cur *c, struct snap_sys_row *r,
			      const struct snap_sys_row *pr, uint64_t bits);
/* @r (of @s) equals previous row @pr (of @prev): flags and both histograms. */
bool rec_delta_unchanged(const struct snapshot *s, const struct snap_sys_row *r,
			 const struct snapshot *prev, const struct snap_sys_row *pr);
/* @tot (of @s) is @pt (of @prev) + @iv (of @s), part_ns not compared. */
bool rec_delta_is_sum(const struct snapshot *s, const struct snap_hist *tot,
		      const struct snapshot *prev, const struct snap_hist *pt,
		      const struct snap_hist *iv);
bool rec_delta_parts_sum(const struct snap_hist *tot, const struct snap_hist *pt,
			 const struct snap_hist *iv);
/* *@out = @pt (of @prev) + @iv (of @s), buckets appended to @s, part_ns @pt's. */
int rec_delta_add_hist(struct rec_cur *c, struct snapshot *s, struct snap_hist *out,
		       const struct snapshot *prev, const struct snap_hist *pt,
		       const struct snap_hist *iv);
/* Previous rows j..j+n-1 appended to @s as they are. */
int rec_delta_copy_rows(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev,
			size_t j, size_t n);
#endif
