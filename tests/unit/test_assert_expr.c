/*
 * test_assert_expr.c - `lattop run --assert` expressions: every metric, op
 * and unit; whitespace; errors with their columns; evaluation against
 * snapshots built here from known samples (exact for count/errors/max/avg,
 * within the histograms' 6.25 % for percentiles); the PASS/FAIL line.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/assert_expr.h"
#include "core/family.h"
#include "core/hist.h"
#include "core/snapshot.h"
#include "core/syscall_names.h"
#include "export/assert_expr_fmt.h"

static struct assert_expr parse_ok(const char *text)
{
	struct assert_expr e;
	char err[160];

	if (assert_expr_parse(text, &e, err, sizeof(err)))
		fail_msg("'%s' rejected: %s", text, err);
	return e;
}

static void test_metrics(void **state)
{
	static const struct {
		const char *name;
		enum assert_metric m;
		bool time;
	} cases[] = {
		{ "p50", ASSERT_P50, true },	 { "p90", ASSERT_P90, true },
		{ "p99", ASSERT_P99, true },	 { "p999", ASSERT_P999, true },
		{ "p99.9", ASSERT_P999, true },	 { "max", ASSERT_MAX, true },
		{ "avg", ASSERT_AVG, true },	 { "count", ASSERT_COUNT, false },
		{ "calls", ASSERT_COUNT, false }, { "errors", ASSERT_ERRORS, false },
	};
	char text[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct assert_expr e;

		snprintf(text, sizeof(text), "%s < %s", cases[i].name, cases[i].time ? "3ms" : "3");
		e = parse_ok(text);
		assert_int_equal(e.metric, cases[i].m);
		assert_int_equal(e.nr, -1);
		assert_int_equal(e.op, ASSERT_LT);
		assert_int_equal(e.value, cases[i].time ? 3000000 : 3);
		assert_int_equal(assert_expr_is_time(&e), cases[i].time);
		snprintf(text, sizeof(text), "%s(read) < %s", cases[i].name,
			 cases[i].time ? "3ms" : "3");
		e = parse_ok(text);
		assert_int_equal(e.metric, cases[i].m);
		assert_int_equal(e.nr, syscall_lookup("read"));
	}
	assert_int_equal(parse_ok("errors(connect) == 0").nr, syscall_lookup("connect"));
	assert_int_equal(parse_ok("count(sys_write) > 1").nr, syscall_lookup("write"));
}

static void test_ops(void **state)
{
	static const struct {
		const char *op;
		enum assert_op want;
	} cases[] = {
		{ "<", ASSERT_LT },  { "<=", ASSERT_LE }, { ">", ASSERT_GT },
		{ ">=", ASSERT_GE }, { "==", ASSERT_EQ }, { "!=", ASSERT_NE },
	};
	char text[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "count %s 5", cases[i].op);
		assert_int_equal(parse_ok(text).op, cases[i].want);
		snprintf(text, sizeof(text), "p99%s5us", cases[i].op);
		assert_int_equal(parse_ok(text).op, cases[i].want);
	}
}

static void test_units(void **state)
{
	static const struct {
		const char *text;
		uint64_t ns;
	} cases[] = {
		{ "p99 < 7ns", 7 },
		{ "p99 < 7us", 7000 },
		{ "p99 < 7ms", 7000000 },
		{ "p99 < 7s", 7000000000ull },
		{ "p99 < 1.5ms", 1500000 },
		{ "p99 < 1.25us", 1250 },
		{ "p99 < 0.5s", 500000000 },
		{ "p99 < 0.000000001s", 1 },
		{ "p99 < 0ns", 0 },
		{ "p99 < 2.000ms", 2000000 },
		{ "p99 < 18446744073s", 18446744073000000000ull },
		{ "p99 < 18446744073709551615ns", UINT64_MAX },
		{ "count < 18446744073709551615", UINT64_MAX },
		{ "errors == 0", 0 },
		{ "calls >= 1000000", 1000000 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(parse_ok(cases[i].text).value, cases[i].ns);
}

static void test_whitespace(void **state)
{
	static const char *const same[] = {
		"p99(read) < 2ms",   "p99(read)<2ms",	   "  p99 ( read ) <  2 ms  ",
		"\tp99(read)\t<\t2ms", "p99 (read)< 2ms", "p99( read)<2 ms\t",
	};
	struct assert_expr want = parse_ok(same[0]);
	char text[ASSERT_EXPR_MAX];

	(void)state;
	for (size_t i = 1; i < sizeof(same) / sizeof(same[0]); i++) {
		struct assert_expr e = parse_ok(same[i]);

		assert_memory_equal(&e, &want, sizeof(e));
	}
	assert_expr_text(&want, text, sizeof(text));
	assert_string_equal(text, "p99(read) < 2ms");
}

/* Canonical text: parse(text(e)) == e, synonyms folded, leading zeros gone. */
static void test_text(void **state)
{
	static const char *const cases[][2] = {
		{ "p99 ( read )<  1.50 ms", "p99(read) < 1.50ms" },
		{ "calls(write)>=10", "count(write) >= 10" },
		{ "p99.9 < 1s", "p999 < 1s" },
		{ "p99 < 007ms", "p99 < 7ms" },
		{ "errors(connect)==0", "errors(connect) == 0" },
		{ "max!=0.001s", "max != 0.001s" },
		{ "avg > 00.50us", "avg > 0.50us" },
	};
	char text[ASSERT_EXPR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct assert_expr e = parse_ok(cases[i][0]), again;

		assert_expr_text(&e, text, sizeof(text));
		assert_string_equal(text, cases[i][1]);
		again = parse_ok(text);
		assert_memory_equal(&e, &again, sizeof(e));
	}
}

