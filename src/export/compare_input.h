/*
 * compare_input.h - what a recording holds, as comparison series: per
 * syscall (every process's interval histograms summed over every tick), per
 * client (the request latency of one remote address, port and direction,
 * every process and tick summed), per family row (compare_input_fam_name)
 * and per event of the raw samples ("request", "connection", "connect":
 * the --csv names).
 */
#ifndef LATTOP_EXPORT_COMPARE_INPUT_H
#define LATTOP_EXPORT_COMPARE_INPUT_H

#include <linux/types.h>

#include "abi/lat_abi.h"
#include "core/compare.h"
#include "core/family.h"
#include "core/snapshot.h"

/*
 * Add one tick. Client rows whose buckets lie outside s->buckets are
 * skipped; client series beyond CMP_MAX_SERIES are skipped and counted in
 * *@dropped. 0 or -ENOMEM / -E2BIG (too many syscall series).
 */
int compare_input_snapshot(struct cmp_set *set, enum cmp_run run, const struct snapshot *s,
			   size_t *dropped);

/* Add one raw sample as an event series. 0, -ENOMEM or -E2BIG. */
int compare_input_client_event(struct cmp_set *set, enum cmp_run run,
			       const struct abi_client_event *ev);

/*
 * Every tick and raw sample of the recording at @path. 0, or a negative
 * errno with one line "PATH: offset N: reason" (or "PATH: reason") in @err.
 */
int compare_input_recording(struct cmp_set *set, enum cmp_run run, const char *path,
			    size_t *dropped, char *err, size_t errlen);

/*
 * Series name of a family row: its key fields but the pid, and but the
 * process where the table has a device: runqueue "nginx", block "sda write".
 */
void compare_input_fam_name(char *buf, size_t len, const struct family_desc *d,
			    const struct snap_fam_row *r);

/* Series name of a client: "127.0.0.2:8080 in", "[::1]:443 out". */
void compare_input_client_name(char *buf, size_t len, const struct abi_client_key *k);

#endif
