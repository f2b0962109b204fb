/*
 * cmd_live.c - the live path: the source (BPF, --simulate or a recording),
 * the collector thread and one consumer (dashboard, batch text, JSON Lines,
 * or none: record without output, serve). Shared by the commands without
 * words, record, replay and serve (see commands.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd_live.h"
#include "collect/bpf_log.h"
#include "collect/bpf_source.h"
#include "collect/cgroup_filter.h"
#include "collect/func_probes.h"
#include "collect/pidns.h"
#include "collect/collector.h"
#include "collect/exporter.h"
#include "collect/sim_source.h"
#include "cmd_rec.h"
#include "core/filter.h"
#include "core/options.h"
#include "core/sim.h"
#include "export/batch_text.h"
#include "collect/consumer.h"
#include "export/csv_file.h"
#include "export/json.h"
#include "ui/ui.h"

#ifndef LATTOP_THEMES_DIR
#define LATTOP_THEMES_DIR "/usr/local/share/lattop/themes"
#endif

/* $LATTOP_THEMES_DIR, else ./themes in a source tree, else the installed ones. */
const char *lattop_themes_dir(void)
{
	static char beside_exe[PATH_MAX];
	const char *env = getenv("LATTOP_THEMES_DIR");
	ssize_t n;
	char *slash;

	if (env && *env)
		return env;
	if (access("themes/default.theme", R_OK) == 0)
		return "themes";
	/* A build tree run from elsewhere: build/lattop -> ../themes. */
	n = readlink("/proc/self/exe", beside_exe, sizeof(beside_exe) - 1);
	if (n > 0) {
		beside_exe[n] = '\0';
		slash = strrchr(beside_exe, '/');
		if (slash && (size_t)(slash - beside_exe) + sizeof("/../themes/default.theme") <
				     sizeof(beside_exe)) {
			strcpy(slash, "/../themes/default.theme");
			if (access(beside_exe, R_OK) == 0) {
				slash[sizeof("/../themes") - 1] = '\0';
				return beside_exe;
			}
		}
	}
	return LATTOP_THEMES_DIR;
}

/* Write errors on stdout: EPIPE (the reader went away) is a quiet end, anything else is said. */
static int stdout_error(char *err, size_t errlen)
{
	int e = errno ? errno : EIO;

	if (e == EPIPE)
		return 0;
	snprintf(err, errlen, "cannot write to stdout: %s", strerror(e));
	return -e;
}

