/* fuzz_prom_api.c - Prometheus API responses: parse never crashes; what parses is whole. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/prom_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prom_result r;
	char err[200];

	err[0] = '\0';
	if (prom_api_parse((const char *)data, size, &r, err, sizeof(err))) {
		/* Every refusal explains itself on one line and leaves nothing behind. */
		if (!err[0] || strchr(err, '\n') || r.series || r.n)
			abort();
		return 0;
	}
	for (size_t i = 0; i < r.n; i++) {
		const struct prom_series *s = &r.series[i];

		if (s->n_labels > PROM_API_MAX_LABELS || !s->points ||
		    (r.type != PROM_MATRIX && s->n_points != 1))
			abort();
		for (size_t j = 0; j < s->n_labels; j++)
			if (prom_series_label(s, s->labels[j].name) == NULL)
				abort();
	}
	prom_result_free(&r);
	return 0;
}
