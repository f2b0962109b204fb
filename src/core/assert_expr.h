/*
 * assert_expr.h - the assertions of `lattop run --assert 'EXPR'`:
 *
 *	METRIC[(SYSCALL)] OP VALUE[UNIT]
 *
 * METRIC: p50 p90 p99 p999 (or p99.9) max avg, all times; count (or calls)
 * and errors, plain numbers. OP: < <= > >= == !=. VALUE: a non-negative
 * number; times need a unit (ns us ms s) and may have decimals ("1.5ms")
 * as long as they come to whole nanoseconds; counts take neither. A bare
 * number for a time is rejected rather than guessed. Without (SYSCALL)
 * the metric is over every syscall of the snapshot's rows, merged.
 *
 * Instead of a syscall, a family table (core/family.h, by term or name):
 * METRIC(runq), METRIC(block) over all its rows merged, or only the rows
 * whose key field equals a value: METRIC(block, dev:loop0),
 * METRIC(runq, comm:nginx), METRIC(block, op:write) (the field as outputs
 * print it, family_field_fmt). count is then events (waits, requests).
 *
 * Any of them over one cgroup's rows only, one syntax for every family:
 * METRIC(read, cg:web), METRIC(cg:web) (every syscall of that cgroup),
 * METRIC(block, cg:web), METRIC(block, dev:loop0, cg:web),
 * METRIC(fn:slow_path, cg:web). TEXT is part of the cgroup's name or path
 * (as the filter's cg:, core/filter.h): the rows of every cgroup it names,
 * merged; rows with no cgroup (id 0) never count.
 *
 *	METRIC[(SEL[, FIELD:VALUE][, cg:TEXT] | cg:TEXT)] OP VALUE[UNIT]
 *
 * Whitespace is allowed between tokens; names are lower case.
 *
 * Pure: no I/O. Formatting with durations is in export/assert_expr_fmt.h.
 */
#ifndef LATTOP_CORE_ASSERT_EXPR_H
#define LATTOP_CORE_ASSERT_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

#define ASSERT_EXPR_MAX 256	/* longest expression text accepted */

enum assert_metric {
	ASSERT_P50,
	ASSERT_P90,
	ASSERT_P99,
	ASSERT_P999,
	ASSERT_MAX,
	ASSERT_AVG,
	ASSERT_COUNT,
	ASSERT_ERRORS,
	ASSERT_METRIC_NR
};

enum assert_op { ASSERT_LT, ASSERT_LE, ASSERT_GT, ASSERT_GE, ASSERT_EQ, ASSERT_NE };

struct assert_expr {
	enum assert_metric metric;
	int nr;			/* syscall number; -1: all syscalls (or a family) */
	int fam;		/* enum snap_family; -1: syscalls */
	int field;		/* enum fam_field the rows must match; -1: every row */
	char field_value[32];	/* ... equal to this (as family_field_fmt prints it) */
	char cg[65];		/* part of a cgroup's name or path; "": every row */
	enum assert_op op;
	uint64_t value;		/* ns for time metrics, a count otherwise */
	char value_text[40];	/* the value as written, without spaces or leading zeros: "1.5ms" */
};

/*
 * Parse @text into @out. 0, or -EINVAL with a one-line message in @err
 * ("column 9: unknown unit 'mss': want ns, us, ms or s"); columns count
 * from 1.
 */
int assert_expr_parse(const char *text, struct assert_expr *out, char *err, size_t errlen);

/* True for the metrics whose value is a duration in ns. */
bool assert_expr_is_time(const struct assert_expr *e);

/*
 * Evaluate @e over the total histograms of @cumulative's rows. 0 with
 * *@passed and *@actual (ns or count) set. A time metric over no timed
 * calls cannot hold: -ENODATA, *@passed = false, and @err says so
 * ("no read calls"); count and errors of nothing are 0. Percentiles are
 * estimates within the histograms' 6.25 % and are compared as estimated.
 * -EINVAL for a NULL snapshot.
 */
int assert_expr_eval(const struct assert_expr *e, const struct snapshot *cumulative, bool *passed,
		     uint64_t *actual, char *err, size_t errlen);

/*
 * Evaluate @e over one histogram @h (its nr is not looked at: the caller
 * chose the rows). 0 with *@passed and *@actual set; -ENODATA for a time
 * metric over no timed calls (*@passed = false).
 */
int assert_expr_eval_hist(const struct assert_expr *e, const struct abi_hist *h, bool *passed,
			  uint64_t *actual);

/* The canonical text of @e ("p99(read) < 2ms") into @buf. Returns its length. */
size_t assert_expr_text(const struct assert_expr *e, char *buf, size_t len);

#endif
