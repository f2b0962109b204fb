/*
 * junit.h - a run's outcome as JUnit XML, the report format CI systems
 * (Jenkins, GitLab, GitHub actions' test reporters) read:
 *
 * <testsuites name="lattop run" tests=N failures=F errors=E time=S>
 *  <testsuite name="lattop run" tests=N failures=F errors=E skipped="0" time=S>
 *   <properties> command, exit_status </properties>
 *   <testcase classname="lattop.run.assert" name="p99(read) &lt; 2ms" time="0">
 *    <failure type="assertion" message="actual 3.10ms, expected p99(read) &lt; 2ms">..
 *   </testcase>                                 (one per assertion, in order)
 *   <testcase classname="lattop.run.command" name="exit status == 0">  (its failure
 *                                                when the command exits non-zero)
 *   <testcase classname="lattop.run" name="lattop run"><error message=why/>  (only
 *                                                when lattop could not finish the run)
 *  </testsuite>
 * </testsuites>
 *
 * Every text (assertions, command, messages) is sanitised and escaped
 * (export/xml_escape.h).
 */
#ifndef LATTOP_EXPORT_JUNIT_H
#define LATTOP_EXPORT_JUNIT_H

#include <stdio.h>

#include "export/run_result.h"

/* Write @r to @out. 0, -ENOMEM, or -EIO on a write error. */
int junit_write_run(FILE *out, const struct run_result *r);

#endif
