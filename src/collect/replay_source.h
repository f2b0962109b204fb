/*
 * replay_source.h - a recording as a source: ticks come back exactly as
 * recorded (stamped: seq, times, counters untouched), each after its
 * recorded interval divided by the speed; steps back and forth and jumps
 * to either end for the dashboard.
 */
#ifndef LATTOP_COLLECT_REPLAY_SOURCE_H
#define LATTOP_COLLECT_REPLAY_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "collect/source.h"

struct replay_source_opts {
	const char *path;
	double speed;			/* 1 = recorded speed; 0 = as fast as possible */
	bool hold_at_end;		/* dashboard: stay on the last tick */
	char *err;			/* reason of a failure during the replay (caller's buffer) */
	size_t errlen;
};

/* Main thread. 0 or -errno with the reason ("FILE: offset N: ...") in @err. */
int replay_source_open(struct source *src, const struct replay_source_opts *o, char *err,
		       size_t errlen);

#endif
