/* cmd_features.h - `lattop --features [--json]` (used by main.c). */
#ifndef LATTOP_CMD_FEATURES_H
#define LATTOP_CMD_FEATURES_H

#include "core/options.h"

/*
 * Probe the host, print the report (text, or JSON with --json). Exit
 * status: 0 when every required probe family works (a rollout can gate on
 * it), 1 otherwise or when stdout cannot be written.
 */
int cmd_features(const struct options *o);

#endif
