/* batch_cgroups.c - the CGROUP column and the per-cgroup block of batch text. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup_view.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/batch_cgroups.h"
#include "export/fmt_duration.h"

bool batch_cgroups_on(const struct snapshot *s)
{
	return s->cgroups_state != SNAP_CGROUPS_OFF;
}

const char *batch_cgroup_cell(const struct snapshot *s, uint64_t id, char *buf, size_t len)
{
	const struct snap_cgroup *cg = id ? snapshot_cgroup(s, id) : NULL;
	size_t cut = len < BATCH_CGROUP_WIDTH + 1 ? len : BATCH_CGROUP_WIDTH + 1;

	if (!cg || !cg->name[0]) {
		snprintf(buf, len, "-");
		return buf;
	}
	/* untrusted: sanitised (no control or bidi bytes), then cut to the column */
	sanitize_text(buf, cut, cg->name, strnlen(cg->name, sizeof(cg->name)));
	return buf;
}

int batch_cgroups_write(FILE *out, const struct snapshot *s, const struct batch_text_opts *o)
{
	struct cgroup_sum *sums = NULL;
	size_t n = 0, cap = 0, shown;
	int ret;

	if (!batch_cgroups_on(s))
		return 0;
	if (s->cgroups_note[0]) {
		char note[SNAP_NOTE_LEN];

		sanitize_text(note, sizeof(note), s->cgroups_note,
			      strnlen(s->cgroups_note, sizeof(s->cgroups_note)));
		fprintf(out, "  cgroups: %s\n", note);
	}
	ret = cgroup_view_build(s, o->filter, o->cumulative, &sums, &n, &cap);
	if (ret || !n)
		goto out;
	fprintf(out, "\n  %-*s %5s %9s %8s %9s %-16s %7s\n", BATCH_CGROUP_WIDTH, "CGROUP", "PROCS",
		"CALLS", "ERRORS", "WORST P99", "SLOWEST", "REQS");
	shown = n < BATCH_CGROUPS_TOP_N ? n : BATCH_CGROUPS_TOP_N;
	for (size_t i = 0; i < shown; i++) {
		const struct cgroup_sum *c = &sums[i];
		char name[BATCH_CGROUP_WIDTH * 4 + 1], p99[FMT_DURATION_LEN] = "-", slow[40] = "-";

		batch_cgroup_cell(s, c->id, name, sizeof(name));
		if (c->worst_p99_ns) {
			fmt_duration_ns(p99, sizeof(p99), c->worst_p99_ns);
			syscall_name_or_nr(c->slowest_nr, slow, sizeof(slow));
		}
		fprintf(out, "  %-*s %5u %9" PRIu64 " %8" PRIu64 " %9s %-16s %7" PRIu64 "\n",
			BATCH_CGROUP_WIDTH, name, c->n_procs, c->calls, c->errors, p99, slow,
			c->requests);
	}
	if (n > shown)
		fprintf(out, "  ... %zu more cgroups\n", n - shown);
out:
	free(sums);
	return ret;
}
