/*
 * main.c - wiring: options, the source, the collector thread and one
 * consumer (dashboard, batch text or JSON Lines). The only place that exits.
 * Exit status: 0 ok, 1 runtime failure, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cmd_compare.h"
#include "cmd_run.h"
#include "collect/bpf_log.h"
#include "collect/bpf_source.h"
#include "collect/collector.h"
#include "collect/sim_source.h"
#include "cmd_rec.h"
#include "core/filter.h"
#include "core/options.h"
#include "core/sim.h"
#include "export/batch_text.h"
#include "export/csv.h"
#include "export/json.h"
#include "ui/ui.h"

#ifndef LATTOP_THEMES_DIR
#define LATTOP_THEMES_DIR "/usr/local/share/lattop/themes"
#endif

/* $LATTOP_THEMES_DIR, else ./themes in a source tree, else the installed ones. */
static const char *themes_dir(void)
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

static int signal_pipe[2] = { -1, -1 };

static void on_stop_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	ssize_t n = write(signal_pipe[1], &b, 1);

	(void)n;
	errno = saved;
}

/* Stream mode: SIGINT/SIGTERM/SIGHUP end the loop through a self-pipe. */
static int stream_signals_install(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	int sigs[] = { SIGINT, SIGTERM, SIGHUP };

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout shows up as EPIPE */
	return 0;
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

/* Batch text or JSON: one report per published snapshot, in order of arrival. */
static int run_stream(struct collector *c, const struct options *o, const struct filter *f)
{
	struct pollfd pfd[2] = {
		{ .fd = collector_wake_fd(c), .events = POLLIN },
		{ .fd = signal_pipe[0], .events = POLLIN },
	};
	char filter_text[FILTER_TEXT_MAX];
	bool done = false;

	filter_format(f, filter_text, sizeof(filter_text));
	while (!done) {
		struct snapshot *s;
		uint64_t skipped = 0;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents)
			return 0;
		/* Read "done" before taking, so the last snapshot is never left behind. */
		done = collector_done(c);
		collector_ack_wake(c);
		s = spsc_take_latest(collector_ring(c), &skipped);
		if (!s)
			continue;
		/* Snapshots the consumer skipped are lost to this output too: say so. */
		s->interval.dropped_snapshots += skipped;
		if (stream_write(s, o, f, filter_text) || fflush(stdout))
			return errno == EPIPE ? 0 : -EIO;
	}
	return collector_error(c);
}

/*
 * --csv FILE: a new file only (O_EXCL also refuses an existing symlink),
 * never through a symlink, readable by the owner only: we run as root.
 */
