/*
 * slo.h - the dashboard's thresholds (--slo, the settings file): what must
 * hold, in `run --assert`'s grammar (core/assert_expr.h), checked on every
 * row of the tables for the tick on screen.
 *
 * Which rows an expression speaks about:
 *   syscall rows (by syscall, or a process's syscall): "p99(read) < 10ms"
 *       those of read (its work and its wait row); a bare "p99 < 1ms" every one;
 *   process rows: a bare expression the process's merged calls (what its
 *       row shows); "p99(read) < 10ms" the process's own read calls.
 * A time metric over no timed calls says nothing (the row is not broken).
 * The histograms are those the table shows (the tick, or since start).
 *
 * Pure: no I/O.
 */
#ifndef LATTOP_CORE_SLO_H
#define LATTOP_CORE_SLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/assert_expr.h"
#include "core/filter.h"
#include "core/snapshot.h"
#include "core/view.h"

#define SLO_MAX 16

struct slo_set {
	size_t n;
	struct assert_expr e[SLO_MAX];
};

/* Parse @n texts (at most SLO_MAX). 0, or -EINVAL with "TEXT: reason" in @err. */
int slo_set_parse(struct slo_set *set, const char (*texts)[128], size_t n, char *err,
		  size_t errlen);

/* One expression's verdict on one row. */
struct slo_verdict {
	bool applies;		/* the expression speaks about this row and it has data */
	bool broken;
	uint64_t actual;	/* ns or a count */
};

/*
 * @e on row @r of a view built from @s (@cumulative: its histograms are the
 * totals). @waits: which calls the process rows merged (the table's filter).
 */
struct slo_verdict slo_eval_row(const struct assert_expr *e, const struct snapshot *s,
				const struct view_row *r, bool cumulative,
				enum filter_waits waits);

/* The first expression of @set that @r breaks (its index), or -1; its verdict in *@v. */
int slo_row_broken(const struct slo_set *set, const struct snapshot *s, const struct view_row *r,
		   bool cumulative, enum filter_waits waits, struct slo_verdict *v);

/* Per expression, over a table's rows: broken by some row, and the first such row (table order). */
struct slo_result {
	bool broken;
	bool applies;		/* some row had data for it */
	size_t row;		/* first breaking row */
	uint64_t actual;
};

/* Fill @out[set->n]. Returns how many expressions are broken. */
size_t slo_eval_view(const struct slo_set *set, const struct snapshot *s, const struct view *v,
		     bool cumulative, enum filter_waits waits, struct slo_result *out);

#endif