static int stream_write(const struct snapshot *s, const struct options *o,
			const struct filter *f, const char *filter_text)
{
	if (o->output == OUTPUT_NONE)
		return 0;
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

int cmd_stream(struct collector *c, const struct options *o, const struct filter *f,
	       void (*on_tick)(const struct snapshot *s, void *ctx), void *ctx, char *err,
	       size_t errlen)
{
	char filter_text[FILTER_TEXT_MAX];
	bool done = false, finishing = false;

	filter_format(f, filter_text, sizeof(filter_text));
	while (!done) {
		struct snapshot *s;
		int sig, ev = consumer_wait(c, -1, -1, &sig);

		if (ev < 0)
			return ev;
		if ((ev & CONSUMER_SIGNAL) && !finishing) {
			finishing = true;
			collector_finish(c);
		}
		if (!(ev & CONSUMER_SNAPSHOT))
			continue;
		/*
		 * Every tick, in order: a stream is summed by scripts, so a slow
		 * reader must not lose an interval. When it falls behind, the
		 * ring fills and the collector reads a tick later (counted in
		 * dropped_snapshots): that tick's interval covers both.
		 */
		while ((s = consumer_take_next(c, &done))) {
			if (on_tick)
				on_tick(s, ctx);
			errno = 0;
			if (stream_write(s, o, f, filter_text) || fflush(stdout))
				return stdout_error(err, errlen);
			/*
			 * A reader slower than the ticks keeps this loop fed
			 * for ever: look for a stop between ticks, so that a
			 * stop writes what is queued and the final tick, not
			 * an endless backlog (seen: 100 MB after SIGTERM).
			 */
			if (!finishing && stop_signals_take()) {
				finishing = true;
				collector_finish(c);
			}
		}
		/* Written out: the collector need not keep a busy tick's rows for us. */
		consumer_release(c);
	}
	return collector_error(c);
}

/*
 * -p takes pids of the namespace lattop runs in; the BPF pre-filter wants the
 * kernel's (the same pids in the initial namespace).
 */
static int kernel_pids_of(const struct options *o, uint32_t *kernel_pids, char *err,
			  size_t errlen)
{
	struct pidns *ns;
	int ret = 0;

	memcpy(kernel_pids, o->pids, o->n_pids * sizeof(*kernel_pids));
	if (!o->n_pids)
		return 0;
	ns = pidns_open(NULL);
	for (size_t i = 0; ns && pidns_ino(ns) && i < o->n_pids && !ret; i++) {
		ret = pidns_to_kernel(ns, o->pids[i], &kernel_pids[i]);
		if (ret)
			snprintf(err, errlen, "-p %u: cannot find its pid in the kernel's namespace "
				 "(lattop runs in PID namespace %llu): %s", o->pids[i],
				 (unsigned long long)pidns_ino(ns), strerror(-ret));
	}
	pidns_free(ns);
	return ret;
}

static int open_source(struct source *src, const struct options *o,
		       const struct client_sample_sink *samples, char *features,
		       size_t features_len, char *err, size_t errlen)
{
	if (o->simulate) {
		snprintf(features, features_len,
			 "SIMULATED data (profile %s, seed %llu): no kernel tracing",
			 sim_profile_name(o->sim_profile), (unsigned long long)o->seed);
		if (sim_source_open(src, o->seed, o->sim_profile, !o->no_breakdown, !o->no_runq,
				    !o->no_block, !o->no_cgroups, o->slow_ns)) {
			snprintf(err, errlen, "cannot start the simulation: out of memory");
			return -ENOMEM;
		}
		return 0;
	}
	uint32_t kernel_pids[ABI_MAX_PID_FILTER];
	int ret = kernel_pids_of(o, kernel_pids, err, errlen);

	if (ret)
		return ret;
	struct bpf_source_opts bo = {
		.pids = kernel_pids,
		.n_pids = o->n_pids,
		.comm = o->comm,
		.sample_every = o->sample_every,
		.max_keys = o->max_keys,
		.breakdown = !o->no_breakdown,
		.clients = !o->no_clients,
		.max_clients = o->max_clients,
		.samples = samples,
		.runq = !o->no_runq,
		.runq_per_cpu = o->runq_per_cpu,
		.block = !o->no_block,
		.max_fam_keys = ABI_FAM_KEYS_DEFAULT,
		.uprobes = o->uprobes,
		.n_uprobes = o->n_uprobes,
		.usdts = o->usdts,
		.n_usdts = o->n_usdts,
		.slow_ns = o->slow_ns,
		.max_stacks = o->max_stacks ? o->max_stacks : ABI_STACKS_DEFAULT,
		.cgroups = o->cgroups,
		.n_cgroups = o->n_cgroups,
		.n_cgroup_filter = o->n_cgroups,
		.cgroup_ids = !o->no_cgroups,
		.features = features,
		.features_len = features_len,
	};
	ret = cgroup_filter_resolve(o->cgroups, o->n_cgroups, bo.cgroup_filter, err, errlen);
	if (ret)
		return ret;
	return bpf_source_open(src, &bo, err, errlen);
}

/*
 * -u / --usdt naming a binary, function or probe that does not exist is a
 * usage error: found here, before any BPF is loaded or attached. A glob cut
 * at its cap is said here too (and in the features line).
 */
static int check_probes(const struct options *o, char *err, size_t errlen)
{
	struct func_probes fp;
	int ret;

	if (!o->n_uprobes && !o->n_usdts)
		return 0;
	ret = func_probes_build(o->uprobes, o->n_uprobes, o->usdts, o->n_usdts, &fp, err, errlen);
	if (ret)
		return ret;
	if (fp.note[0])
		fprintf(stderr, "lattop: %s (at most %d per glob)\n", fp.note, FUNC_PROBES_PER_GLOB);
	func_probes_free(&fp);
	return 0;
}

/* --cgroup of a path that is no cgroup is a mistake: said before any BPF is loaded. */
static int check_cgroups(const struct options *o, char *err, size_t errlen)
{
	uint64_t ids[ABI_MAX_CGROUP_FILTER];

	return cgroup_filter_resolve(o->cgroups, o->n_cgroups, ids, err, errlen);
}

/* -p of a process that does not exist is a mistake, not a wait. */
static int check_pids(const struct options *o, char *err, size_t errlen)
{
	unsigned long pid_max = 0;
	char path[32];
	FILE *pm = fopen("/proc/sys/kernel/pid_max", "re");

	if (pm && fscanf(pm, "%lu", &pid_max) != 1)
		pid_max = 0;
	if (pm)
		fclose(pm);
	for (size_t i = 0; i < o->n_pids; i++) {
		if (pid_max && o->pids[i] >= pid_max) {
			snprintf(err, errlen, "-p %u: above the largest pid of this kernel "
				 "(kernel.pid_max = %lu)", o->pids[i], pid_max);
			return -EINVAL;
		}
		snprintf(path, sizeof(path), "/proc/%u", o->pids[i]);
		if (access(path, F_OK)) {
			snprintf(err, errlen, "-p %u: no such process (-p takes the pid of a "
				 "running process; lattop run -- COMMAND traces one from its start)",
				 o->pids[i]);
			return -ESRCH;
		}
	}
	return 0;
}

/*
 * --listen (live modes) and serve: start the metrics endpoint before
 * anything slow or file-creating, so a refused address fails at once
 * (it listens from here; the "serving" line comes once the source is up).
 * NULL and *@status 0: not serving; NULL and *@status 1 or 2: said on stderr.
 */
static struct exporter *listen_start(const struct options *o, int *status)
{
	struct exporter_opts eo = {
		.http = { .listen = o->listen, .insecure = o->listen_insecure,
			  .web_config = o->web_config },
		.metrics = { .max_series = o->metrics_max_series,
			     .fine_buckets = o->metrics_buckets == BUCKETS_FINE,
			     .cgroup_label = o->metrics_cgroup },
		.host_label = o->host_label,
	};
	struct exporter *e;
	char err[512];

	*status = 0;
	if (!o->listen && o->command != CMD_SERVE)
		return NULL;
	if (o->command != CMD_LIVE && o->command != CMD_RECORD && o->command != CMD_SERVE)
		return NULL;
	e = exporter_start(&eo, err, sizeof(err));
	if (!e) {
		fprintf(stderr, "lattop: %s\n", err);
		*status = errno == EINVAL || errno == EACCES ? 2 : 1;
		return NULL;
	}
	return e;
}

int cmd_live(int argc, char **argv, struct options *o, unsigned int closed_fds)
{
	char err[512], features[384] = "", replay_err[512] = "", out_err[512] = "";
	struct client_sample_sink csv_sink = { csv_file_sink_write, csv_file_sink_flush, NULL };
	struct recorder *rec = NULL;
	struct replay_info ri = { 0 };
	struct csv_file *csv = NULL;
	struct filter f;
	struct source src = { 0 };
	struct collector *c = NULL;
	struct exporter *exp = NULL;
	struct utsname un;
	int ret, status = 0, sig;

	if (o->output == OUTPUT_AUTO && o->command == CMD_RECORD)
		o->output = OUTPUT_NONE;
	if (o->output == OUTPUT_AUTO)
		o->output = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? OUTPUT_UI : OUTPUT_BATCH;
	if (o->output != OUTPUT_NONE && (closed_fds & 2)) {
		fprintf(stderr, "lattop: stdout is closed: nothing to write the %s to (use "
			"'record -o FILE' for a file, or give lattop an open stdout)\n",
			o->output == OUTPUT_UI ? "dashboard" : "report");
		return 1;
	}
	if (o->output == OUTPUT_UI && ui_check_terminal(err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		return 1;
	}
	options_to_filter(o, &f);

	/* A stop signal from here on ends lattop cleanly, even while BPF loads. */
	if (stop_signals_install(o->output == OUTPUT_UI)) {
		fprintf(stderr, "lattop: cannot set up signal handling: %s\n", strerror(errno));
		return 1;
	}
	/* Everything that can fail at start-up fails here, before curses takes the screen. */
	bpf_log_init(o->verbose);
	if (o->csv_path && o->simulate) {
		fprintf(stderr, "lattop: --csv writes samples of live tracing, not of --simulate\n");
		return 2;
	}
	if (o->command != CMD_REPLAY && !o->simulate && check_pids(o, err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		return 2;
	}
	if (o->command != CMD_REPLAY && !o->simulate && check_probes(o, err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		return 2;
	}
	if (o->command != CMD_REPLAY && !o->simulate && check_cgroups(o, err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		return 2;
	}
	exp = listen_start(o, &ret);
	if (ret)
		return ret;
	if (o->command == CMD_RECORD) {
		rec = recorder_create(o, argc, argv, err, sizeof(err), &ret);
		if (!rec) {
			fprintf(stderr, "lattop: %s\n", err);
			return ret;
		}
	}
	if (o->csv_path) {
		csv = csv_file_create(o->csv_path, err, sizeof(err));
		if (!csv) {
			fprintf(stderr, "lattop: %s\n", err);
			if (rec)
				recorder_finish(rec, err, sizeof(err));
			return 1;
		}
		csv_sink.ctx = csv;
	}
	if (o->command == CMD_REPLAY) {
		ret = replay_prepare(o, &src, &ri, replay_err, sizeof(replay_err), err, sizeof(err));
		if (!ret && cmd_replay_filter(&f, o, ri.filter, err, sizeof(err))) {
			src.destroy(src.ctx);
			ret = -EINVAL;
		}
	} else
		ret = open_source(&src, o, csv ? &csv_sink : recorder_sink(rec), features,
				  sizeof(features), err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lattop: %s\n", err);
		csv_file_close(csv, err, sizeof(err));
		if (rec)
			recorder_finish(rec, err, sizeof(err));
		return o->command == CMD_REPLAY ? 2 : 1;
	}
	if (rec) {
		size_t n = strlen(features);

		snprintf(features + n, sizeof(features) - n, "; RECORDING to %s", o->out_path);
		recorder_wrap(rec, &src);
	}
	if (exp) {
		char probes[sizeof(features)];

		/* First: the probes' line is long and cut on any terminal, the address must show. */
		int n;

		snprintf(probes, sizeof(probes), "%s", features);
		n = snprintf(features, sizeof(features), "metrics on %s", exporter_address(exp));
		if (probes[0] && n > 0 && (size_t)n < sizeof(features))
			snprintf(features + n, sizeof(features) - (size_t)n, "; %.*s",
				 (int)(sizeof(features) - (size_t)n), probes);
		exporter_wrap(exp, &src);
		/* Said once the source is up: a failed start says only why it failed. */
		fprintf(stderr, "lattop: serving metrics on %s://%s/metrics\n",
			exporter_tls(exp) ? "https" : "http", exporter_address(exp));
	}
	sig = stop_signals_take();
	if (sig) {
		/* Stopped while starting: no tick to report; a recording still gets its END. */
		src.destroy(src.ctx);
		goto finish;
	}
	/* The dashboard's first frame comes after 150 ms, not a whole tick (see collector.h). */
	c = o->output == OUTPUT_UI ? collector_start_early(&src, o->interval_ns, o->iterations,
							  150000000ull) :
				    collector_start(&src, o->interval_ns, o->iterations);
	if (!c) {
		fprintf(stderr, "lattop: cannot start the collector thread: %s\n", strerror(errno));
		src.destroy(src.ctx);
		csv_file_close(csv, err, sizeof(err));
		if (rec)
			recorder_finish(rec, err, sizeof(err));
		return 1;
	}
	if (o->output == OUTPUT_UI) {
		bool have_uname = uname(&un) == 0;
		struct ui_opts uo = {
			.theme = o->theme,
			.themes_dir = lattop_themes_dir(),
			.no_color = o->no_color,
			.mouse = o->mouse,
			.cumulative = o->cumulative,
			.snapshot_dir = o->snapshot_dir,
			.filter = &f,
			.features = features,
			.host = have_uname ? un.nodename : "?",
			.kernel = have_uname ? un.release : "?",
			.clients = !o->no_clients,
			.slo = o->slo,
			.n_slo = o->n_slo,
			/* A recording's ticks never depend on a saved setting (its interval). */
			.no_config = o->no_config || o->command == CMD_RECORD,
			.interval_given = o->interval_given,
			.max_keys = o->max_keys,
			.max_clients = o->max_clients,
		};

		if (o->command == CMD_REPLAY) {
			uo.features = ri.features;
			uo.host = ri.host;
			uo.kernel = ri.kernel;
			uo.clients = ri.clients && !o->no_clients;
			uo.replay_ticks = ri.ticks;
			uo.replay_path = o->in_path;
		}

		bpf_log_quiet();
		ret = ui_run(c, &uo);
	} else {
		ret = cmd_stream(c, o, &f, NULL, NULL, out_err, sizeof(out_err));
	}
	collector_stop(c);
	if (ret < 0) {
		status = 1;
		if (replay_err[0]) {
			fprintf(stderr, "lattop: %s\n", replay_err);
			status = 2;
		} else if (out_err[0]) {
			fprintf(stderr, "lattop: %s\n", out_err);
		} else if (!rec || ret != recorder_error(rec)) {
			/* A recording's own write error is said by recorder_finish, with its name. */
			fprintf(stderr, "lattop: %s\n", strerror(-ret));
		}
	}
finish:
	if (exp && o->command == CMD_SERVE)
		fprintf(stderr, "lattop: stopped serving metrics on %s://%s/metrics\n",
			exporter_tls(exp) ? "https" : "http", exporter_address(exp));
	exporter_stop(exp);
	/* Every output file that failed is said, once, by its name; any of them fails the run. */
	if (csv_file_close(csv, err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		status = status ? status : 1;
	}
	if (rec && recorder_finish(rec, err, sizeof(err))) {
		fprintf(stderr, "lattop: %s\n", err);
		status = status ? status : 1;
	}
	return status;
}
