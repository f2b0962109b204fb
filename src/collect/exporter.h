/*
 * exporter.h - --listen and `lattop serve`: the metrics registry fed by
 * every published snapshot (collector thread, through a source wrapper as
 * the recorder's) and read by scrapes (HTTP threads). A scrape renders at
 * most once per tick and format; other scrapes of that tick share the
 * rendered body, so 200 scrapers cost the collector one render a tick.
 */
#ifndef LATTOP_COLLECT_EXPORTER_H
#define LATTOP_COLLECT_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>

#include "collect/source.h"
#include "core/metrics.h"
#include "net/metrics_http.h"

struct exporter_opts {
	struct metrics_http_opts http;
	struct metrics_opts metrics;
	const char *host_label;		/* NULL: none */
};

struct exporter;

/* Serving when it returns. NULL with a one-line reason in @err and errno (see metrics_http_start). */
struct exporter *exporter_start(const struct exporter_opts *o, char *err, size_t errlen);

/* Feed it every snapshot @src publishes (call after recorder_wrap, if any). */
void exporter_wrap(struct exporter *e, struct source *src);

/* "127.0.0.1:9851": where it listens. */
const char *exporter_address(const struct exporter *e);

/* Serving HTTPS (the web config gave TLS): the URL is https://. */
bool exporter_tls(const struct exporter *e);

/* Stop serving and free. After the collector stopped. NULL is a no-op. */
void exporter_stop(struct exporter *e);

#endif
