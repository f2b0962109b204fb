/*
 * fuzz_prom_accept.c - outside input of the exporter: a scraper's Accept
 * header never crashes negotiation, and untrusted names (comm, device label,
 * host label) never make an exposition with a raw control byte or invalid
 * UTF-8 in it, in either format.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "core/sanitize.h"
#include "core/snapshot.h"
#include "export/prom_expo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const struct prom_buf *b)
{
	for (size_t i = 0; i < b->len;) {
		size_t len;

		if (b->data[i] == '\n') {
			i++;
			continue;
		}
		len = sanitize_safe_len(b->data + i, b->len - i);
		if (!len)
			abort();
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct metrics_opts o = { .max_series = METRICS_GROUP_NR + 2 };
	char *text = malloc(size + 1);
	struct snapshot s;
	struct metrics *m;
	enum prom_format f;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	f = prom_negotiate(text);
	if (f != PROM_TEXT_004 && f != PROM_OPENMETRICS_1)
		abort();
	m = metrics_new(&o);
	snapshot_init(&s);
	if (m) {
		struct snap_fam_row *r = snapshot_add_fam(&s, SNAP_FAM_BLOCK);
		struct hist_bucket bk = { .slot = size % ABI_HIST_SLOTS, .count = 1 };
		struct snap_hist sum = { .count = 1, .timed = 1, .sum_ns = size };
		struct prom_info info = { .version = "fuzz", .host_label = size > 32 ? text + 32 : NULL };

		if (r && !snapshot_put_sparse(&s, &r->interval, &sum, &bk, 1)) {
			memcpy(r->key.comm, data, size < ABI_COMM_LEN ? size : ABI_COMM_LEN);
			if (size > 16)
				memcpy(r->label, data + 16, size - 16 < SNAP_LABEL_LEN ? size - 16 : SNAP_LABEL_LEN);
			if (!metrics_ingest(m, &s)) {
				for (int i = 0; i < 2; i++) {
					struct prom_buf b = { 0 };

					if (!prom_render(m, &info, (enum prom_format)i, 0, &b))
						check_text(&b);
					prom_buf_free(&b);
				}
			}
		}
	}
	snapshot_free(&s);
	metrics_free(m);
	free(text);
	return 0;
}