static void test_errors(void **state)
{
	static const struct {
		const char *text;
		int column;
		const char *says;
	} cases[] = {
		{ "q99 < 2ms", 1, "unknown metric 'q99'" },
		{ "P99 < 2ms", 1, "unknown metric" },
		{ "p99 2ms", 5, "expected a comparison" },
		{ "p99(read)", 10, "expected a comparison (< <= > >= == !=), found the end" },
		{ "p99 = 2ms", 5, "use '=='" },
		{ "p99 =< 2ms", 5, "use '=='" },
		{ "p99(read) < 2mss", 14, "unknown unit 'mss'" },
		{ "p99(read) < 2 sec", 15, "unknown unit 'sec'" },
		{ "p99(nosuchcall) < 2ms", 5, "unknown syscall 'nosuchcall'" },
		{ "p99( nosuchcall) < 2ms", 6, "unknown syscall" },
		{ "p99() < 2ms", 5, "expected a syscall name" },
		{ "p99(read < 2ms", 10, "expected ')'" },
		{ "p99(read write) < 2ms", 10, "expected ')'" },
		{ "p99 < 2ms junk", 11, "unexpected 'junk'" },
		{ "p99 < 2ms 3", 11, "unexpected '3'" },
		{ "count == 1 )", 12, "unexpected ')'" },
		{ "count < 99999999999999999999", 9, "number too large" },
		{ "count < 18446744073709551616", 9, "number too large" },
		{ "p99 < 18446744074s", 7, "value too large" },
		{ "p99 < 18446744073709551616ns", 7, "number too large" },
		{ "p99 < 2", 8, "p99 is a time: give a unit, e.g. 2ms" },
		{ "max(read) >= 10", 16, "give a unit" },
		{ "count < 2ms", 10, "count takes no unit" },
		{ "errors < 1 s", 12, "errors takes no unit" },
		{ "count < 1.5", 9, "whole number" },
		{ "p99 < -1ms", 7, "never negative" },
		{ "p99 < ms", 7, "expected a number" },
		{ "p99 <", 6, "expected a number, found the end" },
		{ "", 1, "empty assertion" },
		{ "   ", 4, "empty assertion" },
		{ "p99 < 1.5ns", 7, "finer than 1 ns" },
		{ "p99 < 1.ms", 9, "expected a digit after '.'" },
		{ "p99 < 1.2.3ms", 10, "a second '.'" },
		{ "p99 < 0.0000000001s", 18, "more than 9 decimals" },
		{ "p99 < 2ms\n", 10, "unexpected" },
	};
	struct assert_expr e;
	char err[160], col[24], longtext[ASSERT_EXPR_MAX + 16];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 'x';
		if (assert_expr_parse(cases[i].text, &e, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' accepted", cases[i].text);
		snprintf(col, sizeof(col), "column %d: ", cases[i].column);
		if (strncmp(err, col, strlen(col)) || !strstr(err, cases[i].says))
			fail_msg("'%s': got \"%s\", want \"%s...%s\"", cases[i].text, err, col,
				 cases[i].says);
		assert_null(strchr(err, '\n'));
	}
	memset(longtext, ' ', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	memcpy(longtext, "count > 1", 9);
	assert_int_equal(assert_expr_parse(longtext, &e, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "longer than 256"));
	/* a tiny error buffer is still NUL-terminated */
	assert_int_equal(assert_expr_parse("bad", &e, err, 8), -EINVAL);
	assert_int_equal(strlen(err), 7);
}

/* Known samples of one (pid, syscall) row, kept for exact percentiles. */
#define MAX_SAMPLES 4096
static uint64_t all_ns[MAX_SAMPLES], read_ns[MAX_SAMPLES];
static size_t n_all, n_read;

static void add_row(struct snapshot *s, uint32_t pid, const char *sys, const uint64_t *lat_ns,
		    size_t n, uint64_t errors, uint64_t untimed)
{
	struct snap_sys_row *r = snapshot_add_sys(s);
	int nr = syscall_lookup(sys);
	struct abi_hist h;

	assert_non_null(r);
	assert_true(nr >= 0);
	r->pid = pid;
	r->nr = (uint32_t)nr;
	memset(&h, 0, sizeof(h));
	for (size_t i = 0; i < n; i++) {
		h.slots[abi_hist_slot(lat_ns[i])]++;
		h.sum_ns += lat_ns[i];
		if (lat_ns[i] > h.max_ns)
			h.max_ns = lat_ns[i];
		assert_true(n_all < MAX_SAMPLES);
		all_ns[n_all++] = lat_ns[i];
		if (!strcmp(sys, "read"))
			read_ns[n_read++] = lat_ns[i];
	}
	h.timed = n;
	h.count = n + untimed;
	h.errors = errors;
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
	/* the interval histogram is not what assertions read: make it differ */
	r->interval.count = 999999;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Exact percentile: the sample of rank ceil(pct/100 * n). */
static uint64_t exact_pct(uint64_t *v, size_t n, double pct)
{
	size_t rank = (size_t)ceil(pct / 100.0 * (double)n);

	qsort(v, n, sizeof(*v), cmp_u64);
	return v[rank ? rank - 1 : 0];
}

static void build(struct snapshot *s)
{
	static uint64_t a[1000], b[500], c[200], d[10];

	n_all = n_read = 0;
	for (size_t i = 0; i < 1000; i++)
		a[i] = (i + 1) * 1000;		/* read, pid 1: 1 us .. 1 ms */
	for (size_t i = 0; i < 500; i++)
		b[i] = 5000000 + i * 997;	/* read, pid 2: ~5 ms */
	for (size_t i = 0; i < 200; i++)
		c[i] = 100000 + i;		/* write: ~100 us */
	for (size_t i = 0; i < 10; i++)
		d[i] = 50000;			/* connect: 50 us, all failed */
	snapshot_init(s);
	add_row(s, 1, "read", a, 1000, 7, 0);
	add_row(s, 2, "read", b, 500, 3, 0);
	add_row(s, 1, "write", c, 200, 0, 0);
	add_row(s, 3, "connect", d, 10, 10, 0);
	add_row(s, 3, "fsync", NULL, 0, 0, 40);	/* sampled: counted, never timed */
}

static uint64_t eval_ok(const char *text, const struct snapshot *s, bool *passed)
{
	struct assert_expr e = parse_ok(text);
	uint64_t actual = 12345;
	char err[160];

	if (assert_expr_eval(&e, s, passed, &actual, err, sizeof(err)))
		fail_msg("'%s': eval failed: %s", text, err);
	return actual;
}

static void near(uint64_t est, uint64_t exact)
{
	double rel = fabs((double)est - (double)exact) / (double)exact;

	if (rel > 0.0625)
		fail_msg("estimate %llu vs exact %llu", (unsigned long long)est,
			 (unsigned long long)exact);
}

static void test_eval(void **state)
{
	static const struct {
		const char *metric;
		double pct;
	} pcts[] = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p999", 99.9 } };
	struct snapshot s;
	char text[96];
	bool passed;
	uint64_t v, sum = 0;

	(void)state;
	build(&s);
	/* exact */
	assert_int_equal(eval_ok("count(read) > 0", &s, &passed), 1500);
	assert_true(passed);
	assert_int_equal(eval_ok("calls == 1750", &s, &passed), 1750);
	assert_true(passed);
	assert_int_equal(eval_ok("errors(read) == 10", &s, &passed), 10);
	assert_true(passed);
	assert_int_equal(eval_ok("errors(connect) == 0", &s, &passed), 10);
	assert_false(passed);
	assert_int_equal(eval_ok("errors != 20", &s, &passed), 20);
	assert_false(passed);
	assert_int_equal(eval_ok("count(openat) == 0", &s, &passed), 0);
	assert_true(passed);
	assert_int_equal(eval_ok("errors(openat) <= 0", &s, &passed), 0);
	assert_true(passed);
	assert_int_equal(eval_ok("count(fsync) >= 40", &s, &passed), 40);
	assert_true(passed);
	assert_int_equal(eval_ok("max(read) < 5ms", &s, &passed), 5000000 + 499 * 997);
	assert_false(passed);
	assert_int_equal(eval_ok("max < 5.5ms", &s, &passed), 5000000 + 499 * 997);
	assert_true(passed);
	for (size_t i = 0; i < n_read; i++)
		sum += read_ns[i];
	assert_int_equal(eval_ok("avg(read) > 1ms", &s, &passed), sum / n_read);
	assert_true(passed);
	assert_int_equal(eval_ok("avg(connect) == 50us", &s, &passed), 50000);
	assert_true(passed);

	/* percentiles: within the bucket error of the exact value, per syscall and merged */
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		uint64_t exact_read = exact_pct(read_ns, n_read, pcts[i].pct);
		uint64_t exact_all = exact_pct(all_ns, n_all, pcts[i].pct);

		snprintf(text, sizeof(text), "%s(read) < 1s", pcts[i].metric);
		near(eval_ok(text, &s, &passed), exact_read);
		assert_true(passed);
		snprintf(text, sizeof(text), "%s > 0ns", pcts[i].metric);
		near(eval_ok(text, &s, &passed), exact_all);
		assert_true(passed);
		/* 10 % above the exact value passes '<', 10 % below fails */
		snprintf(text, sizeof(text), "%s(read) < %lluns", pcts[i].metric,
			 (unsigned long long)(exact_read * 11 / 10));
		eval_ok(text, &s, &passed);
		assert_true(passed);
		snprintf(text, sizeof(text), "%s(read) < %lluns", pcts[i].metric,
			 (unsigned long long)(exact_read * 9 / 10));
		eval_ok(text, &s, &passed);
		assert_false(passed);
	}
	/* every op against the exact count 1500 */
	static const struct {
		const char *op;
		bool lt, eq, gt;
	} ops[] = { { "<", 1, 0, 0 }, { "<=", 1, 1, 0 }, { ">", 0, 0, 1 },
		    { ">=", 0, 1, 1 }, { "==", 0, 1, 0 }, { "!=", 1, 0, 1 } };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const uint64_t against[] = { 1501, 1500, 1499 };
		const bool want[] = { ops[i].lt, ops[i].eq, ops[i].gt };

		for (size_t j = 0; j < 3; j++) {
			snprintf(text, sizeof(text), "count(read) %s %llu", ops[i].op,
				 (unsigned long long)against[j]);
			v = eval_ok(text, &s, &passed);
			assert_int_equal(v, 1500);
			assert_int_equal(passed, want[j]);
		}
	}
	snapshot_free(&s);
}

/* Percentiles of nothing cannot pass: -ENODATA with a message. */
static void test_eval_no_data(void **state)
{
	struct snapshot s, empty;
	struct assert_expr e;
	char err[160];
	bool passed = true;
	uint64_t actual = 1;

	(void)state;
	build(&s);
	e = parse_ok("p99(openat) < 1s");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), -ENODATA);
	assert_false(passed);
	assert_string_equal(err, "no openat calls");
	passed = true;
	e = parse_ok("max(fsync) < 1s");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), -ENODATA);
	assert_false(passed);
	assert_string_equal(err, "no timed fsync calls");
	snapshot_init(&empty);
	e = parse_ok("avg > 0ns");
	assert_int_equal(assert_expr_eval(&e, &empty, &passed, &actual, err, sizeof(err)),
			 -ENODATA);
	assert_string_equal(err, "no calls");
	e = parse_ok("count == 0");
	assert_int_equal(assert_expr_eval(&e, &empty, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_int_equal(actual, 0);
	assert_int_equal(assert_expr_eval(&e, NULL, &passed, &actual, err, sizeof(err)), -EINVAL);
	assert_false(passed);
	snapshot_free(&s);
}

static void test_format(void **state)
{
	struct assert_expr e = parse_ok("p99(read)<2ms");
	char line[160];
	size_t n;

	(void)state;
	n = assert_expr_format(&e, 1234000, true, line, sizeof(line));
	assert_string_equal(line, "PASS  p99(read) < 2ms   (actual 1.23ms)");
	assert_int_equal(n, strlen(line));
	e = parse_ok("errors(connect) == 0");
	assert_expr_format(&e, 3, false, line, sizeof(line));
	assert_string_equal(line, "FAIL  errors(connect) == 0   (actual 3)");
	e = parse_ok("p99.9 >= 1.5 s");
	assert_expr_format(&e, 812, false, line, sizeof(line));
	assert_string_equal(line, "FAIL  p999 >= 1.5s   (actual 812ns)");
	/* truncated, still terminated, length as untruncated */
	n = assert_expr_format(&e, 812, false, line, 10);
	assert_int_equal(strlen(line), 9);
	assert_true(n > 9);
}

/* A family row whose total histogram holds @n samples of @lat_ns. */
static void add_fam_row(struct snapshot *s, enum snap_family f, const char *label, uint32_t op,
			uint32_t pid, uint64_t lat_ns, uint64_t n)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);
	struct abi_hist h;

	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	r->key.tgid = pid;
	r->key.a = f == SNAP_FAM_BLOCK ? (7u << 20) | pid : ABI_FAM_ANY;
	r->key.b = op;
	strcpy(r->key.comm, "dd");
	if (label)
		strcpy(r->label, label);
	h.count = h.timed = n;
	h.sum_ns = lat_ns * n;
	h.max_ns = lat_ns;
	h.slots[abi_hist_slot(lat_ns)] = n;
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
}

