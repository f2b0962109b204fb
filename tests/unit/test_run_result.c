/*
 * test_run_result.c - a run's outcome: XML escaping of hostile text (the
 * five specials, control bytes, invalid UTF-8, long input), the assertions
 * evaluated into checks, the verdict, the verdict lines, the JSON members
 * and the JUnit report (a golden file, then hostile text).
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

#include "capture.h"
#include "core/assert_expr.h"
#include "core/snapshot.h"
#include "core/syscall_names.h"
#include "export/json.h"
#include "export/junit.h"
#include "export/run_result.h"
#include "export/xml_escape.h"

static void expect_escape(const char *in, size_t len, const char *want)
{
	char *got = xml_escape_dup(in, len);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_xml_escape(void **state)
{
	(void)state;
	expect_escape("", 0, "");
	expect_escape("p99(read) < 2ms", 15, "p99(read) &lt; 2ms");
	expect_escape("a<b&c\"d'e>f", 11, "a&lt;b&amp;c&quot;d&apos;e&gt;f");
	expect_escape("&amp;", 5, "&amp;amp;");	/* escaped again, never passed through */
	/* Control bytes cannot be in XML 1.0 at all, not even as &#1;: they become '?'. */
	expect_escape("a\x01" "b\tc\nd\x1b[2J\x7f", 12, "a?b?c?d?[2J?");
	expect_escape("bad \xff\xfe utf8", 13, "bad ?? utf8");
	expect_escape("caf\xc3\xa9 \xe2\x80\xae", 9, "caf\xc3\xa9 ?");	/* é kept, RLO not */
	expect_escape("cut\0hidden", 10, "cut");		/* stops at a NUL */
	expect_escape("<<<", 2, "&lt;&lt;");		/* only @srclen bytes */
}

static void test_xml_escape_long(void **state)
{
	size_t n = 100000;
	char *in = malloc(n), *got;

	(void)state;
	assert_non_null(in);
	memset(in, '"', n);
	got = xml_escape_dup(in, n);
	assert_non_null(got);
	assert_int_equal(strlen(got), n * 6);	/* the worst case: every byte an entity */
	assert_memory_equal(got + (n - 1) * 6, "&quot;", 6);
	free(got);
	free(in);
}

/* A snapshot of the run's totals: @n_read calls of read at @lat_ns, 2 of them failed. */
static void make_total(struct snapshot *s, uint64_t n_read, uint64_t lat_ns)
{
	struct snap_sys_row *r;
	struct abi_hist h;

	snapshot_init(s);
	r = snapshot_add_sys(s);
	assert_non_null(r);
	memset(&h, 0, sizeof(h));
	h.count = h.timed = n_read;
	h.errors = 2;
	h.sum_ns = n_read * lat_ns;
	h.max_ns = lat_ns;
	h.slots[abi_hist_slot(lat_ns)] = n_read;
	r->pid = 42;
	r->nr = (uint32_t)syscall_lookup("read");
	memcpy(r->comm, "worker", 7);
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
	r->interval = r->total;
}

static struct run_check eval(const char *text, const struct snapshot *total)
{
	struct assert_expr e;
	struct run_check c;
	char err[160];

	assert_int_equal(assert_expr_parse(text, &e, err, sizeof(err)), 0);
	run_check_eval(&c, &e, total);
	return c;
}

static void test_checks(void **state)
{
	struct snapshot s;
	struct run_check c;

	(void)state;
	make_total(&s, 5, 1000);
	c = eval("count(read) == 5", &s);
	assert_true(c.passed && c.measured && !c.is_time);
	assert_int_equal(c.actual, 5);
	assert_int_equal(c.expected, 5);
	assert_string_equal(c.text, "count(read) == 5");
	assert_string_equal(c.actual_text, "5");
	assert_string_equal(c.note, "");

	c = eval("errors(read) == 0", &s);
	assert_false(c.passed);
	assert_true(c.measured);
	assert_int_equal(c.actual, 2);

	c = eval("max(read) < 2us", &s);
	assert_true(c.passed && c.is_time);
	assert_int_equal(c.actual, 1000);
	assert_string_equal(c.expected_text, "2.00us");

	/* Nothing to measure: fails, says why, and has no actual value. */
	c = eval("p99(write) < 1ms", &s);
	assert_false(c.passed);
	assert_false(c.measured);
	assert_string_equal(c.actual_text, "-");
	assert_non_null(strstr(c.note, "write"));
	snapshot_free(&s);
}

static void test_verdict(void **state)
{
	struct run_check pass = { .passed = true };
	struct run_result r = { .checks = &pass, .n_checks = 1, .command_ran = true };

	(void)state;
	assert_true(run_result_passed(&r));
	r.exit_status = 3;
	assert_false(run_result_passed(&r));	/* the command's failure is the run's */
	r.exit_status = 0;
	r.failed = 1;
	assert_false(run_result_passed(&r));
	r.failed = 0;
	r.error = "collection failed";
	assert_false(run_result_passed(&r));
	r.error = NULL;
	r.command_ran = false;
	assert_false(run_result_passed(&r));
}

static void test_lines(void **state)
{
	struct snapshot s;
	struct run_check c[2];
	struct run_result r = { .checks = c, .n_checks = 2, .failed = 1, .command_ran = true };
	struct capture cap;
	char *out;

	(void)state;
	make_total(&s, 5, 1000);
	c[0] = eval("count(read) == 5", &s);
	c[1] = eval("p99(write) < 1ms", &s);
	capture_open(&cap);
	assert_int_equal(run_result_write_lines(cap.f, &r), 0);
	out = capture_close(&cap);
	assert_string_equal(out, "PASS  count(read) == 5   (actual 5)\n"
				 "FAIL  p99(write) < 1ms   (actual none)  (no write calls)\n"
				 "lattop run: 2 assertions, 1 failed\n");
	free(out);
	snapshot_free(&s);
}

