/*
 * families.h - the probe families of the live source, in the order they
 * are opened and ticked (src/collect/fam_*.c; interface: probe_family.h).
 */
#ifndef LATTOP_COLLECT_FAMILIES_H
#define LATTOP_COLLECT_FAMILIES_H

#include "collect/probe_family.h"

extern const struct probe_family probe_family_syscalls;	/* required */
extern const struct probe_family probe_family_clients;
extern const struct probe_family probe_family_runq;
extern const struct probe_family probe_family_block;
extern const struct probe_family probe_family_funcs;	/* required when -u / --usdt asks for it */

#endif
