/*
 * fuzz_assert_expr.c - `--assert` expressions: parse never crashes; an
 * error is one line naming its column; an accepted expression's canonical
 * text parses back to the same expression; evaluating and formatting any
 * accepted expression is safe.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert_expr.h"
#include "core/snapshot.h"
#include "core/syscall_names.h"
#include "export/assert_expr_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[ASSERT_EXPR_MAX + 16], err[160], canon[ASSERT_EXPR_MAX], line[512];
	struct assert_expr e, again;
	struct snap_sys_row rows[2];
	struct hist_bucket buckets[2];
	struct snapshot s;
	uint64_t actual;
	bool passed;
	int ret;

	/* A little past the limit, so the length check is exercised too. */
	if (size >= sizeof(text))
		size = sizeof(text) - 1;
	memcpy(text, data, size);
	text[size] = '\0';
	if (assert_expr_parse(text, &e, err, sizeof(err))) {
		if (strncmp(err, "column ", 7) || strchr(err, '\n'))
			abort();
		return 0;
	}
	assert_expr_text(&e, canon, sizeof(canon));
	if (assert_expr_parse(canon, &again, err, sizeof(err)) || memcmp(&e, &again, sizeof(e)))
		abort();
	/*
	 * two rows: read with a few calls, and the expression's own syscall empty; no family
	 * rows; no cgroups (a cg: expression counts nothing)
	 */
	memset(rows, 0, sizeof(rows));
	rows[0].nr = (uint32_t)syscall_lookup("read");
	rows[0].total.count = rows[0].total.timed = 3;
	rows[0].total.errors = 1;
	rows[0].total.sum_ns = 3000;
	rows[0].total.max_ns = 2000;
	buckets[0] = (struct hist_bucket){ .slot = abi_hist_slot(500), .count = 2 };
	buckets[1] = (struct hist_bucket){ .slot = abi_hist_slot(2000), .count = 1 };
	rows[0].total.first = 0;
	rows[0].total.n = 2;
	rows[1].nr = e.nr >= 0 ? (uint32_t)e.nr : 0;
	rows[1].total.count = 5;	/* counted, not timed */
	snapshot_init(&s);
	s.sys = rows;
	s.n_sys = 2;
	s.buckets = buckets;
	s.n_buckets = 2;
	ret = assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err));
	if (ret && (ret != -ENODATA || passed || !assert_expr_is_time(&e) || !err[0]))
		abort();
	if (!ret && !assert_expr_is_time(&e) && e.metric == ASSERT_COUNT &&
	    actual != (e.fam >= 0 || e.cg[0] ? 0u :
		       e.nr < 0 ? 8u : e.nr == (int)rows[0].nr ? 8u : 5u))
		abort();
	assert_expr_format(&e, actual, passed, line, sizeof(line));
	if (strncmp(line, passed ? "PASS  " : "FAIL  ", 6))
		abort();
	return 0;
}
