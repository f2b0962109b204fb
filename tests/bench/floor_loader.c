/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * floor_loader.c - attach the empty floor programs and hold them until
 * SIGINT or SIGTERM. Prints "attached" on stdout once both programs are live,
 * so that a benchmark script can start measuring only after that line.
 * usage: floor_loader
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

/* The generated skeleton casts away const; that is bpftool's business. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "floor.skel.h"
#pragma GCC diagnostic pop

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* libbpf chatter only with FLOOR_VERBOSE set; errors are reported by us. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("FLOOR_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct floor_bpf *skel;
	sigset_t block, old;
	int err;

	libbpf_set_print(quiet_print);
	skel = floor_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "floor_loader: cannot load the floor programs: %s — run as root\n",
			strerror(errno));
		return 1;
	}
	err = floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "floor_loader: cannot attach tp_btf/sys_enter, sys_exit: %s\n",
			strerror(-err));
		floor_bpf__destroy(skel);
		return 1;
	}

	/* Block the signals before announcing, so none is lost before sigsuspend. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("attached\n");
	fflush(stdout);
	while (!stop_requested)
		sigsuspend(&old);

	floor_bpf__destroy(skel);
	return 0;
}
