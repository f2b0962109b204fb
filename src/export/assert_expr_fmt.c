/* assert_expr_fmt.c - an assertion's verdict as one line of text. */
#include <inttypes.h>
#include <stdio.h>

#include "export/assert_expr_fmt.h"
#include "export/fmt_duration.h"

size_t assert_expr_format(const struct assert_expr *e, uint64_t actual, bool passed, char *buf,
			  size_t len)
{
	char text[ASSERT_EXPR_MAX], val[FMT_DURATION_LEN + 8];
	int n;

	assert_expr_text(e, text, sizeof(text));
	if (assert_expr_is_time(e))
		fmt_duration_ns(val, sizeof(val), actual);
	else
		snprintf(val, sizeof(val), "%" PRIu64, actual);
	n = snprintf(buf, len, "%s  %s   (actual %s)", passed ? "PASS" : "FAIL", text, val);
	return n < 0 ? 0 : (size_t)n;
}
