/* run_result.c - a run's assertions and verdict as text and JSON (see run_result.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export/json.h"
#include "export/run_result.h"

void run_check_eval(struct run_check *c, const struct assert_expr *e, const struct snapshot *total)
{
	int ret;

	memset(c, 0, sizeof(*c));
	assert_expr_text(e, c->text, sizeof(c->text));
	ret = assert_expr_eval(e, total, &c->passed, &c->actual, c->note, sizeof(c->note));
	if (ret && !c->note[0])
		snprintf(c->note, sizeof(c->note), "%s", strerror(-ret));
	c->measured = !ret;
	c->passed = c->passed && !ret;
	c->is_time = assert_expr_is_time(e);
	c->expected = e->value;
	if (c->measured)
		assert_expr_format_value(e, c->actual, c->actual_text, sizeof(c->actual_text));
	else
		snprintf(c->actual_text, sizeof(c->actual_text), "-");
	assert_expr_format_value(e, e->value, c->expected_text, sizeof(c->expected_text));
}

bool run_result_passed(const struct run_result *r)
{
	return !r->error && r->command_ran && !r->failed && r->exit_status == 0;
}

int run_result_write_lines(FILE *out, const struct run_result *r)
{
	for (size_t i = 0; i < r->n_checks; i++) {
		const struct run_check *c = &r->checks[i];

		fprintf(out, "%s  %s   (actual %s)", c->passed ? "PASS" : "FAIL", c->text,
			c->measured ? c->actual_text : "none");
		if (c->note[0])
			fprintf(out, "  (%s)", c->note);
		fputc('\n', out);
	}
	if (r->n_checks)
		fprintf(out, "lattop run: %zu assertion%s, %zu failed\n", r->n_checks,
			r->n_checks == 1 ? "" : "s", r->failed);
	return fflush(out) || ferror(out) ? -EIO : 0;
}

static void json_check(FILE *out, const struct run_check *c)
{
	fputs("{\"expr\":", out);
	json_write_string(out, c->text, sizeof(c->text));
	fprintf(out, ",\"passed\":%s,\"actual\":", c->passed ? "true" : "false");
	if (c->measured)
		fprintf(out, "%" PRIu64, c->actual);
	else
		fputs("null", out);
	fprintf(out, ",\"expected\":%" PRIu64 ",\"unit\":\"%s\",\"actual_text\":", c->expected,
		c->is_time ? "ns" : "count");
	json_write_string(out, c->actual_text, sizeof(c->actual_text));
	fputs(",\"expected_text\":", out);
	json_write_string(out, c->expected_text, sizeof(c->expected_text));
	fputs(",\"note\":", out);
	json_write_string(out, c->note, sizeof(c->note));
	fputc('}', out);
}

/* The run's members; @comma: they follow other members of the same object. */
static void run_result_members(FILE *out, const struct run_result *r, bool comma)
{
	if (comma)
		fputc(',', out);
	fputs("\"command\":[", out);
	for (size_t i = 0; r->command && r->command[i]; i++) {
		if (i)
			fputc(',', out);
		json_write_string(out, r->command[i], strlen(r->command[i]));
	}
	fputs("],\"exit_status\":", out);
	if (r->command_ran)
		fprintf(out, "%d", r->exit_status);
	else
		fputs("null", out);
	fputs(",\"assertions\":[", out);
	for (size_t i = 0; i < r->n_checks; i++) {
		if (i)
			fputc(',', out);
		json_check(out, &r->checks[i]);
	}
	fprintf(out, "],\"assertions_failed\":%zu,\"error\":", r->failed);
	if (r->error)
		json_write_string(out, r->error, strlen(r->error));
	else
		fputs("null", out);
	fprintf(out, ",\"verdict\":\"%s\"", run_result_passed(r) ? "pass" : "fail");
}

void run_result_write_json(FILE *out, const void *ctx)
{
	run_result_members(out, ctx, true);
}

int run_result_write_json_error(FILE *out, const struct run_result *r)
{
	fputc('{', out);
	run_result_members(out, r, false);
	fputs("}\n", out);
	return fflush(out) || ferror(out) ? -EIO : 0;
}
