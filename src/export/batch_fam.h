/*
 * batch_fam.h - batch text of the family tables (run queue, block I/O, ...):
 * per family with rows in the view, a quantize() block for each of its
 * busiest rows (by time) and a summary table, in the layout of the syscall
 * ones. Walks snapshot tables with core/family.h's descriptors: a new
 * family needs no code here.
 *
 *   runqueue nginx[1201] (ns)  [812 waits, 0 errors, p50 12.3us, p99 81.9us, max 1.20ms]
 *            value  ------------- Distribution ------------- count
 *   ...
 *   RUNQUEUE     PID COMM             CPU      COUNT   ERRORS      P50 ...    MAX
 *   block        DEV          PID COMM  OP ... QUEUE SUM QUEUE P99 DEVICE SUM DEVICE P99
 */
#ifndef LATTOP_EXPORT_BATCH_FAM_H
#define LATTOP_EXPORT_BATCH_FAM_H

#include <stdio.h>

#include "core/family.h"
#include "export/batch_text.h"

/*
 * Every family table of @s: its rows through @o's filter, its note when
 * it is off or partial. Nothing for a table that is off without a note.
 * 0, -ENOMEM or -EIO.
 */
int batch_fam_write(FILE *out, const struct snapshot *s, const struct batch_text_opts *o);

/*
 * @r's key as one short text: each field's value in the family's order,
 * comm and pid together as comm[pid], a CPU as "cpu N" (none when rows are
 * not per CPU), sanitised.
 */
const char *batch_fam_key(const struct family_desc *d, const struct snap_fam_row *r, char *buf,
			  size_t len);

#endif
