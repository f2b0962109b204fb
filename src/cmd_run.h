/* cmd_run.h - the `lattop run` subcommand (see cmd_run.c). */
#ifndef LATTOP_CMD_RUN_H
#define LATTOP_CMD_RUN_H

/*
 * argv[0] is "run". Returns the exit status for main: 1 when an assertion
 * failed or tracing could not start, 2 for a usage error, else the
 * command's own status.
 */
int cmd_run(int argc, char **argv);

/* Its --help text (also in the man page). */
const char *cmd_run_usage(void);

#endif
