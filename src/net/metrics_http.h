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
 * One scrape's answer. @data stays valid until @release(@cookie) is called
 * (when the response is freed), so a body rendered once can be shared by
 * many scrapes under a reference count; @release NULL: @data is malloc'd
 * and freed by the server.
 */
struct metrics_http_body {
	const char *data;
	size_t len;
	const char *content_type;	/* static */
	void (*release)(void *cookie);
	void *cookie;
};

/*
 * One scrape: fill @out. @accept: the request's Accept header or NULL.
 * Called on server threads, concurrently. 0 or -errno (answered 500).
 */
typedef int (*metrics_http_body_fn)(void *ctx, const char *accept, struct metrics_http_body *out);

struct metrics_http;

/*
 * Listening when it returns; NULL with a one-line reason in @err and errno:
 * EINVAL (bad address or web config) and EACCES (off loopback without TLS
 * and auth, or a web config others may read) are the operator's to fix
 * (usage errors); anything else (EADDRINUSE, ENOMEM) is a run-time failure.
 */
struct metrics_http *metrics_http_start(const struct metrics_http_opts *o,
					metrics_http_body_fn body, void *ctx, char *err,
					size_t errlen);

/* The address actually bound ("127.0.0.1:9851", "[::1]:9851"; port 0 resolved). */
const char *metrics_http_address(const struct metrics_http *h);

/* Serving HTTPS (the web config gave TLS). */
bool metrics_http_tls(const struct metrics_http *h);

/*
 * Parse "ADDR:PORT" / "[V6ADDR]:PORT" (numeric; "localhost" is 127.0.0.1;
 * an empty ADDR is every interface) into @ss. 0 or -EINVAL. Exposed for tests.
 */
struct sockaddr_storage;
int metrics_http_parse_addr(const char *s, struct sockaddr_storage *ss);

/* Stops serving (in-flight scrapes are cut) and frees. NULL is a no-op. */
void metrics_http_stop(struct metrics_http *h);

#endif
