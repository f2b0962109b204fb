/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * obj_loader.c - load one BPF object file, attach its tp_btf programs
 * (other sections are not loaded: lattop's objects carry a raw_tp copy of
 * each program) and hold them until SIGINT or SIGTERM. Prints "attached"
 * once they are live, so that a benchmark starts measuring after that line.
 * The block bench loads lattop's own block.bpf.o and an object of empty
 * programs on the same hooks with it, so both are attached the same way.
 * usage: obj_loader FILE.bpf.o
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("OBJ_LOADER_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct bpf_object *obj;
	struct bpf_program *prog;
	sigset_t block, old;
	int err, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: obj_loader FILE.bpf.o\n");
		return 2;
	}
	libbpf_set_print(quiet_print);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "obj_loader: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__section_name(prog),
							 "tp_btf/", 7));
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "obj_loader: cannot load %s: %s — run as root\n", argv[1],
			strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "obj_loader: cannot attach %s: %s\n",
				bpf_program__section_name(prog), strerror(errno));
			bpf_object__close(obj);
			return 1;
		}
		n++;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("attached %d\n", n);
	fflush(stdout);
	while (!stop_requested)
		sigsuspend(&old);
	/* Links are owned by the object's programs' callers; process exit detaches them. */
	bpf_object__close(obj);
	return 0;
}
