/*
 * prom_api.c - /api/v1/query responses -> struct prom_result (see prom_api.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/prom_api.h"
#include "core/sanitize.h"

static int fail(char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s", what);
	return -EINVAL;
}

int prom_api_value(const char *text, double *out)
{
	char *end;
	double v;

	/* strtod skips leading blanks: Prometheus never writes them. */
	if (!text || !*text || *text == ' ' || (*text >= '\t' && *text <= '\r'))
		return -EINVAL;
	/* strtod would take hex floats and "infinity" too: Prometheus writes neither. */
	if (strpbrk(text, "xX") || strlen(text) > 64)
		return -EINVAL;
	errno = 0;
	v = strtod(text, &end);
	if (*end || end == text)
		return -EINVAL;
	/* Overflow gives +-HUGE_VAL: keep it as infinity, what the text meant. */
	*out = v;
	return 0;
}

static int parse_point(json_t *pair, struct prom_point *p)
{
	json_t *ts, *val;

	if (!json_is_array(pair) || json_array_size(pair) != 2)
		return -EINVAL;
	ts = json_array_get(pair, 0);
	val = json_array_get(pair, 1);
	if (!json_is_number(ts) || !json_is_string(val))
		return -EINVAL;
	p->ts = json_number_value(ts);
	return prom_api_value(json_string_value(val), &p->value);
}

static int parse_labels(json_t *metric, struct prom_series *s)
{
	const char *name;
	json_t *v;
	size_t i = 0;

	if (!json_is_object(metric))
		return -EINVAL;
	if (json_object_size(metric) > PROM_API_MAX_LABELS)
		return -E2BIG;
	s->labels = calloc(json_object_size(metric) ? json_object_size(metric) : 1,
			   sizeof(*s->labels));
	if (!s->labels)
		return -ENOMEM;
	json_object_foreach(metric, name, v) {
		if (!json_is_string(v))
			return -EINVAL;
		s->labels[i].name = strdup(name);
		s->labels[i].value = strdup(json_string_value(v));
		/* Counted before checking, so that free releases a half-made pair. */
		s->n_labels = ++i;
		if (!s->labels[i - 1].name || !s->labels[i - 1].value)
			return -ENOMEM;
	}
	return 0;
}

static int parse_series(json_t *item, enum prom_result_type type, struct prom_series *s)
{
	json_t *values;
	int ret = parse_labels(json_object_get(item, "metric"), s);

	if (ret)
		return ret;
	if (type == PROM_VECTOR) {
		s->points = calloc(1, sizeof(*s->points));
		if (!s->points)
			return -ENOMEM;
		s->n_points = 1;
		return parse_point(json_object_get(item, "value"), s->points);
	}
	values = json_object_get(item, "values");
	if (!json_is_array(values))
		return -EINVAL;
	if (json_array_size(values) > PROM_API_MAX_POINTS)
		return -E2BIG;
	s->points = calloc(json_array_size(values) ? json_array_size(values) : 1,
			   sizeof(*s->points));
	if (!s->points)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(values); i++) {
		ret = parse_point(json_array_get(values, i), &s->points[i]);
		if (ret)
			return ret;
		s->n_points = i + 1;
	}
	return 0;
}

/* An error response: "prometheus: bad_data: parse error at char 3" (sanitised). */
static int api_error(json_t *root, const char *status, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(root, "errorType"));
	const char *msg = json_string_value(json_object_get(root, "error"));
	char clean_type[64], clean_msg[200];

	if (!msg)
		msg = status;
	sanitize_text(clean_type, sizeof(clean_type), type ? type : "error",
		      strlen(type ? type : "error"));
	sanitize_text(clean_msg, sizeof(clean_msg), msg, strlen(msg));
	snprintf(err, errlen, "query failed: %s: %s", clean_type, clean_msg);
	return -EINVAL;
}

static int parse_root(json_t *root, struct prom_result *out, char *err, size_t errlen)
{
	const char *status, *rtype;
	json_t *data, *result;
	int ret;

	if (!json_is_object(root))
		return fail(err, errlen, "response is not a JSON object");
	status = json_string_value(json_object_get(root, "status"));
	if (!status)
		return fail(err, errlen, "response has no \"status\"");
	if (strcmp(status, "success"))
		return api_error(root, status, err, errlen);
	data = json_object_get(root, "data");
	rtype = json_string_value(json_object_get(data, "resultType"));
	result = json_object_get(data, "result");
	if (!rtype || !result)
		return fail(err, errlen, "response has no data.resultType or data.result");
	if (!strcmp(rtype, "scalar")) {
		out->type = PROM_SCALAR;
		out->series = calloc(1, sizeof(*out->series));
		if (!out->series)
			return -ENOMEM;
		out->n = 1;
		out->series->points = calloc(1, sizeof(struct prom_point));
		if (!out->series->points)
			return -ENOMEM;
		out->series->n_points = 1;
		if (parse_point(result, out->series->points))
			return fail(err, errlen, "malformed scalar result");
		return 0;
	}
	if (!strcmp(rtype, "vector"))
		out->type = PROM_VECTOR;
	else if (!strcmp(rtype, "matrix"))
		out->type = PROM_MATRIX;
	else
		return fail(err, errlen, "unsupported resultType (want vector, matrix or scalar)");
	if (!json_is_array(result))
		return fail(err, errlen, "data.result is not an array");
	if (json_array_size(result) > PROM_API_MAX_SERIES)
		return fail(err, errlen, "too many series in one response");
	out->series = calloc(json_array_size(result) ? json_array_size(result) : 1,
			     sizeof(*out->series));
	if (!out->series)
		return -ENOMEM;
	for (size_t i = 0; i < json_array_size(result); i++) {
		json_t *item = json_array_get(result, i);

		out->n = i + 1;
		if (!json_is_object(item))
			return fail(err, errlen, "a result is not an object");
		ret = parse_series(item, out->type, &out->series[i]);
		if (ret == -ENOMEM)
			return ret;
		if (ret == -E2BIG)
			return fail(err, errlen, "a series has too many labels or points");
		if (ret)
			return fail(err, errlen, "malformed series (metric or value)");
	}
	return 0;
}

int prom_api_parse(const char *body, size_t len, struct prom_result *out, char *err,
		   size_t errlen)
{
	json_error_t jerr;
	json_t *root;
	int ret;

	memset(out, 0, sizeof(*out));
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errlen, "response is not JSON (line %d column %d)", jerr.line,
			 jerr.column);
		return -EINVAL;
	}
	ret = parse_root(root, out, err, errlen);
	json_decref(root);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory parsing the response");
	if (ret)
		prom_result_free(out);
	return ret;
}

void prom_result_free(struct prom_result *r)
{
	for (size_t i = 0; r->series && i < r->n; i++) {
		struct prom_series *s = &r->series[i];

		for (size_t j = 0; j < s->n_labels; j++) {
			free(s->labels[j].name);
			free(s->labels[j].value);
		}
		free(s->labels);
		free(s->points);
	}
	free(r->series);
	memset(r, 0, sizeof(*r));
}

const char *prom_series_label(const struct prom_series *s, const char *name)
{
	for (size_t i = 0; i < s->n_labels; i++)
		if (!strcmp(s->labels[i].name, name))
			return s->labels[i].value;
	return NULL;
}
