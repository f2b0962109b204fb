/*
 * cmd_fleet.c - `lattop fleet --prometheus URL`: the fleet source (one
 * Prometheus server, many lattop exporters) under the usual consumers:
 * the dashboard, batch text or JSON Lines.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_fleet.h"
#include "cmd_live.h"
#include "collect/collector.h"
#include "collect/consumer.h"
#include "collect/fleet_source.h"
#include "core/filter.h"
#include "core/options.h"
#include "net/prom_client.h"
#include "ui/ui.h"

/* The last tick's trouble reading Prometheus, for the exit status of batch and JSON. */
static void keep_trouble(const struct snapshot *s, void *ctx)
{
	char *trouble = ctx;

	snprintf(trouble, SNAP_NOTE_LEN, "%s", strncmp(s->note, "prometheus: ", 12) ? "" : s->note);
}

static int fleet_ui(struct collector *c, const struct options *o, const struct filter *f,
		    void *fleet_ctx)
{
	char features[256];
	struct ui_opts uo = {
		.theme = o->theme,
		.themes_dir = lattop_themes_dir(),
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
	char err[512], out_err[512] = "", trouble[SNAP_NOTE_LEN] = "";
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
				      cmd_stream(c, &o, &f, keep_trouble, trouble, out_err,
						 sizeof(out_err));
	collector_stop(c);
	prom_client_global_cleanup();
	if (ret < 0) {
		fprintf(stderr, "lattop: %s\n", out_err[0] ? out_err : strerror(-ret));
		return 1;
	}
	if (!ret && trouble[0]) {
		/* Sanitised where it was made (prom_api, prom_client): our text and Prometheus's. */
		fprintf(stderr, "lattop: the last tick could not read Prometheus: %s\n",
			trouble + strlen("prometheus: "));
		return 1;
	}
	return 0;
}
