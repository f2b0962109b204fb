/*
 * family.h - what the families after syscalls and clients are called and
 * how their rows' key fields and parts are named: the one place a new
 * family is described for batch text, JSON, recordings, compare, assert
 * and the UI, which walk snapshot tables (struct snap_table), not families.
 */
#ifndef LATTOP_CORE_FAMILY_H
#define LATTOP_CORE_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/snapshot.h"

/* A key field of a family row, in the order outputs show them. */
enum fam_field {
	FAM_F_PID = 0,	/* key.tgid */
	FAM_F_COMM,	/* key.comm (sanitised when formatted) */
	FAM_F_CPU,	/* key.a, "all" for ABI_FAM_ANY */
	FAM_F_DEV,	/* label (device name), key.a as MAJ:MIN when there is none */
	FAM_F_OP,	/* key.b as enum abi_block_op: read, write, flush, discard, other */
	FAM_F_FUNC,	/* label: the function, or the USDT probe ("provider:probe") */
	FAM_F_BINARY,	/* detail: the binary's path */
	FAM_F_NR
};

#define FAM_MAX_FIELDS 4

struct family_desc {
	const char *name;	/* JSON array, recording, compare series: "runqueue", "block" */
	const char *term;	/* run --assert / filter word: "runq", "block" */
	const char *title;	/* "run-queue latency" */
	const char *what;	/* the measured interval, one line: "runnable -> running" */
	unsigned int n_fields;
	enum fam_field fields[FAM_MAX_FIELDS];
	unsigned int n_parts;	/* parts carried in part[] (<= SNAP_FAM_PARTS) */
	bool has_detail;	/* rows carry detail[] (recorded after the label) */
	const char *part_names[SNAP_FAM_PARTS];	/* "queue", "device" */
};

const struct family_desc *family_get(enum snap_family f);

/* The family whose name or term is @word, or NULL. */
const struct family_desc *family_find(const char *word, enum snap_family *out);

/* Name of field @f ("pid", "comm", "cpu", "dev", "op"). */
const char *family_field_name(enum fam_field f);

/*
 * Field @f of @r as text in @buf (comm and label sanitised for a terminal
 * or a file). Returns @buf.
 */
const char *family_field_fmt(const struct snap_fam_row *r, enum fam_field f, char *buf,
			     size_t len);

/* "read", "write", "flush", "discard", "other". */
const char *family_block_op_name(uint32_t op);

/* enum abi_block_op of @name, or -1. */
int family_block_op_parse(const char *name);

/* Name of a breakdown part (enum abi_part): "oncpu", "runq", "io", "blocked". */
const char *family_part_name(unsigned int part);

#endif
