/* rec_writer.c - a recording file: header, META, TICK/SAMPLES records, END. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/rec_writer.h"

struct rec_writer {
	int fd;
	bool deflate;
	int error;			/* first write error; sticky */
	uint64_t bytes, ticks, samples;
	struct rec_buf payload, out;
};

static int write_all(struct rec_writer *w, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(w->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return w->error = -errno;
		p += k;
		n -= (size_t)k;
		w->bytes += (uint64_t)k;
	}
	return 0;
}

/*
 * Frame w->payload as a record of @type and write it. A record that could
 * not be written whole (a full filesystem) is cut off again, so that the
 * file ends with its last complete record and replays up to there.
 */
static int put_record(struct rec_writer *w, enum rec_type type)
{
	uint64_t good = w->bytes;
	int ret;

	w->out.len = 0;
	ret = rec_encode_record(&w->out, type, w->payload.data, w->payload.len, w->deflate);
	if (ret)
		return ret;
	ret = write_all(w, w->out.data, w->out.len);
	if (ret && ftruncate(w->fd, (off_t)good) == 0)
		w->bytes = good;
	return ret;
}

struct rec_writer *rec_writer_create(const char *path, const struct rec_meta *meta, bool deflate,
				     char *err, size_t errlen)
{
	struct rec_writer *w = calloc(1, sizeof(*w));
	struct rec_meta m = { 0 };
	char num[32];
	int ret = -ENOMEM;

	if (!w) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	w->deflate = deflate;
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (lattop never overwrites; pick a new name)" :
			 errno == ELOOP ? " (a symlink: lattop does not write through one)" : "");
		free(w);
		errno = -ret;
		return NULL;
	}
	snprintf(num, sizeof(num), "%d", REC_FORMAT_VERSION);
	if (rec_meta_set(&m, "format", num))
		goto fail;
	snprintf(num, sizeof(num), "%d", ABI_HIST_SUB_BITS);
	if (rec_meta_set(&m, "hist_sub_bits", num))
		goto fail;
	snprintf(num, sizeof(num), "%d", ABI_HIST_MAX_POW);
	if (rec_meta_set(&m, "hist_max_pow", num))
		goto fail;
	snprintf(num, sizeof(num), "%d", ABI_HIST_SLOTS);
	if (rec_meta_set(&m, "hist_slots", num))
		goto fail;
	for (size_t i = 0; meta && i < meta->n; i++)
		if (!rec_meta_get(&m, meta->key[i]) && rec_meta_set(&m, meta->key[i], meta->val[i]))
			goto fail;
	ret = rec_encode_file_header(&w->out) ?: write_all(w, w->out.data, w->out.len) ?:
	      rec_encode_meta(&w->payload, &m) ?: put_record(w, REC_META);
	if (ret)
		goto fail;
	rec_meta_free(&m);
	return w;
fail:
	snprintf(err, errlen, "%s: cannot write the header: %s", path, strerror(-ret));
	rec_meta_free(&m);
	close(w->fd);
	unlink(path);	/* we created it (O_EXCL): nothing of anyone else's is lost */
	rec_buf_free(&w->payload);
	rec_buf_free(&w->out);
	free(w);
	errno = -ret;
	return NULL;
}

int rec_writer_tick(struct rec_writer *w, const struct snapshot *s)
{
	int ret;

	if (w->error)
		return w->error;
	w->payload.len = 0;
	ret = rec_encode_tick(&w->payload, s) ?: put_record(w, REC_TICK);
	if (!ret)
		w->ticks++;
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
	ret = rec_encode_samples(&w->payload, ev, n, mono_to_real_ns) ?:
	      put_record(w, REC_SAMPLES);
	if (!ret)
		w->samples += n;
	return ret;
}

uint64_t rec_writer_bytes(const struct rec_writer *w)
{
	return w->bytes;
}

uint64_t rec_writer_ticks(const struct rec_writer *w)
{
	return w->ticks;
}

int rec_writer_close(struct rec_writer *w)
{
	int ret;

	if (!w)
		return 0;
	ret = w->error;
	if (!ret) {
		w->payload.len = 0;
		ret = rec_encode_end(&w->payload, w->ticks, w->samples) ?: put_record(w, REC_END);
	}
	if (fsync(w->fd) && !ret && errno != EINVAL)
		ret = -errno;
	if (close(w->fd) && !ret)
		ret = -errno;
	rec_buf_free(&w->payload);
	rec_buf_free(&w->out);
	free(w);
	return ret;
}
