/*
 * tick_csv.h - a recording's ticks as summary CSV rows (lattop export --csv).
 *
 * Columns: tick,ts_ns,kind,pid,comm,syscall,client,port,dir,count,errors,
 *          sum_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns
 * One row per (tick, process, syscall) row and per (tick, client) row that
 * the JSON output of the same tick lists (active in the view, matching the
 * filter). kind "syscall": count/errors are calls and failed calls; client,
 * port and dir are empty. kind "client": syscall is empty; count is
 * requests, errors the failed outgoing connects, the latencies are the
 * request latencies. Values are this tick's, or since start with
 * cumulative. Percentiles are estimates within 6.25 % (core/hist.h).
 */
#ifndef LATTOP_EXPORT_TICK_CSV_H
#define LATTOP_EXPORT_TICK_CSV_H

#include <stdbool.h>
#include <stdio.h>

#include "core/filter.h"
#include "core/snapshot.h"

int tick_csv_header(FILE *f);

/* The rows of @s (@filter may be NULL). 0 or -EIO. */
int tick_csv_write(FILE *f, const struct snapshot *s, bool cumulative, const struct filter *filter);

#endif
