/*
 * cmd_record.c - 'lattop record': the normal collector, with every
 * published tick (and with --samples the raw client samples) written to a
 * recording. Ticks are written on the collector thread (the published hook),
 * samples arrive on the client source's samples thread: a mutex orders both.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmd_rec.h"
#include "core/filter.h"
#include "export/rec_writer.h"

#define SAMPLE_BATCH 512

struct recorder {
	struct source inner;
	struct rec_writer *w;
	const char *path;
	pthread_mutex_t lock;
	struct abi_client_event batch[SAMPLE_BATCH];
	size_t n_batch;
	int64_t batch_m2r;
	uint64_t samples;
	int error;			/* first write error (under lock) */
	struct client_sample_sink sink;
	bool want_samples;
	uint32_t keep;			/* --rotate (old files kept) */
};

/* Under lock. */
static int flush_samples(struct recorder *rec)
{
	int ret;

	if (!rec->n_batch || rec->error)
		return rec->error;
	ret = rec_writer_samples(rec->w, rec->batch, rec->n_batch, rec->batch_m2r);
	if (ret)
		rec->error = ret;
	rec->n_batch = 0;
	return ret;
}

static int sink_write(void *ctx, const struct abi_client_event *ev, int64_t mono_to_real_ns)
{
	struct recorder *rec = ctx;
	int ret = 0;

	pthread_mutex_lock(&rec->lock);
	/* One offset per batch: a new offset starts a new batch. */
	if (rec->n_batch && (rec->n_batch == SAMPLE_BATCH || rec->batch_m2r != mono_to_real_ns))
		ret = flush_samples(rec);
	if (!ret) {
		rec->batch_m2r = mono_to_real_ns;
		rec->batch[rec->n_batch++] = *ev;
		rec->samples++;
	}
	pthread_mutex_unlock(&rec->lock);
	return ret;
}

static int rec_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct recorder *rec = ctx;

	return rec->inner.tick(rec->inner.ctx, out, interval_ns);
}

static int rec_published(void *ctx, const struct snapshot *s)
{
	struct recorder *rec = ctx;
	int ret;

	pthread_mutex_lock(&rec->lock);
	/* Samples of this tick first: a reader meets them before the tick that counted them. */
	ret = flush_samples(rec);
	if (!ret && rec->inner.published)
		ret = rec->inner.published(rec->inner.ctx, s);
	if (!ret) {
		ret = rec_writer_tick(rec->w, s);
		if (ret)
			rec->error = ret;
	}
	pthread_mutex_unlock(&rec->lock);
	return ret;
}

/* Main thread: the dashboard's --slow key reaches the recorded source. */
static int rec_set_slow_ns(void *ctx, uint64_t slow_ns)
{
	struct recorder *rec = ctx;

	return rec->inner.set_slow_ns(rec->inner.ctx, slow_ns);
}

static void rec_destroy(void *ctx)
{
	struct recorder *rec = ctx;

	/* Stops the samples thread: nothing calls the sink after this. */
	if (rec->inner.destroy)
		rec->inner.destroy(rec->inner.ctx);
}

static void meta_add(struct rec_meta *m, const char *k, const char *v)
{
	rec_meta_set(m, k, v);	/* -E2BIG/-ENOMEM: the key is left out, the recording stays valid */
}

static void meta_build(struct rec_meta *m, const struct options *o, int argc, char **argv)
{
	char buf[1024], num[32];
	struct utsname un;
	struct timespec now;
	struct filter f;
	size_t len = 0;

	meta_add(m, "lattop_version", LATTOP_VERSION);
	if (uname(&un) == 0) {
		meta_add(m, "host", un.nodename);
		meta_add(m, "kernel", un.release);
	}
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(num, sizeof(num), "%llu",
		 (unsigned long long)now.tv_sec * 1000000000ull + (unsigned long long)now.tv_nsec);
	meta_add(m, "start_ns", num);
	buf[0] = '\0';
	for (int i = 0; i < argc && len + 2 < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "", argv[i]);
	meta_add(m, "command", buf);
	options_to_filter(o, &f);
	filter_format(&f, buf, sizeof(buf));
	meta_add(m, "filter", buf);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)o->interval_ns);
	meta_add(m, "interval_ns", num);
	snprintf(num, sizeof(num), "%u", o->sample_every);
	meta_add(m, "sample_every", num);
	meta_add(m, "source", o->simulate ? "simulate" : "bpf");
	meta_add(m, "clients", o->no_clients || o->simulate ? "0" : "1");
	meta_add(m, "samples", o->samples ? "1" : "0");
}

