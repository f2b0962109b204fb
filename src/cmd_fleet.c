/*
 * cmd_fleet.c - `lattop fleet --prometheus URL`: the fleet source (one
 * Prometheus server, many lattop exporters) under the usual consumers:
 * the dashboard, batch text or JSON Lines.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_fleet.h"
#include "collect/collector.h"
#include "collect/consumer.h"
#include "collect/fleet_source.h"
#include "core/filter.h"
#include "core/options.h"
#include "export/batch_text.h"
#include "export/json.h"
#include "net/prom_client.h"
#include "ui/ui.h"

#ifndef LATTOP_THEMES_DIR
#define LATTOP_THEMES_DIR "/usr/local/share/lattop/themes"
#endif

static const char *fleet_themes_dir(void)
{
	const char *env = getenv("LATTOP_THEMES_DIR");

	if (env && *env)
		return env;
	return access("themes/default.theme", R_OK) == 0 ? "themes" : LATTOP_THEMES_DIR;
}

static int write_tick(const struct snapshot *s, const struct options *o, const struct filter *f,
		      const char *filter_text)
{
	if (o->output == OUTPUT_JSON) {
		struct json_opts jo = {
			.cumulative_only = o->cumulative,
			.filter_text = filter_text,
			.filter = f,
		};

		return json_write_tick(stdout, s, &jo);
	}
	struct batch_text_opts bo = { .cumulative = o->cumulative, .filter = f, .top_n = o->top_n };

	return batch_text_write(stdout, s, &bo);
}

/*
 * Batch text or JSON: one report per snapshot; a stop signal ends after the
 * partial tick. When the last tick could not read Prometheus, its reason is
 * copied to @trouble (a script gets a failing status, not just stale data).
 */
static int fleet_stream(struct collector *c, const struct options *o, const struct filter *f,
			char *trouble, size_t len)
{
	char filter_text[FILTER_TEXT_MAX];
	bool done = false, finishing = false;

	filter_format(f, filter_text, sizeof(filter_text));
	while (!done) {
		struct snapshot *s;
		uint64_t skipped = 0;
		int sig, ev = consumer_wait(c, -1, -1, &sig);

		if (ev < 0)
			return ev;
		if ((ev & CONSUMER_SIGNAL) && !finishing) {
			finishing = true;
			collector_finish(c);
		}
		if (!(ev & CONSUMER_SNAPSHOT))
			continue;
		s = consumer_take(c, &skipped, &done);
		if (!s)
			continue;
		s->interval.dropped_snapshots += skipped;
		snprintf(trouble, len, "%s", strncmp(s->note, "prometheus: ", 12) ? "" : s->note);
		errno = 0;
		if (write_tick(s, o, f, filter_text) || fflush(stdout)) {
			if (errno == EPIPE)
				return 0;
			fprintf(stderr, "lattop: cannot write to stdout: %s\n",
				strerror(errno ? errno : EIO));
			return -EIO;
		}
	}
	return collector_error(c);
}

static int fleet_ui(struct collector *c, const struct options *o, const struct filter *f,
		    void *fleet_ctx)
{
	char features[256];
	struct ui_opts uo = {
		.theme = o->theme,
		.themes_dir = fleet_themes_dir(),
		.no_color = o->no_color,
		.mouse = o->mouse,
		.cumulative = o->cumulative,
		.snapshot_dir = o->snapshot_dir,
		.filter = f,
		.features = features,
		.host = "fleet",
		.kernel = o->prometheus_url,
		.clients = false,
		/* The fleet's ticks are not the local dashboard's: its settings file stays alone. */
		.no_config = true,
		.interval_given = true,
		.max_keys = o->max_keys,
		.max_clients = o->max_clients,
		.fleet_select = fleet_source_select_hosts,
		.fleet_ctx = fleet_ctx,
	};

	snprintf(features, sizeof(features), "FLEET view: hosts read from Prometheus at %s",
		 o->prometheus_url);
	return ui_run(c, &uo);
}

int cmd_fleet(const struct options *opts)
{
	struct options o = *opts;
	struct fleet_source_opts fo = {
		.prometheus_url = o.prometheus_url,
		.host_label = o.host_label,
	};
	struct source src = { 0 };
	struct collector *c;
	struct filter f;
	void *fleet_ctx;
	char err[512], trouble[SNAP_NOTE_LEN] = "";
	int ret;

	if (o.output == OUTPUT_AUTO || o.output == OUTPUT_NONE)
		o.output = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? OUTPUT_UI : OUTPUT_BATCH;
	if (o.output == OUTPUT_UI && ui_check_terminal(err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		return 1;
	}
	options_to_filter(&o, &f);
	if (stop_signals_install(o.output == OUTPUT_UI)) {
		fprintf(stderr, "lattop: cannot set up signal handling: %s\n", strerror(errno));
		return 1;
	}
	if (prom_client_global_init()) {
		fprintf(stderr, "lattop: cannot initialise libcurl\n");
		return 1;
	}
	ret = fleet_source_open(&src, &fo, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lattop: %s\n", err);
		prom_client_global_cleanup();
		return ret == -EINVAL ? 2 : 1;
	}
	fleet_ctx = src.ctx;
	c = o.output == OUTPUT_UI ? collector_start_early(&src, o.interval_ns, o.iterations,
							  150000000ull) :
				    collector_start(&src, o.interval_ns, o.iterations);
	if (!c) {
		fprintf(stderr, "lattop: cannot start the collector thread: %s\n", strerror(errno));
		src.destroy(src.ctx);
		prom_client_global_cleanup();
		return 1;
	}
	/* The collector owns the source now; its ctx stays valid until collector_stop. */
	ret = o.output == OUTPUT_UI ? fleet_ui(c, &o, &f, fleet_ctx) :
				      fleet_stream(c, &o, &f, trouble, sizeof(trouble));
	collector_stop(c);
	prom_client_global_cleanup();
	if (ret < 0 && ret != -EIO) {
		fprintf(stderr, "lattop: %s\n", strerror(-ret));
		return 1;
	}
	if (!ret && trouble[0]) {
		/* Sanitised where it was made (prom_api, prom_client): our text and Prometheus's. */
		fprintf(stderr, "lattop: the last tick could not read Prometheus: %s\n",
			trouble + strlen("prometheus: "));
		return 1;
	}
	return ret < 0 ? 1 : 0;
}
