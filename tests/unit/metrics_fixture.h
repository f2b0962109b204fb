/* metrics_fixture.h - unit tests: snapshots with known rows for the metrics registry. */
#ifndef LATTOP_TESTS_METRICS_FIXTURE_H
#define LATTOP_TESTS_METRICS_FIXTURE_H

#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"

/* One (process, syscall) row whose interval holds @n samples of @lat_ns[] (and @calls calls). */
static inline struct snap_sys_row *fx_sys(struct snapshot *s, uint32_t pid, const char *comm,
					  uint32_t nr, bool wait, uint64_t calls, uint64_t errors,
					  const uint64_t *lat_ns, size_t n)
{
	struct abi_hist *h = calloc(1, sizeof(*h));
	struct snap_sys_row *r = snapshot_add_sys(s);

	assert_non_null(h);
	assert_non_null(r);
	r->pid = pid;
	r->pstart_ns = pid * 11ull;
	r->nr = nr;
	r->wait = wait;
	memcpy(r->comm, comm, strnlen(comm, ABI_COMM_LEN));
	h->count = calls;
	h->errors = errors;
	for (size_t i = 0; i < n; i++) {
		h->slots[abi_hist_slot(lat_ns[i])]++;
		h->sum_ns += lat_ns[i];
		h->timed++;
		if (lat_ns[i] > h->max_ns)
			h->max_ns = lat_ns[i];
	}
	for (int p = 0; p < ABI_PARTS; p++)
		h->part_ns[p] = h->sum_ns / ABI_PARTS + (p == 0 ? h->sum_ns % ABI_PARTS : 0);
	assert_int_equal(snapshot_put_hist(s, &r->interval, h), 0);
	r->total = r->interval;
	free(h);
	return r;
}

/* One client row with @n request latencies and byte counters. */
static inline struct snap_client_row *fx_client(struct snapshot *s, const char *comm,
						uint8_t a3, uint16_t port, uint8_t dir,
						const uint64_t *lat_ns, size_t n)
{
	struct snap_client_row *r = snapshot_add_client(s);
	struct abi_hist *h = calloc(1, sizeof(*h));
	struct snap_hist sh;

	assert_non_null(r);
	assert_non_null(h);
	r->key.family = 2;
	r->key.addr[0] = 127;
	r->key.addr[3] = a3;
	r->key.port = port;
	r->key.dir = dir;
	memcpy(r->comm, comm, strnlen(comm, ABI_COMM_LEN));
	r->interval.connections = 1;
	r->interval.requests = n;
	r->interval.bytes_in = 100;
	r->interval.bytes_out = 200;
	for (size_t i = 0; i < n; i++) {
		h->slots[abi_hist_slot(lat_ns[i])]++;
		h->sum_ns += lat_ns[i];
		h->count++;
		h->timed++;
	}
	assert_int_equal(snapshot_put_hist(s, &sh, h), 0);
	r->req.count = sh.count;
	r->req.sum_ns = sh.sum_ns;
	r->req.first = sh.first;
	r->req.n = sh.n;
	free(h);
	return r;
}

/* One row of family @f with @n latencies. */
static inline struct snap_fam_row *fx_fam(struct snapshot *s, enum snap_family f,
					  const char *comm, const char *label, uint32_t a,
					  uint32_t b, const uint64_t *lat_ns, size_t n)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);
	struct abi_hist *h = calloc(1, sizeof(*h));

	assert_non_null(r);
	assert_non_null(h);
	memcpy(r->key.comm, comm, strnlen(comm, ABI_COMM_LEN));
	if (label)
		memcpy(r->label, label, strnlen(label, SNAP_LABEL_LEN));
	r->key.a = a;
	r->key.b = b;
	for (size_t i = 0; i < n; i++) {
		h->slots[abi_hist_slot(lat_ns[i])]++;
		h->sum_ns += lat_ns[i];
		h->count++;
		h->timed++;
	}
	assert_int_equal(snapshot_put_hist(s, &r->interval, h), 0);
	free(h);
	return r;
}

#endif
