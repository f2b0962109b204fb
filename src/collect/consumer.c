/* consumer.c - the stop-signal self-pipe and the wait for snapshots (see consumer.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "collect/consumer.h"

static int sig_pipe[2] = { -1, -1 };

static void on_stop_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n = write(sig_pipe[1], &b, 1);

	(void)n;	/* full pipe: a signal is already pending */
	errno = saved;
}

int stop_signals_install(bool with_quit)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa;
	size_t n = sizeof(sigs) / sizeof(sigs[0]) - !with_quit;

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < n; i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int stop_signals_fd(void)
{
	return sig_pipe[0];
}

int stop_signals_take(void)
{
	unsigned char b;
	int sig = 0;

	while (sig_pipe[0] >= 0 && read(sig_pipe[0], &b, 1) == 1)
		sig = b;
	return sig;
}

int consumer_wait(struct collector *c, int input_fd, int timeout_ms, int *sig)
{
	struct pollfd pfd[3] = {
		{ .fd = collector_wake_fd(c), .events = POLLIN },
		{ .fd = sig_pipe[0], .events = POLLIN },
		{ .fd = input_fd, .events = POLLIN },
	};
	int n, events = 0;

	*sig = 0;
	n = poll(pfd, input_fd >= 0 ? 3 : 2, timeout_ms);
	if (n < 0)
		return errno == EINTR ? CONSUMER_INTERRUPTED : -errno;
	if (n == 0)
		return CONSUMER_TIMEOUT;
	if (pfd[0].revents)
		events |= CONSUMER_SNAPSHOT;
	if (pfd[1].revents) {
		*sig = stop_signals_take();
		if (*sig)
			events |= CONSUMER_SIGNAL;
	}
	if (input_fd >= 0 && (pfd[2].revents & POLLIN))
		events |= CONSUMER_INPUT;
	if (input_fd >= 0 && (pfd[2].revents & (POLLHUP | POLLERR | POLLNVAL)))
		events |= CONSUMER_INPUT_GONE;
	return events;
}

struct snapshot *consumer_take(struct collector *c, uint64_t *skipped, bool *done)
{
	uint64_t n = 0;
	struct snapshot *s;

	/*
	 * Ack the wake first, then read "done", then take. Acked after "done"
	 * was read, the collector's last wake (written after it set done)
	 * could be swallowed: the consumer would then see done == false and
	 * poll forever (seen under TSan: serve -n 40 never exited). Read
	 * before taking, "done" never leaves the last snapshot behind.
	 */
	collector_ack_wake(c);
	if (done)
		*done = collector_done(c);
	s = spsc_take_latest(collector_ring(c), &n);
	*skipped += n;
	return s;
}

void consumer_release(struct collector *c)
{
	spsc_release(collector_ring(c));
}

struct snapshot *consumer_take_next(struct collector *c, bool *done)
{
	/* As consumer_take: ack, then "done", then take. */
	collector_ack_wake(c);
	if (done)
		*done = collector_done(c);
	return spsc_take_next(collector_ring(c));
}
