/* blkdev.c - device names and schedulers from sysfs text; a small cache by dev_t. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/blkdev.h"

/* Start of the line after the one at @p, or @end. */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

int blkdev_uevent_name(const char *text, size_t len, char *name, size_t namelen)
{
	static const char tag[] = "DEVNAME=";
	const size_t tag_len = sizeof(tag) - 1;
	const char *p = text, *end = text + len;

	if (namelen)
		name[0] = '\0';
	while (p < end) {
		const char *eol = line_end(p, end);
		size_t n = (size_t)(eol - p);

		if (n > tag_len && !memcmp(p, tag, tag_len)) {
			n -= tag_len;
			if (memchr(p + tag_len, '\0', n) || n + 1 > namelen)
				return -ENAMETOOLONG;
			memcpy(name, p + tag_len, n);
			name[n] = '\0';
			return 0;
		}
		p = eol + 1;
	}
	return -ENOENT;
}

static int copy_word(const char *p, size_t n, char *name, size_t namelen)
{
	if (!n || n + 1 > namelen)
		return -ENOENT;
	memcpy(name, p, n);
	name[n] = '\0';
	return 0;
}

int blkdev_scheduler_parse(const char *text, size_t len, char *name, size_t namelen)
{
	const char *end = text + len, *open, *close;

	if (namelen)
		name[0] = '\0';
	end = line_end(text, end);
	open = memchr(text, '[', (size_t)(end - text));
	if (open) {
		close = memchr(open, ']', (size_t)(end - open));
		if (!close)
			return -ENOENT;
		return copy_word(open + 1, (size_t)(close - open - 1), name, namelen);
	}
	/* One word alone: a queue that offers no choice ("none"). */
	while (text < end && (*text == ' ' || *text == '\t'))
		text++;
	while (end > text && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	if (memchr(text, ' ', (size_t)(end - text)))
		return -ENOENT;
	return copy_word(text, (size_t)(end - text), name, namelen);
}

struct blkdev_entry *blkdev_cache_find(struct blkdev_cache *c, uint32_t dev)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].dev == dev)
			return &c->e[i];
	return NULL;
}

struct blkdev_entry *blkdev_cache_put(struct blkdev_cache *c, uint32_t dev, uint64_t tick)
{
	struct blkdev_entry *e = blkdev_cache_find(c, dev);

	if (!e && c->n < BLKDEV_CACHE_MAX)
		e = &c->e[c->n++];
	if (!e) {
		e = &c->e[0];
		for (size_t i = 1; i < c->n; i++)
			if (c->e[i].used_tick < e->used_tick)
				e = &c->e[i];
	}
	memset(e, 0, sizeof(*e));
	e->dev = dev;
	e->used_tick = tick;
	return e;
}

const char *blkdev_note_no_scheduler(const char *const *names, size_t n, char *buf, size_t len)
{
	static const char head[] = "no I/O scheduler on ";
	static const char tail[] = ": issued without insert, queue time 0";
	static const char more[] = ", ...";
	size_t used;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!n || len < sizeof(head) + sizeof(tail) + sizeof(more))
		return buf;
	used = (size_t)snprintf(buf, len, "%s", head);
	for (size_t i = 0; i < n; i++) {
		const char *sep = i ? ", " : "";
		size_t want = strlen(sep) + strlen(names[i]);
		/* Room for this name, and still for ", ..." and the tail after it. */
		size_t room = len - used - (sizeof(more) - 1) - (sizeof(tail) - 1) - 1;

		if (i + 1 == n)
			room += sizeof(more) - 1;
		if (want > room) {
			used += (size_t)snprintf(buf + used, len - used, "%s", i ? more : "...");
			break;
		}
		used += (size_t)snprintf(buf + used, len - used, "%s%s", sep, names[i]);
	}
	snprintf(buf + used, len - used, "%s", tail);
	return buf;
}
