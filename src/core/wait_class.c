/*
 * wait_class.c - the list of syscalls that wait for events.
 *
 * A wait is time a thread spends until something else happens (a wakeup, a
 * timer, data from a peer, a child's exit), not time spent doing what it
 * was asked: these fill a latency table sorted by time with idle threads.
 * By name, so the list is the same on every architecture (names it lacks,
 * such as poll on arm64, are skipped).
 */
#include <stdio.h>
#include <string.h>

#include "core/syscall_names.h"
#include "core/wait_class.h"

const struct wait_class_entry wait_class_list[] = {
	/* Sleeps and waits for children or signals: always a wait. */
	{ "nanosleep", ABI_SYS_WAIT },
	{ "clock_nanosleep", ABI_SYS_WAIT },
	{ "pause", ABI_SYS_WAIT },
	{ "wait4", ABI_SYS_WAIT },
	{ "waitid", ABI_SYS_WAIT },
	{ "rt_sigtimedwait", ABI_SYS_WAIT },
	{ "rt_sigsuspend", ABI_SYS_WAIT },
	/* Readiness: the poll, select and epoll families (also with a zero timeout). */
	{ "poll", ABI_SYS_WAIT },
	{ "ppoll", ABI_SYS_WAIT },
	{ "select", ABI_SYS_WAIT },
	{ "pselect6", ABI_SYS_WAIT },
	{ "epoll_wait", ABI_SYS_WAIT },
	{ "epoll_pwait", ABI_SYS_WAIT },
	{ "epoll_pwait2", ABI_SYS_WAIT },
	/* Message queues: a receive waits for a sender. */
	{ "msgrcv", ABI_SYS_WAIT },
	{ "mq_timedreceive", ABI_SYS_WAIT },
	/* futex_waitv only waits; futex waits for its FUTEX_WAIT* ops (WAKE is work). */
	{ "futex_waitv", ABI_SYS_WAIT },
	{ "futex", ABI_SYS_WAIT_FUTEX },
	/*
	 * Reads and accepts wait when their fd is a blocking socket, pipe/FIFO
	 * or terminal: for a peer, a writer, a key press. A regular file's read
	 * is work (the disk), and so is a non-blocking read (it never waits).
	 * The pread family cannot read pipes or sockets (ESPIPE): always work.
	 */
	{ "read", ABI_SYS_WAIT_FD0 },
	{ "readv", ABI_SYS_WAIT_FD0 },
	{ "recvfrom", ABI_SYS_WAIT_FD0 },
	{ "recvmsg", ABI_SYS_WAIT_FD0 },
	{ "recvmmsg", ABI_SYS_WAIT_FD0 },
	{ "accept", ABI_SYS_WAIT_FD0 },
	{ "accept4", ABI_SYS_WAIT_FD0 },
};
const size_t wait_class_list_len = sizeof(wait_class_list) / sizeof(wait_class_list[0]);

void wait_class_fill(uint8_t *out, size_t n)
{
	memset(out, ABI_SYS_WORK, n);
	for (size_t i = 0; i < wait_class_list_len; i++) {
		int nr = syscall_lookup(wait_class_list[i].name);

		if (nr >= 0 && (size_t)nr < n)
			out[nr] = (uint8_t)wait_class_list[i].cls;
	}
}

enum abi_sys_class wait_class_of(uint32_t nr)
{
	const char *name = syscall_name(nr);

	if (!name)
		return ABI_SYS_WORK;
	for (size_t i = 0; i < wait_class_list_len; i++)
		if (!strcmp(wait_class_list[i].name, name))
			return wait_class_list[i].cls;
	return ABI_SYS_WORK;
}

bool wait_class_always(uint32_t nr)
{
	return wait_class_of(nr) == ABI_SYS_WAIT;
}

const char *wait_class_label(uint32_t nr, bool wait, char *buf, size_t len)
{
	char name[32];

	snprintf(buf, len, "%s%s", syscall_name_or_nr(nr, name, sizeof(name)),
		 wait ? " (wait)" : "");
	return buf;
}
