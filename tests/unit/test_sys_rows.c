/*
 * test_sys_rows.c - the user side of the syscall rows against a simulated
 * kernel (the bpf_map_* calls below): rows handed out lowest first, every
 * key read with its own row, and a retired row zeroed, kept out until the
 * next tick (a late add of its old owner vanishes) and then reused with a
 * new generation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/bpf.h>

#include "collect/sys_rows.h"

#define N_ROWS 8
#define INDEX_FD 10
#define ROWS_FD 11
#define FREE_FD 12

/* The simulated kernel: sys_index, sys_rows and the sys_free stack. */
static struct {
	struct abi_sys_key keys[N_ROWS];
	struct abi_sys_ref refs[N_ROWS];
	bool used[N_ROWS];
	struct abi_sys_row rows[N_ROWS];
	uint32_t stack[N_ROWS];
	uint32_t depth;
} k;

static int index_find(const void *key)
{
	for (int i = 0; i < N_ROWS; i++)
		if (k.used[i] && !memcmp(&k.keys[i], key, sizeof(k.keys[i])))
			return i;
	return -1;
}

int bpf_map_update_elem(int fd, const void *key, const void *value, __u64 flags)
{
	(void)flags;
	if (fd == FREE_FD) {
		if (k.depth == N_ROWS) {
			errno = E2BIG;
			return -1;
		}
		k.stack[k.depth++] = *(const uint32_t *)value;
		return 0;
	}
	assert_int_equal(fd, ROWS_FD);
	assert_true(*(const uint32_t *)key < N_ROWS);
	memcpy(&k.rows[*(const uint32_t *)key], value, sizeof(k.rows[0]));
	return 0;
}

int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	int i;

	if (fd == ROWS_FD) {
		memcpy(value, &k.rows[*(const uint32_t *)key], sizeof(k.rows[0]));
		return 0;
	}
	assert_int_equal(fd, INDEX_FD);
	i = index_find(key);
	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	memcpy(value, &k.refs[i], sizeof(k.refs[i]));
	return 0;
}

int bpf_map_delete_elem(int fd, const void *key)
{
	int i = index_find(key);

	assert_int_equal(fd, INDEX_FD);
	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	k.used[i] = false;
	return 0;
}

int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	(void)fd, (void)key, (void)next_key;
	fail_msg("the batch path is taken when batches work");
	return -1;
}

/* The index in one batch; the rows from the one after *in_batch. */
int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys, void *values,
			 __u32 *count, const struct bpf_map_batch_opts *opts)
{
	uint32_t n = 0;

	(void)opts;
	if (fd == INDEX_FD) {
		assert_null(in_batch);
		for (int i = 0; i < N_ROWS && n < *count; i++) {
			if (!k.used[i])
				continue;
			memcpy((struct abi_sys_key *)keys + n, &k.keys[i], sizeof(k.keys[i]));
			memcpy((struct abi_sys_ref *)values + n, &k.refs[i], sizeof(k.refs[i]));
			n++;
		}
		*count = n;
		errno = ENOENT;
		return -1;
	}
	assert_int_equal(fd, ROWS_FD);
	for (uint32_t idx = in_batch ? *(uint32_t *)in_batch + 1 : 0; idx < N_ROWS && n < *count;
	     idx++, n++) {
		((uint32_t *)keys)[n] = idx;
		memcpy((struct abi_sys_row *)values + n, &k.rows[idx], sizeof(k.rows[idx]));
		*(uint32_t *)out_batch = idx;
	}
	*count = n;
	return 0;
}

/* What bpf/lib/sys_rows.bpf.h does on a miss: a free row for @key. */
static uint32_t kernel_insert(const struct abi_sys_key *key)
{
	uint32_t idx;

	assert_true(k.depth > 0);
	idx = k.stack[--k.depth];
	for (int i = 0; i < N_ROWS; i++) {
		if (!k.used[i]) {
			k.used[i] = true;
			k.keys[i] = *key;
			k.refs[i] = (struct abi_sys_ref){ .idx = idx, .gen = k.rows[idx].gen };
			return idx;
		}
	}
	fail_msg("index full");
	return 0;
}

