/*
 * cmd_fleet.c - placeholder until the fleet view lands (issue #13 part 3,
 * branch h5, which replaces this file): says so and fails, never pretends.
 */
#include <stdio.h>

#include "cmd_fleet.h"

int cmd_fleet(const struct options *o)
{
	(void)o;
	fprintf(stderr, "lattop: fleet: not built (the fleet view is not in this build yet)\n");
	return 1;
}
