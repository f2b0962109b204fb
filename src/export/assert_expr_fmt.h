/* assert_expr_fmt.h - the result line of one assertion (core/assert_expr.h). */
#ifndef LATTOP_EXPORT_ASSERT_EXPR_FMT_H
#define LATTOP_EXPORT_ASSERT_EXPR_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/assert_expr.h"

/* Longest value assert_expr_format_value writes, NUL included. */
#define ASSERT_EXPR_VALUE_LEN 24

/*
 * @v as @e's metric reads: a duration ("1.23ms") for time metrics, a plain
 * count otherwise. Returns the length (as snprintf).
 */
size_t assert_expr_format_value(const struct assert_expr *e, uint64_t v, char *buf, size_t len);

/*
 * "PASS  p99(read) < 2ms   (actual 1.23ms)" or "FAIL  errors(connect) == 0
 * (actual 3)" into @buf; times with three significant digits. Returns the
 * length of the line (as snprintf: the untruncated length).
 */
size_t assert_expr_format(const struct assert_expr *e, uint64_t actual, bool passed, char *buf,
			  size_t len);

#endif