static struct abi_sys_key key_of(uint32_t tgid, uint32_t nr)
{
	struct abi_sys_key key;

	memset(&key, 0, sizeof(key));
	key.tgid = tgid;
	key.nr = nr;
	return key;
}

/* The count each key's row showed, by tgid (< 16). */
static uint64_t seen[16];
static int seen_keys;

static int on_row(const struct abi_sys_key *key, struct abi_hist *h, void *ctx)
{
	(void)ctx;
	seen[key->tgid] = h->count;
	seen_keys++;
	return 0;
}

static void read_all(struct sys_rows *r)
{
	memset(seen, 0, sizeof(seen));
	seen_keys = 0;
	assert_int_equal(sys_rows_read(r, on_row, NULL), 0);
}

static bool in_free_list(uint32_t idx)
{
	for (uint32_t i = 0; i < k.depth; i++)
		if (k.stack[i] == idx)
			return true;
	return false;
}

static void test_rows_recycled(void **state)
{
	struct sys_rows *r;
	struct abi_sys_key a = key_of(1, 0), b = key_of(2, 0), c = key_of(3, 0);
	uint32_t ia, ib, ic;

	(void)state;
	memset(&k, 0, sizeof(k));
	r = sys_rows_new(INDEX_FD, ROWS_FD, FREE_FD, N_ROWS);
	assert_non_null(r);
	assert_int_equal(k.depth, N_ROWS);
	ia = kernel_insert(&a);
	ib = kernel_insert(&b);
	assert_int_equal(ia, 0);	/* lowest first: the read prefix stays short */
	assert_int_equal(ib, 1);
	k.rows[ia].hist.count = 5;
	k.rows[ib].hist.count = 7;
	read_all(r);
	assert_int_equal(seen_keys, 2);
	assert_int_equal(seen[1], 5);
	assert_int_equal(seen[2], 7);

	sys_rows_retire(r, &a);
	assert_int_equal(index_find(&a), -1);
	assert_int_equal(k.rows[ia].gen, 1);	/* cached references fail from now on */
	assert_int_equal(k.rows[ia].hist.count, 0);
	k.rows[ia].hist.count = 1;		/* an add already past its check */
	assert_false(in_free_list(ia));		/* quarantined until the next tick */
	read_all(r);
	assert_int_equal(seen_keys, 1);
	sys_rows_release(r);			/* next tick: free, zeroed */
	assert_true(in_free_list(ia));
	assert_int_equal(k.rows[ia].hist.count, 0);
	assert_int_equal(k.rows[ia].gen, 1);

	ic = kernel_insert(&c);			/* e.g. a new process with a's PID */
	assert_int_equal(ic, ia);
	k.rows[ic].hist.count = 3;
	read_all(r);
	assert_int_equal(seen_keys, 2);
	assert_int_equal(seen[3], 3);		/* nothing of a's */
	assert_int_equal(seen[2], 7);
	assert_int_equal(seen[1], 0);
	sys_rows_free(r);
}

/* A key retired twice in one tick (it cannot be: the second finds nothing) holds one row. */
static void test_retire_unknown(void **state)
{
	struct sys_rows *r;
	struct abi_sys_key a = key_of(1, 0);
	uint32_t ia;

	(void)state;
	memset(&k, 0, sizeof(k));
	r = sys_rows_new(INDEX_FD, ROWS_FD, FREE_FD, N_ROWS);
	assert_non_null(r);
	ia = kernel_insert(&a);
	sys_rows_retire(r, &a);
	sys_rows_retire(r, &a);
	sys_rows_release(r);
	assert_int_equal(k.depth, N_ROWS);	/* every row free once, none twice */
	assert_true(in_free_list(ia));
	sys_rows_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_recycled),
		cmocka_unit_test(test_retire_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
