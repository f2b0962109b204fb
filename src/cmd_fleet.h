/* cmd_fleet.h - `lattop fleet --prometheus URL`: the dashboard, batch or JSON over many hosts. */
#ifndef LATTOP_CMD_FLEET_H
#define LATTOP_CMD_FLEET_H

struct options;

/* Main thread. The exit status: 0 ok, 1 runtime failure, 2 usage error. */
int cmd_fleet(const struct options *o);

#endif
