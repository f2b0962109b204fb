/*
 * run_result.h - the outcome of one `lattop run`: each assertion with its
 * actual value and verdict, the command's exit status, and the overall
 * verdict; written as text lines, as members of the run's JSON object, and
 * (export/junit.h) as a JUnit report.
 */
#ifndef LATTOP_EXPORT_RUN_RESULT_H
#define LATTOP_EXPORT_RUN_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/assert_expr.h"
#include "core/snapshot.h"
#include "export/assert_expr_fmt.h"

/* One assertion, evaluated. */
struct run_check {
	char text[ASSERT_EXPR_MAX];		/* canonical: "p99(read) < 2ms" */
	bool passed;
	bool measured;				/* false: nothing to measure (note says why) */
	bool is_time;				/* actual and expected in ns, else counts */
	uint64_t actual, expected;
	char actual_text[ASSERT_EXPR_VALUE_LEN];	/* "1.23ms", "5000"; "-" unmeasured */
	char expected_text[ASSERT_EXPR_VALUE_LEN];
	char note[128];				/* "no read calls", or "" */
};

struct run_result {
	char *const *command;		/* NULL-terminated, as given */
	const struct run_check *checks;
	size_t n_checks, failed;
	bool command_ran;		/* false: no exit status (lattop failed first) */
	int exit_status;		/* as a shell reports it: 128+N when killed by signal N */
	uint64_t elapsed_ns;
	const char *error;		/* lattop could not finish the run: why; NULL otherwise */
};

/* Evaluate @e over the run's totals into @c. */
void run_check_eval(struct run_check *c, const struct assert_expr *e, const struct snapshot *total);

/* The run passed: it finished, every assertion held and the command exited 0. */
bool run_result_passed(const struct run_result *r);

/*
 * The verdict lines: "PASS  p99(read) < 2ms   (actual 1.23ms)" per
 * assertion (with "  (why)" when unmeasured), then "lattop run: N
 * assertions, F failed" when there are any. 0, or -EIO.
 */
int run_result_write_lines(FILE *out, const struct run_result *r);

/*
 * Members for the run's JSON object (json_opts.extra; @ctx is the
 * run_result), written as ',"command":[...],"exit_status":N,
 * "assertions":[{"expr":..,"passed":..,"actual":N|null,"expected":N,
 * "unit":"ns"|"count","actual_text":..,"expected_text":..,"note":..}],
 * "assertions_failed":N,"error":null|"why","verdict":"pass"|"fail"'.
 */
void run_result_write_json(FILE *out, const void *ctx);

/*
 * When lattop could not finish the run (no summary to write): the same
 * members alone, as one JSON object and a newline, so that a consumer of
 * --json still reads a verdict ("fail") and the "error". 0, or -EIO.
 */
int run_result_write_json_error(FILE *out, const struct run_result *r);

#endif
