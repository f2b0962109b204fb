/*
 * prom_expo.h - struct metrics written as the Prometheus text exposition
 * format 0.0.4 or OpenMetrics 1.0.0 (chosen by the scraper's Accept).
 *
 * Histogram `le` bounds are exactly lattop's bucket bounds: an integer-ns
 * bucket [lo, hi] is written as le = hi ns in seconds, exact in decimal
 * (a value at 2^k ns lands in the bucket whose lower bound is 2^k, never
 * in the one below).
 */
#ifndef LATTOP_EXPORT_PROM_EXPO_H
#define LATTOP_EXPORT_PROM_EXPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/metrics.h"

enum prom_format { PROM_TEXT_004 = 0, PROM_OPENMETRICS_1 };

/* Content-Type header value of @f. */
const char *prom_content_type(enum prom_format f);

/* The format an Accept header asks for (NULL or unknown: text 0.0.4). */
enum prom_format prom_negotiate(const char *accept);

/* Constant facts of this process, written with every scrape. */
struct prom_info {
	const char *version;		/* lattop_build_info{version=...} */
	const char *host_label;		/* --host-label: host="..." on every series; NULL: none */
};

/* A growing output buffer. */
struct prom_buf {
	char *data;
	size_t len, cap;
};

void prom_buf_free(struct prom_buf *b);

/*
 * Append the exposition of @m to @out. @scrape_start_ns (CLOCK_MONOTONIC)
 * lets the body end with lattop_scrape_duration_seconds. 0 or -ENOMEM.
 */
int prom_render(const struct metrics *m, const struct prom_info *info, enum prom_format f,
		uint64_t scrape_start_ns, struct prom_buf *out);

#endif
