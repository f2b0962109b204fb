/*
 * prom_client.c - libcurl GET /api/v1/query (see prom_client.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "net/prom_client.h"

struct prom_client {
	CURL *curl;
	char *base;		/* without a trailing '/' */
	uint32_t timeout_ms;
};

struct body_buf {
	char *p;
	size_t len, cap;
	bool too_big;
};

int prom_client_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -EIO;
}

void prom_client_global_cleanup(void)
{
	curl_global_cleanup();
}

struct prom_client *prom_client_new(const char *base_url, uint32_t timeout_ms, char *err,
				    size_t errlen)
{
	struct prom_client *c;
	size_t n;

	if (strncmp(base_url, "http://", 7) && strncmp(base_url, "https://", 8)) {
		snprintf(err, errlen, "--prometheus %s: not an http:// or https:// URL", base_url);
		errno = EINVAL;
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->base = strdup(base_url);
	c->curl = curl_easy_init();
	if (!c->base || !c->curl) {
		prom_client_free(c);
		goto nomem;
	}
	n = strlen(c->base);
	while (n > 0 && c->base[n - 1] == '/')
		c->base[--n] = '\0';
	c->timeout_ms = timeout_ms ? timeout_ms : PROM_CLIENT_TIMEOUT_MS;
	return c;
nomem:
	snprintf(err, errlen, "cannot set up the Prometheus client: out of memory");
	errno = ENOMEM;
	return NULL;
}

void prom_client_free(struct prom_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->base);
	free(c);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body_buf *b = ctx;
	size_t n = size * nmemb;

	if (n > PROM_CLIENT_MAX_BYTES - b->len) {
		b->too_big = true;
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

static int curl_errno(CURLcode rc, const struct body_buf *b, const struct prom_client *c,
		      const char *detail, char *err, size_t errlen)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(err, errlen, "timeout after %g s", c->timeout_ms / 1000.0);
		return -ETIMEDOUT;
	case CURLE_COULDNT_CONNECT: {
		long os_errno = 0;

		/* curl's own text is long; the reason fits the status line next to the age. */
		curl_easy_getinfo(c->curl, CURLINFO_OS_ERRNO, &os_errno);
		snprintf(err, errlen, "cannot connect: %s",
			 os_errno ? strerror((int)os_errno) : detail[0] ? detail : "refused");
		return -ECONNREFUSED;
	}
	case CURLE_WRITE_ERROR:
		if (b->too_big) {
			snprintf(err, errlen, "response larger than %u MiB",
				 PROM_CLIENT_MAX_BYTES >> 20);
			return -EFBIG;
		}
		snprintf(err, errlen, "out of memory reading the response");
		return -ENOMEM;
	default:
		snprintf(err, errlen, "%s", detail[0] ? detail : curl_easy_strerror(rc));
		return -EIO;
	}
}

int prom_client_query(struct prom_client *c, const char *promql, char **body, size_t *len,
		      char *err, size_t errlen)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct body_buf b = { 0 };
	char *q, *url;
	long code = 0;
	CURLcode rc;
	int ret = 0;

	*body = NULL;
	*len = 0;
	q = curl_easy_escape(c->curl, promql, 0);
	if (!q || asprintf(&url, "%s/api/v1/query?query=%s", c->base, q) < 0) {
		curl_free(q);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	curl_free(q);
	curl_easy_reset(c->curl);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	/* Threads: no SIGALRM-based resolver timeouts. */
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, (long)c->timeout_ms);
	curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(c->timeout_ms < PROM_CLIENT_CONNECT_MS ? c->timeout_ms :
									  PROM_CLIENT_CONNECT_MS));
	curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c->curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)PROM_CLIENT_MAX_BYTES);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "lattop-fleet");
	rc = curl_easy_perform(c->curl);
	free(url);
	if (rc == CURLE_FILESIZE_EXCEEDED) {
		b.too_big = true;
		rc = CURLE_WRITE_ERROR;
	}
	if (rc != CURLE_OK) {
		ret = curl_errno(rc, &b, c, curl_err, err, errlen);
		free(b.p);
		return ret;
	}
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	/* Prometheus explains 4xx/5xx in a JSON body; anything else without one is said here. */
	if (code != 200 && (!b.p || b.p[0] != '{')) {
		snprintf(err, errlen, "HTTP status %ld from %s", code, c->base);
		free(b.p);
		return -EIO;
	}
	if (!b.p) {
		snprintf(err, errlen, "empty response");
		return -EIO;
	}
	*body = b.p;
	*len = b.len;
	return 0;
}
