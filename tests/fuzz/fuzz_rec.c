/*
 * fuzz_rec.c - the recording decoder on arbitrary bytes. The first byte
 * picks the entry point (CRCs make whole files hard to mutate usefully):
 * 0 a whole recording, 1 a TICK payload, 2 a SAMPLES payload, 3 META;
 * 1 with bit 2 set: a keyframe and a delta tick against it, without the
 * CRCs that keep mutations out of deltas in a whole file (a u32 LE length,
 * the keyframe's payload, then the delta's: format 6, or 5 with bit 3, or
 * 4 with bit 4).
 * Whatever decodes must encode back to the same snapshot, and must be safe
 * to hand to the JSON and CSV writers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/rec_format.h"
#include "export/batch_text.h"
#include "export/json.h"
#include "export/tick_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static int check_tick(void *ctx, const struct snapshot *s)
{
	struct rec_buf b = { 0 };
	struct rec_error e;
	struct snapshot again;

	(void)ctx;
	snapshot_init(&again);
	if (rec_encode_tick(&b, s) || rec_decode_tick(b.data, b.len, &again, &e))
		abort();	/* what decoded must encode and decode again */
	if (again.n_sys != s->n_sys || again.n_clients != s->n_clients ||
	    again.n_buckets != s->n_buckets ||
	    (s->n_sys && memcmp(again.sys, s->sys, s->n_sys * sizeof(*s->sys))) ||
	    (s->n_clients && memcmp(again.clients, s->clients, s->n_clients * sizeof(*s->clients))) ||
	    (s->n_buckets && memcmp(again.buckets, s->buckets, s->n_buckets * sizeof(*s->buckets))))
		abort();
	if (again.breakdown != s->breakdown)
		abort();
	for (int f = 0; f < SNAP_FAM_NR; f++)
		if (again.fam[f].n != s->fam[f].n || again.fam[f].state != s->fam[f].state)
			abort();
	/* the cgroup table and every row's id (sys and client rows: compared above) */
	if (again.cgroups_state != s->cgroups_state || again.n_cgroups != s->n_cgroups ||
	    (s->n_cgroups && memcmp(again.cgroups, s->cgroups, s->n_cgroups * sizeof(*s->cgroups))))
		abort();
	for (int f = 0; f < SNAP_FAM_NR; f++)
		for (size_t i = 0; i < s->fam[f].n; i++)
			if (again.fam[f].rows[i].key.cgid != s->fam[f].rows[i].key.cgid)
				abort();
	json_write_tick(sink, s, NULL);
	batch_text_write(sink, s, NULL);
	tick_csv_write(sink, s, false, NULL);
	tick_csv_write(sink, s, true, NULL);
	snapshot_free(&again);
	rec_buf_free(&b);
	return 0;
}

/* Mode 1 with bit 2: a keyframe payload, then a delta payload against it. */
static void delta_pair(const uint8_t *data, size_t size)
{
	uint8_t flags = data[0] & 16 ? REC_FLAG_DELTA :
			data[0] & 8 ? REC_FLAG_DELTA | REC_FLAG_COLS : REC_FLAGS_DELTA_NOW;
	struct snapshot key, s;
	struct rec_error e;
	size_t n;

	if (size < 5)
		return;
	n = (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 |
	    (size_t)data[4] << 24;
	if (n > size - 5)
		return;
	snapshot_init(&key);
	snapshot_init(&s);
	if (rec_decode_tick(data + 5, n, &key, &e) == 0 &&
	    rec_decode_tick_delta_flags(data + 5 + n, size - 5 - n, &key, &s, &e, flags) == 0)
		check_tick(NULL, &s);
	snapshot_free(&key);
	snapshot_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct abi_client_event *ev = NULL;
	struct rec_error e;
	struct snapshot s;
	struct rec_meta m;
	size_t cap = 0, n;
	int64_t m2r;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (size < 1)
		return 0;
	snapshot_init(&s);
	switch (data[0] & 3) {
	case 0:
		rec_decode_buffer(data + 1, size - 1, check_tick, NULL, &e);
		break;
	case 1:
		if (data[0] & 4) {
			delta_pair(data, size);
			break;
		}
		if (rec_decode_tick(data + 1, size - 1, &s, &e) == 0)
			check_tick(NULL, &s);
		break;
	case 2:
		rec_decode_samples(data + 1, size - 1, &ev, &cap, &n, &m2r, &e);
		break;
	case 3:
		if (rec_decode_meta(data + 1, size - 1, &m, &e) == 0)
			rec_meta_free(&m);
		break;
	}
	snapshot_free(&s);
	free(ev);
	return 0;
}
