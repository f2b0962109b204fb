/*
 * bench_history.c - what the dashboard's row history (core/row_history.c)
 * costs per tick, against what the dashboard already does per tick with
 * the same snapshot: building its two table views (by syscall and by
 * process). Both are timed in the same run, interleaved, on a snapshot of
 * BENCH_KEYS (process, syscall) rows with ~8 buckets each; 64 rows are
 * watched (on screen). Prints ns per tick of each and their ratio.
 *
 * Usage: bench_history [keys [ticks]]   (defaults 4096, 400)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/row_history.h"
#include "core/snapshot.h"
#include "core/view.h"

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

/* @keys rows: 512 processes x syscalls, each row ~8 non-empty slots. */
static int build(struct snapshot *s, size_t keys, uint64_t seq)
{
	uint32_t seed = 12345;
	struct abi_hist *h = calloc(1, sizeof(*h));

	if (!h)
		return -1;
	snapshot_reset(s);
	s->seq = seq;
	s->interval_ns = 1000000000;
	for (size_t i = 0; i < keys; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);
		uint32_t base = 40 + rnd(&seed) % 120;

		if (!r)
			return -1;
		r->pid = 1000 + (uint32_t)(i % 512);
		r->pstart_ns = r->pid * 7ull;
		r->nr = (uint32_t)(i / 512);
		r->wait = (i / 512) % 3 == 0;
		memset(h, 0, sizeof(*h));
		for (int b = 0; b < 8; b++) {
			h->slots[base + (uint32_t)b * 3] = 1 + rnd(&seed) % 100;
			h->count += h->slots[base + (uint32_t)b * 3];
		}
		h->timed = h->count;
		h->max_ns = hist_slot_lower_ns(base + 21);
		h->sum_ns = h->count * 1000;
		if (snapshot_put_hist(s, &r->interval, h) || snapshot_put_hist(s, &r->total, h))
			return -1;
	}
	free(h);
	return 0;
}

int main(int argc, char **argv)
{
	size_t keys = argc > 1 ? strtoul(argv[1], NULL, 10) : 4096;
	size_t ticks = argc > 2 ? strtoul(argv[2], NULL, 10) : 400;
	struct row_history *rh = row_history_new(8192, 256, 1);
	struct snapshot s;
	struct view v1, v2;
	uint64_t t_hist = 0, t_view = 0, t0;
	struct row_key k;

	snapshot_init(&s);
	view_init(&v1);
	view_init(&v2);
	if (!rh || build(&s, keys, 1)) {
		fprintf(stderr, "bench_history: out of memory\n");
		return 1;
	}
	for (size_t t = 0; t < ticks; t++) {
		s.seq = t + 1;
		t0 = now_ns();
		if (view_build(&v1, &s, NULL, VIEW_BY_SYSCALL, false) ||
		    view_build(&v2, &s, NULL, VIEW_BY_PROCESS, false)) {
			fprintf(stderr, "bench_history: view_build failed\n");
			return 1;
		}
		view_sort(&v1, VIEW_SORT_TIME, true);
		view_sort(&v2, VIEW_SORT_TIME, true);
		t_view += now_ns() - t0;
		t0 = now_ns();
		for (size_t i = 0; i < 64 && i < v2.n; i++) {
			row_key_process(&k, v2.rows[i].pid, v2.rows[i].pstart_ns, false);
			row_history_watch(rh, &k);
		}
		row_history_feed_snapshot(rh, &s);
		t_hist += now_ns() - t0;
	}
	printf("history\tkeys\t%zu\n", keys);
	printf("history\tticks\t%zu\n", ticks);
	printf("history\thistory_keys\t%zu\n", row_history_nkeys(rh));
	printf("history\thistory_dropped\t%llu\n", (unsigned long long)row_history_dropped(rh));
	printf("history\tbaseline_views_ns_per_tick\t%llu\n",
	       (unsigned long long)(t_view / ticks));
	printf("history\thistory_ns_per_tick\t%llu\n", (unsigned long long)(t_hist / ticks));
	printf("history\tratio_history_to_views\t%.3f\n", (double)t_hist / (double)t_view);
	row_history_free(rh);
	view_free(&v1);
	view_free(&v2);
	snapshot_free(&s);
	return 0;
}
