/*
 * csv.h - raw per-request and per-connection samples (--csv FILE).
 *
 * Columns: timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out
 * The first three are the DTrace/bpftrace recipes' columns. timestamp_ns is
 * wall-clock (CLOCK_REALTIME) ns at the end of the sample. event is
 * "request" (request -> first response byte), "connection" (accepted
 * connection, established -> our close) or "connect" (outgoing connect
 * latency). client is the remote address, port the local port (dir "in")
 * or the remote port (dir "out"). For requests bytes_in is the request's
 * bytes read and bytes_out the first response write (dir "out": the other
 * way round); for connections they are the connection's totals.
 *
 * Text cells are sanitised, quoted, and a cell a spreadsheet would take for
 * a formula (leading = + - @; tab and CR are already replaced) is prefixed
 * with a quote (').
 */
#ifndef LATTOP_EXPORT_CSV_H
#define LATTOP_EXPORT_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

int csv_write_header(FILE *f);

/* @mono_to_real_ns: add to a CLOCK_MONOTONIC stamp to get CLOCK_REALTIME. 0 or -EIO. */
int csv_write_client_event(FILE *f, const struct abi_client_event *ev, int64_t mono_to_real_ns);

/* One text cell, escaped as above (exposed for tests and fuzzing). */
void csv_write_cell(FILE *f, const char *s, size_t len);

#endif
