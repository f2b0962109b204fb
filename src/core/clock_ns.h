/* clock_ns.h - a clock's time in ns, one line where the modules need it. */
#ifndef LATTOP_CORE_CLOCK_NS_H
#define LATTOP_CORE_CLOCK_NS_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
