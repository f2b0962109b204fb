/*
 * rec_parts.c - where the bytes of a recording's delta ticks go.
 *
 *   rec_parts FILE
 *
 * Reads FILE tick by tick and, for every tick after the first, encodes it
 * as a delta against the tick before (what the writer does between
 * keyframes), then the parts of that delta alone: the tick header, the
 * syscall rows, the client rows, each family table, the stacks, the
 * cgroups; the whole delta, its syscall rows and its family tables also
 * as formats 4 and 5 wrote them. The tick header is estimated (a tick with no rows). Each part is deflated alone too (an estimate: deflate of the
 * whole is what the file holds). Prints bytes per tick, raw and deflated,
 * and per hour at 1 s ticks. Not a test: figures only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/family.h"
#include "core/rec_delta.h"
#include "core/rec_format.h"
#include "core/rec_sections.h"
#include "export/rec_reader.h"

enum { P_ALL4, P_ROWS4, P_ALL5, P_ROWS5, P_FAM5_0, P_ALL = P_FAM5_0 + SNAP_FAM_NR, P_HEAD,
       P_ROWS, P_CLIENTS, P_FAM0, P_STACKS = P_FAM0 + SNAP_FAM_NR, P_CGROUPS, P_KEY, P_KEYCOLS,
       P_NR };

static double raw_sum[P_NR], def_sum[P_NR];
/* the columns of format 6's syscall rows (rec_delta6.c, rec_histcol.h) */
#define N_COLS 11
static const char *const col_names[N_COLS] = { "ops", "new keys", "flags", "nbuckets", "slots", "bcounts",
					       "counts", "sum", "max", "totals", "parts" };
static double col_raw[N_COLS], col_def[N_COLS];

static size_t deflated(const struct rec_buf *b)
{
	uLongf n = compressBound(b->len);
	Bytef *out = malloc(n);

	if (!out || compress2(out, &n, b->data, b->len, Z_DEFAULT_COMPRESSION) != Z_OK)
		n = b->len;
	free(out);
	return n;
}

static void add(int part, const struct rec_buf *b)
{
	raw_sum[part] += (double)b->len;
	def_sum[part] += (double)deflated(b);
}

/* The sections of @s with everything empty but what @keep leaves. */
static void sections_of(struct rec_buf *b, const struct snapshot *s, int keep,
			const struct snapshot *prev, int fmt)
{
	struct snapshot v = *s;

	v.n_sys = 0;
	if (keep != P_CLIENTS)
		v.n_clients = 0;
	for (int f = 0; f < SNAP_FAM_NR; f++)
		if (keep != P_FAM0 + f)
			v.fam[f].n = 0;
	if (keep != P_STACKS)
		v.slow_ns = 0, v.n_stacks = 0;
	if (keep != P_CGROUPS)
		v.cgroups_state = SNAP_CGROUPS_OFF;
	b->len = 0;
	rec_sections_put(b, &v, prev, fmt);
}

