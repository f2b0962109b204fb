/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * runq_floor_loader.c - load a BPF object file, attach all its programs,
 * print "attached" and hold them until SIGINT or SIGTERM (the runq bench's
 * floor: tests/bench/runq_floor.bpf.c).
 * usage: runq_floor_loader OBJECT.bpf.o
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;

	if (argc != 2) {
		fprintf(stderr, "usage: runq_floor_loader OBJECT.bpf.o\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "runq_floor_loader: cannot load %s\n", argv[1]);
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "runq_floor_loader: cannot attach %s\n",
				bpf_program__name(prog));
			return 1;
		}
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop_requested)
		pause();
	return 0;	/* links and object go with the process */
}
