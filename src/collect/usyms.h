/*
 * usyms.h - user-space addresses of a process to function names: the
 * process's /proc/PID/maps give (file, offset), the file's ELF symbol tables
 * (elf_syms) give the name. Binaries are cached (bounded, keyed by device,
 * inode and build id) across processes and ticks. Collector thread.
 */
#ifndef LATTOP_COLLECT_USYMS_H
#define LATTOP_COLLECT_USYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct usyms;
struct usyms_proc;

/* A cache of at most @max_bins binaries' symbol tables. NULL with errno. */
struct usyms *usyms_new(size_t max_bins);
void usyms_free(struct usyms *u);

/* The file mappings of process @pid now; NULL (errno) when it is gone. */
struct usyms_proc *usyms_proc_open(uint32_t pid);
void usyms_proc_free(struct usyms_proc *p);

struct usyms_frame {
	const char *name;	/* function (raw, mangled); NULL: unresolved. Valid until the next call */
	const char *file;	/* the mapped file's path; NULL: no file mapping */
	bool in_libc;		/* the file is the C library (its syscall wrappers are frameless) */
};

/* Resolve @addr of process @p. Always fills @out (name NULL when unknown). */
void usyms_lookup(struct usyms *u, const struct usyms_proc *p, uint64_t addr,
		  struct usyms_frame *out);

/* Binaries opened so far (hits and misses are cache behaviour: for tests). */
size_t usyms_cached(const struct usyms *u);

#endif
