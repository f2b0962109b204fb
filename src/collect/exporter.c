/*
 * exporter.c - the metrics registry between the collector (writer, one
 * ingest per published snapshot) and the HTTP threads (readers).
 *
 * Locks, in this order when nested: reg_lock (the registry and @ingested),
 * pend_lock (snapshots waiting for the registry), cache_lock (rendered
 * bodies). The collector never waits for a render: if a scrape is
 * rendering it copies the snapshot to a small pending queue and goes on;
 * whoever takes reg_lock next ingests the queue first, in order. A render
 * runs at most once per format per ingested tick: concurrent scrapes of
 * the same tick wait for it and share the body by reference count; no lock
 * is held while a body is sent.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/exporter.h"
#include "core/clock_ns.h"
#include "export/prom_expo.h"

#define EXPORTER_PENDING 8	/* ticks a render may hold the registry for before the collector waits */
#define EXPORTER_FORMATS 2	/* enum prom_format */

/* One rendered exposition, shared by the scrapes of its tick. */
struct expo_body {
	atomic_uint refs;
	uint64_t gen;		/* snapshots ingested when rendered */
	enum prom_format format;
	struct prom_buf buf;
};

struct exporter {
	struct source inner;
	struct metrics_http *http;
	struct prom_info info;

	pthread_mutex_t reg_lock;
	struct metrics *m;
	uint64_t ingested;		/* under reg_lock */
	uint64_t ingest_errors;		/* under reg_lock */
	atomic_uint_fast64_t received;	/* snapshots handed to the exporter */

	pthread_mutex_t pend_lock;
	struct snapshot pend[EXPORTER_PENDING];
	size_t pend_head, pend_n;

	pthread_mutex_t cache_lock;
	pthread_cond_t cache_cond;
	struct expo_body *cache[EXPORTER_FORMATS];
	bool rendering[EXPORTER_FORMATS];
	uint64_t renders;		/* under cache_lock */
};

static void body_unref(struct expo_body *b)
{
	if (b && atomic_fetch_sub(&b->refs, 1) == 1) {
		prom_buf_free(&b->buf);
		free(b);
	}
}

static void body_release(void *cookie)
{
	body_unref(cookie);
}

/* Under reg_lock. A failed ingest is counted, not fatal: the dashboard goes on. */
static void ingest_locked(struct exporter *e, const struct snapshot *s)
{
	if (metrics_ingest(e->m, s))
		e->ingest_errors++;
	e->ingested++;
}

/* Under reg_lock: the queued snapshots, oldest first. */
static void drain_locked(struct exporter *e)
{
	pthread_mutex_lock(&e->pend_lock);
	while (e->pend_n) {
		ingest_locked(e, &e->pend[e->pend_head]);
		e->pend_head = (e->pend_head + 1) % EXPORTER_PENDING;
		e->pend_n--;
	}
	pthread_mutex_unlock(&e->pend_lock);
}

/* Collector thread: queue @s if a render holds the registry; false when the queue is full. */
static bool queue_pending(struct exporter *e, const struct snapshot *s)
{
	bool queued = false;

	pthread_mutex_lock(&e->pend_lock);
	if (e->pend_n < EXPORTER_PENDING) {
		struct snapshot *slot = &e->pend[(e->pend_head + e->pend_n) % EXPORTER_PENDING];

		if (snapshot_copy(slot, s) == 0) {
			e->pend_n++;
			queued = true;
		}
	}
	pthread_mutex_unlock(&e->pend_lock);
	return queued;
}

static int exp_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct exporter *e = ctx;

	return e->inner.tick(e->inner.ctx, out, interval_ns);
}

/* Collector thread, once per published snapshot. */
static int exp_published(void *ctx, const struct snapshot *s)
{
	struct exporter *e = ctx;

	atomic_fetch_add(&e->received, 1);
	if (pthread_mutex_trylock(&e->reg_lock) == 0) {
		drain_locked(e);
		ingest_locked(e, s);
		pthread_mutex_unlock(&e->reg_lock);
	} else if (!queue_pending(e, s)) {
		/* Eight ticks of renders in a row, or no memory for a copy: wait, but lose nothing. */
		pthread_mutex_lock(&e->reg_lock);
		drain_locked(e);
		ingest_locked(e, s);
		pthread_mutex_unlock(&e->reg_lock);
	}
	return e->inner.published ? e->inner.published(e->inner.ctx, s) : 0;
}

static void exp_destroy(void *ctx)
{
	struct exporter *e = ctx;

	if (e->inner.destroy)
		e->inner.destroy(e->inner.ctx);
}

static int exp_set_slow_ns(void *ctx, uint64_t slow_ns)
{
	struct exporter *e = ctx;

	return e->inner.set_slow_ns(e->inner.ctx, slow_ns);
}

static int exp_hold_stats(void *ctx, bool on)
{
	struct exporter *e = ctx;

	return e->inner.hold_stats(e->inner.ctx, on);
}

static uint64_t exp_wait_ns(void *ctx)
{
	struct exporter *e = ctx;

	return e->inner.wait_ns(e->inner.ctx);
}

static int exp_seek(void *ctx, enum source_seek how)
{
	struct exporter *e = ctx;

	return e->inner.seek(e->inner.ctx, how);
}

