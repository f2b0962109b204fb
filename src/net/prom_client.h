/*
 * prom_client.h - GET of a Prometheus server's /api/v1/query with libcurl:
 * bounded in time (connect and total timeouts) and in size. Called from the
 * collector thread only, never the UI thread: a slow Prometheus delays a
 * tick, never a frame.
 */
#ifndef LATTOP_NET_PROM_CLIENT_H
#define LATTOP_NET_PROM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define PROM_CLIENT_TIMEOUT_MS 2000		/* a whole query */
#define PROM_CLIENT_CONNECT_MS 1000
#define PROM_CLIENT_MAX_BYTES (32u << 20)	/* one response body */

struct prom_client;

/* Main thread, once, before any thread starts (curl_global_init). 0 or -EIO. */
int prom_client_global_init(void);
void prom_client_global_cleanup(void);

/*
 * A client for the server at @base_url ("http://127.0.0.1:9090", a path
 * prefix allowed; http and https only). NULL with errno set (EINVAL: not an
 * http(s) URL, message in @err).
 */
struct prom_client *prom_client_new(const char *base_url, uint32_t timeout_ms, char *err,
				    size_t errlen);
void prom_client_free(struct prom_client *c);

/*
 * Run instant query @promql; on 0 *@body (NUL-terminated, malloc'd, the
 * caller frees) holds the response body and *@len its length. Prometheus's
 * own error answers (400, 422, 503 with a JSON body) are returned as bodies
 * too, for prom_api_parse to explain. -ETIMEDOUT, -ECONNREFUSED, -EFBIG
 * (body over the cap), -EIO ... with a one-line reason in @err
 * ("timeout after 2 s", "cannot connect: Connection refused").
 */
int prom_client_query(struct prom_client *c, const char *promql, char **body, size_t *len,
		      char *err, size_t errlen);

#endif
