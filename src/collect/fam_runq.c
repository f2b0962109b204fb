/* fam_runq.c - placeholder until the runq family lands: always off, saying so. */
#include <errno.h>
#include <stdio.h>

#include "collect/families.h"

static int stub_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	(void)ctx;
	(void)o;
	snprintf(note, notelen, "runq: not built yet");
	return -ENOSYS;
}

static void stub_off(struct snapshot *out, const char *note)
{
	out->fam[SNAP_FAM_RUNQ].state = SNAP_FAM_OFF;
	snprintf(out->fam[SNAP_FAM_RUNQ].note, sizeof(out->fam[SNAP_FAM_RUNQ].note), "%s", note);
}

const struct probe_family probe_family_runq = {
	.name = "runq",
	.cost = SNAP_PROBE_RUNQ,
	.off_option = "--no-runq",
	.off = stub_off,
	.open = stub_open,
};
