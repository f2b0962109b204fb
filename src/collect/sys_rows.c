/*
 * sys_rows.c - user side of the syscall rows (include/abi/lat_abi.h,
 * struct abi_sys_row). Collector thread.
 *
 * The rows are read with batch lookups over the array's used prefix: the
 * free list is a stack, so the kernel hands out the lowest rows again and
 * the prefix stays about as long as the most rows ever in use at once.
 * (Mapping the array instead would put all of it, --max-keys x 2.5 KiB,
 * in lattop's resident set.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "collect/sys_rows.h"

#define READ_BATCH 256

struct sys_rows {
	int index_fd, rows_fd, free_fd;
	uint32_t n_rows;
	uint32_t *gen;			/* n_rows: each row's generation (the kernel's copy in the row) */
	uint32_t *held;			/* n_rows: rows retired since the last release */
	uint32_t n_held;
	uint32_t high;			/* rows below it have been handed out at least once */
	struct abi_sys_key *keys;	/* n_rows: the index, read each tick */
	struct abi_sys_ref *refs;	/* n_rows */
	uint32_t *key_of_row;		/* n_rows: 1 + position in keys, 0 none */
	struct abi_sys_row *batch;	/* READ_BATCH rows */
	uint32_t batch_idx[READ_BATCH];	/* their indexes (the batch lookup writes them) */
	struct abi_sys_row blank;	/* a zeroed row, written with its generation */
};

void sys_rows_free(struct sys_rows *r)
{
	if (!r)
		return;
	free(r->gen);
	free(r->held);
	free(r->keys);
	free(r->refs);
	free(r->key_of_row);
	free(r->batch);
	free(r);
}

struct sys_rows *sys_rows_new(int index_fd, int rows_fd, int free_fd, uint32_t n_rows)
{
	struct sys_rows *r = calloc(1, sizeof(*r));
	size_t n = n_rows ? n_rows : 1;

	if (!r)
		return NULL;
	r->index_fd = index_fd;
	r->rows_fd = rows_fd;
	r->free_fd = free_fd;
	r->n_rows = n_rows;
	r->gen = calloc(n, sizeof(*r->gen));
	r->held = calloc(n, sizeof(*r->held));
	r->keys = calloc(n, sizeof(*r->keys));
	r->refs = calloc(n, sizeof(*r->refs));
	r->key_of_row = calloc(n, sizeof(*r->key_of_row));
	r->batch = calloc(READ_BATCH, sizeof(*r->batch));
	if (!r->gen || !r->held || !r->keys || !r->refs || !r->key_of_row ||
	    !r->batch) {
		sys_rows_free(r);
		errno = ENOMEM;
		return NULL;
	}
	/* A stack: pushed from the top down, row 0 is handed out first. */
	for (uint32_t idx = n_rows; idx-- > 0;) {
		if (bpf_map_update_elem(free_fd, NULL, &idx, BPF_ANY)) {
			int err = errno;

			sys_rows_free(r);
			errno = err;
			return NULL;
		}
	}
	return r;
}

/* Row @idx zeroed, with its current generation. */
static int row_reset(struct sys_rows *r, uint32_t idx)
{
	r->blank.gen = r->gen[idx];
	return bpf_map_update_elem(r->rows_fd, &idx, &r->blank, BPF_ANY) ? -errno : 0;
}

void sys_rows_retire(struct sys_rows *r, const struct abi_sys_key *key)
{
	struct abi_sys_ref ref;

	if (bpf_map_lookup_elem(r->index_fd, key, &ref) || ref.idx >= r->n_rows)
		return;
	if (bpf_map_delete_elem(r->index_fd, key))
		return;
	/* The new generation: cached references to the row fail their check from now on. */
	r->gen[ref.idx] = ref.gen + 1;
	row_reset(r, ref.idx);
	if (r->n_held < r->n_rows)	/* always: a row is retired once per owner */
		r->held[r->n_held++] = ref.idx;
}

void sys_rows_release(struct sys_rows *r)
{
	for (uint32_t i = 0; i < r->n_held; i++) {
		uint32_t idx = r->held[i];

		/* Again: what landed during the quarantine goes. On failure the row stays out. */
		if (!row_reset(r, idx))
			bpf_map_update_elem(r->free_fd, NULL, &idx, BPF_ANY);
	}
	r->n_held = 0;
}

/* The whole index into keys/refs; the number of keys, or a negative errno. */
static long read_index(struct sys_rows *r)
{
	struct abi_sys_key token, key, *prev = NULL;
	void *in = NULL;
	uint32_t n = 0, count;
	int ret;

	while (n < r->n_rows) {
		count = r->n_rows - n < READ_BATCH ? r->n_rows - n : READ_BATCH;
		ret = bpf_map_lookup_batch(r->index_fd, in, &token, &r->keys[n], &r->refs[n],
					   &count, NULL);
		if (ret && errno != ENOENT) {
			if (in)
				return -errno;
			break;	/* no batch lookups on hash maps: key by key below */
		}
		n += count;
		if (ret)
			return n;	/* ENOENT: that was the last batch */
		in = &token;
	}
	if (in)
		return n;
	while (n < r->n_rows && bpf_map_get_next_key(r->index_fd, prev, &r->keys[n]) == 0) {
		key = r->keys[n];
		prev = &key;
		if (bpf_map_lookup_elem(r->index_fd, &key, &r->refs[n]) == 0)
			n++;
	}
	return n;
}

/* Rows [@first, @first + *@count) into batch; *@count: how many were read. */
static int read_rows(struct sys_rows *r, uint32_t first, uint32_t *count)
{
	uint32_t prev = first - 1, out;

	if (!bpf_map_lookup_batch(r->rows_fd, first ? &prev : NULL, &out, r->batch_idx, r->batch, count,
				  NULL))
		return 0;
	if (errno == ENOENT)
		return 0;
	/* No batch lookups: one by one. */
	for (uint32_t i = 0; i < *count; i++) {
		uint32_t idx = first + i;

		if (bpf_map_lookup_elem(r->rows_fd, &idx, &r->batch[i]))
			return -errno;
	}
	return 0;
}

int sys_rows_read(struct sys_rows *r,
		  int (*fn)(const struct abi_sys_key *key, struct abi_hist *h, void *ctx), void *ctx)
{
	long n = read_index(r);
	int ret = 0;

	if (n < 0)
		return (int)n;
	for (long k = 0; k < n; k++) {
		uint32_t idx = r->refs[k].idx;

		if (idx >= r->n_rows || r->refs[k].gen != r->gen[idx])
			continue;	/* not a row this side handed out: never */
		r->key_of_row[idx] = (uint32_t)k + 1;
		if (idx >= r->high)
			r->high = idx + 1;
	}
	for (uint32_t first = 0; first < r->high && !ret; first += READ_BATCH) {
		uint32_t count = r->high - first < READ_BATCH ? r->high - first : READ_BATCH;

		ret = read_rows(r, first, &count);
		for (uint32_t i = 0; i < count && !ret; i++) {
			uint32_t k = r->key_of_row[first + i];

			if (k)
				ret = fn(&r->keys[k - 1], &r->batch[i].hist, ctx);
		}
	}
	for (long k = 0; k < n; k++)
		if (r->refs[k].idx < r->n_rows)
			r->key_of_row[r->refs[k].idx] = 0;
	return ret;
}
