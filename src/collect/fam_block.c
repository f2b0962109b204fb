/*
 * fam_block.c - the block I/O latency family: bpf/block.bpf.c loaded by
 * probe_load, its rows read by fam_table, device names and schedulers
 * from sysfs. Open/close: main thread; tick, features, run_time:
 * collector thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "collect/bpf_stats.h"
#include "collect/fam_table.h"
#include "collect/families.h"
#include "core/blkdev.h"
/* The generated skeleton casts away const; that is bpftool's business. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "block.skel.h"
#pragma GCC diagnostic pop

PROBE_SKEL_OPS(block);

#define SYSFS_READ_MAX 512
/* A device's scheduler is read again after this many ticks (it can be switched at run time). */
#define SCHED_REFRESH_TICKS 5

struct fam_block {
	const struct bpf_source_opts *o;
	struct probe_load_req req;
	struct block_bpf *skel;
	enum probe_flavour flavour;
	struct fam_table *table;
	struct blkdev_cache devs;
	uint64_t tick;
	char features[96];
};

static int block_configure(void *skel_v, enum probe_flavour f, void *ctx)
{
	struct block_bpf *skel = skel_v;
	const struct bpf_source_opts *o = ((struct fam_block *)ctx)->o;
	uint32_t flags = 0;

	(void)f;
	flags |= probe_set_prefilter(skel->rodata->cfg_pids, skel->rodata->cfg_comm, o->pids,
				     o->n_pids, o->comm, ABI_CFG_FILTER_PID, ABI_CFG_FILTER_COMM);
	probe_set_cgroups(&skel->rodata->cfg_cgroup_ids, &skel->rodata->cfg_cgroup_filtering,
			  skel->rodata->cfg_cgroup_filter, o->cgroup_ids, o->cgroup_filter,
			  o->n_cgroup_filter);
	skel->rodata->cfg_flags = flags;
	/* block_io_start (Linux 6.5+) names the submitter of every bio-based request. */
	if (libbpf_find_vmlinux_btf_id("block_io_start", BPF_TRACE_RAW_TP) < 0) {
		bpf_program__set_autoload(skel->progs.btf_io_start, false);
		bpf_program__set_autoload(skel->progs.raw_io_start, false);
	}
	if (o->max_fam_keys)
		return bpf_map__set_max_entries(skel->maps.rows, o->max_fam_keys);
	return 0;
}

/* @path's first bytes, NUL-ended, into @buf. Length or -errno. Never follows a FIFO's open. */
static ssize_t sysfs_read(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* Name and scheduler of @e->dev from /sys/dev/block/MAJ:MIN. */
static void dev_read_name(struct blkdev_entry *e)
{
	char path[96], text[SYSFS_READ_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", blkdev_major(e->dev),
		 blkdev_minor(e->dev));
	n = sysfs_read(path, text, sizeof(text));
	if (n <= 0 || blkdev_uevent_name(text, (size_t)n, e->name, sizeof(e->name)))
		e->name[0] = '\0';	/* shown as MAJ:MIN */
	e->named = true;
}

static void dev_read_scheduler(struct blkdev_entry *e)
{
	char path[96], text[SYSFS_READ_MAX], sched[32];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/scheduler", blkdev_major(e->dev),
		 blkdev_minor(e->dev));
	n = sysfs_read(path, text, sizeof(text));
	e->no_scheduler = n > 0 && !blkdev_scheduler_parse(text, (size_t)n, sched, sizeof(sched)) &&
			  !strcmp(sched, "none");
}

/* The cached entry of @dev, read from sysfs on a miss; the scheduler every few ticks. */
static struct blkdev_entry *dev_lookup(struct fam_block *b, uint32_t dev)
{
	struct blkdev_entry *e = blkdev_cache_find(&b->devs, dev);

	if (!e) {
		e = blkdev_cache_put(&b->devs, dev, b->tick);
		dev_read_name(e);
		dev_read_scheduler(e);
	} else if (e->used_tick + SCHED_REFRESH_TICKS <= b->tick) {
		dev_read_scheduler(e);
		e->used_tick = b->tick;
	}
	return e;
}

/*
 * Labels for this tick's rows, and the note naming the devices with rows
 * this tick whose requests are issued without an insert (no scheduler).
 */
