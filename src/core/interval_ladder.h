/*
 * interval_ladder.h - the round tick lengths '+' and '-' step through
 * (0.1 0.2 0.5 1 2 5 10 30 60 s). Bounded at both ends, so a key can never
 * freeze the display (3276.8 s) nor strand it below a round value.
 */
#ifndef LATTOP_CORE_INTERVAL_LADDER_H
#define LATTOP_CORE_INTERVAL_LADDER_H

#include <stddef.h>
#include <stdint.h>

extern const uint64_t interval_ladder_ns[];
extern const size_t interval_ladder_len;

/*
 * The next rung above (@longer) or below @cur_ns. From a value off the
 * ladder (a command-line -i 0.7) it snaps to the nearest rung in that
 * direction (1 s or 0.5 s); at an end it stays there.
 */
uint64_t interval_ladder_step(uint64_t cur_ns, int longer);

#endif
