/*
 * collector.c - the collector thread. One tick per interval: the source
 * fills a ring slot, the slot is published, the consumer is woken through an
 * eventfd. When every slot is busy the tick is skipped and counted: the
 * source's next tick then covers both intervals, so no count is lost.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "collect/collector.h"
#include "core/clock_ns.h"

#define RING_SLOTS 3
#define MIN_INTERVAL_NS 100000000ull
/*
 * Arrays at least this big get their own mappings (glibc mmap). A fixed
 * threshold also turns off glibc's dynamic one, which after the first big
 * free (vmlinux BTF at load) puts arrays of up to 32 MiB in the heap, where
 * growing them by realloc leaves freed holes that stay resident.
 */
#define MALLOC_MMAP_BYTES (128 * 1024)
/*
 * A released slot whose arrays are bigger than this is emptied before the
 * next tick (see spare_trim); smaller ones are kept, so that the usual
 * dashboard reuses its slots without a page fault.
 */
#define SPARE_KEEP_BYTES (1024 * 1024)

struct collector {
	struct source src;
	struct spsc_ring *ring;
	struct snapshot slots[RING_SLOTS];
	void *slot_ptrs[RING_SLOTS];
	pthread_t thread;
	pthread_mutex_t lock;		/* only for the stop condition variable */
	pthread_cond_t cond;
	bool stop;			/* under lock */
	bool finish;			/* under lock: publish a final partial tick, then stop */
	bool resched;			/* under lock: the interval changed, recompute the deadline */
	uint64_t first_tick_ns;		/* 0, or the first tick's length (dashboard: early frame) */
	_Atomic uint64_t interval_ns;
	_Atomic bool done;
	_Atomic int error;
	/* Replay (stamped sources) only: */
	bool paused;			/* under lock */
	int request;			/* under lock: enum source_seek + 1, 0 = none */
	_Atomic bool at_end;
	uint64_t iterations;
	int wake_fd;
};

static uint64_t mono_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
static uint64_t real_ns(void) { return clock_ns(CLOCK_REALTIME); }

static void wake_consumer(struct collector *c)
{
	uint64_t one = 1;
	ssize_t n = write(c->wake_fd, &one, sizeof(one));

	(void)n;	/* EAGAIN: counter saturated, the consumer is awake anyway */
}

enum wait_result { WAIT_DUE, WAIT_STOP, WAIT_FINISH, WAIT_RESCHED };

/*
 * Sleep until @deadline_ns (CLOCK_MONOTONIC), a stop request or (when
 * @finish_wakes) a finish request or an interval change (WAIT_RESCHED:
 * the caller recomputes the deadline of the current tick).
 */
static enum wait_result wait_until(struct collector *c, uint64_t deadline_ns, bool finish_wakes)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / 1000000000ull),
		.tv_nsec = (long)(deadline_ns % 1000000000ull),
	};
	enum wait_result r;

	pthread_mutex_lock(&c->lock);
	while (!c->stop && !(finish_wakes && (c->finish || c->resched)) && mono_ns() < deadline_ns)
		if (pthread_cond_timedwait(&c->cond, &c->lock, &ts) == ETIMEDOUT)
			break;
	r = c->stop ? WAIT_STOP : finish_wakes && c->finish ? WAIT_FINISH :
	    finish_wakes && c->resched ? WAIT_RESCHED : WAIT_DUE;
	if (finish_wakes)
		c->resched = false;
	pthread_mutex_unlock(&c->lock);
	return r;
}

/*
 * Replay: wait until the next tick is due (the source says when), the
 * operator asks for a step or seek, or a stop; never while paused or at the
 * end. True when stopping; *@request gets the step/seek (enum source_seek
 * + 1) or 0 when the tick is simply due.
 */
static bool replay_wait(struct collector *c, uint64_t deadline_ns, int *request)
{
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ns / 1000000000ull),
		.tv_nsec = (long)(deadline_ns % 1000000000ull),
	};
	bool stop;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		bool idle = c->paused || atomic_load(&c->at_end);

		if (c->stop || c->finish || c->request || (!idle && mono_ns() >= deadline_ns))
			break;
		if (idle)
			pthread_cond_wait(&c->cond, &c->lock);
		else
			pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	}
	stop = c->stop || c->finish;	/* a replay has no partial tick to add */
	*request = c->request;
	c->request = 0;
	pthread_mutex_unlock(&c->lock);
	return stop;
}

/*
 * A free ring slot once the consumer has taken everything published: a
 * replay (and a final tick) drops nothing and the consumer (latest wins)
 * skips nothing. NULL on a stop request.
 */
static struct snapshot *slot_when_taken(struct collector *c)
{
	struct snapshot *out;

	while (spsc_unread(c->ring) || !(out = spsc_producer_slot(c->ring)))
		if (wait_until(c, mono_ns() + 200000ull, false) == WAIT_STOP)	/* 0.2 ms */
			return NULL;
	return out;
}

