/*
 * json.h - one JSON object per tick, one per line (JSON Lines).
 *
 * Schema (every number an unsigned integer; times in ns):
 * (the tick also has "cgroups_state":"off"|"no_v2"|"on","cgroups_note":"<why>",
 *  "cgroups":[{"id":N,"name":"nginx.service","path":"/system.slice/nginx.service",
 *   "kind":"systemd","gone":false,"procs":N,"calls":N,"errors":N,"worst_p99_ns":N,
 *   "slowest_syscall":"read","requests":N},...]: the rows that pass the filter summed
 *  per cgroup, most calls first; last, before run's verdict)
 *
 * {"schema":2,"ts_ns":N,"seq":N,"interval_ns":N,"elapsed_ns":N,
 *  "source":"bpf"|"simulate"|"replay","simulated":false,"sample_every":1,
 *  "mode":"interval"|"cumulative","filter":"<filter text, \"\" for none>",
 *  "counters":{"events":N,"lost":N,"evicted":N,"dropped_snapshots":N},   (this interval)
 *  "counters_total":{"events":N,"lost":N,"evicted":N,"dropped_snapshots":N},  (since start)
 *  "syscalls":[
 *    {"pid":N,"comm":"nginx","syscall":"read","nr":0,"exited":false,"wait":false,
 *     "cgroup_id":N,"cgroup":"nginx.service",   (every row object: syscalls, clients,
 *                                  family rows, stacks; 0 and "" when not attributed)
 *     "count":N,"errors":N,"timed":N,"sum_ns":N,"max_ns":N,
 *     "p50_ns":N,"p90_ns":N,"p99_ns":N,"p999_ns":N,
 *     "buckets":[[upper_bound_ns,count],...],
 *     "breakdown":{"oncpu_ns":N,"runq_ns":N,"io_ns":N,"blocked_ns":N},  (when "breakdown")
 *     "total":{"count":N,"errors":N,"sum_ns":N,"max_ns":N}},   (interval mode only)
 *    ...],
 *  "clients_state":"on"|"connections_only"|"off","clients_note":"<why not, or \"\">",
 *  "clients":[
 *    {"addr":"127.0.0.2","port":N,"dir":"in"|"out","pid":N,"comm":"nginx","open":N,
 *     "connections":N,"closed":N,"failed":N,"requests":N,"bytes_in":N,"bytes_out":N,
 *     "resets":N,"retransmits":N,"adopted":N,"p50_ns":N,"p90_ns":N,"p99_ns":N,"max_ns":N,
 *     "request":{"count":N,"sum_ns":N,"max_ns":N,"p50_ns":N,"p90_ns":N,"p99_ns":N,
 *                "buckets":[[upper_bound_ns,count],...]},
 *     "lifetime"|"connect":{same fields as "request"},
 *     "total":{the counters since start}},   (interval mode only)
 *    ...],
 *  "breakdown":true|false,
 *  "runqueue_state":"on"|"off","runqueue_note":"<why not>",
 *  "runqueue":[{"pid":N,"comm":"x","cpu":"all"|N,"count":N,"errors":0,"sum_ns":N,"max_ns":N,
 *     "p50_ns":N,"p90_ns":N,"p99_ns":N,"p999_ns":N,"buckets":[...],
 *     "total":{"count":N,"sum_ns":N,"max_ns":N}},...],
 *  "block_state":"on"|"off","block_note":"<why not, or what is partial>",
 *  "block":[{"dev":"loop0","pid":N,"comm":"x","op":"read"|"write"|"flush"|"discard"|"other",
 *     "dev_t":N,"count":N,"errors":N,"sum_ns":N,...same fields...,
 *     "queue":{same histogram fields},"device":{same histogram fields},"total":{...}},...]}
 *
 * "schema" counts incompatible changes: a field is never renamed or
 * removed, nor its meaning changed, within one schema number; new fields
 * may appear in any version. The breakdown's four parts add up to sum_ns
 * (of the timed calls). Block's whole latency is insert (or issue, with no
 * I/O scheduler) -> complete; queue is insert -> issue, device issue -> complete.
 *
 * One entry per (process, syscall) row of the snapshot that matches the
 * filter and has calls in the chosen view. In "interval" mode the entry's
 * values are this interval's and "total" carries the cumulative ones; in
 * "cumulative" mode the values are cumulative and "total" is absent.
 * "buckets" lists only non-empty log-linear histogram slots, each as
 * [inclusive upper bound in ns, calls], in increasing order; counts cover
 * the timed calls ("timed" < "count" when sampling 1 in "sample_every").
 * Client rows: "port" is the local port for dir "in" (accepted), the remote
 * port for dir "out"; "lifetime" (in) is established -> our close, "connect"
 * (out) is SYN sent -> established, both only of connections whose start
 * lattop saw ("connections"); "adopted" connections were open before lattop
 * started (first seen by their traffic) and count in "open" and "closed",
 * never in "connections" or the lifetime; the top-level p50/p90/p99/max repeat
 * "request". Only rows with activity in the view (or open connections) appear.
 * Percentiles are estimates within 6.25 % (see core/hist.h). Strings are
 * sanitised (no control or bidi characters) and then JSON-escaped; an
 * unknown syscall is named "sys_<nr>".
 */
#ifndef LATTOP_EXPORT_JSON_H
#define LATTOP_EXPORT_JSON_H

#define JSON_SCHEMA_VERSION 2

#include <stdbool.h>
#include <stdio.h>

#include "core/filter.h"
#include "core/snapshot.h"

struct json_opts {
	bool cumulative_only;		/* values since start instead of this interval */
	const char *filter_text;	/* echoed as "filter"; NULL = "" */
	const struct filter *filter;	/* NULL = everything */
	/*
	 * More members of the same object, written last (before its closing
	 * brace) as ',"key":value...'; NULL: none. lattop run's verdict.
	 */
	void (*extra)(FILE *out, const void *ctx);
	const void *extra_ctx;
};

/* Write one line for @s (@o may be NULL for defaults). 0, or -EIO on ferror. */
int json_write_tick(FILE *out, const struct snapshot *s, const struct json_opts *o);

/*
 * @len bytes of @s (stops at a NUL) as one JSON string, quotes included:
 * sanitised (core/sanitize.h), then escaped; for writers of @extra members.
 */
void json_write_string(FILE *out, const char *s, size_t len);

#endif
