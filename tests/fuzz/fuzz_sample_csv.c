/*
 * fuzz_sample_csv.c - the sample CSV parser on arbitrary bytes: never a
 * crash; the same result whether the input comes whole or in two chunks
 * (cut where the first byte says); an error names a line that exists and a
 * reason without control bytes; every row's event fits its bound.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sample_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct acc {
	uint64_t rows, lat_sum, ts_sum, ev_sum;
};

static int on_row(void *ctx, const struct sample_csv_row *row)
{
	struct acc *a = ctx;

	if (row->event_len >= SAMPLE_CSV_EVENT_MAX || strlen(row->event) != row->event_len)
		abort();
	a->rows++;
	a->lat_sum += row->lat_ns;
	a->ts_sum += row->ts_ns;
	for (size_t i = 0; i < row->event_len; i++)
		a->ev_sum = a->ev_sum * 31 + (unsigned char)row->event[i];
	return 0;
}

static struct sample_csv whole, parts;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct acc a = { 0 }, b = { 0 };
	size_t cut = size ? data[0] % (size + 1) : 0, lines = 1;
	int r1, r2;

	r1 = sample_csv_parse(&whole, text, size, on_row, &a);
	sample_csv_init(&parts, on_row, &b);
	r2 = sample_csv_feed(&parts, text, cut);
	if (!r2)
		r2 = sample_csv_feed(&parts, text + cut, size - cut);
	if (!r2)
		r2 = sample_csv_finish(&parts);
	if (r1 != r2 || memcmp(&a, &b, sizeof(a)))
		abort();
	if (r1 != 0 && r1 != -EINVAL)
		abort();
	if (r1 == 0 && (a.rows == 0 || !whole.have_header))
		abort();
	if (r1 == -EINVAL) {
		if (whole.err_line != parts.err_line || strcmp(whole.err, parts.err))
			abort();
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (whole.err_line < 1 || whole.err_line > lines + 1 || !whole.err[0])
			abort();
		for (const char *c = whole.err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				abort();
	}
	return 0;
}
