/*
 * batch_text.h - the DTrace-like text output of batch mode: per tick a
 * header line, a printa()-style quantize() block for each of the busiest
 * syscalls, and a summary table per (process, syscall).
 *
 * Example (one tick):
 *
 * 2026-11-22 09:30:01  tick 12  interval 1.00s  interval view  events 4120 lost 0 ...
 *
 *   read (ns)  [30 calls, 3 errors, p50 2.06us, p99 7.94us, max 8.00us]
 *            value  ------------- Distribution ------------- count
 *             1024 |                                         0
 *             2048 |@@@@@@@@@@@@@@@@                         12
 *             4096 |@@@@@@@@@@@@@@@@@@@@@@@@                 18
 *             8192 |                                         0
 *
 *   SYSCALL          PROCESS                   CALLS  ERRORS      P50 ...
 *   read             nginx[1201]                  30       3   2.06us ...
 */
#ifndef LATTOP_EXPORT_BATCH_TEXT_H
#define LATTOP_EXPORT_BATCH_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/filter.h"
#include "core/snapshot.h"

#define BATCH_TEXT_TOP_N_DEFAULT 5
#define BATCH_TEXT_SUMMARY_ROWS 20	/* rows of the summary table; the rest are counted */

struct batch_text_opts {
	bool cumulative;		/* totals since start instead of this interval */
	const struct filter *filter;	/* NULL = everything */
	unsigned int top_n;		/* quantize blocks; 0 = BATCH_TEXT_TOP_N_DEFAULT */
};

/*
 * Write one tick of @s to @out (@o may be NULL for defaults). Process names
 * are sanitised. 0, -ENOMEM, or -EIO when @out reports an error.
 */
int batch_text_write(FILE *out, const struct snapshot *s, const struct batch_text_opts *o);

/*
 * The quantize() block of @h exactly as DTrace's printa() draws it: a
 * "value ... Distribution ... count" header and one row per power of two,
 * "%16llu |" + 40-column '@' bar (round(40 * count / total)) + " count".
 * Nothing for an empty histogram. 0 or -EIO.
 */
int batch_text_quantize(FILE *out, const struct abi_hist *h);

#endif
