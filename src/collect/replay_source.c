/*
 * replay_source.c - struct source over a rec_reader. Keeps the file offset
 * of every tick met so far, so stepping back is one seek; reads one tick
 * ahead so that the collector knows how long to wait before it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/replay_source.h"
#include "export/rec_reader.h"

struct tick_pos {
	uint64_t off;
	uint64_t before;
};

struct replay {
	struct rec_reader *r;
	double speed;
	char *err;
	size_t errlen;
	struct tick_pos *pos;		/* every tick read so far, in order */
	size_t n_pos, cap_pos;
	size_t next;			/* index of the next tick tick() returns */
	struct snapshot ahead;		/* that tick, when have_ahead */
	int ahead_ret;			/* 1 tick, 0 end, <0 error */
	bool have_ahead;
};

static int add_pos(struct replay *rp, uint64_t off, uint64_t before)
{
	if (rp->n_pos == rp->cap_pos) {
		size_t cap = rp->cap_pos ? rp->cap_pos * 2 : 256;
		struct tick_pos *p = realloc(rp->pos, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		rp->pos = p;
		rp->cap_pos = cap;
	}
	rp->pos[rp->n_pos++] = (struct tick_pos){ off, before };
	return 0;
}

/* Read tick number rp->next into rp->ahead (from the reader's position). */
static int read_ahead(struct replay *rp)
{
	uint64_t before, off;

	if (rp->have_ahead)
		return rp->ahead_ret;
	off = rec_reader_tell(rp->r, &before);
	rp->ahead_ret = rec_reader_next(rp->r, &rp->ahead, rp->err, rp->errlen);
	rp->have_ahead = true;
	if (rp->ahead_ret == 1 && rp->next == rp->n_pos && add_pos(rp, off, before))
		rp->ahead_ret = -ENOMEM;
	return rp->ahead_ret;
}

static int replay_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct replay *rp = ctx;
	struct snapshot tmp;
	int ret = read_ahead(rp);

	(void)interval_ns;
	if (ret < 0)
		return ret;
	if (ret == 0)
		return SOURCE_END;	/* stays at the end: read_ahead keeps answering 0 */
	/* Hand over the tick by swapping arrays with the ring slot. */
	tmp = *out;
	*out = rp->ahead;
	rp->ahead = tmp;
	rp->have_ahead = false;
	rp->next++;
	return 0;
}

static uint64_t replay_wait_ns(void *ctx)
{
	struct replay *rp = ctx;

	if (rp->speed <= 0.0 || read_ahead(rp) != 1)
		return 0;
	return (uint64_t)((double)rp->ahead.interval_ns / rp->speed);
}

static int go_to(struct replay *rp, size_t idx)
{
	int ret;

	rp->have_ahead = false;
	if (idx >= rp->n_pos)
		return -EINVAL;
	ret = rec_reader_seek(rp->r, rp->pos[idx].off, rp->pos[idx].before);
	if (!ret)
		rp->next = idx;
	return ret;
}

static int replay_seek(void *ctx, enum source_seek how)
{
	struct replay *rp = ctx;
	int ret;

	switch (how) {
	case SOURCE_SEEK_NEXT:
		return 0;
	case SOURCE_SEEK_BACK:
		/* The tick shown is next - 1 (or the last one at the end); show the one before. */
		if (!rp->n_pos)
			return 0;
		return go_to(rp, rp->next >= 2 ? rp->next - 2 : 0);
	case SOURCE_SEEK_START:
		return rp->n_pos ? go_to(rp, 0) : 0;
	case SOURCE_SEEK_END:
		/*
		 * Walk to the end once over record headers only (no tick decoded:
		 * an hour in milliseconds), noting every tick's offset; then go to
		 * the last, which the next tick() decodes from its keyframe.
		 */
		ret = 0;
		if (rp->n_pos) {
			go_to(rp, rp->n_pos - 1);
			ret = rec_reader_skip(rp->r, rp->err, rp->errlen);
		}
		while (ret >= 0) {
			uint64_t before, off = rec_reader_tell(rp->r, &before);

			ret = rec_reader_skip(rp->r, rp->err, rp->errlen);
			if (ret != 1)
				break;
			if (add_pos(rp, off, before))
				return -ENOMEM;
		}
		if (ret < 0)
			return ret;
		return rp->n_pos ? go_to(rp, rp->n_pos - 1) : 0;
	}
	return -EINVAL;
}

static void replay_destroy(void *ctx)
{
	struct replay *rp = ctx;

	rec_reader_close(rp->r);
	snapshot_free(&rp->ahead);
	free(rp->pos);
	free(rp);
}

int replay_source_open(struct source *src, const struct replay_source_opts *o, char *err,
		       size_t errlen)
{
	struct replay *rp = calloc(1, sizeof(*rp));

	if (!rp) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rp->r = rec_reader_open(o->path, err, errlen);
	if (!rp->r) {
		int ret = -errno;

		free(rp);
		return ret ? ret : -EINVAL;
	}
	rec_reader_allow_cut(rp->r);	/* replay_prepare has said so already */
	snapshot_init(&rp->ahead);
	rp->speed = o->speed;
	rp->err = o->err;
	rp->errlen = o->errlen;
	memset(src, 0, sizeof(*src));
	src->name = "replay";
	src->ctx = rp;
	src->tick = replay_tick;
	src->destroy = replay_destroy;
	src->stamped = true;
	src->hold_at_end = o->hold_at_end;
	src->wait_ns = replay_wait_ns;
	src->seek = replay_seek;
	return 0;
}
