/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* maps.bpf.h - the map idioms every family uses: per-CPU counters, lookup-or-insert. */
#ifndef LATTOP_BPF_MAPS_H
#define LATTOP_BPF_MAPS_H

/* The per-CPU counters (enum abi_fam_counter) of a family on abi_fam_key; user space sums them. */
#define FAM_COUNTERS_MAP(name)					\
	struct {						\
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);	\
		__uint(max_entries, ABI_FCNT_NR);		\
		__type(key, __u32);				\
		__type(value, __u64);				\
	} name SEC(".maps")

/* Add @n to entry @idx of the per-CPU array @map (no other writer: a plain add). */
static __always_inline void counter_add_in(void *map, __u32 idx, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(map, &idx);

	if (v)
		*v += n;
}

static __always_inline void counter_inc_in(void *map, __u32 idx)
{
	counter_add_in(map, idx, 1);
}

/*
 * The value of @key in the hash @map, inserted as a copy of @zero when
 * missing (another CPU may insert it first: then that one). NULL when the
 * map is full; *@created says whether this call inserted it.
 */
static __always_inline void *map_lookup_or_init(void *map, const void *key, const void *zero,
						bool *created)
{
	void *v = bpf_map_lookup_elem(map, key);

	*created = false;
	if (v)
		return v;
	if (!bpf_map_update_elem(map, key, zero, BPF_NOEXIST))
		*created = true;
	return bpf_map_lookup_elem(map, key);
}

#endif
