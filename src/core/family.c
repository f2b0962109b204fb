/* family.c - the descriptors of the families on struct snap_table. */
#include <stdio.h>
#include <string.h>

#include "core/family.h"
#include "core/sanitize.h"

static const struct family_desc families[SNAP_FAM_NR] = {
	[SNAP_FAM_RUNQ] = {
		.name = "runqueue",
		.term = "runq",
		.title = "run-queue latency",
		.what = "runnable (woken or preempted) -> running",
		.n_fields = 3,
		.fields = { FAM_F_PID, FAM_F_COMM, FAM_F_CPU },
		.n_parts = 0,
	},
	[SNAP_FAM_BLOCK] = {
		.name = "block",
		.term = "block",
		.title = "block I/O latency",
		.what = "request insert (or issue) -> complete",
		.n_fields = 4,
		.fields = { FAM_F_DEV, FAM_F_PID, FAM_F_COMM, FAM_F_OP },
		.n_parts = 2,
		.part_names = { "queue", "device" },
	},
	[SNAP_FAM_FUNC] = {
		.name = "functions",
		.term = "fn",
		.title = "function latency",
		.what = "function entry -> return (uprobe); USDT start -> end",
		.n_fields = 4,
		.fields = { FAM_F_PID, FAM_F_COMM, FAM_F_FUNC, FAM_F_BINARY },
		.n_parts = 0,
		.has_detail = true,
	},
};

static const char *const field_names[FAM_F_NR] = { "pid", "comm", "cpu", "dev", "op",
						     "function", "binary" };
static const char *const op_names[ABI_BLOCK_OPS] = { "read", "write", "flush", "discard",
						     "other" };
static const char *const part_names[ABI_PARTS] = { "oncpu", "runq", "io", "blocked" };

const struct family_desc *family_get(enum snap_family f)
{
	return (unsigned int)f < SNAP_FAM_NR ? &families[f] : NULL;
}

const struct family_desc *family_find(const char *word, enum snap_family *out)
{
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		if (strcmp(word, families[f].name) && strcmp(word, families[f].term))
			continue;
		if (out)
			*out = (enum snap_family)f;
		return &families[f];
	}
	return NULL;
}

const char *family_field_name(enum fam_field f)
{
	return (unsigned int)f < FAM_F_NR ? field_names[f] : "?";
}

const char *family_block_op_name(uint32_t op)
{
	return op < ABI_BLOCK_OPS ? op_names[op] : "other";
}

int family_block_op_parse(const char *name)
{
	for (int i = 0; i < ABI_BLOCK_OPS; i++)
		if (!strcmp(name, op_names[i]))
			return i;
	return -1;
}

const char *family_part_name(unsigned int part)
{
	return part < ABI_PARTS ? part_names[part] : "?";
}

const char *family_field_fmt(const struct snap_fam_row *r, enum fam_field f, char *buf,
			     size_t len)
{
	if (!len)
		return buf;
	switch (f) {
	case FAM_F_PID:
		snprintf(buf, len, "%u", r->key.tgid);
		break;
	case FAM_F_COMM:
		sanitize_text(buf, len, r->key.comm, strnlen(r->key.comm, ABI_COMM_LEN));
		break;
	case FAM_F_CPU:
		if (r->key.a == ABI_FAM_ANY)
			snprintf(buf, len, "all");
		else
			snprintf(buf, len, "%u", r->key.a);
		break;
	case FAM_F_DEV:
		if (r->label[0])
			sanitize_text(buf, len, r->label, strnlen(r->label, SNAP_LABEL_LEN));
		else	/* the kernel's dev_t: major << 20 | minor */
			snprintf(buf, len, "%u:%u", r->key.a >> 20, r->key.a & 0xfffff);
		break;
	case FAM_F_OP:
		snprintf(buf, len, "%s", family_block_op_name(r->key.b));
		break;
	case FAM_F_FUNC:
		sanitize_text(buf, len, r->label, strnlen(r->label, SNAP_LABEL_LEN));
		break;
	case FAM_F_BINARY:
		sanitize_text(buf, len, r->detail, strnlen(r->detail, SNAP_LABEL_LEN));
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}
