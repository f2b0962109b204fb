/*
 * host_features.h - what this host can trace, and why not: the model of
 * `lattop --features` (probed by collect/features.c, written by
 * export/features_fmt.c). Pure data: no probing here.
 */
#ifndef LATTOP_CORE_HOST_FEATURES_H
#define LATTOP_CORE_HOST_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

/* Groups in the order they are shown; the names are JSON keys. */
enum hf_group { HF_FAMILY = 0, HF_ATTACH, HF_KERNEL, HF_PRIV, HF_GROUP_NR };

#define HF_MAX_ITEMS 32
#define HF_NAME_LEN 24
#define HF_TEXT_LEN 256
#define HF_PATH_LEN 128

struct hf_item {
	enum hf_group group;
	char name[HF_NAME_LEN];		/* "syscalls", "tp_btf", "cgroup_v2", "cap_bpf" */
	bool ok;
	bool required;			/* lattop cannot trace without it */
	char detail[HF_TEXT_LEN];	/* ok: what is used ("tp_btf, 4096 keys"); may be "" */
	char reason[HF_TEXT_LEN];	/* not ok: why, and what to do */
	char path[HF_PATH_LEN];		/* where, when it is a place (cgroup v2, tracefs); may be "" */
};

struct hf_report {
	char version[32];
	char host[72];
	char kernel[72];
	size_t n;
	struct hf_item item[HF_MAX_ITEMS];
};

/* "families", "attach", "kernel", "privileges". */
const char *hf_group_name(enum hf_group g);

/*
 * Add an item: @ok with @text as its detail, or not with @text as its
 * reason (printf format). NULL when the report is full (the item is lost;
 * the table above is sized for every probe).
 */
struct hf_item *hf_add(struct hf_report *r, enum hf_group g, const char *name, bool ok,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The item @name of group @g, or NULL. */
const struct hf_item *hf_find(const struct hf_report *r, enum hf_group g, const char *name);

/* Does every required item work (then lattop can trace: exit 0)? */
bool hf_ready(const struct hf_report *r);

#endif
