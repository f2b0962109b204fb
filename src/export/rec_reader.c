/*
 * rec_reader.c - reading a recording with pread: one cursor for ticks, one
 * for samples, each record read whole, CRC-checked and decoded by
 * core/rec_format. Messages are "FILE: offset N: reason".
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rec_format.h"
#include "export/rec_reader.h"

struct rec_reader {
	int fd;
	char *path;
	uint64_t size;
	struct rec_meta meta;
	uint64_t first_off;		/* after the META record */
	uint64_t tick_off, ticks;	/* tick cursor and ticks before it */
	uint64_t sample_off, samples;	/* sample cursor (records) and samples returned */
	struct abi_client_event *ev;	/* the current samples batch */
	size_t ev_cap, ev_n, ev_next;
	int64_t mono_to_real_ns;
	struct rec_buf rec, scratch;
	bool allow_cut;			/* a file cut short ends at its last complete record */
	bool past_eof;			/* the last read_record ran past the end of the file */
	uint64_t cut_at;		/* where a cut file ends; 0: not cut (or not yet seen) */
	/* format 4: the last tick decoded (the base of a delta tick read next) */
	struct snapshot prev, tmp;
	bool have_prev;
	uint64_t prev_next_off;		/* tick_off right after prev: the base is valid from there */
	struct key_pos { uint64_t off, before; } *keys;	/* keyframes met, in file order */
	size_t n_keys, cap_keys;
};

static int say(const struct rec_reader *r, char *err, size_t errlen, const struct rec_error *e)
{
	snprintf(err, errlen, "%s: offset %llu: %s", r->path, (unsigned long long)e->offset,
		 e->msg);
	return e->code ? e->code : -EINVAL;
}

