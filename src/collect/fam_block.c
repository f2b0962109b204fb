/* fam_block.c - placeholder until the block family lands: always off, saying so. */
#include <errno.h>
#include <stdio.h>

#include "collect/families.h"

static int stub_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	(void)ctx;
	(void)o;
	snprintf(note, notelen, "block: not built yet");
	return -ENOSYS;
}

static void stub_off(struct snapshot *out, const char *note)
{
	out->fam[SNAP_FAM_BLOCK].state = SNAP_FAM_OFF;
	snprintf(out->fam[SNAP_FAM_BLOCK].note, sizeof(out->fam[SNAP_FAM_BLOCK].note), "%s", note);
}

const struct probe_family probe_family_block = {
	.name = "block",
	.cost = SNAP_PROBE_BLOCK,
	.off_option = "--no-block",
	.off = stub_off,
	.open = stub_open,
};
