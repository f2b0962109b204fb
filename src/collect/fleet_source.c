/*
 * fleet_source.c - struct source over a Prometheus server (see fleet_source.h).
 *
 * Collector thread only. A failed tick (timeout, refused, a bad answer)
 * publishes the last good rows again, marked stale, with the reason in
 * snapshot.note for the status line, so the screen never waits on
 * Prometheus and never goes blank.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collect/fleet_source.h"
#include "core/fleet_model.h"
#include "core/prom_api.h"
#include "net/prom_client.h"

struct fleet_source {
	pthread_mutex_t lock;	/* guards select_host/select_changed (UI thread -> collector) */
	char select_host[FLEET_MAX_SELECT][SNAP_HOST_LEN];
	size_t n_select;
	bool select_changed;
	struct prom_client *client;
	struct fleet_model *model;
	struct snapshot last;	/* the last good tick's snapshot */
	bool have_last;
	time_t last_ok;		/* CLOCK_REALTIME seconds of the last good tick */
};

/* Run every query; on failure @err says which and why. */
static int run_queries(struct fleet_source *fs, struct prom_result res[FLEET_Q_NR], char *err,
		       size_t errlen)
{
	char why[200];
	int ret = 0;

	for (int q = 0; q < FLEET_Q_NR; q++) {
		char *body;
		size_t len;

		ret = prom_client_query(fs->client, fleet_model_query((enum fleet_query)q), &body,
					&len, why, sizeof(why));
		if (!ret) {
			ret = prom_api_parse(body, len, &res[q], why, sizeof(why));
			free(body);
		}
		if (ret) {
			snprintf(err, errlen, "prometheus: %s", why);
			for (int i = 0; i < q; i++)
				prom_result_free(&res[i]);
			return ret;
		}
	}
	return 0;
}

static int stale_tick(struct fleet_source *fs, struct snapshot *out, const char *why)
{
	char when[32] = "";
	struct tm tm;
	size_t n;

	if (fs->have_last && snapshot_copy(out, &fs->last))
		return -ENOMEM;
	out->stale = fs->have_last;
	out->sample_every = 1;
	snprintf(out->source, sizeof(out->source), "fleet");
	if (fs->have_last && localtime_r(&fs->last_ok, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	n = (size_t)snprintf(out->note, sizeof(out->note), "%s", why);
	if (when[0] && n < sizeof(out->note))
		snprintf(out->note + n, sizeof(out->note) - n, "; data from %s", when);
	return 0;
}

static int fleet_tick(void *ctx, struct snapshot *out, uint64_t interval_ns)
{
	struct fleet_source *fs = ctx;
	struct prom_result res[FLEET_Q_NR];
	const struct prom_result *r[FLEET_Q_NR];
	char why[256];
	int ret;

	(void)interval_ns;
	pthread_mutex_lock(&fs->lock);
	if (fs->select_changed) {
		const char *names[FLEET_MAX_SELECT];

		for (size_t i = 0; i < fs->n_select; i++)
			names[i] = fs->select_host[i];
		fleet_model_select_hosts(fs->model, names, fs->n_select);
	}
	fs->select_changed = false;
	pthread_mutex_unlock(&fs->lock);
	memset(res, 0, sizeof(res));
	if (run_queries(fs, res, why, sizeof(why)))
		return stale_tick(fs, out, why);
	for (int q = 0; q < FLEET_Q_NR; q++)
		r[q] = &res[q];
	ret = fleet_model_update(fs->model, r, out);
	for (int q = 0; q < FLEET_Q_NR; q++)
		prom_result_free(&res[q]);
	if (ret)
		return ret;
	if (out->n_hosts == 0)
		snprintf(out->note, sizeof(out->note),
			 "prometheus: no lattop exporter found (no lattop_build_info series)");
	fs->last_ok = time(NULL);
	fs->have_last = snapshot_copy(&fs->last, out) == 0;
	return 0;
}

void fleet_source_select_hosts(void *ctx, const char *const *names, size_t n)
{
	struct fleet_source *fs = ctx;

	pthread_mutex_lock(&fs->lock);
	fs->n_select = 0;
	for (size_t i = 0; i < n && fs->n_select < FLEET_MAX_SELECT; i++)
		snprintf(fs->select_host[fs->n_select++], SNAP_HOST_LEN, "%s", names[i]);
	fs->select_changed = true;
	pthread_mutex_unlock(&fs->lock);
}

static void fleet_destroy(void *ctx)
{
	struct fleet_source *fs = ctx;

	prom_client_free(fs->client);
	fleet_model_free(fs->model);
	snapshot_free(&fs->last);
	pthread_mutex_destroy(&fs->lock);
	free(fs);
}

int fleet_source_open(struct source *src, const struct fleet_source_opts *o, char *err,
		      size_t errlen)
{
	struct fleet_source *fs = calloc(1, sizeof(*fs));

	if (!fs) {
		snprintf(err, errlen, "cannot start the fleet view: out of memory");
		return -ENOMEM;
	}
	snapshot_init(&fs->last);
	pthread_mutex_init(&fs->lock, NULL);
	fs->client = prom_client_new(o->prometheus_url, o->timeout_ms, err, errlen);
	if (!fs->client) {
		int e = errno;

		free(fs);
		return -e;
	}
	fs->model = fleet_model_new(o->host_label);
	if (!fs->model) {
		fleet_destroy(fs);
		snprintf(err, errlen, "cannot start the fleet view: out of memory");
		return -ENOMEM;
	}
	memset(src, 0, sizeof(*src));
	src->name = "fleet";
	src->ctx = fs;
	src->tick = fleet_tick;
	src->destroy = fleet_destroy;
	return 0;
}