static void label_rows(struct fam_block *b, struct snap_table *t)
{
	char names[8][BLKDEV_NAME_LEN];
	const char *none[8];
	size_t n_none = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct snap_fam_row *r = &t->rows[i];
		struct blkdev_entry *e = dev_lookup(b, r->key.a);
		char shown[BLKDEV_NAME_LEN];
		bool listed = false;

		_Static_assert(sizeof(r->label) >= sizeof(e->name), "label holds a device name");
		memcpy(r->label, e->name, sizeof(e->name));
		if (!e->no_scheduler || !r->interval.count || n_none == 8)
			continue;
		if (e->name[0])
			memcpy(shown, e->name, sizeof(shown));
		else
			snprintf(shown, sizeof(shown), "%u:%u", blkdev_major(e->dev),
				 blkdev_minor(e->dev));
		for (size_t k = 0; k < n_none && !listed; k++)
			listed = !strcmp(names[k], shown);
		if (listed)
			continue;
		memcpy(names[n_none], shown, sizeof(shown));
		none[n_none] = names[n_none];
		n_none++;
	}
	/* Names come from sysfs; they are sanitised where the note is shown or written. */
	blkdev_note_no_scheduler(none, n_none, t->note, sizeof(t->note));
}

static void block_close(void *ctx)
{
	struct fam_block *b = ctx;

	if (!b)
		return;
	fam_table_free(b->table);
	if (b->skel)
		b->req.skel->destroy(b->skel);
	free(b);
}

static int block_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	struct fam_block *b;
	void *skel = NULL;
	int err;

	*ctx = NULL;
	if (!probe_kernel_has_tracepoint("block_rq_issue") ||
	    !probe_kernel_has_tracepoint("block_rq_complete")) {
		snprintf(note, notelen, "block unavailable: the kernel has no block_rq_* tracepoints");
		return -ENOENT;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->o = o;
	b->req = (struct probe_load_req){
		.skel = &block_skel_ops,
		.flavours = PROBE_FLAVOUR_BIT(PROBE_TP_BTF) | PROBE_FLAVOUR_BIT(PROBE_RAW_TP),
		.what = "the block I/O programs",
		.configure = block_configure,
		.ctx = b,
	};
	err = probe_load(&b->req, &skel, &b->flavour, note, notelen);
	if (err) {
		free(b);
		return err;
	}
	b->skel = skel;
	b->table = fam_table_new(SNAP_FAM_BLOCK, 2, bpf_map__fd(b->skel->maps.rows),
				 bpf_map__fd(b->skel->maps.counters),
				 bpf_map__max_entries(b->skel->maps.rows));
	if (!b->table) {
		err = -errno;
		snprintf(note, notelen, "block unavailable: cannot set up its table: %s", strerror(-err));
		block_close(b);
		return err;
	}
	snprintf(b->features, sizeof(b->features), "block %s, %u rows, %u in flight",
		 probe_flavour_name(b->flavour), bpf_map__max_entries(b->skel->maps.rows),
		 bpf_map__max_entries(b->skel->maps.inflight));
	*ctx = b;
	return 0;
}

static int block_tick(void *ctx, struct snapshot *out)
{
	struct fam_block *b = ctx;
	int err;

	b->tick++;
	err = fam_table_tick(b->table, out);
	if (err)
		return err;
	label_rows(b, &out->fam[SNAP_FAM_BLOCK]);
	return 0;
}

static const char *block_features(void *ctx)
{
	return ((struct fam_block *)ctx)->features;
}

static void block_run_time(void *ctx, uint64_t *run_ns, uint64_t *run_cnt)
{
	struct fam_block *b = ctx;

	bpf_stats_sum(b->skel ? b->skel->obj : NULL, run_ns, run_cnt);
}

static bool block_wanted(const struct bpf_source_opts *o)
{
	return o->block;
}

static void block_off(struct snapshot *out, const char *note)
{
	out->fam[SNAP_FAM_BLOCK].state = SNAP_FAM_OFF;
	snprintf(out->fam[SNAP_FAM_BLOCK].note, sizeof(out->fam[SNAP_FAM_BLOCK].note), "%s", note);
}

static void block_cgroup_gone(void *ctx, uint64_t cgid)
{
	fam_table_cgroup_gone(((struct fam_block *)ctx)->table, cgid);
}

const struct probe_family probe_family_block = {
	.name = "block",
	.cost = SNAP_PROBE_BLOCK,
	.off_option = "--no-block",
	.wanted = block_wanted,
	.off = block_off,
	.open = block_open,
	.tick = block_tick,
	.features = block_features,
	.run_time = block_run_time,
	.cgroup_gone = block_cgroup_gone,
	.close = block_close,
};
