/* assert_expr_fmt.c - an assertion's verdict as one line of text. */
#include <inttypes.h>
#include <stdio.h>

#include "export/assert_expr_fmt.h"
#include "export/fmt_duration.h"

size_t assert_expr_format_value(const struct assert_expr *e, uint64_t v, char *buf, size_t len)
{
	int n;

	if (assert_expr_is_time(e))
		return fmt_duration_ns(buf, len, v);
	n = snprintf(buf, len, "%" PRIu64, v);
	return n < 0 ? 0 : (size_t)n;
}

size_t assert_expr_format(const struct assert_expr *e, uint64_t actual, bool passed, char *buf,
			  size_t len)
{
	char text[ASSERT_EXPR_MAX], val[ASSERT_EXPR_VALUE_LEN];
	int n;

	assert_expr_text(e, text, sizeof(text));
	assert_expr_format_value(e, actual, val, sizeof(val));
	n = snprintf(buf, len, "%s  %s   (actual %s)", passed ? "PASS" : "FAIL", text, val);
	return n < 0 ? 0 : (size_t)n;
}
