/* test_prom_api.c - Prometheus /api/v1/query responses: vector, matrix, errors, bounds. */
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

#include "core/prom_api.h"

static int parse(const char *body, struct prom_result *r, char *err)
{
	return prom_api_parse(body, strlen(body), r, err, 200);
}

static void test_vector(void **state)
{
	const char *body =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"__name__\":\"lattop_syscall_latency_seconds_bucket\","
		"\"comm\":\"sleeper\",\"syscall\":\"clock_nanosleep\",\"le\":\"0.000001023\","
		"\"host\":\"a\"},\"value\":[1700000000.123,\"42\"]},"
		"{\"metric\":{\"le\":\"+Inf\"},\"value\":[1700000000.5,\"+Inf\"]},"
		"{\"metric\":{},\"value\":[1,\"NaN\"]}]}}";
	struct prom_result r;
	char err[200] = "";

	(void)state;
	assert_int_equal(parse(body, &r, err), 0);
	assert_int_equal(r.type, PROM_VECTOR);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.series[0].n_labels, 5);
	assert_string_equal(prom_series_label(&r.series[0], "comm"), "sleeper");
	assert_string_equal(prom_series_label(&r.series[0], "le"), "0.000001023");
	assert_null(prom_series_label(&r.series[0], "instance"));
	assert_int_equal(r.series[0].n_points, 1);
	assert_true(r.series[0].points[0].value == 42.0);
	assert_true(fabs(r.series[0].points[0].ts - 1700000000.123) < 1e-6);
	assert_true(isinf(r.series[1].points[0].value) && r.series[1].points[0].value > 0);
	assert_int_equal(r.series[2].n_labels, 0);
	assert_true(isnan(r.series[2].points[0].value));
	prom_result_free(&r);
	assert_null(r.series);
}

static void test_matrix_and_scalar(void **state)
{
	const char *m = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
			"{\"metric\":{\"instance\":\"127.0.0.1:1\"},\"values\":[[1,\"1\"],[2,\"2.5\"],"
			"[3,\"-Inf\"]]}]}}";
	const char *s = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
			"\"result\":[5,\"7e-3\"]}}";
	struct prom_result r;
	char err[200] = "";

	(void)state;
	assert_int_equal(parse(m, &r, err), 0);
	assert_int_equal(r.type, PROM_MATRIX);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.series[0].n_points, 3);
	assert_true(r.series[0].points[1].value == 2.5);
	assert_true(isinf(r.series[0].points[2].value) && r.series[0].points[2].value < 0);
	prom_result_free(&r);
	assert_int_equal(parse(s, &r, err), 0);
	assert_int_equal(r.type, PROM_SCALAR);
	assert_true(r.series[0].points[0].value == 0.007);
	prom_result_free(&r);
}

static void test_errors(void **state)
{
	struct prom_result r;
	char err[200];
	static const char *bad[] = {
		"",
		"[]",
		"{\"status\":\"success\"}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"x\"]}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[1]}}",
		/* value must be [number, "text"] with a whole number text */
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{},\"value\":[1,2]}]}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{},\"value\":[1,\"12abc\"]}]}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{},\"value\":[1,\"0x10\"]}]}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"a\":1},\"value\":[1,\"1\"]}]}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{},\"value\":[1,\"1\",3]}]}}",
		/* jansson refuses NUL inside strings and duplicate keys */
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"a\":\"x\\u0000y\"},\"value\":[1,\"1\"]}]}}",
		"{\"status\":\"success\",\"status\":\"success\"}",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(bad[i], &r, err), -EINVAL);
		assert_true(err[0] != '\0');
		assert_null(r.series);
		assert_int_equal(r.n, 0);
	}
}

static void test_api_error_sanitised(void **state)
{
	const char *body = "{\"status\":\"error\",\"errorType\":\"bad_data\","
			   "\"error\":\"parse error \\u001b[31m at char 3\"}";
	struct prom_result r;
	char err[200];

	(void)state;
	assert_int_equal(parse(body, &r, err), -EINVAL);
	assert_string_equal(err, "query failed: bad_data: parse error ?[31m at char 3");
}

static void test_label_bound(void **state)
{
	char body[8192];
	size_t n;
	struct prom_result r;
	char err[200];

	(void)state;
	n = (size_t)snprintf(body, sizeof(body), "{\"status\":\"success\",\"data\":{\"resultType\":"
				"\"vector\",\"result\":[{\"metric\":{");
	for (int i = 0; i < PROM_API_MAX_LABELS + 1; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "%s\"l%d\":\"v\"", i ? "," : "", i);
	snprintf(body + n, sizeof(body) - n, "},\"value\":[1,\"1\"]}]}}");
	assert_int_equal(parse(body, &r, err), -EINVAL);
	assert_non_null(strstr(err, "too many labels"));
}

static void test_value(void **state)
{
	double v;

	(void)state;
	assert_int_equal(prom_api_value("1e3", &v), 0);
	assert_true(v == 1000.0);
	assert_int_equal(prom_api_value("-0.5", &v), 0);
	assert_true(v == -0.5);
	assert_int_equal(prom_api_value("", &v), -EINVAL);
	assert_int_equal(prom_api_value(" 1", &v), -EINVAL);
	assert_int_equal(prom_api_value("1 ", &v), -EINVAL);
	assert_int_equal(prom_api_value(NULL, &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector),
		cmocka_unit_test(test_matrix_and_scalar),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_api_error_sanitised),
		cmocka_unit_test(test_label_bound),
		cmocka_unit_test(test_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
