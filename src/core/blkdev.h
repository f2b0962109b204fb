/*
 * blkdev.h - block device names and I/O schedulers for the block family's
 * rows: parsers of sysfs text (/sys/dev/block/MAJ:MIN/uevent and
 * .../queue/scheduler) and a small bounded cache by dev_t. Pure: the
 * caller (collect/fam_block.c) reads the files.
 */
#ifndef LATTOP_CORE_BLKDEV_H
#define LATTOP_CORE_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's internal dev_t (MINORBITS 20), as the block family's key carries it. */
#define BLKDEV_MINOR_BITS 20
#define BLKDEV_NAME_LEN 16	/* <= SNAP_LABEL_LEN: longer names stay MAJ:MIN */
#define BLKDEV_CACHE_MAX 64

static inline uint32_t blkdev_major(uint32_t dev) { return dev >> BLKDEV_MINOR_BITS; }
static inline uint32_t blkdev_minor(uint32_t dev) { return dev & ((1u << BLKDEV_MINOR_BITS) - 1); }

/*
 * DEVNAME of a uevent file's @len bytes of @text into @name (NUL-ended).
 * 0; -ENOENT without a DEVNAME line; -ENAMETOOLONG when it does not fit
 * @namelen (then @name is "").
 */
int blkdev_uevent_name(const char *text, size_t len, char *name, size_t namelen);

/*
 * The active scheduler of a queue/scheduler file ("[none] mq-deadline" ->
 * "none"; a single word without brackets is the active one). 0 or -ENOENT.
 */
int blkdev_scheduler_parse(const char *text, size_t len, char *name, size_t namelen);

/* What is known of one device. */
struct blkdev_entry {
	uint32_t dev;
	bool named;			/* name read (it may be "" when it had none) */
	bool no_scheduler;		/* scheduler "none": requests issued without an insert */
	uint64_t used_tick;		/* for replacement when the cache is full */
	char name[BLKDEV_NAME_LEN];	/* untrusted bytes from sysfs */
};

struct blkdev_cache {
	size_t n;
	struct blkdev_entry e[BLKDEV_CACHE_MAX];
};

/* The entry of @dev, or NULL (a miss: the caller reads sysfs and calls blkdev_cache_put). */
struct blkdev_entry *blkdev_cache_find(struct blkdev_cache *c, uint32_t dev);

/* The entry of @dev, new or replacing the least recently used one when full. Never NULL. */
struct blkdev_entry *blkdev_cache_put(struct blkdev_cache *c, uint32_t dev, uint64_t tick);

/*
 * The table note for @n names of devices without an I/O scheduler:
 * "no I/O scheduler on loop0, vda: issued without insert, queue time 0",
 * shortened with "..." to fit @len; "" when @n is 0. Names are copied as
 * given (the caller sanitises). Returns @buf.
 */
const char *blkdev_note_no_scheduler(const char *const *names, size_t n, char *buf, size_t len);

#endif
