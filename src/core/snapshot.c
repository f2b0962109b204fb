/* snapshot.c - a snapshot and its growable arrays (rows, client rows, buckets). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/snapshot.h"

void snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void snapshot_free(struct snapshot *s)
{
	free(s->sys);
	free(s->clients);
	free(s->buckets);
	free(s->hosts);
	free(s->stacks);
	free(s->frames);
	free(s->frame_text);
	free(s->cgroups);
	for (int f = 0; f < SNAP_FAM_NR; f++)
		free(s->fam[f].rows);
	snapshot_init(s);
}

/* The arrays a snapshot owns, set aside while its plain fields are overwritten. */
struct snap_arrays {
	struct snap_sys_row *sys;
	size_t cap_sys;
	struct snap_client_row *clients;
	size_t cap_clients;
	struct hist_bucket *buckets;
	size_t cap_buckets;
	struct snap_fam_row *fam[SNAP_FAM_NR];
	size_t cap_fam[SNAP_FAM_NR];
	struct snap_host *hosts;
	size_t cap_hosts;
	struct snap_stack *stacks;
	size_t cap_stacks;
	uint32_t *frames;
	size_t cap_frames;
	char *frame_text;
	size_t cap_frame_text;
	struct snap_cgroup *cgroups;
	size_t cap_cgroups;
};

static struct snap_arrays arrays_take(struct snapshot *s)
{
	struct snap_arrays a = { s->sys, s->cap_sys, s->clients, s->cap_clients,
				 s->buckets, s->cap_buckets, { NULL }, { 0 }, NULL, 0,
				 NULL, 0, NULL, 0, NULL, 0, NULL, 0 };

	for (int f = 0; f < SNAP_FAM_NR; f++) {
		a.fam[f] = s->fam[f].rows;
		a.cap_fam[f] = s->fam[f].cap;
	}
	a.hosts = s->hosts;
	a.cap_hosts = s->cap_hosts;
	a.stacks = s->stacks;
	a.cap_stacks = s->cap_stacks;
	a.frames = s->frames;
	a.cap_frames = s->cap_frames;
	a.frame_text = s->frame_text;
	a.cap_frame_text = s->cap_frame_text;
	a.cgroups = s->cgroups;
	a.cap_cgroups = s->cap_cgroups;
	return a;
}

/* Give the arrays back, emptied. */
static void arrays_put(struct snapshot *s, const struct snap_arrays *a)
{
	s->sys = a->sys;
	s->cap_sys = a->cap_sys;
	s->n_sys = 0;
	s->clients = a->clients;
	s->cap_clients = a->cap_clients;
	s->n_clients = 0;
	s->buckets = a->buckets;
	s->cap_buckets = a->cap_buckets;
	s->n_buckets = 0;
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		s->fam[f].rows = a->fam[f];
		s->fam[f].cap = a->cap_fam[f];
		s->fam[f].n = 0;
	}
	s->hosts = a->hosts;
	s->cap_hosts = a->cap_hosts;
	s->n_hosts = 0;
	s->stacks = a->stacks;
	s->cap_stacks = a->cap_stacks;
	s->n_stacks = 0;
	s->frames = a->frames;
	s->cap_frames = a->cap_frames;
	s->n_frames = 0;
	s->frame_text = a->frame_text;
	s->cap_frame_text = a->cap_frame_text;
	s->frame_text_len = 0;
	s->cgroups = a->cgroups;
	s->cap_cgroups = a->cap_cgroups;
	s->n_cgroups = 0;
}

void snapshot_reset(struct snapshot *s)
{
	struct snap_arrays a = arrays_take(s);

	memset(s, 0, sizeof(*s));
	arrays_put(s, &a);
}

