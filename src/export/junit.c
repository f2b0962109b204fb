/* junit.c - JUnit XML of one run (see junit.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/junit.h"
#include "export/xml_escape.h"

/* Print @s escaped; false when out of memory. */
static bool junit_text(FILE *out, const char *s)
{
	char *x = xml_escape_dup(s, strlen(s));

	if (!x)
		return false;
	fputs(x, out);
	free(x);
	return true;
}

/* The command as one line: its arguments joined by spaces. NULL when out of memory. */
static char *junit_command_line(char *const *command)
{
	size_t len = 1;
	char *s;

	for (size_t i = 0; command && command[i]; i++)
		len += strlen(command[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (size_t i = 0; command && command[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, command[i]);
	}
	return s;
}

static bool junit_check(FILE *out, const struct run_check *c)
{
	bool ok = true;

	fputs("    <testcase classname=\"lattop.run.assert\" name=\"", out);
	ok &= junit_text(out, c->text);
	fputs("\" time=\"0\"", out);
	if (c->passed) {
		fputs("/>\n", out);
		return ok;
	}
	fprintf(out, ">\n      <failure type=\"assertion\" message=\"actual %s, expected ",
		c->actual_text);
	ok &= junit_text(out, c->text);
	if (c->note[0]) {
		fputs(" (", out);
		ok &= junit_text(out, c->note);
		fputc(')', out);
	}
	fprintf(out, "\">actual: %s\nexpected: ", c->actual_text);
	ok &= junit_text(out, c->text);
	fputs("</failure>\n    </testcase>\n", out);
	return ok;
}

int junit_write_run(FILE *out, const struct run_result *r)
{
	size_t tests = r->n_checks + (r->command_ran ? 1 : 0) + (r->error ? 1 : 0);
	size_t failures = r->failed + (r->command_ran && r->exit_status ? 1 : 0);
	size_t errors = r->error ? 1 : 0;
	char *cmd = junit_command_line(r->command), attrs[160];
	bool ok = cmd != NULL;

	snprintf(attrs, sizeof(attrs), "tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%" PRIu64
		 ".%03" PRIu64 "\"", tests, failures, errors, r->elapsed_ns / 1000000000u,
		 r->elapsed_ns / 1000000u % 1000u);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<testsuites name=\"lattop run\" %s>\n"
		     "  <testsuite name=\"lattop run\" %s skipped=\"0\">\n"
		     "    <properties>\n"
		     "      <property name=\"command\" value=\"",
		attrs, attrs);
	if (cmd)
		ok &= junit_text(out, cmd);
	fputs("\"/>\n", out);
	if (r->command_ran)
		fprintf(out, "      <property name=\"exit_status\" value=\"%d\"/>\n", r->exit_status);
	fputs("    </properties>\n", out);
	for (size_t i = 0; i < r->n_checks; i++)
		ok &= junit_check(out, &r->checks[i]);
	if (r->command_ran) {
		fputs("    <testcase classname=\"lattop.run.command\" name=\"exit status == 0\" "
		      "time=\"0\"", out);
		if (!r->exit_status) {
			fputs("/>\n", out);
		} else {
			fprintf(out, ">\n      <failure type=\"exit_status\" message=\"the command "
				     "exited with status %d\">", r->exit_status);
			if (cmd)
				ok &= junit_text(out, cmd);
			fprintf(out, "\nexit status: %d</failure>\n    </testcase>\n",
				r->exit_status);
		}
	}
	if (r->error) {
		fputs("    <testcase classname=\"lattop.run\" name=\"lattop run\" time=\"0\">\n"
		      "      <error type=\"lattop\" message=\"", out);
		ok &= junit_text(out, r->error);
		fputs("\"/>\n    </testcase>\n", out);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	free(cmd);
	if (!ok)
		return -ENOMEM;
	return fflush(out) || ferror(out) ? -EIO : 0;
}
