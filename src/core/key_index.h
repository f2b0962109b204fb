/*
 * key_index.h - open-addressing index over a caller's dense array of
 * entries whose first member is a 40-byte key (abi_sys_key, abi_client_key, abi_fam_key).
 * The array owns the entries; the index holds positions. Deletions are done
 * by the caller on the array, followed by key_index_rebuild: no tombstones.
 */
#ifndef LATTOP_CORE_KEY_INDEX_H
#define LATTOP_CORE_KEY_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEY_INDEX_KEY_LEN 40

struct key_index {
	uint32_t *pos;		/* positions into the array, KEY_INDEX_EMPTY when free */
	size_t cap;		/* power of two, kept > 2 * entries */
};

#define KEY_INDEX_EMPTY UINT32_MAX

/* The array the index points into: @n entries @stride bytes apart from @base. */
struct key_array {
	const void *base;
	size_t stride;
	size_t n;
};

void key_index_free(struct key_index *ix);

/* Room for one more entry than @a holds (grows and rebuilds). 0 or -ENOMEM. */
int key_index_reserve(struct key_index *ix, const struct key_array *a);

/*
 * Position of @key in @a, or -1 when absent; then *@slot is where
 * key_index_set must record it once it is appended.
 */
long key_index_find(const struct key_index *ix, const struct key_array *a, const void *key,
		    size_t *slot);

static inline void key_index_set(struct key_index *ix, size_t slot, size_t pos)
{
	ix->pos[slot] = (uint32_t)pos;
}

/*
 * A caller's growable entry array: *@base holds *@n entries of @stride bytes
 * (capacity *@cap), each starting with its 40-byte key.
 */
struct key_entries {
	void **base;
	size_t *n;
	size_t *cap;
	size_t stride;
};

/*
 * The position of @key's entry in @e, appended (zeroed, key copied, the
 * array grown by doubling) when absent and fewer than @max entries exist;
 * *@created says which. -ENOSPC when absent and full, -ENOMEM.
 */
long key_index_get(struct key_index *ix, const struct key_entries *e, const void *key,
		   size_t max, bool *created);

/* Re-index @a after entries were removed or moved. */
void key_index_rebuild(struct key_index *ix, const struct key_array *a);

#endif