struct recorder *recorder_create(const struct options *o, int argc, char **argv, char *err,
				 size_t errlen, int *status)
{
	struct recorder *rec = calloc(1, sizeof(*rec));
	struct rec_meta m = { 0 };
	char why[400];

	*status = 1;
	if (!rec) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	meta_build(&m, o, argc, argv);
	rec->w = rec_writer_create_capped(o->out_path, &m, true, o->max_size_bytes, o->rotate, why,
					  sizeof(why));
	rec_meta_free(&m);
	if (!rec->w) {
		snprintf(err, errlen, "record -o %s", why);
		free(rec);
		return NULL;
	}
	rec->path = o->out_path;
	pthread_mutex_init(&rec->lock, NULL);
	rec->sink = (struct client_sample_sink){ sink_write, NULL, rec };
	rec->want_samples = o->samples;
	rec->keep = o->rotate;
	return rec;
}

const struct client_sample_sink *recorder_sink(struct recorder *rec)
{
	return rec && rec->want_samples ? &rec->sink : NULL;
}

void recorder_wrap(struct recorder *rec, struct source *src)
{
	rec->inner = *src;
	memset(src, 0, sizeof(*src));
	src->name = rec->inner.name;
	src->ctx = rec;
	src->tick = rec_tick;
	src->published = rec_published;
	src->destroy = rec_destroy;
	if (rec->inner.set_slow_ns)
		src->set_slow_ns = rec_set_slow_ns;
}

int recorder_error(struct recorder *rec)
{
	int ret;

	pthread_mutex_lock(&rec->lock);
	ret = rec->error;
	pthread_mutex_unlock(&rec->lock);
	return ret;
}

/* "; rotated N times, kept FILE.1 .. FILE.K" when the cap rotated the recording. */
static const char *rotations_note(const struct recorder *rec, uint32_t rotations, char *buf,
				  size_t len)
{
	uint32_t kept = rotations < rec->keep ? rotations : rec->keep;

	if (!rotations)
		return "";
	if (kept == 1)
		snprintf(buf, len, "; rotated %u time%s, kept %s.1", rotations,
			 rotations == 1 ? "" : "s", rec->path);
	else
		snprintf(buf, len, "; rotated %u times, kept %s.1 .. %s.%u", rotations, rec->path,
			 rec->path, kept);
	return buf;
}

int recorder_finish(struct recorder *rec, char *err, size_t errlen)
{
	char why[400] = "";
	uint64_t ticks, bytes;
	uint32_t rotations;
	int ret, ret2;

	pthread_mutex_lock(&rec->lock);
	ret = flush_samples(rec);
	pthread_mutex_unlock(&rec->lock);
	ticks = rec_writer_ticks(rec->w);
	bytes = rec_writer_bytes(rec->w);
	rotations = rec_writer_rotations(rec->w);
	/* The writer names the file an error happened to (with a cap, maybe FILE.N). */
	ret2 = rec_writer_finish(rec->w, why, sizeof(why));
	if (!ret)
		ret = ret2;
	if (ret && why[0])
		snprintf(err, errlen, "record -o %s", why);
	else if (ret)
		snprintf(err, errlen, "record -o %s: cannot write: %s", rec->path, strerror(-ret));
	else
		fprintf(stderr, "lattop: recorded %llu ticks%s to %s (%llu bytes, %llu per tick)%s\n",
			(unsigned long long)ticks, rec->want_samples ? " and samples" : "", rec->path,
			(unsigned long long)bytes, (unsigned long long)(ticks ? bytes / ticks : 0),
			rotations_note(rec, rotations, why, sizeof(why)));
	pthread_mutex_destroy(&rec->lock);
	free(rec);
	return ret;
}
