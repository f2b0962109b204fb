/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * sys_rows.bpf.h - the syscall rows (struct abi_sys_row, include/abi) and a
 * per-thread cache of references to them, so that a call whose (process,
 * syscall) row this thread used recently finds it with an inlined array
 * lookup instead of hashing its 40-byte key. A .bpf.c that includes this
 * gets three maps (sys_index, sys_rows, sys_free; user space sizes all
 * three to --max-keys before load).
 *
 * Rows come from sys_free, a stack (the lowest rows first, so that user
 * space reads a short prefix of the array): user space fills it with every
 * row at start and gives retired rows back after their quarantine.
 */
#ifndef LATTOP_BPF_SYS_ROWS_H
#define LATTOP_BPF_SYS_ROWS_H

#include "abi/lat_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, ABI_SYS_KEYS_DEFAULT);
	__type(key, struct abi_sys_key);
	__type(value, struct abi_sys_ref);
} sys_index SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ABI_SYS_KEYS_DEFAULT);
	__type(key, __u32);
	__type(value, struct abi_sys_row);
} sys_rows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__uint(max_entries, ABI_SYS_KEYS_DEFAULT);
	__uint(key_size, 0);
	__uint(value_size, sizeof(__u32));
} sys_free SEC(".maps");

/*
 * Direct-mapped by the classified syscall number: the top bits of a
 * multiplicative hash, so that read's work and wait rows (the wait bit is
 * bit 31) and numbers 8 apart fall in different ways.
 */
#define ROW_CACHE_WAYS_BITS	3
#define ROW_CACHE_WAYS		(1u << ROW_CACHE_WAYS_BITS)

struct row_ref_cached {
	__u32 nr;		/* classified syscall number */
	__u32 idx_plus1;	/* 0: empty */
	__u32 gen;
};

/* In a thread's slot: valid for the process identity in owner (nr unused). */
struct row_cache {
	struct abi_sys_key owner;
	struct row_ref_cached way[ROW_CACHE_WAYS];
};

static __always_inline __u32 row_cache_way(__u32 nr)
{
	return (nr * 0x9e3779b1u) >> (32 - ROW_CACHE_WAYS_BITS);
}

/* Same process, name and cgroup: the cached rows are still this key's (but nr). */
static __always_inline bool row_owner_same(const struct abi_sys_key *a, const struct abi_sys_key *b)
{
	const __u64 *x = (const __u64 *)a->comm, *y = (const __u64 *)b->comm;

	return a->tgid == b->tgid && a->pstart_ns == b->pstart_ns && x[0] == y[0] &&
	       x[1] == y[1] && a->cgid == b->cgid;
}

/* The row of @key from the hash, inserted with a free row when new. -1: no room. */
static __noinline int row_resolve(const struct abi_sys_key *key, struct abi_sys_ref *out)
{
	struct abi_sys_ref *ref = bpf_map_lookup_elem(&sys_index, key);
	struct abi_sys_ref fresh = {};
	struct abi_sys_row *row;
	__u32 idx = 0;

	if (ref) {
		*out = *ref;
		return 0;
	}
	if (bpf_map_pop_elem(&sys_free, &idx))
		return -1;	/* every row in use */
	row = bpf_map_lookup_elem(&sys_rows, &idx);
	if (!row)
		return -1;	/* never: the free list holds indexes below max_entries */
	fresh.idx = idx;
	fresh.gen = row->gen;
	if (!bpf_map_update_elem(&sys_index, key, &fresh, BPF_NOEXIST)) {
		*out = fresh;
		return 0;
	}
	/* Another CPU inserted it first (or the index is full): the row was never used. */
	bpf_map_push_elem(&sys_free, &idx, 0);
	ref = bpf_map_lookup_elem(&sys_index, key);
	if (!ref)
		return -1;
	*out = *ref;
	return 0;
}

static __always_inline struct abi_hist *row_hist(__u32 idx)
{
	struct abi_sys_row *row = bpf_map_lookup_elem(&sys_rows, &idx);

	return row ? &row->hist : NULL;
}

/*
 * The histogram of @key's row; @c may be NULL (no thread slot: the hash
 * every time). NULL when the maps are full.
 */
static __always_inline struct abi_hist *row_get(struct row_cache *c, const struct abi_sys_key *key)
{
	struct row_ref_cached *w;
	struct abi_sys_ref ref;
	struct abi_sys_row *row;
	__u32 idx;

	if (!c)
		return row_resolve(key, &ref) ? NULL : row_hist(ref.idx);
	if (!row_owner_same(&c->owner, key)) {
		/* Renamed, moved, exec'd or a new thread: none of the cached rows is its. */
		c->owner = *key;
		__builtin_memset(c->way, 0, sizeof(c->way));
	}
	w = &c->way[row_cache_way(key->nr) & (ROW_CACHE_WAYS - 1)];
	if (w->idx_plus1 && w->nr == key->nr) {
		idx = w->idx_plus1 - 1;
		row = bpf_map_lookup_elem(&sys_rows, &idx);
		if (row && row->gen == w->gen)
			return &row->hist;
	}
	if (row_resolve(key, &ref))
		return NULL;
	w->nr = key->nr;
	w->idx_plus1 = ref.idx + 1;
	w->gen = ref.gen;
	return row_hist(ref.idx);
}

#endif
