/*
 * bench_rec.c - recording size and seek time on a synthetic busy host.
 *
 * The host: 600 processes x 10 syscalls = 6,000 rows with since-start
 * totals (what the README measured live: ~6,000 rows, ~1,000 active);
 * each tick every row is active with a probability drawn once per row
 * (heavy-tailed: a few rows always busy, most rarely), about 1,000 active
 * rows a tick, with 1 to thousands of calls each in log-linear slots; the
 * breakdown parts and cgroup ids filled. Deterministic (fixed seed).
 *
 * BENCH_REC_ROWS=1000: the second profile, 100 processes x 10 syscalls,
 * every row active every tick (a live host under row_filler).
 *
 * Usage: bench_rec TICKS OUT_FILE [seek]. "seek": OUT_FILE exists (written
 * by an earlier run), only the seeks are timed. Prints: format-3 bytes (every tick a
 * whole deflated record, what format 3 wrote), format-6 bytes (the file
 * rec_writer wrote), per hour at 1 s ticks, then seek times: for SEEKS
 * random ticks, rec_reader_seek + rec_reader_next after a fresh reader
 * has walked the file once (what replay does), median, p90 and max in ms;
 * and `]` as replay does it: a fresh reader skips to the end over record
 * headers (rec_reader_skip), then seeks to the last tick and decodes it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rec_format.h"
#include "export/rec_reader.h"
#include "export/rec_writer.h"

#define N_PROCS 600
#define N_SYS 10
#define N_ROWS (N_PROCS * N_SYS)
#define SEEKS 200

static uint64_t rng = 88172645463325252ull;

static uint64_t next_u64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double uniform(void)
{
	return (double)(next_u64() >> 11) / 9007199254740992.0;
}

struct row_state {
	double p_active;		/* chance a tick has calls */
	double calls;			/* typical calls when active */
	struct abi_hist total;
	uint64_t parts_total[ABI_PARTS];
};

static struct row_state rows[N_ROWS];
static size_t n_rows = N_ROWS;
static const uint32_t sys_nrs[N_SYS] = { 0, 1, 3, 7, 202, 232, 257, 44, 45, 230 };