static int replay_main(struct collector *c)
{
	uint64_t deadline_ns = mono_ns(), published = 0;
	int ret = 0, request;

	deadline_ns += c->src.wait_ns ? c->src.wait_ns(c->src.ctx) : 0;
	for (;;) {
		struct snapshot *out;

		if (replay_wait(c, deadline_ns, &request))
			break;
		if (request > 1 + SOURCE_SEEK_NEXT && c->src.seek) {
			ret = c->src.seek(c->src.ctx, (enum source_seek)(request - 1));
			if (ret)
				break;
		}
		out = slot_when_taken(c);
		if (!out)
			break;
		snapshot_reset(out);
		ret = c->src.tick(c->src.ctx, out, atomic_load(&c->interval_ns));
		if (ret == SOURCE_END) {
			ret = 0;
			atomic_store(&c->at_end, true);
			wake_consumer(c);
			if (!c->src.hold_at_end)
				break;
			continue;
		}
		if (ret)
			break;
		atomic_store(&c->at_end, false);
		spsc_publish(c->ring);
		wake_consumer(c);
		if (c->iterations && ++published >= c->iterations)
			break;
		if (request) {	/* a step: the next tick is due one wait from now */
			deadline_ns = mono_ns();
		}
		deadline_ns += c->src.wait_ns ? c->src.wait_ns(c->src.ctx) : 0;
		if (mono_ns() > deadline_ns + 1000000000ull)
			deadline_ns = mono_ns();	/* fell behind (slow consumer): no burst */
	}
	return ret;
}

/*
 * Three slots, but at most two of them are in use while a tick is filled:
 * the one being filled and the one the consumer holds (the dashboard; a
 * stream releases it once written, spsc_release). Slots the consumer has
 * released are filled later: freeing their arrays now means that a busy
 * tick (thousands of short-lived processes: megabytes of rows) is held in
 * one or two slots, not three. It costs the page faults of growing them
 * again, so only big arrays are freed.
 */
static void spare_trim(struct collector *c)
{
	for (size_t ahead = 1; ahead < RING_SLOTS; ahead++) {
		struct snapshot *spare = spsc_producer_spare(c->ring, ahead);

		if (spare && snapshot_capacity_bytes(spare) > SPARE_KEEP_BYTES)
			snapshot_free(spare);
	}
}

static void *collector_main(void *arg)
{
	struct collector *c = arg;
	uint64_t start_ns = mono_ns(), last_ns = start_ns, seq = 0;
	uint64_t dropped_prev = 0, tick_start_ns = start_ns, first_ns = c->first_tick_ns;
	sigset_t all;
	int ret = 0;

	/* Signals belong to the consumer thread (dashboard or stream loop). */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	/* Named for top -H and for tests that wait until ticks follow. */
	pthread_setname_np(pthread_self(), "lattop-collect");
	if (c->src.stamped) {
		ret = replay_main(c);
		goto out;
	}
	for (;;) {
		uint64_t interval_ns = atomic_load(&c->interval_ns), now_ns, deadline_ns;
		bool resched = false, early = first_ns && first_ns < interval_ns;
		enum wait_result w;
		struct snapshot *out;

		/* The first tick of a dashboard is short: a first frame without waiting a whole tick. */
		if (early)
			interval_ns = first_ns;
		/*
		 * Deadlines are absolute (tick_start + interval), so ticks do not
		 * drift; an interval change recomputes the current tick's deadline
		 * at once: a shorter one may be due already, a longer one extends it.
		 */
		for (;;) {
			deadline_ns = tick_start_ns + interval_ns;
			w = wait_until(c, deadline_ns, true);
			if (w != WAIT_RESCHED)
				break;
			resched = true;
			interval_ns = atomic_load(&c->interval_ns);
		}
		first_ns = 0;
		if (w == WAIT_STOP)
			break;
		now_ns = mono_ns();
		tick_start_ns = deadline_ns;
		if (now_ns > deadline_ns + interval_ns || resched)
			tick_start_ns = now_ns;	/* fell behind (suspend, stop), or cut short: no burst */
		out = w == WAIT_FINISH ? slot_when_taken(c) : spsc_producer_slot(c->ring);
		if (!out && w == WAIT_FINISH)
			break;	/* stopped while waiting for the consumer */
		if (w == WAIT_FINISH)
			now_ns = mono_ns();	/* the partial tick ends when it is read */
		if (!out)
			goto next;	/* dropped, counted by the ring; read again next tick */
		spare_trim(c);
		snapshot_reset(out);
		if (c->src.finish && (w == WAIT_FINISH || (c->iterations && seq + 1 >= c->iterations)))
			c->src.finish(c->src.ctx);
		/* A finished, rescheduled or early tick is as long as it really was. */
		ret = c->src.tick(c->src.ctx, out, w == WAIT_FINISH || resched || early ?
				  now_ns - last_ns : interval_ns);
		if (ret)
			break;
		out->final = w == WAIT_FINISH;
		out->seq = ++seq;
		out->ts_ns = real_ns();
		out->interval_ns = now_ns - last_ns;
		out->elapsed_ns = now_ns - start_ns;
		out->total.dropped_snapshots = spsc_dropped(c->ring);
		out->interval.dropped_snapshots = out->total.dropped_snapshots - dropped_prev;
		dropped_prev = out->total.dropped_snapshots;
		last_ns = now_ns;
		if (c->src.published) {
			ret = c->src.published(c->src.ctx, out);
			if (ret)
				break;
		}
		spsc_publish(c->ring);
		wake_consumer(c);
		if (w == WAIT_FINISH)
			break;
next:
		if (c->iterations && seq >= c->iterations)
			break;
	}
out:
	atomic_store(&c->error, ret);
	atomic_store(&c->done, true);
	wake_consumer(c);
	return NULL;
}

