/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * filter.bpf.h - the command line's process pre-filter (-p PID, -c NAME),
 * the same in every family, so that what one family lets through another
 * does not drop. User space fills cfg_pids and cfg_comm before load; the
 * includer says, with its own flags, which of them are active.
 */
#ifndef LATTOP_BPF_FILTER_H
#define LATTOP_BPF_FILTER_H

#include "abi/lat_abi.h"

const volatile __u32 cfg_pids[ABI_MAX_PID_FILTER] = {};
const volatile char cfg_comm[ABI_COMM_LEN] = {};

static __always_inline bool filter_pid_listed(__u32 tgid)
{
	bool listed = false;

	for (int i = 0; i < ABI_MAX_PID_FILTER; i++) {
		if (cfg_pids[i] && cfg_pids[i] == tgid)
			listed = true;
	}
	return listed;
}

/*
 * cfg_comm is a substring of comm, as in the user-space filter. Callers
 * cache the verdict (per thread, per connection): the loops are not for
 * every event.
 */
static __always_inline bool filter_comm_contains(const char *comm)
{
	for (int start = 0; start < ABI_COMM_LEN; start++) {
		bool match = true;

		for (int i = 0; i < ABI_COMM_LEN; i++) {
			char want = cfg_comm[i];

			if (!want)
				break;
			if (start + i >= ABI_COMM_LEN || comm[start + i] != want) {
				match = false;
				break;
			}
		}
		if (match)
			return true;
		if (!comm[start])
			break;
	}
	return false;
}

/* Is (@tgid, @comm) outside the -p / -c pre-filter? */
static __always_inline bool filter_excludes(__u32 tgid, const char *comm, bool by_pid,
					    bool by_comm)
{
	if (by_pid && !filter_pid_listed(tgid))
		return true;
	return by_comm && !filter_comm_contains(comm);
}

#endif
