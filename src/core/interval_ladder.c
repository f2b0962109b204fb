/* interval_ladder.c - the bounded ladder of round intervals (see interval_ladder.h). */
#include "core/interval_ladder.h"

#define MS 1000000ull

const uint64_t interval_ladder_ns[] = {
	100 * MS, 200 * MS, 500 * MS, 1000 * MS, 2000 * MS,
	5000 * MS, 10000 * MS, 30000 * MS, 60000 * MS,
};
const size_t interval_ladder_len = sizeof(interval_ladder_ns) / sizeof(interval_ladder_ns[0]);

uint64_t interval_ladder_step(uint64_t cur_ns, int longer)
{
	if (longer) {
		for (size_t i = 0; i < interval_ladder_len; i++)
			if (interval_ladder_ns[i] > cur_ns)
				return interval_ladder_ns[i];
		return interval_ladder_ns[interval_ladder_len - 1];
	}
	for (size_t i = interval_ladder_len; i-- > 0;)
		if (interval_ladder_ns[i] < cur_ns)
			return interval_ladder_ns[i];
	return interval_ladder_ns[0];
}
