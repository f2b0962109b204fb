/*
 * usyms.c - user stack symbolisation through /proc/PID/maps and elf_syms
 * (see usyms.h). Files are opened through /proc/PID/root so a process in
 * another mount namespace (a container) resolves against its own files.
 */
#include "collect/usyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "collect/elf_syms.h"

#define PROC_MAX_MAPS 4096

struct umap {
	uint64_t start, end, pgoff;
	uint64_t dev, ino;
	char *path;
};

struct usyms_proc {
	uint32_t pid;
	struct umap *maps;	/* sorted by start (the kernel lists them so) */
	size_t n;
};

struct ubin {
	uint64_t dev, ino;
	char build_id[130];
	struct elf_syms *syms;	/* NULL: the file could not be read (cached as a miss) */
	uint64_t used;		/* last use, for eviction */
};

struct usyms {
	struct ubin *bins;
	size_t n, max;
	uint64_t clock;
};

struct usyms *usyms_new(size_t max_bins)
{
	struct usyms *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->max = max_bins ? max_bins : 1;
	u->bins = calloc(u->max, sizeof(*u->bins));
	if (!u->bins) {
		free(u);
		return NULL;
	}
	return u;
}

void usyms_free(struct usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++)
		elf_syms_close(u->bins[i].syms);
	free(u->bins);
	free(u);
}

size_t usyms_cached(const struct usyms *u)
{
	return u ? u->n : 0;
}

void usyms_proc_free(struct usyms_proc *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->maps[i].path);
	free(p->maps);
	free(p);
}

struct usyms_proc *usyms_proc_open(uint32_t pid)
{
	char path[64], line[4096 + 128];
	struct usyms_proc *p;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		fclose(f);
		return NULL;
	}
	p->pid = pid;
	while (fgets(line, sizeof(line), f) && p->n < PROC_MAX_MAPS) {
		unsigned long long start, end, pgoff, ino;
		unsigned int maj, min;
		int name_at = 0;
		char *file, *nl;

		if (sscanf(line, "%llx-%llx %*4s %llx %x:%x %llu %n", &start, &end, &pgoff, &maj,
			   &min, &ino, &name_at) < 6 || !name_at)
			continue;
		file = line + name_at;
		nl = strchr(file, '\n');
		if (nl)
			*nl = 0;
		if (ino == 0 || file[0] != '/')
			continue;	/* anonymous, [vdso], [stack]: no file to read */
		if (p->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct umap *m = realloc(p->maps, ncap * sizeof(*m));

			if (!m)
				break;
			p->maps = m;
			cap = ncap;
		}
		p->maps[p->n] = (struct umap){ .start = start, .end = end, .pgoff = pgoff,
					       .dev = makedev(maj, min), .ino = ino,
					       .path = strdup(file) };
		if (p->maps[p->n].path)
			p->n++;
	}
	fclose(f);
	return p;
}

static const struct umap *find_map(const struct usyms_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (p->maps[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && addr >= p->maps[lo].start ? &p->maps[lo] : NULL;
}

/* The cached binary of mapping @m, opening it (and evicting the least used) if new. */
static struct ubin *get_bin(struct usyms *u, const struct usyms_proc *p, const struct umap *m)
{
	struct ubin *b = NULL;
	char path[4200], err[128];
	struct stat st;
	size_t i;

	for (i = 0; i < u->n; i++) {
		if (u->bins[i].dev == m->dev && u->bins[i].ino == m->ino) {
			u->bins[i].used = ++u->clock;
			return &u->bins[i];
		}
	}
	if (u->n < u->max) {
		b = &u->bins[u->n++];
	} else {
		b = &u->bins[0];
		for (i = 1; i < u->n; i++)
			if (u->bins[i].used < b->used)
				b = &u->bins[i];
		elf_syms_close(b->syms);
	}
	memset(b, 0, sizeof(*b));
	b->dev = m->dev;
	b->ino = m->ino;
	b->used = ++u->clock;
	/* The process's own view of the file (containers), then the plain path. */
	snprintf(path, sizeof(path), "/proc/%u/root%s", p->pid, m->path);
	if (stat(path, &st) || (uint64_t)st.st_ino != m->ino)
		snprintf(path, sizeof(path), "%s", m->path);
	if (elf_syms_open(path, &b->syms, err, sizeof(err)) == 0)
		snprintf(b->build_id, sizeof(b->build_id), "%s", elf_syms_build_id(b->syms));
	return b;
}

void usyms_lookup(struct usyms *u, const struct usyms_proc *p, uint64_t addr,
		  struct usyms_frame *out)
{
	const struct umap *m;
	const struct elf_sym *sym;
	struct ubin *b;
	uint64_t vaddr, off;
	const char *base;

	memset(out, 0, sizeof(*out));
	if (!u || !p)
		return;
	m = find_map(p, addr);
	if (!m)
		return;
	out->file = m->path;
	base = strrchr(m->path, '/');
	base = base ? base + 1 : m->path;
	out->in_libc = !strncmp(base, "libc.so", 7) || !strncmp(base, "libc-", 5);
	b = get_bin(u, p, m);
	if (!b || !b->syms)
		return;
	/*
	 * A return address points just past its call: look up addr - 1 so a
	 * call that is a function's last instruction still names that function.
	 */
	if (elf_syms_offset_to_vaddr(b->syms, addr - m->start + m->pgoff, &vaddr))
		return;
	sym = elf_syms_lookup(b->syms, vaddr ? vaddr - 1 : 0, &off);
	if (sym)
		out->name = sym->name;
}
