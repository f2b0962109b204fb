/*
 * fuzz_compare.c - the comparison core and its reports on arbitrary
 * samples: the input is two sample CSVs separated by a 0xff byte (the
 * second also merged as a histogram when the first byte is odd). Never a
 * crash or UB; the reports write; interval bounds are ordered; the JSON
 * carries no raw control bytes.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compare.h"
#include "core/sample_csv.h"
#include "export/compare_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctx {
	struct cmp_set *set;
	enum cmp_run run;
	const struct sample_csv *p;
	struct abi_hist *h;
};

static int on_row(void *c_, const struct sample_csv_row *row)
{
	struct ctx *c = c_;

	if (c->h) {
		c->h->slots[abi_hist_slot(row->lat_ns)]++;
		c->h->count++;
		if (row->lat_ns > c->h->max_ns)
			c->h->max_ns = row->lat_ns;
	}
	return cmp_add_sample(c->set, c->run, c->p->has_event ? CMP_EVENT : CMP_SYSCALL,
			      row->event, row->event_len, row->lat_ns);
}

static struct sample_csv parser;

static void check_report(const struct compare_report *rep, int json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	if ((json ? compare_json_write(f, rep) : compare_text_write(f, rep)) != 0)
		abort();
	fclose(f);
	for (size_t i = 0; json && i < len; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n')
			abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t n0 = sep ? (size_t)(sep - data) : size / 2;
	struct abi_hist h;
	struct cmp_set set;
	struct cmp_opts o;
	struct cmp_result *res;
	struct cmp_summary sum;
	struct ctx c = { .set = &set, .p = &parser };
	struct compare_report rep = { .path = { "a", "b" }, .input_kind = { "csv", "csv" } };

	cmp_set_init(&set);
	compare_opts_default(&o);
	o.resamples = 64;	/* the law is tested in the unit tests; here only safety */
	o.min_samples = size ? data[0] % 4 : 0;
	o.min_delta_ns = size > 1 ? data[1] : 0;
	o.threshold_p50_pct = size > 2 && (data[2] & 1) ? data[2] : -1.0;
	c.run = CMP_BASELINE;
	sample_csv_parse(&parser, (const char *)data, n0, on_row, &c);
	memset(&h, 0, sizeof(h));
	c.run = CMP_CURRENT;
	c.h = size && (data[0] & 1) ? &h : NULL;
	if (sep)
		sample_csv_parse(&parser, (const char *)sep + 1, size - n0 - 1, on_row, &c);
	if (c.h && h.count)
		cmp_add_hist(&set, CMP_CURRENT, CMP_EVENT, "h", 1, &h);
	if (compare_all(&set, &o, &res, &sum) == 0) {
		for (size_t i = 0; i < set.n; i++) {
			const struct cmp_interval *iv = &res[i].p99;

			if (iv->valid && (isnan(iv->low) || iv->low > iv->high))
				abort();
		}
		rep.opts = &o;
		rep.res = res;
		rep.n = set.n;
		rep.sum = &sum;
		check_report(&rep, 0);
		check_report(&rep, 1);
		free(res);
	}
	cmp_set_free(&set);
	return 0;
}