size_t snapshot_capacity_bytes(const struct snapshot *s)
{
	size_t n = s->cap_sys * sizeof(*s->sys) + s->cap_clients * sizeof(*s->clients) +
		   s->cap_buckets * sizeof(*s->buckets) + s->cap_hosts * sizeof(*s->hosts) +
		   s->cap_stacks * sizeof(*s->stacks) + s->cap_frames * sizeof(*s->frames) +
		   s->cap_frame_text + s->cap_cgroups * sizeof(*s->cgroups);

	for (int f = 0; f < SNAP_FAM_NR; f++)
		n += s->fam[f].cap * sizeof(*s->fam[f].rows);
	return n;
}

void snapshot_copy_header(struct snapshot *dst, const struct snapshot *src)
{
	struct snap_arrays a = arrays_take(dst);

	*dst = *src;
	arrays_put(dst, &a);
}

/* *@out = @arr (capacity *@cap, @size-byte elements) grown to hold @want. 0 or -ENOMEM. */
static int grow(void *arr, size_t *cap, size_t want, size_t size, void **out)
{
	size_t ncap = *cap ? *cap : 64;
	void *p;

	*out = arr;
	if (want <= *cap)
		return 0;
	while (ncap < want)
		ncap *= 2;
	p = realloc(arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*out = p;
	*cap = ncap;
	return 0;
}

static int reserve_sys(struct snapshot *s, size_t want)
{
	void *p;

	if (grow(s->sys, &s->cap_sys, want, sizeof(*s->sys), &p))
		return -ENOMEM;
	s->sys = p;
	return 0;
}

static int reserve_clients(struct snapshot *s, size_t want)
{
	void *p;

	if (grow(s->clients, &s->cap_clients, want, sizeof(*s->clients), &p))
		return -ENOMEM;
	s->clients = p;
	return 0;
}

/*
 * Append a zeroed @size-byte element to *@arr (*@n of them, capacity
 * *@cap). The element, or NULL with errno = ENOMEM.
 */
static void *append_zeroed(void **arr, size_t *cap, size_t *n, size_t size)
{
	void *p;

	if (grow(*arr, cap, *n + 1, size, &p)) {
		errno = ENOMEM;
		return NULL;
	}
	*arr = p;
	p = (char *)p + (*n)++ * size;
	memset(p, 0, size);
	return p;
}

static int reserve_buckets(struct snapshot *s, size_t want)
{
	void *p;

	if (grow(s->buckets, &s->cap_buckets, want, sizeof(*s->buckets), &p))
		return -ENOMEM;
	s->buckets = p;
	return 0;
}

struct snap_sys_row *snapshot_add_sys(struct snapshot *s)
{
	struct snap_sys_row *r;

	if (reserve_sys(s, s->n_sys + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	r = &s->sys[s->n_sys++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct snap_cgroup *snapshot_add_cgroup(struct snapshot *s)
{
	return append_zeroed((void **)&s->cgroups, &s->cap_cgroups, &s->n_cgroups,
			     sizeof(*s->cgroups));
}

static int cgroup_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct snap_cgroup *)a)->id, y = ((const struct snap_cgroup *)b)->id;

	return (x > y) - (x < y);
}

void snapshot_sort_cgroups(struct snapshot *s)
{
	if (s->n_cgroups > 1)
		qsort(s->cgroups, s->n_cgroups, sizeof(*s->cgroups), cgroup_cmp);
}

const struct snap_cgroup *snapshot_cgroup(const struct snapshot *s, uint64_t id)
{
	size_t lo = 0, hi = s->n_cgroups;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->cgroups[mid].id == id)
			return &s->cgroups[mid];
		if (s->cgroups[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct snap_host *snapshot_add_host(struct snapshot *s)
{
	return append_zeroed((void **)&s->hosts, &s->cap_hosts, &s->n_hosts, sizeof(*s->hosts));
}

struct snap_client_row *snapshot_add_client(struct snapshot *s)
{
	struct snap_client_row *r;

	if (reserve_clients(s, s->n_clients + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	r = &s->clients[s->n_clients++];
	memset(r, 0, sizeof(*r));
	return r;
}

static int reserve_fam(struct snapshot *s, enum snap_family f, size_t want)
{
	void *p;

	if (grow(s->fam[f].rows, &s->fam[f].cap, want, sizeof(*s->fam[f].rows), &p))
		return -ENOMEM;
	s->fam[f].rows = p;
	return 0;
}

struct snap_fam_row *snapshot_add_fam(struct snapshot *s, enum snap_family f)
{
	struct snap_fam_row *r;

	if (reserve_fam(s, f, s->fam[f].n + 1)) {
		errno = ENOMEM;
		return NULL;
	}
	r = &s->fam[f].rows[s->fam[f].n++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct snap_stack *snapshot_add_stack(struct snapshot *s)
{
	struct snap_stack *st = append_zeroed((void **)&s->stacks, &s->cap_stacks, &s->n_stacks,
					       sizeof(*s->stacks));

	if (st)
		st->first = (uint32_t)s->n_frames;
	return st;
}

int snapshot_add_frame(struct snapshot *s, const char *name)
{
	size_t n = strlen(name) + 1;
	void *p;

	if (grow(s->frames, &s->cap_frames, s->n_frames + 1, sizeof(*s->frames), &p))
		return -ENOMEM;
	s->frames = p;
	if (grow(s->frame_text, &s->cap_frame_text, s->frame_text_len + n, 1, &p))
		return -ENOMEM;
	s->frame_text = p;
	memcpy(s->frame_text + s->frame_text_len, name, n);
	s->frames[s->n_frames++] = (uint32_t)s->frame_text_len;
	s->frame_text_len += n;
	return 0;
}

int snapshot_reserve_buckets(struct snapshot *s, size_t n)
{
	return reserve_buckets(s, s->n_buckets + n);
}

/* @dst's stacks, frames and frame text = @src's (counts set by the caller's *dst = *src). */
static int copy_stacks(struct snapshot *dst, const struct snapshot *src)
{
	void *p;

	if (grow(dst->stacks, &dst->cap_stacks, src->n_stacks, sizeof(*dst->stacks), &p))
		return -ENOMEM;
	dst->stacks = p;
	if (grow(dst->frames, &dst->cap_frames, src->n_frames, sizeof(*dst->frames), &p))
		return -ENOMEM;
	dst->frames = p;
	if (grow(dst->frame_text, &dst->cap_frame_text, src->frame_text_len, 1, &p))
		return -ENOMEM;
	dst->frame_text = p;
	if (src->n_stacks)
		memcpy(dst->stacks, src->stacks, src->n_stacks * sizeof(*src->stacks));
	if (src->n_frames)
		memcpy(dst->frames, src->frames, src->n_frames * sizeof(*src->frames));
	if (src->frame_text_len)
		memcpy(dst->frame_text, src->frame_text, src->frame_text_len);
	dst->n_stacks = src->n_stacks;
	dst->n_frames = src->n_frames;
	dst->frame_text_len = src->frame_text_len;
	return 0;
}

/* *@dst (capacity *@cap) holds a copy of @n @size-byte elements of @src. 0 or -ENOMEM. */
static int copy_array(void **dst, size_t *cap, const void *src, size_t n, size_t size)
{
	void *p;

	if (!n)
		return 0;
	if (grow(*dst, cap, n, size, &p))
		return -ENOMEM;
	*dst = p;
	memcpy(p, src, n * size);
	return 0;
}

int snapshot_copy(struct snapshot *dst, const struct snapshot *src)
{
	struct snap_arrays a = arrays_take(dst);

	*dst = *src;
	arrays_put(dst, &a);
	if (reserve_sys(dst, src->n_sys) || reserve_clients(dst, src->n_clients) ||
	    reserve_buckets(dst, src->n_buckets))
		return -ENOMEM;
	if (src->n_sys)
		memcpy(dst->sys, src->sys, src->n_sys * sizeof(*src->sys));
	if (src->n_clients)
		memcpy(dst->clients, src->clients, src->n_clients * sizeof(*src->clients));
	if (src->n_buckets)
		memcpy(dst->buckets, src->buckets, src->n_buckets * sizeof(*src->buckets));
	for (int f = 0; f < SNAP_FAM_NR; f++) {
		if (reserve_fam(dst, (enum snap_family)f, src->fam[f].n))
			return -ENOMEM;
		if (src->fam[f].n)
			memcpy(dst->fam[f].rows, src->fam[f].rows,
			       src->fam[f].n * sizeof(*src->fam[f].rows));
		dst->fam[f].n = src->fam[f].n;
	}
	if (copy_array((void **)&dst->hosts, &dst->cap_hosts, src->hosts, src->n_hosts,
		       sizeof(*src->hosts)) ||
	    copy_array((void **)&dst->cgroups, &dst->cap_cgroups, src->cgroups, src->n_cgroups,
		       sizeof(*src->cgroups)))
		return -ENOMEM;
	dst->n_hosts = src->n_hosts;
	dst->n_cgroups = src->n_cgroups;
	if (copy_stacks(dst, src))
		return -ENOMEM;
	dst->n_sys = src->n_sys;
	dst->n_clients = src->n_clients;
	dst->n_buckets = src->n_buckets;
	return 0;
}

int snapshot_put_sparse(struct snapshot *s, struct snap_hist *out, const struct snap_hist *sum,
			const struct hist_bucket *b, size_t n)
{
	struct snap_hist h = *sum;

	if (reserve_buckets(s, s->n_buckets + n))
		return -ENOMEM;
	h.first = (uint32_t)s->n_buckets;
	h.n = (uint32_t)n;
	if (n)
		memcpy(&s->buckets[s->n_buckets], b, n * sizeof(*b));
	s->n_buckets += n;
	*out = h;
	return 0;
}

int snapshot_put_hist(struct snapshot *s, struct snap_hist *out, const struct abi_hist *h)
{
	struct snap_hist sum = {
		.count = h->count,
		.errors = h->errors,
		.timed = h->timed,
		.sum_ns = h->sum_ns,
		.max_ns = h->max_ns,
	};
	size_t n;

	memcpy(sum.part_ns, h->part_ns, sizeof(sum.part_ns));

	/* Worst case first, then write the non-empty slots straight into place. */
	if (reserve_buckets(s, s->n_buckets + ABI_HIST_SLOTS))
		return -ENOMEM;
	n = hist_to_buckets(h, &s->buckets[s->n_buckets]);
	sum.first = (uint32_t)s->n_buckets;
	sum.n = (uint32_t)n;
	s->n_buckets += n;
	*out = sum;
	return 0;
}

void snapshot_hist_merge(const struct snapshot *s, const struct snap_hist *h,
			 struct abi_hist *dst)
{
	dst->count += h->count;
	dst->errors += h->errors;
	dst->timed += h->timed;
	dst->sum_ns += h->sum_ns;
	for (int p = 0; p < ABI_PARTS; p++)
		dst->part_ns[p] += h->part_ns[p];
	if (h->max_ns > dst->max_ns)
		dst->max_ns = h->max_ns;
	hist_add_buckets(dst, snap_hist_buckets(s, h), h->n);
}

void snapshot_hist_expand(const struct snapshot *s, const struct snap_hist *h,
			  struct abi_hist *out)
{
	memset(out, 0, sizeof(*out));
	snapshot_hist_merge(s, h, out);
}

uint64_t snapshot_hist_percentile_ns(const struct snapshot *s, const struct snap_hist *h,
				     double pct)
{
	return hist_buckets_percentile_ns(snap_hist_buckets(s, h), h->n, h->max_ns, pct);
}
