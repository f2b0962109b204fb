/*
 * bench_scrape.c - what one /metrics scrape costs to render (prom_render)
 * at 100, 1,000, METRICS_MAX_SERIES_DEFAULT and METRICS_MAX_SERIES_MAX
 * label sets, in ms and bytes, each as a ratio to the 100-set render of
 * the same run; and what ingesting one tick of that many rows costs.
 * Series are (process, syscall) sets with ~8 non-empty slots each, the
 * default pow2 buckets; the fine buckets (29 x 8 le per histogram) are
 * measured up to the default limit.
 *
 * Usage: bench_scrape [reps]   (default 15; the largest size uses 3)
 * Prints "scrape METRIC VALUE" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/metrics.h"
#include "core/snapshot.h"
#include "core/syscall_names.h"
#include "export/prom_expo.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* @n rows, each its own (process name, syscall) set: 8 syscalls per name. */
static int build(struct snapshot *s, size_t n)
{
	static const char *const calls[] = { "read", "write", "openat", "close",
					      "futex", "epoll_wait", "recvfrom", "sendto" };
	struct abi_hist *h = calloc(1, sizeof(*h));
	uint32_t seed = 4242;

	if (!h)
		return -1;
	snapshot_reset(s);
	s->seq = 1;
	for (size_t i = 0; i < n; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);
		uint32_t base = 40 + rnd(&seed) % 120;

		if (!r)
			return -1;
		r->pid = 1000 + (uint32_t)(i / 8);
		snprintf(r->comm, sizeof(r->comm), "proc-%u", (unsigned int)(i / 8 % 1000000));
		r->nr = (uint32_t)syscall_lookup(calls[i % 8]);
		memset(h, 0, sizeof(*h));
		for (int b = 0; b < 8; b++) {
			uint64_t c = 1 + rnd(&seed) % 100;

			h->slots[base + (uint32_t)b * 3] = c;
			h->count += c;
			h->timed += c;
			h->sum_ns += c * (1ull << ((base + (uint32_t)b * 3) / 8));
		}
		if (snapshot_put_hist(s, &r->interval, h))
			return -1;
	}
	free(h);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

struct result {
	double render_ms, ingest_ms;
	size_t bytes, series;
};

static int measure(size_t n, bool fine, int reps, struct result *out)
{
	struct metrics_opts o = { .max_series = METRICS_MAX_SERIES_MAX, .fine_buckets = fine };
	struct prom_info info = { .version = "bench", .host_label = "bench-host" };
	struct metrics *m = metrics_new(&o);
	struct snapshot s;
	uint64_t t[32];
	uint64_t t0;

	if (!m || reps > 32)
		return -1;
	snapshot_init(&s);
	if (build(&s, n))
		return -1;
	t0 = now_ns();
	if (metrics_ingest(m, &s))
		return -1;
	out->ingest_ms = (double)(now_ns() - t0) / 1e6;
	out->series = metrics_series(m);
	for (int i = 0; i < reps; i++) {
		struct prom_buf b = { 0 };

		t0 = now_ns();
		if (prom_render(m, &info, PROM_TEXT_004, t0, &b))
			return -1;
		t[i] = now_ns() - t0;
		out->bytes = b.len;
		prom_buf_free(&b);
	}
	qsort(t, (size_t)reps, sizeof(t[0]), cmp_u64);
	out->render_ms = (double)t[reps / 2] / 1e6;
	metrics_free(m);
	snapshot_free(&s);
	return 0;
}

int main(int argc, char **argv)
{
	const size_t sizes[] = { 100, 1000, METRICS_MAX_SERIES_DEFAULT, METRICS_MAX_SERIES_MAX };
	int reps = argc > 1 ? atoi(argv[1]) : 15;

	if (reps < 1 || reps > 32) {
		fprintf(stderr, "bench_scrape: reps must be 1..32\n");
		return 2;
	}
	for (int fine = 0; fine <= 1; fine++) {
		const char *kind = fine ? "fine" : "pow2";
		struct result base = { 0 };

		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			struct result r;

			if (fine && sizes[i] > METRICS_MAX_SERIES_DEFAULT)
				continue;	/* ~2.5 GB of text: not a configuration to recommend */
			if (measure(sizes[i], fine, sizes[i] > 10000 ? 3 : reps, &r)) {
				fprintf(stderr, "bench_scrape: %zu series failed\n", sizes[i]);
				return 1;
			}
			if (!i)
				base = r;
			printf("scrape %s_series_%zu %zu\n", kind, sizes[i], r.series);
			printf("scrape %s_render_ms_%zu %.3f\n", kind, sizes[i], r.render_ms);
			printf("scrape %s_bytes_%zu %zu\n", kind, sizes[i], r.bytes);
			printf("scrape %s_ingest_ms_%zu %.3f\n", kind, sizes[i], r.ingest_ms);
			printf("scrape %s_ratio_ms_%zu %.2f\n", kind, sizes[i], r.render_ms / base.render_ms);
			printf("scrape %s_ratio_bytes_%zu %.2f\n", kind, sizes[i],
			       (double)r.bytes / (double)base.bytes);
		}
	}
	return 0;
}
