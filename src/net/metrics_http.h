/*
 * metrics_http.h - the HTTP endpoint (libmicrohttpd) that serves GET
 * /metrics. It knows nothing of metrics: each scrape asks a callback for
 * a body, on the server's own threads, so that serving never runs on the
 * collector thread.
 *
 * Loopback by default. Any other address needs TLS and basic auth from a
 * web config file (0600, bcrypt hashes, as Prometheus exporters') or an
 * explicit insecure flag. Bounded connections and per-connection timeouts:
 * a client that sends its headers a byte a second or never reads its
 * answer holds one connection, not the server.
 */
#ifndef LATTOP_NET_METRICS_HTTP_H
#define LATTOP_NET_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define METRICS_HTTP_DEFAULT_LISTEN "127.0.0.1:9851"
#define METRICS_HTTP_MAX_CONNS 512	/* at least 256 concurrent scrapes */
#define METRICS_HTTP_TIMEOUT_S 10	/* per connection, idle */

struct metrics_http_opts {
	const char *listen;		/* "ADDR:PORT", "[V6ADDR]:PORT"; NULL: the default */
	bool insecure;			/* --listen-insecure: plain HTTP off loopback */
	const char *web_config;		/* --web-config FILE: TLS and basic auth; NULL: none */
	unsigned int max_conns;		/* 0: METRICS_HTTP_MAX_CONNS */
	unsigned int timeout_s;		/* 0: METRICS_HTTP_TIMEOUT_S */
};

/*
 * One scrape: fill *@body (malloc'd, the server frees it) and *@len, and
 * *@content_type (static). @accept: the request's Accept header or NULL.
 * Called on server threads, concurrently. 0 or -errno (answered 500).
 */
typedef int (*metrics_http_body_fn)(void *ctx, const char *accept, char **body, size_t *len,
				    const char **content_type);

struct metrics_http;

/* Listening when it returns; NULL with a one-line reason in @err (and errno). */
struct metrics_http *metrics_http_start(const struct metrics_http_opts *o,
					metrics_http_body_fn body, void *ctx, char *err,
					size_t errlen);

/* The address actually bound ("127.0.0.1:9851"; port 0 resolved). */
const char *metrics_http_address(const struct metrics_http *h);

/* Stops serving (in-flight scrapes are cut) and frees. NULL is a no-op. */
void metrics_http_stop(struct metrics_http *h);

#endif
