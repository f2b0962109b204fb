/*
 * test_sample_csv.c - the sample CSV parser: the recipes' format, lattop's
 * --csv layout, CRLF, quoting, any chunking; each kind of bad input is
 * rejected with its line number.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/sample_csv.h"

#define MAX_ROWS 64

struct rows {
	size_t n;
	uint64_t ts[MAX_ROWS], lat[MAX_ROWS];
	char event[MAX_ROWS][SAMPLE_CSV_EVENT_MAX];
};

static int collect(void *ctx, const struct sample_csv_row *row)
{
	struct rows *r = ctx;

	assert_true(r->n < MAX_ROWS);
	r->ts[r->n] = row->ts_ns;
	r->lat[r->n] = row->lat_ns;
	assert_true(row->event_len < SAMPLE_CSV_EVENT_MAX);
	memcpy(r->event[r->n], row->event, row->event_len);
	r->event[r->n][row->event_len] = '\0';
	assert_int_equal(strlen(r->event[r->n]), row->event_len);
	r->n++;
	return 0;
}

static struct sample_csv parser;

static int parse(const char *text, struct rows *r)
{
	memset(r, 0, sizeof(*r));
	return sample_csv_parse(&parser, text, strlen(text), collect, r);
}

/* @text is rejected at @line with a reason containing @why. */
static void expect_bad(const char *text, size_t len, uint64_t line, const char *why)
{
	struct rows r = { 0 };
	int ret = sample_csv_parse(&parser, text, len, collect, &r);

	if (ret != -EINVAL)
		fail_msg("accepted (%d): [%.*s]", ret, (int)(len > 60 ? 60 : len), text);
	if (parser.err_line != line || !strstr(parser.err, why))
		fail_msg("line %llu '%s', want line %llu '%s'", (unsigned long long)parser.err_line,
			 parser.err, (unsigned long long)line, why);
}

static void expect_bad_str(const char *text, uint64_t line, const char *why)
{
	expect_bad(text, strlen(text), line, why);
}

static void test_recipe_formats(void **state)
{
	struct rows r;

	(void)state;
	/* bpftrace recipe */
	assert_int_equal(parse("timestamp_ns,latency_ns,event\n10,2000,connection\n11,3000,"
			       "connection\n", &r), 0);
	assert_int_equal(r.n, 2);
	assert_true(parser.has_event);
	assert_int_equal(r.ts[0], 10);
	assert_int_equal(r.lat[1], 3000);
	assert_string_equal(r.event[0], "connection");
	/* DTrace recipe: the third column is called syscall */
	assert_int_equal(parse("timestamp_ns,latency_ns,syscall\n5,7,read\n", &r), 0);
	assert_string_equal(r.event[0], "read");
	/* the pytest collector: two columns, no event */
	assert_int_equal(parse("timestamp_ns,latency_ns\n1,18446744073709551615\n", &r), 0);
	assert_false(parser.has_event);
	assert_int_equal(r.lat[0], UINT64_MAX);
	assert_string_equal(r.event[0], "");
}

