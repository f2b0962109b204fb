/*
 * batch_cgroups.h - cgroups in batch text: the CGROUP cell of the per-row
 * tables (shown when the snapshot's cgroups_state is not OFF) and the
 * per-cgroup summary block (core/cgroup_view.h), busiest first.
 */
#ifndef LATTOP_EXPORT_BATCH_CGROUPS_H
#define LATTOP_EXPORT_BATCH_CGROUPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/snapshot.h"
#include "export/batch_text.h"

#define BATCH_CGROUP_WIDTH 20	/* the CGROUP column; longer names are cut */
#define BATCH_CGROUPS_TOP_N 10	/* cgroups in the summary block */

/* Does @s carry cgroups (a CGROUP column and a summary block)? */
bool batch_cgroups_on(const struct snapshot *s);

/*
 * The CGROUP cell of a row with cgroup @id: its name, sanitised and cut to
 * BATCH_CGROUP_WIDTH; "-" for id 0 or an id @s does not name. Returns @buf.
 */
const char *batch_cgroup_cell(const struct snapshot *s, uint64_t id, char *buf, size_t len);

/* The summary block (nothing when cgroups are OFF). 0, -ENOMEM. */
int batch_cgroups_write(FILE *out, const struct snapshot *s, const struct batch_text_opts *o);

#endif