struct collector *collector_start(struct source *src, uint64_t interval_ns, uint64_t iterations)
{
	return collector_start_early(src, interval_ns, iterations, 0);
}

/*
 * The snapshot slots and the models' entry arrays grow by realloc to the
 * busiest tick's size: mapped, they grow by mremap, shrink and free back to
 * the kernel. Process-wide, set before the collector allocates anything.
 */
static void tune_malloc(void)
{
	mallopt(M_MMAP_THRESHOLD, MALLOC_MMAP_BYTES);
}

struct collector *collector_start_early(struct source *src, uint64_t interval_ns,
					uint64_t iterations, uint64_t first_tick_ns)
{
	static pthread_once_t tuned = PTHREAD_ONCE_INIT;
	struct collector *c;
	pthread_condattr_t attr;
	int ret;

	pthread_once(&tuned, tune_malloc);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->src = *src;
	c->iterations = iterations;
	c->first_tick_ns = first_tick_ns;
	atomic_store(&c->interval_ns, interval_ns < MIN_INTERVAL_NS ? MIN_INTERVAL_NS : interval_ns);
	for (int i = 0; i < RING_SLOTS; i++) {
		snapshot_init(&c->slots[i]);
		c->slot_ptrs[i] = &c->slots[i];
	}
	c->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	c->ring = spsc_new(c->slot_ptrs, RING_SLOTS);
	if (c->wake_fd < 0 || !c->ring)
		goto fail;
	pthread_mutex_init(&c->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	ret = pthread_create(&c->thread, NULL, collector_main, c);
	if (ret) {
		errno = ret;
		pthread_cond_destroy(&c->cond);
		pthread_mutex_destroy(&c->lock);
		goto fail;
	}
	return c;
fail:
	ret = errno;
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	spsc_free(c->ring);
	free(c);
	errno = ret;
	return NULL;
}

struct spsc_ring *collector_ring(struct collector *c)
{
	return c->ring;
}

int collector_wake_fd(const struct collector *c)
{
	return c->wake_fd;
}

void collector_ack_wake(struct collector *c)
{
	uint64_t n;
	ssize_t r = read(c->wake_fd, &n, sizeof(n));

	(void)r;	/* EAGAIN: nothing pending */
}

void collector_set_interval(struct collector *c, uint64_t interval_ns)
{
	atomic_store(&c->interval_ns, interval_ns < MIN_INTERVAL_NS ? MIN_INTERVAL_NS : interval_ns);
	/* Wake the live loop: it reschedules the current tick (a replay ignores the flag). */
	pthread_mutex_lock(&c->lock);
	c->resched = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

uint64_t collector_interval(const struct collector *c)
{
	return atomic_load(&c->interval_ns);
}

int collector_hold_bpf_stats(struct collector *c, bool on)
{
	return c->src.hold_stats ? c->src.hold_stats(c->src.ctx, on) : -EOPNOTSUPP;
}

int collector_set_slow_ns(struct collector *c, uint64_t slow_ns)
{
	return c->src.set_slow_ns ? c->src.set_slow_ns(c->src.ctx, slow_ns) : -EOPNOTSUPP;
}

bool collector_seekable(const struct collector *c)
{
	return c->src.stamped && c->src.seek;
}

/* Replay requests: the collector thread does the work and publishes the tick at once. */
static void request(struct collector *c, int req, int pause)
{
	if (!collector_seekable(c))
		return;
	pthread_mutex_lock(&c->lock);
	if (req)
		c->request = req;
	if (pause >= 0)
		c->paused = pause;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void collector_pause(struct collector *c, bool paused)
{
	request(c, 0, paused);
}

void collector_seek(struct collector *c, enum source_seek how)
{
	request(c, 1 + (int)how, -1);
}

bool collector_at_end(const struct collector *c)
{
	return atomic_load(&c->at_end);
}

bool collector_done(const struct collector *c)
{
	return atomic_load(&c->done);
}

int collector_error(const struct collector *c)
{
	return atomic_load(&c->error);
}

void collector_finish(struct collector *c)
{
	pthread_mutex_lock(&c->lock);
	c->finish = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

void collector_stop(struct collector *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	pthread_join(c->thread, NULL);
	if (c->src.destroy)
		c->src.destroy(c->src.ctx);
	spsc_free(c->ring);
	for (int i = 0; i < RING_SLOTS; i++)
		snapshot_free(&c->slots[i]);
	pthread_cond_destroy(&c->cond);
	pthread_mutex_destroy(&c->lock);
	close(c->wake_fd);
	free(c);
}