int main(int argc, char **argv)
{
	struct snapshot a, b, *prev = &a, *cur = &b, *t;
	struct rec_buf buf = { 0 }, base = { 0 };
	char err[512];
	struct rec_reader *r;
	size_t ticks = 0, rows = 0, changed = 0, fam_rows[SNAP_FAM_NR] = { 0 };
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: rec_parts FILE\n");
		return 2;
	}
	r = rec_reader_open(argv[1], err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	snapshot_init(&a);
	snapshot_init(&b);
	ret = rec_reader_next(r, prev, err, sizeof(err));
	while (ret == 1 && (ret = rec_reader_next(r, cur, err, sizeof(err))) == 1) {
		struct snapshot v = *cur;

		buf.len = 0;
		rec_encode_tick_delta_v4(&buf, cur, prev);
		add(P_ALL4, &buf);
		buf.len = 0;
		rec_delta_put_rows(&buf, cur, prev);
		add(P_ROWS4, &buf);
		buf.len = 0;
		rec_encode_tick_delta_v5(&buf, cur, prev);
		add(P_ALL5, &buf);
		buf.len = 0;
		rec_delta5_put_rows(&buf, cur, prev);
		add(P_ROWS5, &buf);
		sections_of(&base, cur, -1, prev, 5);
		for (int f = 0; f < SNAP_FAM_NR; f++) {
			sections_of(&buf, cur, P_FAM0 + f, prev, 5);
			buf.len = buf.len > base.len ? buf.len - base.len : 0;
			add(P_FAM5_0 + f, &buf);
		}
		buf.len = 0;
		rec_encode_tick_delta(&buf, cur, prev);
		add(P_ALL, &buf);
		buf.len = 0;
		rec_delta6_put_rows(&buf, cur, prev);
		add(P_ROWS, &buf);
		{
			struct rec_cur c = { .p = buf.data, .n = buf.len };
			uint64_t ncol = 0, len = 0;

			rec_get_u64(&c, &ncol);
			rec_get_u64(&c, &ncol);
			for (int k = 0; k < N_COLS && k < (int)ncol; k++) {
				struct rec_buf one = { 0 };

				rec_get_u64(&c, &len);
				rec_put_bytes(&one, c.p + c.off, len);
				c.off += len;
				col_raw[k] += (double)one.len;
				col_def[k] += (double)deflated(&one);
				rec_buf_free(&one);
			}
		}
		/* a keyframe, whole and as a delta against an empty tick */
		buf.len = 0;
		rec_encode_tick(&buf, cur);
		add(P_KEY, &buf);
		{
			struct snapshot none;

			snapshot_init(&none);
			buf.len = 0;
			rec_encode_tick_delta(&buf, cur, &none);
			add(P_KEYCOLS, &buf);
			snapshot_free(&none);
		}
		/* the header: a delta with no rows of any kind, no sections */
		v.n_sys = 0;
		v.n_clients = 0;
		buf.len = 0;
		rec_encode_tick(&buf, &v);
		sections_of(&base, cur, -1, prev, 6);
		buf.len -= base.len + 2;	/* the rows and clients counts, the sections */
		add(P_HEAD, &buf);
		for (int p = P_CLIENTS; p < P_NR; p++) {
			sections_of(&buf, cur, p, prev, 6);
			buf.len = buf.len > base.len ? buf.len - base.len : 0;
			if (p == P_CLIENTS) {
				/* client rows are before the sections: encode them as a tick would */
				struct snapshot w = *cur;

				w.n_sys = 0;
				buf.len = 0;
				rec_encode_tick(&buf, &w);
				w.n_clients = 0;
				base.len = 0;
				rec_encode_tick(&base, &w);
				buf.len -= base.len;
				sections_of(&base, cur, -1, prev, 6);
			}
			add(p, &buf);
		}
		ticks++;
		rows += cur->n_sys;
		for (size_t i = 0; i < cur->n_sys; i++)
			changed += cur->sys[i].interval.count != 0;
		for (int f = 0; f < SNAP_FAM_NR; f++)
			fam_rows[f] += cur->fam[f].n;
		t = prev;
		prev = cur;
		cur = t;
	}
	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (!ticks) {
		fprintf(stderr, "%s: fewer than two ticks\n", argv[1]);
		return 1;
	}
	printf("%zu delta ticks; per tick %.0f syscall rows (%.0f active)", ticks,
	       (double)rows / ticks, (double)changed / ticks);
	for (int f = 0; f < SNAP_FAM_NR; f++)
		printf(", %s %.0f rows", family_get(f)->name, (double)fam_rows[f] / ticks);
	printf("\n%-14s %12s %12s %12s\n", "part", "raw B/tick", "defl B/tick", "defl MB/hour");
	for (int p = 0; p < P_NR; p++) {
		char name[40];

		if (p >= P_FAM5_0 && p < P_FAM5_0 + SNAP_FAM_NR)
			snprintf(name, sizeof(name), "v5 %s", family_get(p - P_FAM5_0)->name);
		else if (p >= P_FAM0 && p < P_FAM0 + SNAP_FAM_NR)
			snprintf(name, sizeof(name), "%s", family_get(p - P_FAM0)->name);
		else
			snprintf(name, sizeof(name), "%s",
				 p == P_ALL4 ? "v4 delta" : p == P_ROWS4 ? "v4 sys rows" :
				 p == P_ALL5 ? "v5 delta" : p == P_ROWS5 ? "v5 sys rows" :
				 p == P_ALL ? "v6 delta" : p == P_HEAD ? "tick header" :
				 p == P_ROWS ? "v6 sys rows" : p == P_CLIENTS ? "clients" :
				 p == P_STACKS ? "stacks" : p == P_CGROUPS ? "cgroups" :
				 p == P_KEY ? "keyframe" : "key as cols");
		printf("%-14s %12.0f %12.0f %12.1f\n", name, raw_sum[p] / ticks, def_sum[p] / ticks,
		       def_sum[p] / ticks * 3600 / 1e6);
	}
	for (int k = 0; k < N_COLS; k++)
		printf("  v6 column %-8s %9.0f %12.0f %12.1f\n", col_names[k], col_raw[k] / ticks,
		       col_def[k] / ticks, col_def[k] / ticks * 3600 / 1e6);
	rec_buf_free(&buf);
	rec_buf_free(&base);
	snapshot_free(&a);
	snapshot_free(&b);
	rec_reader_close(r);
	return 0;
}
