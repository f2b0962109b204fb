/*
 * prom_api.h - Prometheus HTTP API responses (/api/v1/query) parsed into
 * plain structs. Pure: no I/O; the bytes come from src/net/prom_client.c.
 * Everything in a response is untrusted: label names and values are kept as
 * the bytes they were (NUL-free, jansson rejects \u0000) and must go
 * through core/sanitize.c before a terminal or a file.
 */
#ifndef LATTOP_CORE_PROM_API_H
#define LATTOP_CORE_PROM_API_H

#include <stddef.h>

/* Bounds on what one response may hold: past them the response is refused. */
#define PROM_API_MAX_SERIES 100000
#define PROM_API_MAX_LABELS 64		/* per series */
#define PROM_API_MAX_POINTS 100000	/* per series of a matrix */

enum prom_result_type { PROM_VECTOR = 0, PROM_MATRIX, PROM_SCALAR };

struct prom_label {
	char *name;
	char *value;
};

struct prom_point {
	double ts;	/* seconds since the epoch */
	double value;	/* NaN and +-Inf allowed, as Prometheus writes them */
};

/* One series: its labels and its points (vector, scalar: one point). */
struct prom_series {
	size_t n_labels;
	struct prom_label *labels;
	size_t n_points;
	struct prom_point *points;
};

struct prom_result {
	enum prom_result_type type;
	size_t n;
	struct prom_series *series;
};

/*
 * Parse @len bytes of a response body into @out (owned by the caller, free
 * with prom_result_free). 0, or -EINVAL (malformed, not "success", over a
 * bound; @err says which, with Prometheus's own errorType/error when it sent
 * one, sanitised) or -ENOMEM. @out is empty after a failure.
 */
int prom_api_parse(const char *body, size_t len, struct prom_result *out, char *err,
		   size_t errlen);

void prom_result_free(struct prom_result *r);

/* The value of label @name of @s, or NULL. */
const char *prom_series_label(const struct prom_series *s, const char *name);

/*
 * Parse a sample value as Prometheus writes it ("1.5", "NaN", "+Inf",
 * "-Inf", "1e-3"). 0 or -EINVAL (not a whole number text).
 */
int prom_api_value(const char *text, double *out);

#endif
