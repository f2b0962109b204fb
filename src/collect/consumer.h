/*
 * consumer.h - what every consumer of the collector shares: the stop-signal
 * self-pipe and the wait for the next snapshot (stream output, dashboard,
 * 'run'). One place, so that a signal is handled the same way everywhere.
 *
 * Stop signals (SIGINT, SIGTERM, SIGHUP, and SIGQUIT for the dashboard) are
 * caught with SA_RESTART: a write() they interrupt is restarted by the
 * kernel instead of failing with EINTR, which stdio would turn into a lost
 * buffer. The handler only writes the signal number to a pipe; the loop
 * reads it. SIGPIPE is ignored: a closed reader shows up as EPIPE.
 */
#ifndef LATTOP_COLLECT_CONSUMER_H
#define LATTOP_COLLECT_CONSUMER_H

#include <stdbool.h>
#include <stdint.h>

#include "collect/collector.h"

/*
 * Main thread, first thing after the options are read (a signal during a
 * slow start-up, e.g. while BPF loads, must not kill lattop). Idempotent;
 * @with_quit adds SIGQUIT (the dashboard's Ctrl-\). 0 or -errno.
 */
int stop_signals_install(bool with_quit);

/* The read end of the self-pipe (-1 before install). */
int stop_signals_fd(void);

/* Main thread. The last stop signal received since the previous call, or 0. */
int stop_signals_take(void);

/* Events consumer_wait reports (a bit mask). */
enum consumer_event {
	CONSUMER_SNAPSHOT = 1 << 0,	/* the collector published (or finished) */
	CONSUMER_SIGNAL = 1 << 1,	/* a stop signal arrived; *@sig says which */
	CONSUMER_INPUT = 1 << 2,	/* @input_fd is readable */
	CONSUMER_INPUT_GONE = 1 << 3,	/* @input_fd hung up or is invalid */
	CONSUMER_TIMEOUT = 1 << 4,
	CONSUMER_INTERRUPTED = 1 << 5,	/* another signal (SIGWINCH) interrupted the wait */
};

/*
 * Consumer thread. Wait for the collector, a stop signal or @input_fd
 * (-1: none), at most @timeout_ms (-1: no limit). A mask of enum
 * consumer_event, or -errno.
 */
int consumer_wait(struct collector *c, int input_fd, int timeout_ms, int *sig);

/*
 * Consumer thread. The newest snapshot published since the last take (NULL
 * if none), after acknowledging the wake-up; *@skipped += snapshots
 * released unread. *@done (may be NULL) is read before taking, so a true
 * *@done means nothing more will come after this snapshot.
 */
struct snapshot *consumer_take(struct collector *c, uint64_t *skipped, bool *done);

/*
 * Consumer thread, for streams (JSON, batch text): the oldest snapshot not
 * taken yet (NULL if none), so that no tick's interval is lost to a slow
 * reader; call it until NULL after each wake-up. *@done as consumer_take's.
 */
struct snapshot *consumer_take_next(struct collector *c, bool *done);

/*
 * Consumer thread, for streams: done with the snapshot taken last (written
 * out), so that the collector may free or reuse it before the next take.
 */
void consumer_release(struct collector *c);

#endif
