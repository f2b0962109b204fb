/*
 * pidns.c - kernel pids to the pids of lattop's PID namespace (pidns.h).
 *
 * /proc shows NSpid from the namespace its mount belongs to downwards, so a
 * container with its own /proc never sees the kernel's pids there: the
 * translation comes from a BPF task iterator (bpf/pidns.bpf.c) that prints,
 * for every process our namespace can see, its kernel pid and ours. When
 * the iterator cannot load and /proc is the initial namespace's (unshare
 * --pid without --mount-proc), the NSpid lines give it instead.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/pidns.h"
#include "core/nspid.h"
/* The generated skeleton casts away const; that is bpftool's business. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "pidns.skel.h"
#pragma GCC diagnostic pop

/* include/linux/proc_ns.h: PROC_PID_INIT_INO, the initial namespace's inode. */
#define PIDNS_INIT_INO 0xEFFFFFFCu
#define PIDNS_MAX_LEVEL 32
/* Past this many cached pids (exited ones included) a rescan starts afresh. */
#define PIDNS_MAX_CACHED 65536

struct pidns {
	char proc[64];
	uint64_t ino;			/* 0: initial namespace, nothing to do */
	unsigned level;			/* ours, counted from /proc's namespace (fallback) */
	bool proc_is_init;		/* /proc is the initial namespace's view */
	struct pidns_bpf *skel;		/* the task iterator, NULL if it cannot load */
	struct bpf_link *link;
	struct nspid_map map;		/* kernel pid -> our pid, sorted */
	struct nspid_map scan;		/* a rescan, merged into map */
};

static int read_nspid(const char *path, uint32_t *nums, unsigned *levels)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -errno;
	return nspid_parse(buf, (size_t)n, nums, PIDNS_MAX_LEVEL, levels);
}

static uint64_t ns_ino(const char *proc, const char *pid)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/ns/pid", proc, pid);
	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

static void open_iter(struct pidns *p)
{
	p->skel = pidns_bpf__open();
	if (!p->skel)
		return;
	p->skel->rodata->cfg_ns_ino = (__u32)p->ino;
	if (pidns_bpf__load(p->skel))
		goto fail;
	p->link = bpf_program__attach_iter(p->skel->progs.pidns_tasks, NULL);
	if (p->link)
		return;
fail:
	pidns_bpf__destroy(p->skel);
	p->skel = NULL;
}

struct pidns *pidns_open(const char *proc)
{
	struct pidns *p = calloc(1, sizeof(*p));
	uint32_t nums[PIDNS_MAX_LEVEL];
	char path[128];
	unsigned levels = 0;
	uint64_t self;

	if (!p)
		return NULL;
	snprintf(p->proc, sizeof(p->proc), "%s", proc ? proc : "/proc");
	/*
	 * Not the initial namespace when our NSpid has more than one number (our
	 * /proc is an ancestor's) or when our namespace is not the initial one
	 * (our own /proc shows one number either way).
	 */
	snprintf(path, sizeof(path), "%s/self/status", p->proc);
	self = ns_ino(p->proc, "self");
	if (read_nspid(path, nums, &levels))
		levels = 1;
	if (levels <= 1 && (!self || self == PIDNS_INIT_INO))
		return p;
	p->ino = self ? self : 1;
	p->level = levels - 1;
	p->proc_is_init = ns_ino(p->proc, "1") == PIDNS_INIT_INO;
	open_iter(p);
	return p;
}

void pidns_free(struct pidns *p)
{
	if (!p)
		return;
	bpf_link__destroy(p->link);
	pidns_bpf__destroy(p->skel);
	nspid_map_free(&p->map);
	nspid_map_free(&p->scan);
	free(p);
}

uint64_t pidns_ino(const struct pidns *p)
{
	return p ? p->ino : 0;
}

static int scan_iter(struct pidns *p)
{
	char buf[16384];
	size_t bad = 0;
	ssize_t n;
	int ret = 0, fd = bpf_iter_create(bpf_link__fd(p->link));

	if (fd < 0)
		return -errno;
	/* Lines never straddle reads: the iterator flushes whole seq_file pages,
	 * and a read returns at most what is buffered; keep a partial tail. */
	size_t have = 0;

	while ((n = read(fd, buf + have, sizeof(buf) - have)) > 0) {
		size_t len = have + (size_t)n, cut = len;

		while (cut && buf[cut - 1] != '\n')
			cut--;
		ret = nspid_map_parse_pairs(&p->scan, buf, cut, &bad);
		if (ret)
			break;
		have = len - cut;
		memmove(buf, buf + cut, have);
	}
	if (n < 0 && !ret)
		ret = -errno;
	close(fd);
	return ret;
}