/* Read @n bytes at @off into r->rec; fewer at the end of the file. -errno or the count. */
static ssize_t read_at(struct rec_reader *r, uint64_t off, size_t n)
{
	size_t got = 0;

	r->rec.len = 0;
	if (rec_buf_reserve(&r->rec, n ? n : 1))
		return -ENOMEM;
	while (got < n) {
		ssize_t k = pread(r->fd, r->rec.data + got, n - got, (off_t)(off + got));

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	r->rec.len = got;
	return (ssize_t)got;
}

/*
 * The record at @off: 1 with *@h, *@payload, *@len; 0 at the end of the
 * file (no record, no END seen); negative errno with the reason in @e.
 */
static int read_record(struct rec_reader *r, uint64_t off, struct rec_hdr *h,
		       const uint8_t **payload, size_t *len, struct rec_error *e)
{
	ssize_t got;
	int ret;

	if (off >= r->size)
		return 0;
	got = read_at(r, off, REC_HDR_LEN);
	if (got < 0)
		goto io;
	r->past_eof = (size_t)got < REC_HDR_LEN;
	ret = rec_decode_hdr(r->rec.data, (size_t)got, h, e);
	if (ret) {
		e->offset += off;
		return ret;
	}
	got = read_at(r, off, REC_HDR_LEN + (size_t)h->stored_len + REC_CRC_LEN);
	if (got < 0)
		goto io;
	if ((size_t)got < REC_HDR_LEN + (size_t)h->stored_len + REC_CRC_LEN) {
		r->past_eof = true;
		e->offset = off + (uint64_t)got;
		e->code = -EPROTO;
		snprintf(e->msg, sizeof(e->msg), "truncated inside a record (%u bytes announced)",
			 h->stored_len);
		return -EPROTO;
	}
	ret = rec_decode_payload(r->rec.data, h, &r->scratch, payload, len, e);
	if (ret)
		e->offset += off;
	return ret ? ret : 1;
io:
	e->offset = off;
	e->code = (int)got;
	snprintf(e->msg, sizeof(e->msg), "read error: %s", strerror((int)-got));
	return (int)got;
}

static int no_end(struct rec_error *e, uint64_t off)
{
	e->offset = off;
	e->code = -EPROTO;
	snprintf(e->msg, sizeof(e->msg), "truncated: no END record (recording cut short?)");
	return -EPROTO;
}

struct rec_reader *rec_reader_open(const char *path, char *err, size_t errlen)
{
	struct rec_reader *r = calloc(1, sizeof(*r));
	struct rec_error e = { 0 };
	struct rec_hdr h;
	const uint8_t *pl;
	struct stat st;
	ssize_t got;
	size_t len;
	int ret;

	if (r)
		r->fd = -1;
	if (!r || !(r->path = strdup(path))) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0 || fstat(r->fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	r->size = (uint64_t)st.st_size;
	got = read_at(r, 0, REC_FILE_HDR_LEN);
	ret = got < 0 ? (int)got : rec_decode_file_header(r->rec.data, (size_t)got, &e);
	if (got < 0)
		snprintf(err, errlen, "%s: %s", path, strerror((int)-got));
	else if (ret)
		say(r, err, errlen, &e);
	if (ret)
		goto fail;
	ret = read_record(r, REC_FILE_HDR_LEN, &h, &pl, &len, &e);
	if (ret == 0)
		ret = no_end(&e, r->size);
	else if (ret > 0 && h.type != REC_META)
		ret = -EINVAL, e.offset = REC_FILE_HDR_LEN,
		snprintf(e.msg, sizeof(e.msg), "first record is not the header");
	else if (ret > 0)
		ret = rec_payload_error_at(&e, REC_FILE_HDR_LEN, &h,
					   rec_decode_meta(pl, len, &r->meta, &e));
	if (ret) {
		e.code = ret;
		say(r, err, errlen, &e);
		goto fail;
	}
	r->first_off = REC_FILE_HDR_LEN + REC_HDR_LEN + (uint64_t)h.stored_len + REC_CRC_LEN;
	r->tick_off = r->sample_off = r->first_off;
	return r;
fail:
	rec_reader_close(r);
	errno = -ret;
	return NULL;
}

/* An END record at @off ends the walk whose count is @seen (@what "ticks"/"samples"). */
static int check_end(struct rec_reader *r, const uint8_t *pl, size_t len, const struct rec_hdr *h,
		     uint64_t off, bool ticks, uint64_t seen, struct rec_error *e)
{
	uint64_t n_ticks, n_samples;
	int ret = rec_payload_error_at(e, off, h, rec_decode_end(pl, len, &n_ticks, &n_samples, e));

	if (ret)
		return ret;
	if (off + REC_HDR_LEN + h->stored_len + REC_CRC_LEN != r->size) {
		e->offset = off + REC_HDR_LEN + h->stored_len + REC_CRC_LEN;
		snprintf(e->msg, sizeof(e->msg), "data after the END record");
		return e->code = -EINVAL;
	}
	if ((ticks ? n_ticks : n_samples) != seen) {
		e->offset = off;
		snprintf(e->msg, sizeof(e->msg), "END record counts %llu %s, the file has %llu",
			 (unsigned long long)(ticks ? n_ticks : n_samples),
			 ticks ? "ticks" : "samples", (unsigned long long)seen);
		return e->code = -EINVAL;
	}
	return 0;
}

static int misplaced_meta(struct rec_error *e, uint64_t off)
{
	e->offset = off;
	snprintf(e->msg, sizeof(e->msg), "second header record (corrupted?)");
	return e->code = -EINVAL;
}

/*
 * The next record of @type at or after @from, for one of the two independent
 * cursors (ticks, samples): 1 with it in @h/@pl/@len and its offset in *@at;
 * 0 at a valid END (@seen checked against its count); negative with @e set.
 */
static int next_of_type(struct rec_reader *r, uint64_t from, uint8_t type, bool ticks,
			uint64_t seen, struct rec_hdr *h, const uint8_t **pl, size_t *len,
			uint64_t *at, struct rec_error *e)
{
	for (uint64_t off = from;; off += REC_HDR_LEN + h->stored_len + REC_CRC_LEN) {
		int ret = read_record(r, off, h, pl, len, e);

		/* Cut short (killed, disk full): no END, or a last record the file ends inside. */
		if (r->allow_cut && (ret == 0 || (ret < 0 && r->past_eof))) {
			r->cut_at = off;
			return 0;
		}
		if (ret == 0)
			ret = no_end(e, r->size);
		if (ret < 0)
			return ret;
		if (h->type == REC_END)
			return check_end(r, *pl, *len, h, off, ticks, seen, e);
		if (h->type == REC_META)
			return misplaced_meta(e, off);
		if (h->type == type) {
			*at = off;
			return 1;
		}
	}
}

static int fail_msg(struct rec_error *e, uint64_t off, int code, const char *msg)
{
	e->offset = off;
	e->code = code;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
	return code;
}

/* Note a keyframe at @off (file order: only past the last one noted). */
static int note_key(struct rec_reader *r, uint64_t off, uint64_t before)
{
	if (r->n_keys && r->keys[r->n_keys - 1].off >= off)
		return 0;
	if (r->n_keys == r->cap_keys) {
		size_t cap = r->cap_keys ? 2 * r->cap_keys : 64;
		struct key_pos *k = realloc(r->keys, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		r->keys = k;
		r->cap_keys = cap;
	}
	r->keys[r->n_keys++] = (struct key_pos){ off, before };
	return 0;
}

/* One TICK record (at @off) into @out: a keyframe, or a delta against r->prev. */
static int decode_one(struct rec_reader *r, const struct rec_hdr *h, const uint8_t *pl,
		      size_t len, uint64_t off, struct snapshot *out, struct rec_error *e)
{
	if (!(h->flags & REC_FLAG_DELTA)) {
		if (note_key(r, off, r->ticks))
			return fail_msg(e, 0, -ENOMEM, "out of memory");
		return rec_decode_tick(pl, len, out, e);
	}
	if (!r->have_prev)
		return fail_msg(e, 0, -EINVAL, "delta tick without a keyframe before it");
	return rec_decode_tick_delta_flags(pl, len, &r->prev, out, e, h->flags);
}

/*
 * r->prev = the tick before the one at @target: decoded from the last
 * keyframe before @target met so far (the start of the file if none).
 */
static int rebuild_prev(struct rec_reader *r, uint64_t target, struct rec_error *e)
{
	uint64_t off = r->first_off, before = 0, saved = r->ticks;
	size_t lo = 0, hi = r->n_keys;
	int ret = 0;

	while (lo < hi) {	/* the last keyframe before target */
		size_t mid = (lo + hi) / 2;

		if (r->keys[mid].off < target)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		off = r->keys[lo - 1].off;
		before = r->keys[lo - 1].before;
	}
	r->have_prev = false;
	r->ticks = before;
	while (off < target) {
		struct rec_hdr h;
		const uint8_t *pl;
		size_t len;

		ret = read_record(r, off, &h, &pl, &len, e);
		if (ret <= 0) {
			ret = ret ? ret : fail_msg(e, off, -EPROTO, "truncated");
			break;
		}
		if (h.type == REC_TICK) {
			ret = rec_payload_error_at(e, off, &h,
						   decode_one(r, &h, pl, len, off, &r->tmp, e));
			if (ret)
				break;
			struct snapshot t = r->prev;

			r->prev = r->tmp;
			r->tmp = t;
			r->have_prev = true;
			r->ticks++;
		}
		off += REC_HDR_LEN + h.stored_len + REC_CRC_LEN;
	}
	r->ticks = saved;
	if (ret)
		r->have_prev = false;
	r->prev_next_off = r->tick_off;
	return ret < 0 ? ret : 0;
}

int rec_reader_next(struct rec_reader *r, struct snapshot *out, char *err, size_t errlen)
{
	struct rec_error e = { 0 };
	struct rec_hdr h;
	const uint8_t *pl;
	size_t len;
	uint64_t off = 0;
	int ret = next_of_type(r, r->tick_off, REC_TICK, true, r->ticks, &h, &pl, &len, &off, &e);

	if (ret <= 0)
		return ret ? say(r, err, errlen, &e) : 0;
	if (h.flags & REC_FLAG_DELTA && (!r->have_prev || r->prev_next_off != r->tick_off)) {
		ret = rebuild_prev(r, off, &e);	/* after a seek: from the keyframe before */
		if (!ret)
			ret = read_record(r, off, &h, &pl, &len, &e) < 0 ? e.code : 0;
		if (ret) {
			e.code = ret;
			return say(r, err, errlen, &e);
		}
	}
	ret = rec_payload_error_at(&e, off, &h, decode_one(r, &h, pl, len, off, out, &e));
	if (ret) {
		e.code = ret;
		r->have_prev = false;
		return say(r, err, errlen, &e);
	}
	r->tick_off = off + REC_HDR_LEN + h.stored_len + REC_CRC_LEN;
	r->ticks++;
	r->have_prev = !snapshot_copy(&r->prev, out);
	r->prev_next_off = r->tick_off;
	return 1;
}

/*
 * The next TICK record's header only (no CRC, no inflate, no decode): what
 * `]` needs to walk an hour in milliseconds. Keyframes met are noted for
 * later seeks; the tick is checked in full when rec_reader_next reads it.
 */
int rec_reader_skip(struct rec_reader *r, char *err, size_t errlen)
{
	struct rec_error e = { 0 };
	struct rec_hdr h;
	uint64_t off;

	for (off = r->tick_off;; off += REC_HDR_LEN + (uint64_t)h.stored_len + REC_CRC_LEN) {
		ssize_t got;
		int ret;

		if (off >= r->size) {
			if (r->allow_cut) {
				r->cut_at = off;
				return 0;
			}
			return say(r, err, errlen, (no_end(&e, r->size), &e));
		}
		got = read_at(r, off, REC_HDR_LEN);
		if (got < 0) {
			fail_msg(&e, off, (int)got, "read error");
			return say(r, err, errlen, &e);
		}
		ret = rec_decode_hdr(r->rec.data, (size_t)got, &h, &e);
		if (!ret && off + REC_HDR_LEN + (uint64_t)h.stored_len + REC_CRC_LEN > r->size)
			ret = fail_msg(&e, 0, -EPROTO, "truncated inside a record");
		if (ret && r->allow_cut && (ret == -EPROTO || (size_t)got < REC_HDR_LEN)) {
			r->cut_at = off;
			return 0;
		}
		if (ret) {
			e.offset += off;
			e.code = ret;
			return say(r, err, errlen, &e);
		}
		if (h.type == REC_END || h.type == REC_META) {
			/* the full check (END counts, misplaced header) */
			const uint8_t *pl;
			size_t len;
			uint64_t at;

			ret = next_of_type(r, off, REC_TICK, true, r->ticks, &h, &pl, &len, &at, &e);
			if (ret < 0)
				return say(r, err, errlen, &e);
			if (ret == 0)
				return 0;
			off = at;	/* not reached: END or META came first */
		}
		if (h.type == REC_TICK)
			break;
	}
	if (!(h.flags & REC_FLAG_DELTA) && note_key(r, off, r->ticks))
		return say(r, err, errlen, (fail_msg(&e, off, -ENOMEM, "out of memory"), &e));
	r->tick_off = off + REC_HDR_LEN + (uint64_t)h.stored_len + REC_CRC_LEN;
	r->ticks++;
	return 1;
}

int rec_reader_next_sample(struct rec_reader *r, struct abi_client_event *ev, char *err,
			   size_t errlen)
{
	struct rec_error e = { 0 };

	while (r->ev_next == r->ev_n) {
		struct rec_hdr h;
		const uint8_t *pl;
		size_t len;
		uint64_t off = 0;
		int ret = next_of_type(r, r->sample_off, REC_SAMPLES, false, r->samples, &h, &pl,
				       &len, &off, &e);

		if (ret <= 0)
			return ret ? say(r, err, errlen, &e) : 0;
		ret = rec_payload_error_at(&e, off, &h,
					   rec_decode_samples(pl, len, &r->ev, &r->ev_cap, &r->ev_n,
							      &r->mono_to_real_ns, &e));
		if (ret) {
			e.code = ret;
			r->ev_n = 0;
			return say(r, err, errlen, &e);
		}
		r->ev_next = 0;
		r->sample_off = off + REC_HDR_LEN + h.stored_len + REC_CRC_LEN;
	}
	*ev = r->ev[r->ev_next++];
	r->samples++;
	return 1;
}

void rec_reader_allow_cut(struct rec_reader *r)
{
	r->allow_cut = true;
}

uint64_t rec_reader_cut_at(const struct rec_reader *r)
{
	return r->cut_at;
}

const char *rec_reader_meta(const struct rec_reader *r, const char *key)
{
	return rec_meta_get(&r->meta, key);
}

void rec_reader_close(struct rec_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	rec_meta_free(&r->meta);
	rec_buf_free(&r->rec);
	rec_buf_free(&r->scratch);
	snapshot_free(&r->prev);
	snapshot_free(&r->tmp);
	free(r->keys);
	free(r->ev);
	free(r->path);
	free(r);
}

uint64_t rec_reader_tell(const struct rec_reader *r, uint64_t *ticks_before)
{
	if (ticks_before)
		*ticks_before = r->ticks;
	return r->tick_off;
}

int rec_reader_seek(struct rec_reader *r, uint64_t offset, uint64_t ticks_before)
{
	if (offset < r->first_off || offset > r->size)
		return -EINVAL;
	r->tick_off = offset;
	r->ticks = ticks_before;
	return 0;
}

int64_t rec_reader_sample_mono_to_real_ns(const struct rec_reader *r)
{
	return r->mono_to_real_ns;
}

const char *rec_reader_path(const struct rec_reader *r)
{
	return r->path;
}