static int make_tick(struct snapshot *s, uint64_t tick)
{
	snapshot_reset(s);
	s->seq = tick;
	s->ts_ns = tick * 1000000000ull;
	s->interval_ns = 1000000000ull;
	s->elapsed_ns = tick * 1000000000ull;
	s->sample_every = 1;
	s->breakdown = true;
	s->cgroups_state = SNAP_CGROUPS_ON;
	strcpy(s->source, "bpf");
	for (size_t i = 0; i < n_rows; i++) {
		struct row_state *rs = &rows[i];
		struct abi_hist iv;
		struct snap_sys_row *r;

		memset(&iv, 0, sizeof(iv));
		if (uniform() < rs->p_active) {
			uint64_t n = 1 + (uint64_t)(rs->calls * uniform() * 2);
			uint64_t samples = n < 16 ? n : 16;

			for (uint64_t k = 0; k < samples; k++) {
				uint64_t lat = 500 + (uint64_t)(20000.0 * -__builtin_log(1e-9 + uniform()));
				uint64_t w = n / samples + (k < n % samples);

				iv.slots[abi_hist_slot(lat)] += w;
				iv.count += w;
				iv.timed += w;
				iv.sum_ns += lat * w;
				if (lat > iv.max_ns)
					iv.max_ns = lat;
			}
			iv.errors = uniform() < 0.1;
		}
		for (unsigned int k = 0; k < ABI_HIST_SLOTS; k++)
			rs->total.slots[k] += iv.slots[k];
		rs->total.count += iv.count;
		rs->total.timed += iv.timed;
		rs->total.errors += iv.errors;
		rs->total.sum_ns += iv.sum_ns;
		if (iv.max_ns > rs->total.max_ns)
			rs->total.max_ns = iv.max_ns;
		if (!rs->total.count)
			continue;
		r = snapshot_add_sys(s);
		if (!r)
			return -ENOMEM;
		r->pid = 1000 + (uint32_t)(i / N_SYS);
		r->nr = sys_nrs[i % N_SYS];
		r->pstart_ns = 1000000000ull * (r->pid % 97);
		r->cgroup_id = 100 + r->pid % 40;
		snprintf(r->comm, sizeof(r->comm), "worker-%u", r->pid);
		if (snapshot_put_hist(s, &r->interval, &iv) ||
		    snapshot_put_hist(s, &r->total, &rs->total))
			return -ENOMEM;
		/* parts: on CPU 70 %, the rest waiting */
		r->interval.part_ns[0] = iv.sum_ns * 7 / 10;
		r->interval.part_ns[1] = iv.sum_ns - r->interval.part_ns[0];
		for (int p = 0; p < ABI_PARTS; p++) {
			rs->parts_total[p] += r->interval.part_ns[p];
			r->total.part_ns[p] = rs->parts_total[p];
		}
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct rec_buf pl = { 0 }, rec = { 0 };
	struct rec_meta meta = { 0 };
	struct rec_writer *w;
	struct rec_reader *rd;
	struct snapshot s;
	uint64_t ticks, v3_bytes = REC_FILE_HDR_LEN, active = 0, *off, *before;
	double t[SEEKS];
	char err[512];
	bool live_rows = false;
	double end_ms;
	int ret;

	if (argc < 3 || argc > 4 || !(ticks = strtoull(argv[1], NULL, 10)) ||
	    (argc == 4 && strcmp(argv[3], "seek"))) {
		fprintf(stderr, "usage: bench_rec TICKS OUT_FILE [seek]\n");
		return 2;
	}
	if (getenv("BENCH_REC_ROWS") && !strcmp(getenv("BENCH_REC_ROWS"), "1000"))
		live_rows = true, n_rows = 1000;
	for (size_t i = 0; i < n_rows; i++) {
		double u = uniform();

		/* 1,000 active a tick of 6,000: most rows rare, a few always busy */
		rows[i].p_active = live_rows || u < 0.05 ? 1.0 : u < 0.2 ? 0.3 : 0.07;
		rows[i].calls = live_rows ? 3 + 20 * u : u < 0.05 ? 2000 * uniform() : 5;
	}
	snapshot_init(&s);
	if (argc == 4)
		goto seeks;
	w = rec_writer_create(argv[2], &meta, true, err, sizeof(err));
	if (!w) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	for (uint64_t k = 1; k <= ticks; k++) {
		ret = make_tick(&s, k);
		for (size_t i = 0; i < s.n_sys; i++)
			active += s.sys[i].interval.count > 0;
		pl.len = rec.len = 0;
		ret = ret ?: rec_encode_tick(&pl, &s) ?:
		      rec_encode_record(&rec, REC_TICK, pl.data, pl.len, true) ?:
		      rec_writer_tick(w, &s);
		if (ret) {
			fprintf(stderr, "tick %llu: %s\n", (unsigned long long)k, strerror(-ret));
			return 1;
		}
		v3_bytes += rec.len;
	}
	printf("rows with totals %zu, active per tick %.0f (of %zu possible)\n", s.n_sys,
	       (double)active / (double)ticks, n_rows);
	printf("format 3 (every tick whole): %llu bytes, %.1f MB/hour at 1 s ticks\n",
	       (unsigned long long)v3_bytes, (double)v3_bytes * 3600 / (double)ticks / 1e6);
	printf("format %d (keyframe every %d): %llu bytes, %.1f MB/hour at 1 s ticks (%.1fx smaller)\n",
	       REC_FORMAT_VERSION, REC_KEYFRAME_TICKS, (unsigned long long)rec_writer_bytes(w),
	       (double)rec_writer_bytes(w) * 3600 / (double)ticks / 1e6,
	       (double)v3_bytes / (double)rec_writer_bytes(w));
	if (rec_writer_finish(w, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
seeks:
	/* `]` as replay does it: header-only walk, then the last tick decoded */
	end_ms = now_ms();
	rd = rec_reader_open(argv[2], err, sizeof(err));
	if (!rd)
		return 1;
	{
		uint64_t last_off = 0, last_before = 0, o, b, n = 0;

		for (;;) {
			o = rec_reader_tell(rd, &b);
			ret = rec_reader_skip(rd, err, sizeof(err));
			if (ret < 0) {
				fprintf(stderr, "%s\n", err);
				return 1;
			}
			if (!ret)
				break;
			last_off = o, last_before = b, n++;
		}
		if (n != ticks || rec_reader_seek(rd, last_off, last_before) ||
		    rec_reader_next(rd, &s, err, sizeof(err)) != 1 || s.seq != ticks) {
			fprintf(stderr, "`]`: %llu ticks, %s\n", (unsigned long long)n, err);
			return 1;
		}
	}
	end_ms = now_ms() - end_ms;
	rec_reader_close(rd);
	/* seeks as replay does them: walk once noting offsets, then jump */
	rd = rec_reader_open(argv[2], err, sizeof(err));
	off = calloc(ticks, sizeof(*off));
	before = calloc(ticks, sizeof(*before));
	if (!rd || !off || !before)
		return 1;
	for (uint64_t k = 0; k < ticks; k++) {
		off[k] = rec_reader_tell(rd, &before[k]);
		if (rec_reader_next(rd, &s, err, sizeof(err)) != 1) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	for (int i = 0; i < SEEKS; i++) {
		uint64_t k = next_u64() % ticks;
		double t0 = now_ms();

		if (rec_reader_seek(rd, off[k], before[k]) ||
		    rec_reader_next(rd, &s, err, sizeof(err)) != 1 || s.seq != k + 1) {
			fprintf(stderr, "seek to tick %llu failed: %s\n", (unsigned long long)k, err);
			return 1;
		}
		t[i] = now_ms() - t0;
	}
	qsort(t, SEEKS, sizeof(t[0]), cmp_double);
	printf("seek to a random tick (%d seeks): median %.1f ms, p90 %.1f ms, max %.1f ms\n",
	       SEEKS, t[SEEKS / 2], t[SEEKS * 9 / 10], t[SEEKS - 1]);
	printf("`]` (fresh reader: open, header walk, last tick decoded): %.1f ms\n", end_ms);
	rec_reader_close(rd);
	snapshot_free(&s);
	rec_buf_free(&pl);
	rec_buf_free(&rec);
	free(off);
	free(before);
	return 0;
}
