/*
 * breakdown_text.h - a syscall row's breakdown (enum abi_part: on-CPU, run
 * queue, I/O wait, blocked) as words: the dashboard's WHY cell and the
 * histogram pane's sentence. Pure.
 *
 * (src/export/fmt_breakdown.c, written in parallel for batch text, may
 * replace this at merge.)
 */
#ifndef LATTOP_CORE_BREAKDOWN_TEXT_H
#define LATTOP_CORE_BREAKDOWN_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

/* The largest part of @part_ns and its share in per cent (0..100); -1 when all are 0. */
int breakdown_dominant(const __u64 part_ns[ABI_PARTS], unsigned int *pct);

/* "io 80%", "cpu 100%", "runq 51%"; "-" when all parts are 0. Fits 8 cells. */
void breakdown_cell(char *buf, size_t len, const __u64 part_ns[ABI_PARTS]);

/*
 * "80% waiting for I/O, 15% waiting for a CPU": the parts of at least
 * @min_pct per cent, largest first, at most three; "" when all are 0.
 */
void breakdown_sentence(char *buf, size_t len, const __u64 part_ns[ABI_PARTS],
			unsigned int min_pct);

#endif
