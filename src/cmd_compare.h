/* cmd_compare.h - the `lattop compare` subcommand (see cmd_compare.c). */
#ifndef LATTOP_CMD_COMPARE_H
#define LATTOP_CMD_COMPARE_H

/*
 * argv[0] is "compare". Returns the exit status: 0 within thresholds,
 * 1 regression, 2 usage error or bad input.
 */
int cmd_compare(int argc, char **argv);

/* Its --help text (also in the man page). */
const char *cmd_compare_usage(void);

#endif