static int scan_proc(struct pidns *p)
{
	DIR *d = opendir(p->proc);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		uint32_t nums[PIDNS_MAX_LEVEL];
		char path[384];
		unsigned levels;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s/status", p->proc, e->d_name);
		if (read_nspid(path, nums, &levels) || levels <= p->level ||
		    p->level >= PIDNS_MAX_LEVEL)
			continue;	/* exited meanwhile, or not in our namespace */
		ret = nspid_map_put(&p->scan, nums[0], nums[p->level]);
		if (ret)
			break;
	}
	closedir(d);
	return ret;
}

/* Rebuild the cache: what the namespace shows now, plus earlier pids that have
 * gone (their rows age out) unless the cache has grown too big. */
static int rescan(struct pidns *p)
{
	int ret;

	nspid_map_clear(&p->scan);
	if (p->link)
		ret = scan_iter(p);
	else if (p->proc_is_init)
		ret = scan_proc(p);
	else
		return -EOPNOTSUPP;
	if (ret)
		return ret;
	nspid_map_sort(&p->scan);
	if (p->map.n + p->scan.n < PIDNS_MAX_CACHED) {
		for (size_t i = 0; i < p->map.n; i++) {
			const struct nspid_pair *old = &p->map.pairs[i];

			if (nspid_map_ns(&p->scan, old->kernel_pid))
				continue;
			ret = nspid_map_put(&p->scan, old->kernel_pid, old->ns_pid);
			if (ret)
				return ret;
		}
		nspid_map_sort(&p->scan);
	}
	struct nspid_map t = p->map;

	p->map = p->scan;
	p->scan = t;
	return 0;
}

int pidns_to_kernel(struct pidns *p, uint32_t ns_pid, uint32_t *kernel_pid)
{
	uint32_t k;
	int ret;

	if (!p || !p->ino) {
		*kernel_pid = ns_pid;
		return 0;
	}
	k = nspid_map_kernel(&p->map, ns_pid);
	if (!k) {
		ret = rescan(p);
		if (ret)
			return ret;
		k = nspid_map_kernel(&p->map, ns_pid);
	}
	if (!k)
		return -ESRCH;
	*kernel_pid = k;
	return 0;
}

/* Our pid of kernel pid @k (0 stays 0: "no process"); false: not visible to us. */
static bool ours(struct pidns *p, uint32_t *pid, bool *rescanned)
{
	uint32_t v;

	if (!*pid)
		return true;
	v = nspid_map_ns(&p->map, *pid);
	if (!v && !*rescanned) {
		*rescanned = true;
		if (rescan(p))
			return false;
		v = nspid_map_ns(&p->map, *pid);
	}
	*pid = v;
	return v != 0;
}

int pidns_translate(struct pidns *p, struct snapshot *s)
{
	bool again = false;
	size_t out;

	s->pidns_ino = pidns_ino(p);
	if (!s->pidns_ino)
		return 0;
	out = 0;
	for (size_t i = 0; i < s->n_sys; i++)
		if (ours(p, &s->sys[i].pid, &again))
			s->sys[out++] = s->sys[i];
	s->n_sys = out;
	out = 0;
	for (size_t i = 0; i < s->n_clients; i++)
		if (ours(p, &s->clients[i].key.tgid, &again))
			s->clients[out++] = s->clients[i];
	s->n_clients = out;
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		out = 0;
		for (size_t i = 0; i < s->fam[f].n; i++)
			if (ours(p, &s->fam[f].rows[i].key.tgid, &again))
				s->fam[f].rows[out++] = s->fam[f].rows[i];
		s->fam[f].n = out;
	}
	out = 0;
	for (size_t i = 0; i < s->n_stacks; i++)
		if (ours(p, &s->stacks[i].pid, &again))
			s->stacks[out++] = s->stacks[i];
	s->n_stacks = out;
	return 0;
}
