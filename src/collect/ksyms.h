/*
 * ksyms.h - kernel symbols from /proc/kallsyms, sorted by address, for
 * symbolising kernel stacks. Loaded once (about 10 MB of text read, a few MB
 * kept); addresses need root (kptr_restrict), else every lookup misses.
 * Collector thread.
 */
#ifndef LATTOP_COLLECT_KSYMS_H
#define LATTOP_COLLECT_KSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksyms;

/* Read @path ("/proc/kallsyms"). NULL with errno set. */
struct ksyms *ksyms_load(const char *path);

/* The same from text in memory (tests): lines "ADDR TYPE NAME [module]". */
struct ksyms *ksyms_parse(const char *text, size_t len);

void ksyms_free(struct ksyms *k);

size_t ksyms_count(const struct ksyms *k);

/* Name of the function containing @addr (the nearest symbol at or below it); NULL if none. */
const char *ksyms_lookup(const struct ksyms *k, uint64_t addr);

#endif
