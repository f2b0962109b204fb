/*
 * fmt_breakdown.h - a syscall row's breakdown (enum abi_part) in words, for
 * batch text and the dashboard: "read p99 12.0ms - 80% I/O wait, 15% run
 * queue". Pure: shares of sum_ns, no I/O.
 */
#ifndef LATTOP_EXPORT_FMT_BREAKDOWN_H
#define LATTOP_EXPORT_FMT_BREAKDOWN_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

/* Parts below this share (percent) are left out of the sentence. */
#define FMT_BREAKDOWN_MIN_PCT 5
#define FMT_BREAKDOWN_LEN 128

/* How the sentence names part @p: "on CPU", "waiting for a CPU", "waiting for I/O", "blocked". */
const char *fmt_breakdown_label(unsigned int p);

/*
 * @part_ns[p] as a whole percentage of @sum_ns, rounded to nearest; 0 when
 * sum_ns is 0. Never above 100 (parts are clamped to the sum).
 */
unsigned int fmt_breakdown_pct(uint64_t part_ns, uint64_t sum_ns);

/*
 * The parts of at least FMT_BREAKDOWN_MIN_PCT, largest first (ties in part
 * order): "80% I/O wait, 15% run queue". "" when sum_ns is 0. Returns strlen.
 */
size_t fmt_breakdown_parts(char *buf, size_t len, const __u64 part_ns[ABI_PARTS],
			   uint64_t sum_ns);

/*
 * "@name p99 @p99 - <parts>" (the p99 as fmt_duration_ns); just
 * "@name p99 @p99" when no part reaches the minimum share. @name is printed
 * as given: sanitise it first if it comes from the traced system.
 */
size_t fmt_breakdown_sentence(char *buf, size_t len, const char *name, uint64_t p99_ns,
			      const __u64 part_ns[ABI_PARTS], uint64_t sum_ns);

/* The dashboard's cell: the largest part and its share, "io 80%", "cpu 100%"; "-" if none. */
void fmt_breakdown_cell(char *buf, size_t len, const __u64 part_ns[ABI_PARTS]);

#endif
