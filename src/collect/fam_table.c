/* fam_table.c - a family's hash map on abi_fam_key into its snapshot table. Collector thread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/fam_table.h"
#include "core/fam_model.h"

#define READ_BATCH 64
#define AGE_TICKS 10

struct fam_table {
	enum snap_family fam;
	unsigned int n_hists;
	int map_fd, counters_fd;
	int nr_cpus;
	struct fam_model *model;
	struct abi_fam_key *keys;	/* READ_BATCH */
	struct abi_hist *vals;		/* READ_BATCH * n_hists */
	uint64_t *cpu_vals;
	uint64_t counters_prev[ABI_FCNT_NR];
	uint64_t lost_total, evicted_total;
};

void fam_table_free(struct fam_table *t)
{
	if (!t)
		return;
	fam_model_free(t->model);
	free(t->keys);
	free(t->vals);
	free(t->cpu_vals);
	free(t);
}

struct fam_table *fam_table_new(enum snap_family f, unsigned int n_parts, int map_fd,
				int counters_fd, size_t max_keys)
{
	struct fam_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->fam = f;
	t->n_hists = 1 + n_parts;
	t->map_fd = map_fd;
	t->counters_fd = counters_fd;
	t->nr_cpus = libbpf_num_possible_cpus();
	t->model = fam_model_new(n_parts, max_keys * 2, AGE_TICKS);
	t->keys = calloc(READ_BATCH, sizeof(*t->keys));
	t->vals = calloc((size_t)READ_BATCH * t->n_hists, sizeof(*t->vals));
	t->cpu_vals = calloc(t->nr_cpus > 0 ? (size_t)t->nr_cpus : 1, sizeof(*t->cpu_vals));
	if (t->nr_cpus <= 0 || !t->model || !t->keys || !t->vals || !t->cpu_vals) {
		fam_table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

static void retire_key(const struct abi_fam_key *key, void *ctx)
{
	struct fam_table *t = ctx;

	bpf_map_delete_elem(t->map_fd, key);
}

/* Slow path for kernels without batch lookups on hash maps. */
static int read_by_key(struct fam_table *t)
{
	struct abi_fam_key key, next;
	void *prev = NULL;

	while (bpf_map_get_next_key(t->map_fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(t->map_fd, &next, t->vals) == 0) {
			int ret = fam_model_update(t->model, &next, t->vals);

			if (ret)
				return ret;
		}
		key = next;
		prev = &key;
	}
	return 0;
}

static int read_rows(struct fam_table *t)
{
	struct abi_fam_key token;
	void *in = NULL;
	uint32_t count;
	int ret;

	for (;;) {
		count = READ_BATCH;
		ret = bpf_map_lookup_batch(t->map_fd, in, &token, t->keys, t->vals, &count, NULL);
		if (ret && errno != ENOENT)
			return in ? -errno : read_by_key(t);
		for (uint32_t i = 0; i < count; i++) {
			int uret = fam_model_update(t->model, &t->keys[i], &t->vals[i * t->n_hists]);

			if (uret)
				return uret;
		}
		if (ret)
			return 0;	/* ENOENT: that was the last batch */
		in = &token;
	}
}

static uint64_t read_lost(struct fam_table *t)
{
	uint64_t lost = 0;

	for (uint32_t idx = 0; idx < ABI_FCNT_NR; idx++) {
		uint64_t now = 0;

		if (bpf_map_lookup_elem(t->counters_fd, &idx, t->cpu_vals))
			continue;
		for (int c = 0; c < t->nr_cpus; c++)
			now += t->cpu_vals[c];
		lost += now - t->counters_prev[idx];
		t->counters_prev[idx] = now;
	}
	return lost;
}

int fam_table_tick(struct fam_table *t, struct snapshot *out)
{
	struct snap_table *tab = &out->fam[t->fam];
	uint64_t evicted = 0;
	int ret;

	fam_model_begin(t->model);
	ret = read_rows(t);
	if (ret)
		return ret;
	ret = fam_model_emit(t->model, out, t->fam, &evicted, retire_key, t);
	if (ret)
		return ret;
	tab->state = SNAP_FAM_ON;
	tab->lost = read_lost(t);
	tab->evicted = evicted;
	t->lost_total += tab->lost;
	t->evicted_total += evicted;
	tab->lost_total = t->lost_total;
	tab->evicted_total = t->evicted_total;
	return 0;
}

void fam_table_cgroup_gone(struct fam_table *t, uint64_t cgid)
{
	fam_model_mark_cgroup_gone(t->model, cgid);
}