static void test_json(void **state)
{
	char *argv[] = { "sh", "-c", "echo \"<&>\"\x01", NULL };
	struct snapshot s;
	struct run_check c[2];
	struct run_result r = { .command = argv, .checks = c, .n_checks = 2, .failed = 1,
				.command_ran = true };
	struct json_opts jo = { .cumulative_only = true, .extra = run_result_write_json,
				.extra_ctx = &r };
	struct capture cap;
	char *out;

	(void)state;
	make_total(&s, 5, 1000);
	c[0] = eval("count(read) == 5", &s);
	c[1] = eval("p99(write) < 1ms", &s);
	capture_open(&cap);
	assert_int_equal(json_write_tick(cap.f, &s, &jo), 0);
	out = capture_close(&cap);
	/* The run's members close the tick's own object, on its one line. */
	assert_non_null(strstr(out, "\"syscalls\":[{\"pid\":42,"));
	assert_non_null(strstr(out, ",\"command\":[\"sh\",\"-c\",\"echo \\\"<&>\\\"?\"],"
				    "\"exit_status\":0,\"assertions\":["
				    "{\"expr\":\"count(read) == 5\",\"passed\":true,\"actual\":5,"
				    "\"expected\":5,\"unit\":\"count\",\"actual_text\":\"5\","
				    "\"expected_text\":\"5\",\"note\":\"\"},"
				    "{\"expr\":\"p99(write) < 1ms\",\"passed\":false,\"actual\":null,"
				    "\"expected\":1000000,\"unit\":\"ns\",\"actual_text\":\"-\","
				    "\"expected_text\":\"1.00ms\",\"note\":\"no write calls\"}],"
				    "\"assertions_failed\":1,\"error\":null,\"verdict\":\"fail\"}\n"));
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
	free(out);
	snapshot_free(&s);
}

static void test_json_error(void **state)
{
	char *argv[] = { "nosuch", NULL };
	struct run_result r = { .command = argv, .error = "cannot run 'nosuch': \"gone\"" };
	struct capture cap;
	char *out;

	(void)state;
	capture_open(&cap);
	assert_int_equal(run_result_write_json_error(cap.f, &r), 0);
	out = capture_close(&cap);
	assert_string_equal(out, "{\"command\":[\"nosuch\"],\"exit_status\":null,\"assertions\":[],"
				 "\"assertions_failed\":0,"
				 "\"error\":\"cannot run 'nosuch': \\\"gone\\\"\",\"verdict\":\"fail\"}\n");
	free(out);
}

static void test_junit_golden(void **state)
{
	char *argv[] = { "./t", NULL };
	struct snapshot s;
	struct run_check c[2];
	struct run_result r = { .command = argv, .checks = c, .n_checks = 2, .failed = 1,
				.command_ran = true, .exit_status = 3, .elapsed_ns = 1234567890 };
	struct capture cap;
	char *out;

	(void)state;
	make_total(&s, 5, 1000);
	c[0] = eval("count(read) == 5", &s);
	c[1] = eval("p99(read) < 500ns", &s);
	capture_open(&cap);
	assert_int_equal(junit_write_run(cap.f, &r), 0);
	out = capture_close(&cap);
	assert_string_equal(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"lattop run\" tests=\"3\" failures=\"2\" errors=\"0\" time=\"1.234\">\n"
		"  <testsuite name=\"lattop run\" tests=\"3\" failures=\"2\" errors=\"0\" time=\"1.234\" skipped=\"0\">\n"
		"    <properties>\n"
		"      <property name=\"command\" value=\"./t\"/>\n"
		"      <property name=\"exit_status\" value=\"3\"/>\n"
		"    </properties>\n"
		"    <testcase classname=\"lattop.run.assert\" name=\"count(read) == 5\" time=\"0\"/>\n"
		"    <testcase classname=\"lattop.run.assert\" name=\"p99(read) &lt; 500ns\" time=\"0\">\n"
		"      <failure type=\"assertion\" message=\"actual 991ns, expected p99(read) &lt; 500ns\">actual: 991ns\n"
		"expected: p99(read) &lt; 500ns</failure>\n"
		"    </testcase>\n"
		"    <testcase classname=\"lattop.run.command\" name=\"exit status == 0\" time=\"0\">\n"
		"      <failure type=\"exit_status\" message=\"the command exited with status 3\">./t\n"
		"exit status: 3</failure>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	free(out);
	snapshot_free(&s);
}

static void test_junit_hostile_and_error(void **state)
{
	char *argv[] = { "sh", "-c", "x=\"<&>\" \x01\xff ]]> --", NULL };
	struct run_result r = { .command = argv, .error = "cannot run 'a<b': No such file" };
	struct capture cap;
	char *out;

	(void)state;
	capture_open(&cap);
	assert_int_equal(junit_write_run(cap.f, &r), 0);
	out = capture_close(&cap);
	assert_non_null(strstr(out, "tests=\"1\" failures=\"0\" errors=\"1\""));
	assert_non_null(strstr(out, "value=\"sh -c x=&quot;&lt;&amp;&gt;&quot; ?? ]]&gt; --\""));
	assert_non_null(strstr(out, "<error type=\"lattop\" message=\"cannot run &apos;a&lt;b&apos;: "
				    "No such file\"/>"));
	assert_null(strstr(out, "exit_status"));	/* it never ran */
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		assert_true(*p >= 0x20 || *p == '\n');
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_escape),
		cmocka_unit_test(test_xml_escape_long),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_error),
		cmocka_unit_test(test_junit_golden),
		cmocka_unit_test(test_junit_hostile_and_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