static void test_lattop_csv(void **state)
{
	struct rows r;

	(void)state;
	/* lattop --csv: quoted comm with a comma and a doubled quote, extra columns ignored */
	assert_int_equal(parse("timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,"
			       "bytes_out\n"
			       "1795000000000000000,51234,request,42,\"ngi,nx\",127.0.0.2,8080,in,"
			       "100,2000\n"
			       "1795000000000000001,9,connection,42,\"a\"\"b\",::1,80,in,1,2\n",
			       &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.lat[0], 51234);
	assert_string_equal(r.event[0], "request");
	assert_string_equal(r.event[1], "connection");
	assert_int_equal(r.ts[1], 1795000000000000001ull);
}

static void test_crlf_bom_blank_order(void **state)
{
	struct rows r;

	(void)state;
	assert_int_equal(parse("\xef\xbb\xbftimestamp_ns,latency_ns,event\r\n1,2,x\r\n\r\n"
			       "3, 4 ,\"y\"\r\n", &r), 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.lat[1], 4);
	assert_string_equal(r.event[0], "x");
	assert_string_equal(r.event[1], "y");
	/* columns found by name, in any order; case and quotes do not matter */
	assert_int_equal(parse("\"EVENT\",Latency_NS,pid,timestamp_ns\nw,70,1,9\n", &r), 0);
	assert_int_equal(r.lat[0], 70);
	assert_int_equal(r.ts[0], 9);
	assert_string_equal(r.event[0], "w");
	/* bpftrace's own lines, before and after the data: skipped and counted */
	assert_int_equal(parse("timestamp_ns,latency_ns,event\nAttaching 3 probes...\n1,2,c\n"
			       "@conn_start[12]: 1795000000000\n@accept_start[5]: 17\n\n", &r), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(parser.skipped, 3);
	assert_int_equal(parse("Attaching 1 probe...\ntimestamp_ns,latency_ns\n1,2\n", &r), 0);
	assert_int_equal(parser.skipped, 1);
	/* no final newline */
	assert_int_equal(parse("timestamp_ns,latency_ns\n1,2", &r), 0);
	assert_int_equal(r.n, 1);
}

/* Every split of the input into two chunks gives the same rows. */
static void test_chunking(void **state)
{
	const char *text = "timestamp_ns,latency_ns,event\r\n1,20,a\n2,30,\"b,c\"\n3,40,d";
	size_t len = strlen(text);

	(void)state;
	for (size_t cut = 0; cut <= len; cut++) {
		struct rows r = { 0 };

		sample_csv_init(&parser, collect, &r);
		assert_int_equal(sample_csv_feed(&parser, text, cut), 0);
		assert_int_equal(sample_csv_feed(&parser, text + cut, len - cut), 0);
		assert_int_equal(sample_csv_finish(&parser), 0);
		assert_int_equal(r.n, 3);
		assert_int_equal(r.lat[2], 40);
		assert_string_equal(r.event[1], "b,c");
	}
}

static void test_bad_header(void **state)
{
	(void)state;
	expect_bad_str("", 1, "empty file");
	expect_bad_str("\n\n  \n", 4, "empty file");
	expect_bad_str("1,2\n3,4\n", 1, "no header");
	expect_bad_str("-1,2\n", 1, "no header");
	expect_bad_str("time,lat\n1,2\n", 1, "not a sample CSV");
	expect_bad_str("timestamp_ns,lat\n1,2\n", 1, "no latency_ns");
	expect_bad_str("ts,latency_ns\n1,2\n", 1, "no timestamp_ns");
	expect_bad_str("\"timestamp_ns,latency_ns\n", 1, "unterminated quote");
	expect_bad_str("timestamp_ns,latency_ns\n", 2, "no samples");
	expect_bad_str("timestamp_ns,latency_ns\n\n\n", 4, "no samples");
}

static void test_bad_rows(void **state)
{
	char longline[SAMPLE_CSV_LINE_MAX + 64];
	char longev[200], ev[SAMPLE_CSV_EVENT_MAX + 1];
	struct rows r;

	(void)state;
	expect_bad_str("timestamp_ns,latency_ns\n1,2\n3,abc\n", 3, "not an integer");
	expect_bad_str("timestamp_ns,latency_ns\n1,2\nAttaching probes\n", 3, "not an integer");
	expect_bad_str("timestamp_ns,latency_ns\n1,2\n3,1.5\n", 3, "not an integer");
	expect_bad_str("timestamp_ns,latency_ns\nx,2\n", 2, "timestamp_ns 'x'");
	expect_bad_str("timestamp_ns,latency_ns\n1,-5\n", 2, "negative latency_ns");
	expect_bad_str("timestamp_ns,latency_ns\n-1,5\n", 2, "negative timestamp_ns");
	expect_bad_str("timestamp_ns,latency_ns\n1,+5\n", 2, "not an integer");
	expect_bad_str("timestamp_ns,latency_ns\n1,18446744073709551616\n", 2, "out of range");
	expect_bad_str("timestamp_ns,latency_ns\n1,\n", 2, "empty latency_ns");
	expect_bad_str("timestamp_ns,latency_ns\n1,2\n\n7\n", 4, "1 cells, want at least 2");
	expect_bad_str("timestamp_ns,latency_ns,event\n1,2,a\r\n1,2\r\n", 3,
		       "2 cells, want at least 3");
	expect_bad_str("timestamp_ns,latency_ns,event\n1,2,\"abc\n", 2, "unterminated quote");
	expect_bad_str("timestamp_ns,latency_ns,event\n1,2,\"ab\"c\n", 2, "unterminated quote");
	expect_bad_str("timestamp_ns,latency_ns\n1,\"12\n", 2, "unterminated quote");
	expect_bad_str("timestamp_ns,latency_ns\n1,12345678901234567890123456789012345678901"
		       "2345678901234567890123456789\n", 2, "too long");
	memset(ev, 'e', sizeof(ev) - 1);
	ev[sizeof(ev) - 1] = '\0';
	snprintf(longev, sizeof(longev), "timestamp_ns,latency_ns,event\n1,2,%s\n", ev);
	expect_bad_str(longev, 2, "event name longer than 63");
	ev[sizeof(ev) - 2] = '\0';	/* 63 bytes: fits */
	snprintf(longev, sizeof(longev), "timestamp_ns,latency_ns,event\n1,2,%s\n", ev);
	assert_int_equal(parse(longev, &r), 0);
	assert_string_equal(r.event[0], ev);
	/* overlong line: reported at its own line, not after reading it all */
	memset(longline, '1', sizeof(longline));
	memcpy(longline, "timestamp_ns,latency_ns\n1,2\n", 28);
	longline[sizeof(longline) - 1] = '\0';
	expect_bad_str(longline, 3, "longer than 4096");
	/* NUL bytes: in a row, and as the first byte (a binary file) */
	expect_bad("timestamp_ns,latency_ns\n1,2\n3,\0" "4\n", 33, 3, "NUL byte");
	expect_bad("\0\1\2\3LATTOP", 10, 1, "neither a lattop recording nor a sample CSV");
}

/* An error sticks: later input is not parsed, the callback's error is returned. */
static int stop_at_two(void *ctx, const struct sample_csv_row *row)
{
	size_t *n = ctx;

	(void)row;
	return ++*n == 2 ? -ENOMEM : 0;
}

static void test_callback_error(void **state)
{
	const char *text = "timestamp_ns,latency_ns\n1,2\n3,4\n5,6\n";
	size_t n = 0;

	(void)state;
	assert_int_equal(sample_csv_parse(&parser, text, strlen(text), stop_at_two, &n), -ENOMEM);
	assert_int_equal(n, 2);
	assert_int_equal(sample_csv_feed(&parser, "7,8\n", 4), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recipe_formats),
		cmocka_unit_test(test_lattop_csv),
		cmocka_unit_test(test_crlf_bom_blank_order),
		cmocka_unit_test(test_chunking),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_callback_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