static FILE *open_csv(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *f;

	if (fd < 0) {
		snprintf(err, errlen, "--csv %s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (lattop never overwrites; pick a new name)" : "");
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f || csv_write_header(f)) {
		snprintf(err, errlen, "--csv %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		else
			close(fd);
		return NULL;
	}
	return f;
}

static int open_source(struct source *src, const struct options *o,
		       const struct client_sample_sink *samples, char *features,
		       size_t features_len, char *err, size_t errlen)
{
	if (o->simulate) {
		snprintf(features, features_len,
			 "SIMULATED data (profile %s, seed %llu): no kernel tracing",
			 sim_profile_name(o->sim_profile), (unsigned long long)o->seed);
		if (sim_source_open(src, o->seed, o->sim_profile)) {
			snprintf(err, errlen, "cannot start the simulation: out of memory");
			return -ENOMEM;
		}
		return 0;
	}
	struct bpf_source_opts bo = {
		.pids = o->pids,
		.n_pids = o->n_pids,
		.comm = o->comm,
		.sample_every = o->sample_every,
		.max_keys = o->max_keys,
		.clients = !o->no_clients,
		.max_clients = o->max_clients,
		.samples = samples,
		.features = features,
		.features_len = features_len,
	};

	return bpf_source_open(src, &bo, err, errlen);
}

int main(int argc, char **argv)
{
	char err[512], features[384] = "", replay_err[512] = "";
	struct client_sample_sink csv_sink = { csv_sink_write, csv_sink_flush, NULL };
	struct recorder *rec = NULL;
	struct replay_info ri = { 0 };
	FILE *csv = NULL;
	struct options o;
	struct filter f;
	struct source src = { 0 };
	struct collector *c;
	struct utsname un;
	int ret;

	/* Subcommands with options of their own; record, replay and export share the parser. */
	if (argc > 1 && strcmp(argv[1], "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	options_defaults(&o);
	if (options_parse(&o, argc, argv, err, OPTIONS_ERR_LEN)) {
		fprintf(stderr, "lattop: %s\nTry 'lattop --help'.\n", err);
		return 2;
	}
	if (o.show_help) {
		fputs(options_usage(), stdout);
		return 0;
	}
	if (o.show_keys) {
		ui_keys_markdown(stdout);
		return 0;
	}
	if (o.show_columns) {
		ui_columns_markdown(stdout);
		return 0;
	}
	if (o.show_version) {
		printf("lattop %s\n", LATTOP_VERSION);
		return 0;
	}
	if (o.command == CMD_EXPORT)
		return cmd_export(&o);
	if (o.output == OUTPUT_AUTO && o.command == CMD_RECORD)
		o.output = OUTPUT_NONE;
	if (o.output == OUTPUT_AUTO)
		o.output = isatty(STDOUT_FILENO) && isatty(STDIN_FILENO) ? OUTPUT_UI : OUTPUT_BATCH;
	options_to_filter(&o, &f);

	/* Everything that can fail at start-up fails here, before curses takes the screen. */
	bpf_log_init(o.verbose);
	if (o.csv_path && o.simulate) {
		fprintf(stderr, "lattop: --csv writes samples of live tracing, not of --simulate\n");
		return 2;
	}
	if (o.command == CMD_RECORD) {
		rec = recorder_create(&o, argc, argv, err, sizeof(err), &ret);
		if (!rec) {
			fprintf(stderr, "lattop: %s\n", err);
			return ret;
		}
	}
	if (o.csv_path) {
		csv = open_csv(o.csv_path, err, sizeof(err));
		if (!csv) {
			fprintf(stderr, "lattop: %s\n", err);
			if (rec)
				recorder_finish(rec, err, sizeof(err));
			return 1;
		}
		csv_sink.ctx = csv;
	}
	if (o.command == CMD_REPLAY) {
		ret = replay_prepare(&o, &src, &ri, replay_err, sizeof(replay_err), err, sizeof(err));
		if (!ret && cmd_replay_filter(&f, &o, ri.filter, err, sizeof(err))) {
			src.destroy(src.ctx);
			ret = -EINVAL;
		}
	} else
		ret = open_source(&src, &o, csv ? &csv_sink : recorder_sink(rec), features,
				  sizeof(features), err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lattop: %s\n", err);
		if (csv)
			fclose(csv);
		if (rec)
			recorder_finish(rec, err, sizeof(err));
		return o.command == CMD_REPLAY ? 2 : 1;
	}
	if (rec) {
		size_t n = strlen(features);

		snprintf(features + n, sizeof(features) - n, "; RECORDING to %s", o.out_path);
		recorder_wrap(rec, &src);
	}
	if (o.output != OUTPUT_UI && stream_signals_install()) {
		fprintf(stderr, "lattop: cannot set up signal handling: %s\n", strerror(errno));
		src.destroy(src.ctx);
		return 1;
	}
	c = collector_start(&src, o.interval_ns, o.iterations);
	if (!c) {
		fprintf(stderr, "lattop: cannot start the collector thread: %s\n", strerror(errno));
		src.destroy(src.ctx);
		return 1;
	}
	if (o.output == OUTPUT_UI) {
		bool have_uname = uname(&un) == 0;
		struct ui_opts uo = {
			.theme = o.theme,
			.themes_dir = themes_dir(),
			.no_color = o.no_color,
			.mouse = o.mouse,
			.cumulative = o.cumulative,
			.snapshot_dir = o.snapshot_dir,
			.filter = &f,
			.features = features,
			.host = have_uname ? un.nodename : "?",
			.kernel = have_uname ? un.release : "?",
			.clients = !o.no_clients,
		};

		if (o.command == CMD_REPLAY) {
			uo.features = ri.features;
			uo.host = ri.host;
			uo.kernel = ri.kernel;
			uo.clients = ri.clients && !o.no_clients;
			uo.replay_ticks = ri.ticks;
		}

		bpf_log_quiet();
		ret = ui_run(c, &uo);
	} else {
		ret = run_stream(c, &o, &f);
	}
	collector_stop(c);
	if (csv && fclose(csv) && ret >= 0)
		ret = -EIO;
	if (rec && recorder_finish(rec, err, sizeof(err)) && ret >= 0) {
		fprintf(stderr, "lattop: %s\n", err);
		return 1;
	}
	if (ret < 0 && replay_err[0]) {
		fprintf(stderr, "lattop: %s\n", replay_err);
		return 2;
	}
	if (ret < 0) {
		fprintf(stderr, "lattop: %s\n", strerror(-ret));
		return 1;
	}
	return 0;
}
