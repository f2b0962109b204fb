/*
 * fleet_source.h - the fleet view's source: each tick queries a Prometheus
 * server for what many lattop exporters published, on the collector thread
 * (never the UI thread), each query bounded by a timeout.
 */
#ifndef LATTOP_COLLECT_FLEET_SOURCE_H
#define LATTOP_COLLECT_FLEET_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "collect/source.h"

struct fleet_source_opts {
	const char *prometheus_url;	/* http(s)://HOST:PORT[/prefix] */
	const char *host_label;		/* label naming a host; NULL: "host" (else instance) */
	uint32_t timeout_ms;		/* per query; 0: PROM_CLIENT_TIMEOUT_MS */
};

/*
 * Main thread, after prom_client_global_init. 0, or -errno with a one-line
 * reason in @err. A Prometheus that cannot be reached is not an error here:
 * it is said on every tick (snapshot.note) until it answers.
 */
int fleet_source_open(struct source *src, const struct fleet_source_opts *o, char *err,
		      size_t errlen);

/*
 * Any thread: rows of the @n hosts @names only (n == 0: every host), from
 * the next tick on. @ctx is the source's ctx (struct source.ctx).
 */
void fleet_source_select_hosts(void *ctx, const char *const *names, size_t n);

#endif
