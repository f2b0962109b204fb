/*
 * rec_match.h - find a row of the previous tick by its key (format-5
 * delta ticks: rows move between ticks, and a row found anywhere is an
 * edit, not a new row). Open addressing over row indexes; internal to the
 * recording format (rec_delta.c, rec_sections.c).
 */
#ifndef LATTOP_CORE_REC_MATCH_H
#define LATTOP_CORE_REC_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rec_match {
	uint32_t *slot;			/* row index + 1, 0: empty */
	size_t mask;
};

/* Index rows 0..@n-1 of @ctx by @hash. 0 or -ENOMEM (then every find misses). */
int rec_match_build(struct rec_match *m, size_t n, uint64_t (*hash)(const void *ctx, size_t i),
		    const void *ctx);
/* The first row indexed with hash @h for which @eq holds, or SIZE_MAX. */
size_t rec_match_find(const struct rec_match *m, uint64_t h,
		      bool (*eq)(const void *ctx, size_t i, const void *key), const void *ctx,
		      const void *key);
void rec_match_free(struct rec_match *m);

/* Mixes 64-bit words into a hash (splitmix64 finaliser). */
static inline uint64_t rec_match_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	return h;
}

#endif
