/* cmd_fleet.h - `lattop fleet --prometheus URL`: many hosts read from Prometheus. */
#ifndef LATTOP_CMD_FLEET_H
#define LATTOP_CMD_FLEET_H

#include "core/options.h"

/* Exit status: 0 ok, 1 runtime failure, 2 usage error. */
int cmd_fleet(const struct options *o);

#endif
