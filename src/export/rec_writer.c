/*
 * rec_writer.c - a recording file: header, META, TICK/SAMPLES records, END;
 * with a size cap, a chain of such files (rotation, export/rec_rotate.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/rec_rotate.h"
#include "export/rec_writer.h"

struct rec_writer {
	int fd;				/* -1 between two files of a rotation that failed */
	int dirfd;			/* capped only: the directory, opened once */
	char *path;			/* as given (messages) */
	char *base;			/* its last component (capped only) */
	bool deflate;
	int error;			/* first error; sticky */
	char errmsg[400];		/* "PATH: what: reason" of that error */
	uint64_t max_bytes;		/* 0: no cap */
	uint32_t keep, rotations;
	uint64_t bytes, ticks, samples;		/* this file */
	uint64_t all_bytes, all_ticks, all_samples;	/* every file */
	struct rec_buf head;		/* file header + META: the start of every file */
	struct rec_buf payload, out, end_payload, end;
	/* the last tick as a reader decodes it: the base of the next delta tick */
	struct snapshot prev, next;
	bool have_prev;
	uint32_t since_key;		/* ticks written since the last keyframe */
};

static int fail(struct rec_writer *w, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Remember the first error and its message; returns @ret. */
static int fail(struct rec_writer *w, int ret, const char *fmt, ...)
{
	va_list ap;

	if (!w->error) {
		w->error = ret;
		va_start(ap, fmt);
		vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int write_all(struct rec_writer *w, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		p += k;
		n -= (size_t)k;
		w->bytes += (uint64_t)k;
		w->all_bytes += (uint64_t)k;
	}
	return 0;
}

/*
 * Write a framed record (@rec). A record that could not be written whole (a
 * full filesystem) is cut off again, so that the file ends with its last
 * complete record and replays up to there.
 */
static int write_record(struct rec_writer *w, const struct rec_buf *rec)
{
	uint64_t good = w->bytes;
	int ret = write_all(w, rec->data, rec->len);

	if (ret && ftruncate(w->fd, (off_t)good) == 0) {
		w->all_bytes -= w->bytes - good;
		w->bytes = good;
	}
	if (ret)
		fail(w, ret, "%s: cannot write: %s", w->path, strerror(-ret));
	return ret;
}

/* END with this file's counts (the reader checks them against the file). */
static int write_end(struct rec_writer *w)
{
	int ret;

	w->end_payload.len = 0;
	w->end.len = 0;
	ret = rec_encode_end(&w->end_payload, w->ticks, w->samples) ?:
	      rec_encode_record(&w->end, REC_END, w->end_payload.data, w->end_payload.len, false);
	if (ret)
		return fail(w, ret, "%s: %s", w->path, strerror(-ret));
	return write_record(w, &w->end);
}

/* The next file: FILE finished (END), shifted to FILE.1, a new FILE with the same head. */
static int rotate(struct rec_writer *w)
{
	char why[400];
	int ret;

	ret = write_end(w);
	if (ret)
		return ret;
	if (fsync(w->fd) && errno != EINVAL)
		return fail(w, -errno, "%s: cannot write: %s", w->path, strerror(errno));
	ret = close(w->fd) ? -errno : 0;
	w->fd = -1;
	if (ret)
		return fail(w, ret, "%s: cannot write: %s", w->path, strerror(-ret));
	ret = rec_rotate_shift(w->dirfd, w->path, w->base, w->keep,
			       w->rotations < w->keep ? w->rotations : w->keep, why, sizeof(why));
	if (ret)
		return fail(w, ret, "%s (rotating)", why);
	w->rotations++;
	w->fd = openat(w->dirfd, w->base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		       0600);
	if (w->fd < 0)
		return fail(w, -errno, "%s: cannot start the next file: %s", w->path,
			    strerror(errno));
	w->bytes = w->ticks = w->samples = 0;
	ret = write_all(w, w->head.data, w->head.len);
	if (ret) {
		/* Only a header: nothing to keep, and FILE.1 holds every tick so far. */
		close(w->fd);
		w->fd = -1;
		unlinkat(w->dirfd, w->base, 0);
		w->all_bytes -= w->bytes;
		return fail(w, ret, "%s: cannot start the next file: %s", w->path, strerror(-ret));
	}
	return 0;
}

/*
 * Frame w->payload as a record of @type and write it; first rotate when the
 * file would pass the cap with it and END (a file with no record after its
 * head takes the record anyway: one record larger than the cap is the only
 * way past it).
 */
static bool must_rotate(const struct rec_writer *w)
{
	return w->max_bytes && (w->ticks || w->samples) &&
	       w->bytes + w->out.len + REC_END_MAX_LEN > w->max_bytes;
}

static int put_record(struct rec_writer *w, enum rec_type type)
{
	int ret;

	if (w->error)
		return w->error;
	w->out.len = 0;
	ret = rec_encode_record(&w->out, type, w->payload.data, w->payload.len, w->deflate);
	if (ret)
		return fail(w, ret, "%s: %s", w->path, strerror(-ret));
	if (must_rotate(w)) {
		ret = rotate(w);
		if (ret)
			return ret;
	}
	return write_record(w, &w->out);
}

/* @s into w->out as a keyframe, or as a delta against w->prev. */
static int encode_tick(struct rec_writer *w, const struct snapshot *s, bool key)
{
	int ret;

	w->payload.len = 0;
	w->out.len = 0;
	ret = key ? rec_encode_tick(&w->payload, s) :
		    rec_encode_tick_delta(&w->payload, s, &w->prev);
	ret = ret ?: rec_encode_record_flags(&w->out, REC_TICK,
					     key ? 0 : REC_FLAGS_DELTA_NOW,
					     w->payload.data, w->payload.len, w->deflate);
	return ret ? fail(w, ret, "%s: %s", w->path, strerror(-ret)) : 0;
}

/*
 * Keep the tick just written as a reader will decode it (so that the next
 * delta is against exactly that); if that fails, the next tick is a keyframe.
 */
static void keep_prev(struct rec_writer *w, bool key)
{
	struct snapshot t;
	int ret;

	if (key) {
		ret = rec_decode_tick(w->payload.data, w->payload.len, &w->prev, NULL);
	} else {
		ret = rec_decode_tick_delta(w->payload.data, w->payload.len, &w->prev, &w->next,
					    NULL);
		t = w->prev;
		w->prev = w->next;
		w->next = t;
	}
	w->have_prev = !ret;
	w->since_key = key ? 1 : w->since_key + 1;
}

static void writer_free(struct rec_writer *w)
{
	if (w->dirfd >= 0)
		close(w->dirfd);
	rec_buf_free(&w->head);
	rec_buf_free(&w->payload);
	rec_buf_free(&w->out);
	rec_buf_free(&w->end_payload);
	rec_buf_free(&w->end);
	snapshot_free(&w->prev);
	snapshot_free(&w->next);
	free(w->path);
	free(w->base);
	free(w);
}

/* The directory of @path, opened for *at calls (the names are then looked up there only). */
static int open_dir(struct rec_writer *w, const char *path)
{
	char *copy = strdup(path), *copy2 = strdup(path);
	int ret = 0;

	if (!copy || !copy2) {
		ret = -ENOMEM;
		goto out;
	}
	w->base = strdup(basename(copy));
	if (!w->base) {
		ret = -ENOMEM;
		goto out;
	}
	w->dirfd = open(dirname(copy2), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->dirfd < 0)
		ret = -errno;
out:
	free(copy);
	free(copy2);
	return ret;
}

static int build_head(struct rec_writer *w, const struct rec_meta *meta)
{
	struct rec_meta m = { 0 };
	char num[32];
	int ret = -ENOMEM;

	snprintf(num, sizeof(num), "%d", REC_FORMAT_VERSION);
	if (rec_meta_set(&m, "format", num))
		goto out;
	snprintf(num, sizeof(num), "%d", ABI_HIST_SUB_BITS);
	if (rec_meta_set(&m, "hist_sub_bits", num))
		goto out;
	snprintf(num, sizeof(num), "%d", ABI_HIST_MAX_POW);
	if (rec_meta_set(&m, "hist_max_pow", num))
		goto out;
	snprintf(num, sizeof(num), "%d", ABI_HIST_SLOTS);
	if (rec_meta_set(&m, "hist_slots", num))
		goto out;
	for (size_t i = 0; meta && i < meta->n; i++)
		if (!rec_meta_get(&m, meta->key[i]) && rec_meta_set(&m, meta->key[i], meta->val[i]))
			goto out;
	w->payload.len = 0;
	ret = rec_encode_file_header(&w->head) ?: rec_encode_meta(&w->payload, &m) ?:
	      rec_encode_record(&w->head, REC_META, w->payload.data, w->payload.len, w->deflate);
out:
	rec_meta_free(&m);
	return ret;
}

struct rec_writer *rec_writer_create_capped(const char *path, const struct rec_meta *meta,
					    bool deflate, uint64_t max_bytes, uint32_t keep,
					    char *err, size_t errlen)
{
	struct rec_writer *w = calloc(1, sizeof(*w));
	int ret = -ENOMEM;

	if (!w || !(w->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(w);
		errno = ENOMEM;
		return NULL;
	}
	w->fd = w->dirfd = -1;
	w->deflate = deflate;
	if (max_bytes && (!keep || keep > REC_ROTATE_MAX)) {
		snprintf(err, errlen, "%s: bad rotation (keep %u files)", path, keep);
		ret = -EINVAL;
		goto fail_free;
	}
	w->max_bytes = max_bytes;
	w->keep = keep;
	if (max_bytes) {
		ret = open_dir(w, path);
		if (ret) {
			snprintf(err, errlen, "%s: cannot open its directory: %s", path,
				 strerror(-ret));
			goto fail_free;
		}
		ret = rec_rotate_check(w->dirfd, path, w->base, keep, err, errlen);
		if (ret)
			goto fail_free;
		w->fd = openat(w->dirfd, w->base,
			       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	} else {
		w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (w->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (lattop never overwrites; pick a new name)" :
			 errno == ELOOP ? " (a symlink: lattop does not write through one)" : "");
		goto fail_free;
	}
	ret = build_head(w, meta) ?: write_all(w, w->head.data, w->head.len);
	if (ret) {
		snprintf(err, errlen, "%s: cannot write the header: %s", path, strerror(-ret));
		close(w->fd);
		/* We created it (O_EXCL): nothing of anyone else's is lost. */
		if (w->dirfd >= 0)
			unlinkat(w->dirfd, w->base, 0);
		else
			unlink(path);
		goto fail_free;
	}
	return w;
fail_free:
	writer_free(w);
	errno = -ret;
	return NULL;
}

struct rec_writer *rec_writer_create(const char *path, const struct rec_meta *meta, bool deflate,
				     char *err, size_t errlen)
{
	return rec_writer_create_capped(path, meta, deflate, 0, 0, err, errlen);
}

int rec_writer_tick(struct rec_writer *w, const struct snapshot *s)
{
	bool key;
	int ret;

	if (w->error)
		return w->error;
	/* every file starts with a keyframe: a rotated file stands alone */
	key = !w->have_prev || !w->ticks || w->since_key >= REC_KEYFRAME_TICKS;
	ret = encode_tick(w, s, key);
	if (!ret && must_rotate(w)) {
		ret = rotate(w);
		if (!ret && !key)
			ret = encode_tick(w, s, key = true);
	}
	ret = ret ?: write_record(w, &w->out);
	if (!ret)
		keep_prev(w, key);
	if (!ret) {
		w->ticks++;
		w->all_ticks++;
	}
	return ret;
}

int rec_writer_samples(struct rec_writer *w, const struct abi_client_event *ev, size_t n,
		       int64_t mono_to_real_ns)
{
	int ret;

	if (w->error)
		return w->error;
	if (!n)
		return 0;
	w->payload.len = 0;
	ret = rec_encode_samples(&w->payload, ev, n, mono_to_real_ns);
	if (ret)
		return fail(w, ret, "%s: %s", w->path, strerror(-ret));
	ret = put_record(w, REC_SAMPLES);
	if (!ret) {
		w->samples += n;
		w->all_samples += n;
	}
	return ret;
}

uint64_t rec_writer_bytes(const struct rec_writer *w)
{
	return w->all_bytes;
}

uint64_t rec_writer_ticks(const struct rec_writer *w)
{
	return w->all_ticks;
}

uint32_t rec_writer_rotations(const struct rec_writer *w)
{
	return w->rotations;
}

int rec_writer_finish(struct rec_writer *w, char *err, size_t errlen)
{
	int ret;

	if (!w)
		return 0;
	ret = w->error;
	if (!ret && w->fd >= 0)
		ret = write_end(w);
	if (w->fd >= 0) {
		if (fsync(w->fd) && !ret && errno != EINVAL)
			ret = fail(w, -errno, "%s: cannot write: %s", w->path, strerror(errno));
		if (close(w->fd) && !ret)
			ret = fail(w, -errno, "%s: cannot write: %s", w->path, strerror(errno));
	}
	if (ret && err)
		snprintf(err, errlen, "%s", w->errmsg[0] ? w->errmsg : strerror(-ret));
	writer_free(w);
	return ret;
}

int rec_writer_close(struct rec_writer *w)
{
	return rec_writer_finish(w, NULL, 0);
}