/* p99(fn:NAME) is p99(fn, function:NAME): parse, canonical text, evaluation by label. */
static void test_functions(void **state)
{
	struct assert_expr e;
	struct snapshot s;
	char err[160], text[ASSERT_EXPR_MAX];
	uint64_t actual;
	bool passed;

	(void)state;
	e = parse_ok("p99(fn:slow_path) < 15ms");
	assert_int_equal(e.fam, SNAP_FAM_FUNC);
	assert_int_equal(e.field, FAM_F_FUNC);
	assert_string_equal(e.field_value, "slow_path");
	assert_expr_text(&e, text, sizeof(text));
	assert_string_equal(text, "p99(fn, function:slow_path) < 15ms");
	e = parse_ok("count(fn, function:fast_path) == 500");
	assert_int_equal(e.field, FAM_F_FUNC);
	assert_int_equal(assert_expr_parse("p99(fn:) < 1ms", &e, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected a value for 'function'"));
	/* fn:NAME is the functions family's only shorthand */
	assert_int_equal(assert_expr_parse("p99(block:sda) < 1ms", &e, err, sizeof(err)), -EINVAL);

	snapshot_init(&s);
	add_fam_row(&s, SNAP_FAM_FUNC, "slow_path", ABI_FUNC_UPROBE, 10, 10000000, 20);
	add_fam_row(&s, SNAP_FAM_FUNC, "fast_path", ABI_FUNC_UPROBE, 10, 1000, 500);
	s.fam[SNAP_FAM_FUNC].state = SNAP_FAM_ON;
	e = parse_ok("p99(fn:slow_path) < 15ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_true(actual >= 9375000 && actual <= 10625000);
	e = parse_ok("p99(fn:slow_path) < 5ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_false(passed);
	e = parse_ok("count(fn:fast_path) == 500");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	e = parse_ok("p99(fn:nope) < 5ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), -ENODATA);
	snapshot_free(&s);
}

/* p99(runq), p99(block), p99(block, dev:loop0): parse, canonical text, errors, evaluation. */
static void test_families(void **state)
{
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "p99(block, pid) < 1ms", "expected ':' after 'pid'" },
		{ "p99(block, cpu:1) < 1ms", "block has no field 'cpu:1)': want dev, pid, comm, op" },
		{ "p99(block, op:sideways) < 1ms", "unknown op 'sideways'" },
		{ "p99(runq, comm:) < 1ms", "expected a value for 'comm'" },
		{ "p99(runq comm) < 1ms", "expected ')', ', FIELD:VALUE' or ', cg:TEXT' after 'runq'" },
	};
	struct assert_expr e;
	struct snapshot s;
	char err[160], text[ASSERT_EXPR_MAX];
	uint64_t actual;
	bool passed;

	(void)state;
	e = parse_ok("p99(runq) < 5ms");
	assert_int_equal(e.fam, SNAP_FAM_RUNQ);
	assert_int_equal(e.field, -1);
	assert_int_equal(e.nr, -1);
	assert_int_equal(parse_ok("p99(runqueue) < 5ms").fam, SNAP_FAM_RUNQ);
	e = parse_ok(" p99 ( block ,dev : loop0 ) < 20ms");
	assert_int_equal(e.fam, SNAP_FAM_BLOCK);
	assert_int_equal(e.field, FAM_F_DEV);
	assert_string_equal(e.field_value, "loop0");
	assert_expr_text(&e, text, sizeof(text));
	assert_string_equal(text, "p99(block, dev:loop0) < 20ms");
	e = parse_ok("count(block, dev:8:16) > 0");
	assert_string_equal(e.field_value, "8:16");
	assert_int_equal(parse_ok("p99(read) < 1ms").fam, -1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(assert_expr_parse(bad[i].text, &e, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].says))
			fail_msg("'%s': got \"%s\", want \"%s\"", bad[i].text, err, bad[i].says);
	}

	snapshot_init(&s);
	/* loop0: 100 requests of 1 ms; sda: 100 of 30 ms */
	add_fam_row(&s, SNAP_FAM_BLOCK, "loop0", ABI_BLOCK_READ, 10, 1000000, 60);
	add_fam_row(&s, SNAP_FAM_BLOCK, "loop0", ABI_BLOCK_WRITE, 11, 1000000, 40);
	add_fam_row(&s, SNAP_FAM_BLOCK, "sda", ABI_BLOCK_READ, 12, 30000000, 100);
	s.fam[SNAP_FAM_BLOCK].state = SNAP_FAM_ON;
	e = parse_ok("p99(block) < 20ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_false(passed);
	assert_true(actual >= 30000000 && actual < 32000000);
	e = parse_ok("p99(block, dev:loop0) < 20ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_true(actual >= 1000000 && actual < 1070000);
	e = parse_ok("count(block, op:write) == 40");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_int_equal(actual, 40);
	e = parse_ok("count(block) == 200");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	/* a syscall assertion does not see family rows */
	e = parse_ok("count < 1");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	/* nothing to judge: no rows, said with why */
	e = parse_ok("p99(block, dev:nvme9) < 20ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), -ENODATA);
	assert_string_equal(err, "no block events with dev nvme9");
	e = parse_ok("p99(runq) < 5ms");
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), -ENODATA);
	assert_false(passed);
	assert_string_equal(err, "no runqueue events (not collected)");
	add_fam_row(&s, SNAP_FAM_RUNQ, NULL, 0, 10, 4000, 50);
	assert_int_equal(assert_expr_eval(&e, &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	snapshot_free(&s);
}

/* A snapshot with cgroups: web.service (id 7) reads slowly, docker (id 9) fast, id 0 very slowly. */
static void build_cg(struct snapshot *s)
{
	static const struct {
		uint64_t cg;
		uint32_t nr;
		uint64_t lat_ns, n;
	} rows[] = { { 7, 0, 8000000, 100 }, { 9, 0, 1000, 100 }, { 0, 0, 90000000, 100 },
		     { 7, 1, 2000000, 10 } };
	struct snap_cgroup *c;

	snapshot_init(s);
	c = snapshot_add_cgroup(s);
	c->id = 7;
	strcpy(c->path, "/lattop-test/web.service");
	strcpy(c->name, "web.service");
	c = snapshot_add_cgroup(s);
	c->id = 9;
	strcpy(c->path, "/system.slice/docker-3f2a.scope");
	strcpy(c->name, "docker:3f2a");
	s->cgroups_state = SNAP_CGROUPS_ON;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);
		struct abi_hist h;

		memset(&h, 0, sizeof(h));
		h.count = h.timed = rows[i].n;
		h.sum_ns = rows[i].n * rows[i].lat_ns;
		h.max_ns = rows[i].lat_ns;
		h.slots[abi_hist_slot(rows[i].lat_ns)] = rows[i].n;
		r->pid = 10 + (uint32_t)i;
		r->nr = rows[i].nr;
		r->cgroup_id = rows[i].cg;
		assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
		r->interval = r->total;
	}
	for (int i = 0; i < 2; i++) {
		struct snap_fam_row *r = snapshot_add_fam(s, SNAP_FAM_BLOCK);
		struct abi_hist h;

		memset(&h, 0, sizeof(h));
		h.count = h.timed = 5;
		h.sum_ns = 5 * (i ? 3000000 : 1000);
		h.max_ns = i ? 3000000 : 1000;
		h.slots[abi_hist_slot(h.max_ns)] = 5;
		r->key.tgid = 10;
		r->key.a = 7u << 20;
		r->key.cgid = i ? 7 : 9;
		strcpy(r->label, "loop0");
		assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
	}
	s->fam[SNAP_FAM_BLOCK].state = SNAP_FAM_ON;
}

static int ev(const char *text, const struct snapshot *s, bool *passed, uint64_t *actual,
	      char *err, size_t errlen)
{
	struct assert_expr e = parse_ok(text);

	return assert_expr_eval(&e, s, passed, actual, err, errlen);
}

static void test_cgroups(void **state)
{
	static const struct {
		const char *text, *canon;
	} forms[] = {
		{ "p99(read, cg:web) < 5ms", "p99(read, cg:web) < 5ms" },
		{ "p99( cg : web ) < 5ms", "p99(cg:web) < 5ms" },
		{ "count(block,cg:docker) > 0", "count(block, cg:docker) > 0" },
		{ "p99(block, cg:web, dev:loop0) < 5ms", "p99(block, dev:loop0, cg:web) < 5ms" },
		{ "p99(fn:slow_path, cg:pod:5f1c/3f2a) < 5ms",
		  "p99(fn, function:slow_path, cg:pod:5f1c/3f2a) < 5ms" },
	};
	static const struct {
		const char *text, *says;
	} bad[] = {
		{ "p99(cg:) < 5ms", "expected part of a cgroup's name or path after 'cg:'" },
		{ "p99(read, cg:a, cg:b) < 5ms", "expected ')' or ', cg:TEXT' after 'read'" },
		{ "p99(read, dev:x) < 5ms", "expected 'cg:TEXT' after ','" },
		{ "p99(block, cg:a, cg:b) < 5ms", "one cg: per assertion" },
	};
	struct assert_expr e;
	struct snapshot s;
	char err[200], text[ASSERT_EXPR_MAX];
	uint64_t actual;
	bool passed;

	(void)state;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		e = parse_ok(forms[i].text);
		assert_expr_text(&e, text, sizeof(text));
		assert_string_equal(text, forms[i].canon);
	}
	e = parse_ok("p99(read, cg:web) < 5ms");
	assert_string_equal(e.cg, "web");
	assert_int_equal(e.nr, syscall_lookup("read"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(assert_expr_parse(bad[i].text, &e, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].says))
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err, bad[i].says);
	}
	build_cg(&s);
	/* web's reads are 8 ms: the regression is named, the others do not hide it */
	assert_int_equal(ev("p99(read, cg:web) < 5ms", &s, &passed,
					  &actual, err, sizeof(err)), 0);
	assert_false(passed);
	assert_true(actual > 7000000 && actual < 9000000);
	assert_int_equal(ev("p99(read, cg:docker) < 5ms", &s, &passed,
					  &actual, err, sizeof(err)), 0);
	assert_true(passed);
	/* by path too; every syscall of the cgroup; id 0 rows never in a cgroup */
	assert_int_equal(ev("count(cg:lattop-test) == 110", &s,
					  &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_int_equal(ev("count(read) == 300", &s, &passed,
					  &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_int_equal(ev("max(cg:e) < 10ms", &s, &passed,
					  &actual, err, sizeof(err)), 0);
	assert_true(passed);	/* "e" is in both names; the 90 ms rows have no cgroup */
	assert_int_equal(ev("p99(read, cg:nginx) < 5ms", &s, &passed,
					  &actual, err, sizeof(err)), -ENODATA);
	assert_string_equal(err, "no read calls in cgroup nginx");
	/* families: block rows of web only */
	assert_int_equal(ev("max(block, cg:web) == 3ms", &s, &passed,
					  &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_int_equal(ev("count(block, dev:loop0, cg:docker) == 5",
					  &s, &passed, &actual, err, sizeof(err)), 0);
	assert_true(passed);
	assert_int_equal(ev("p99(block, cg:nginx) < 1ms", &s, &passed,
					  &actual, err, sizeof(err)), -ENODATA);
	assert_string_equal(err, "no block events in cgroup nginx");
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics),	  cmocka_unit_test(test_ops),
		cmocka_unit_test(test_units),	  cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_text),	  cmocka_unit_test(test_errors),
		cmocka_unit_test(test_eval),	  cmocka_unit_test(test_eval_no_data),
		cmocka_unit_test(test_format),	  cmocka_unit_test(test_families), cmocka_unit_test(test_functions),
		cmocka_unit_test(test_cgroups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