/* A fresh body of format @f (its caller holds rendering[f]). NULL+errno. */
static struct expo_body *render(struct exporter *e, enum prom_format f)
{
	struct expo_body *b = calloc(1, sizeof(*b));
	uint64_t start_ns = clock_ns(CLOCK_MONOTONIC);
	int ret;

	if (!b)
		return NULL;
	b->format = f;
	pthread_mutex_lock(&e->reg_lock);
	drain_locked(e);
	b->gen = e->ingested;
	ret = prom_render(e->m, &e->info, f, start_ns, &b->buf);
	pthread_mutex_unlock(&e->reg_lock);
	if (ret) {
		prom_buf_free(&b->buf);
		free(b);
		errno = -ret;
		return NULL;
	}
	atomic_init(&b->refs, 1);
	return b;
}

/* HTTP threads, concurrently. */
static int exp_body(void *ctx, const char *accept, struct metrics_http_body *out)
{
	struct exporter *e = ctx;
	enum prom_format f = prom_negotiate(accept);
	struct expo_body *b, *old = NULL;

	pthread_mutex_lock(&e->cache_lock);
	for (;;) {
		b = e->cache[f];
		if (b && b->gen == atomic_load(&e->received)) {
			atomic_fetch_add(&b->refs, 1);
			pthread_mutex_unlock(&e->cache_lock);
			goto answer;
		}
		if (!e->rendering[f])
			break;
		/* Another scrape renders this tick: share its body. */
		pthread_cond_wait(&e->cache_cond, &e->cache_lock);
	}
	e->rendering[f] = true;
	pthread_mutex_unlock(&e->cache_lock);

	b = render(e, f);

	pthread_mutex_lock(&e->cache_lock);
	e->rendering[f] = false;
	if (b) {
		old = e->cache[f];
		atomic_fetch_add(&b->refs, 1);	/* the cache's reference */
		e->cache[f] = b;
		e->renders++;
	}
	pthread_cond_broadcast(&e->cache_cond);
	pthread_mutex_unlock(&e->cache_lock);
	body_unref(old);
	if (!b)
		return errno ? -errno : -ENOMEM;
answer:
	out->data = b->buf.data ? b->buf.data : "";
	out->len = b->buf.len;
	out->content_type = prom_content_type(f);
	out->release = body_release;
	out->cookie = b;
	return 0;
}

static void exporter_free(struct exporter *e)
{
	for (int f = 0; f < EXPORTER_FORMATS; f++)
		body_unref(e->cache[f]);
	for (int i = 0; i < EXPORTER_PENDING; i++)
		snapshot_free(&e->pend[i]);
	metrics_free(e->m);
	pthread_cond_destroy(&e->cache_cond);
	pthread_mutex_destroy(&e->cache_lock);
	pthread_mutex_destroy(&e->pend_lock);
	pthread_mutex_destroy(&e->reg_lock);
	free(e);
}

struct exporter *exporter_start(const struct exporter_opts *o, char *err, size_t errlen)
{
	struct exporter *e = calloc(1, sizeof(*e));
	int saved;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&e->reg_lock, NULL);
	pthread_mutex_init(&e->pend_lock, NULL);
	pthread_mutex_init(&e->cache_lock, NULL);
	pthread_cond_init(&e->cache_cond, NULL);
	for (int i = 0; i < EXPORTER_PENDING; i++)
		snapshot_init(&e->pend[i]);
	atomic_init(&e->received, 0);
	e->info.version = LATTOP_VERSION;
	e->info.host_label = o->host_label;
	e->m = metrics_new(&o->metrics);
	if (!e->m) {
		saved = errno;
		snprintf(err, errlen, "cannot set up the metrics registry: %s", strerror(saved));
		exporter_free(e);
		errno = saved;
		return NULL;
	}
	e->http = metrics_http_start(&o->http, exp_body, e, err, errlen);
	if (!e->http) {
		saved = errno;
		exporter_free(e);
		errno = saved;
		return NULL;
	}
	return e;
}

void exporter_wrap(struct exporter *e, struct source *src)
{
	e->inner = *src;
	memset(src, 0, sizeof(*src));
	src->name = e->inner.name;
	src->ctx = e;
	src->tick = exp_tick;
	src->published = exp_published;
	src->destroy = exp_destroy;
	src->stamped = e->inner.stamped;
	src->hold_at_end = e->inner.hold_at_end;
	if (e->inner.hold_stats)
		src->hold_stats = exp_hold_stats;
	if (e->inner.set_slow_ns)
		src->set_slow_ns = exp_set_slow_ns;
	if (e->inner.wait_ns)
		src->wait_ns = exp_wait_ns;
	if (e->inner.seek)
		src->seek = exp_seek;
}

const char *exporter_address(const struct exporter *e)
{
	return metrics_http_address(e->http);
}

bool exporter_tls(const struct exporter *e)
{
	return metrics_http_tls(e->http);
}

void exporter_stop(struct exporter *e)
{
	if (!e)
		return;
	/* Joins the HTTP threads; bodies still referenced by cut responses are released there. */
	metrics_http_stop(e->http);
	if (e->ingest_errors)
		fprintf(stderr, "lattop: metrics: %llu ticks not counted (out of memory)\n",
			(unsigned long long)e->ingest_errors);
	exporter_free(e);
}
