/*
 * rec_sections.h - the tagged sections that end a TICK payload (format 3):
 * data added after format 2, each a (tag, length, body) a reader can skip
 * when it does not know the tag, so that later additions need no new
 * version. Internal to the recording format (rec_tick.c).
 *
 *   sections := count, then count x (tag varint, length varint, body)
 *   REC_SEC_BREAKDOWN: flag (0/1); when 1, per syscall row of the tick
 *                      ABI_PARTS interval then ABI_PARTS total part_ns.
 *   REC_SEC_FAMILY:    one family table: name (core/family.c; a table a
 *                      reader has no descriptor for is skipped), state,
 *                      note, lost, lost_total, evicted, evicted_total,
 *                      number of parts P, rows; per row tgid, a, b, comm,
 *                      label, interval and total histograms, then P x
 *                      (part, part_total) histograms.
 *   REC_SEC_STACKS:    --slow only: slow_ns, stacks_dropped, stacks_dropped_total,
 *                      the stacks with calls this tick; per stack pid, what,
 *                      pstart_ns, comm, count, count_total, max_ns, flags,
 *                      n_kernel, n_user, then that many frames (text,
 *                      symbolised when recorded, at most 255 bytes each).
 *   REC_SEC_CGROUPS:   when the tick's cgroups_state is not OFF, last: state,
 *                      note, the cgroup table (id, kind, gone, path, name, in
 *                      id order), then the cgroup id of every row in row order:
 *                      count and ids of syscall rows, of client rows, number
 *                      of families and per family its name, count and ids, then
 *                      count and ids of the stacks of REC_SEC_STACKS. A tick
 *                      without it (older recordings): ids 0, state OFF.
 *   REC_SEC_FAM_DELTA: format 5, delta ticks only, instead of REC_SEC_FAMILY:
 *                      the same head, then the rows as edits of the previous
 *                      tick's table (rec_sections.c, put_fam_delta).
 *   REC_SEC_FAM_DELTA6: format 6, delta ticks only: the same head, then the
 *                      rows' ops and histograms in columns against the
 *                      previous tick's rows (rec_sections.c, put_fam_delta6).
 * A format-2 tick ends before the sections: no breakdown, tables off.
 */
#ifndef LATTOP_CORE_REC_SECTIONS_H
#define LATTOP_CORE_REC_SECTIONS_H

#include "core/rec_format.h"
#include "core/rec_varint.h"

enum rec_section { REC_SEC_BREAKDOWN = 1, REC_SEC_FAMILY = 2, REC_SEC_STACKS = 3,
		  REC_SEC_CGROUPS = 4, REC_SEC_FAM_DELTA = 5, REC_SEC_FAM_DELTA6 = 6 };

/*
 * Append the sections of @s. With @prev (a delta tick of format @fmt, 5 or
 * 6), each family table is a REC_SEC_FAM_DELTA (REC_SEC_FAM_DELTA6) against
 * @prev's instead of a REC_SEC_FAMILY (rec_sections.c: unchanged rows
 * copied, changed ones their histograms).
 * 0, -ENOMEM, or -EINVAL for a corrupt histogram reference.
 */
int rec_sections_put(struct rec_buf *b, const struct snapshot *s, const struct snapshot *prev,
		     int fmt);

/*
 * Read the sections at @c (none when the payload ends there) into @s; @prev:
 * the tick a delta is against (NULL for a keyframe). 0 or -errno.
 */
int rec_sections_get(struct rec_cur *c, struct snapshot *s, const struct snapshot *prev);

/* rec_tick.c's sparse histogram, shared with the sections. */
int rec_tick_put_hist(struct rec_buf *b, const struct snapshot *s, const struct snap_hist *h);
int rec_tick_get_hist(struct rec_cur *c, struct snapshot *s, struct snap_hist *h);
/* A syscall row's flags (exited, wait), shared with the delta ticks (rec_delta.c). */
int rec_tick_get_row_flags(struct rec_cur *c, struct snap_sys_row *r);

#endif
