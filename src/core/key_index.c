/* key_index.c - linear-probing index of 40-byte keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/key_index.h"

static uint64_t key_hash(const void *key)
{
	uint64_t w[KEY_INDEX_KEY_LEN / 8];

	memcpy(w, key, sizeof(w));
	/* splitmix-style mixing of the five words. */
	uint64_t h = w[0] * 0x9E3779B97F4A7C15ull;

	h ^= (w[1] + 0xBF58476D1CE4E5B9ull) * 0x94D049BB133111EBull;
	h ^= (w[2] ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
	h ^= (w[3] ^ (h >> 32)) * 0x94D049BB133111EBull;
	h ^= (w[4] ^ (h >> 27)) * 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 31);
}

static const void *entry_key(const struct key_array *a, size_t i)
{
	return (const char *)a->base + i * a->stride;
}

void key_index_free(struct key_index *ix)
{
	free(ix->pos);
	ix->pos = NULL;
	ix->cap = 0;
}

void key_index_rebuild(struct key_index *ix, const struct key_array *a)
{
	for (size_t i = 0; i < ix->cap; i++)
		ix->pos[i] = KEY_INDEX_EMPTY;
	for (size_t e = 0; e < a->n; e++) {
		size_t i = key_hash(entry_key(a, e)) & (ix->cap - 1);

		while (ix->pos[i] != KEY_INDEX_EMPTY)
			i = (i + 1) & (ix->cap - 1);
		ix->pos[i] = (uint32_t)e;
	}
}

int key_index_reserve(struct key_index *ix, const struct key_array *a)
{
	size_t cap = ix->cap ? ix->cap : 1024;
	uint32_t *pos;

	while ((a->n + 1) * 2 > cap)
		cap *= 2;
	if (cap == ix->cap)
		return 0;
	pos = malloc(cap * sizeof(*pos));
	if (!pos)
		return -ENOMEM;
	free(ix->pos);
	ix->pos = pos;
	ix->cap = cap;
	key_index_rebuild(ix, a);
	return 0;
}

long key_index_find(const struct key_index *ix, const struct key_array *a, const void *key,
		    size_t *slot)
{
	size_t i = key_hash(key) & (ix->cap - 1);

	while (ix->pos[i] != KEY_INDEX_EMPTY) {
		if (!memcmp(entry_key(a, ix->pos[i]), key, KEY_INDEX_KEY_LEN))
			return (long)ix->pos[i];
		i = (i + 1) & (ix->cap - 1);
	}
	*slot = i;
	return -1;
}

long key_index_get(struct key_index *ix, const struct key_entries *e, const void *key,
		   size_t max, bool *created)
{
	struct key_array a = { *e->base, e->stride, *e->n };
	size_t slot = 0;
	long pos;

	*created = false;
	if (key_index_reserve(ix, &a))
		return -ENOMEM;
	pos = key_index_find(ix, &a, key, &slot);
	if (pos >= 0)
		return pos;
	if (*e->n >= max)
		return -ENOSPC;
	if (*e->n == *e->cap) {
		size_t cap = *e->cap ? *e->cap * 2 : 64;
		void *grown = realloc(*e->base, cap * e->stride);

		if (!grown)
			return -ENOMEM;
		*e->base = grown;
		*e->cap = cap;
	}
	pos = (long)*e->n;
	memset((char *)*e->base + (size_t)pos * e->stride, 0, e->stride);
	memcpy((char *)*e->base + (size_t)pos * e->stride, key, KEY_INDEX_KEY_LEN);
	key_index_set(ix, slot, (*e->n)++);
	*created = true;
	return pos;
}
