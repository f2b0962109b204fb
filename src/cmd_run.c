/*
 * cmd_run.c - `lattop run [--assert EXPR]... [--all] [options] -- COMMAND ARGS...`:
 * start COMMAND, collect the syscalls of its process tree (every process
 * with --all) while it runs, print the summary of the whole run when it
 * exits, and check the assertions against it: the pytest-style gate of the
 * DTrace/bpftrace recipes, for any test framework.
 *
 * The child is forked first and held on a pipe until the BPF programs are
 * attached and its pid is in the kernel's tree map, so no call of the
 * command, nor of anything it forks, is missed. COMMAND is looked up along
 * PATH by lattop before that (run_spawn.c), so execvp's misses are not
 * charged to it. The outcome is written as text, as one JSON object
 * (--json) and as JUnit XML (--junit): export/run_result.h, export/junit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd_run.h"
#include "collect/bpf_log.h"
#include "collect/bpf_source.h"
#include "collect/cgroup_filter.h"
#include "collect/collector.h"
#include "collect/consumer.h"
#include "core/assert_expr.h"
#include "core/filter.h"
#include "core/options.h"
#include "core/run_total.h"
#include "export/batch_text.h"
#include "export/json.h"
#include "export/junit.h"
#include "export/run_result.h"
#include "run_spawn.h"

#define RUN_MAX_ASSERTS 32
#define RUN_INTERVAL_NS 250000000ull	/* final counts within 1/4 s of the exit */
#define RUN_MAX_KEYS 65536		/* keys kept over the whole run */

static const char run_usage[] =
	"usage: lattop run [--assert EXPR]... [--all] [--json] [--quiet] [--junit FILE]\n"
	"                  [OPTIONS] -- COMMAND [ARGS...]\n"
	"  Runs COMMAND, times the syscalls of it and of every process it starts,\n"
	"  prints the summary of the whole run when it exits, and checks assertions.\n"
	"  -a, --assert EXPR   METRIC[(SYSCALL)] OP VALUE, e.g. 'p99 < 100ms',\n"
	"                      'p99(read) < 2ms', 'errors(connect) == 0'; repeatable.\n"
	"                      METRIC: p50 p90 p99 p999 max avg count errors\n"
	"                      OP: < <= > >= == !=   times need a unit: ns us ms s\n"
	"      --all           every process on the host, not only COMMAND's tree\n"
	"      --json          stdout is one JSON object alone: the summary, the\n"
	"                      assertions and \"verdict\" (pass|fail); the verdict\n"
	"                      lines go to stderr, COMMAND's stdout to stderr too\n"
	"  -q, --quiet         no summary, only the PASS/FAIL lines (with --json: no\n"
	"                      lines either, only the JSON)\n"
	"      --junit FILE    also a JUnit XML report: one testcase per assertion and\n"
	"                      one for COMMAND's exit status (a new file, mode 0600)\n"
	"  OPTIONS: -i SECONDS (collection tick, default 0.25), -p, -c, -s (also\n"
	"  applied), --sample N, --max-keys N, --top N, -v; see lattop --help.\n"
	"  COMMAND without a '/' is looked up along PATH by lattop before it starts,\n"
	"  so only the one execve that starts it is counted.\n"
	"Exit status: 1 when an assertion fails (or lattop cannot trace, or COMMAND\n"
	"cannot be run), else the command's own (128+N when killed by signal N);\n"
	"2 for a usage error. \"verdict\" is \"pass\" exactly when this is 0.\n";

const char *cmd_run_usage(void)
{
	return run_usage;
}

struct run_args {
	struct options opts;
	struct assert_expr asserts[RUN_MAX_ASSERTS];
	size_t n_asserts;
	bool all;
	bool quiet;			/* verdict lines only */
	const char *junit_path;		/* --junit FILE, or NULL */
	char **command;			/* NULL-terminated, from argv */
};

/*
 * Split argv at "--": --assert/-a and --all are ours, the rest is the usual
 * option parser's. 0, or -EINVAL with the reason in @err.
 */
static int run_parse(struct run_args *a, int argc, char **argv, char *err, size_t errlen)
{
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int n_rest = 0, i, ret = 0;

	if (!rest) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rest[n_rest++] = argv[0];
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		const char *arg = argv[i], *expr = NULL;
		char perr[160];

		if (!strcmp(arg, "--all")) {
			a->all = true;
			continue;
		}
		if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
			a->quiet = true;
			continue;
		}
		if (!strcmp(arg, "--junit") || !strncmp(arg, "--junit=", 8)) {
			if (arg[7] == '=') {
				a->junit_path = arg + 8;
			} else if (i + 1 < argc && strcmp(argv[i + 1], "--")) {
				a->junit_path = argv[++i];
			} else {
				snprintf(err, errlen, "--junit needs a file name");
				ret = -EINVAL;
				goto out;
			}
			if (!a->junit_path[0]) {
				snprintf(err, errlen, "--junit needs a file name");
				ret = -EINVAL;
				goto out;
			}
			continue;
		}
		if (!strcmp(arg, "-a") || !strcmp(arg, "--assert")) {
			if (i + 1 >= argc) {
				snprintf(err, errlen, "%s needs an expression", arg);
				ret = -EINVAL;
				goto out;
			}
			expr = argv[++i];
		} else if (!strncmp(arg, "--assert=", 9)) {
			expr = arg + 9;
		}
		if (expr) {
			if (a->n_asserts == RUN_MAX_ASSERTS) {
				snprintf(err, errlen, "at most %d assertions", RUN_MAX_ASSERTS);
				ret = -EINVAL;
				goto out;
			}
			if (assert_expr_parse(expr, &a->asserts[a->n_asserts], perr, sizeof(perr))) {
				snprintf(err, errlen, "--assert '%.60s': %s", expr, perr);
				ret = -EINVAL;
				goto out;
			}
			a->n_asserts++;
			continue;
		}
		rest[n_rest++] = argv[i];
	}
	if (i + 1 >= argc) {
		snprintf(err, errlen, "no command: lattop run [options] -- COMMAND [ARGS...]");
		ret = -EINVAL;
		goto out;
	}
	a->command = &argv[i + 1];
	options_defaults(&a->opts);
	a->opts.interval_ns = RUN_INTERVAL_NS;	/* -i overrides it */
	ret = options_parse(&a->opts, n_rest, rest, err, errlen);
	if (ret)
		goto out;
	if (a->opts.command != CMD_LIVE || a->opts.simulate || a->opts.csv_path ||
	    a->opts.output == OUTPUT_UI) {
		snprintf(err, errlen,
			 "run traces the live command: no --simulate, --csv, --ui or subcommand");
		ret = -EINVAL;
		goto out;
	}
out:
	free(rest);
	return ret;
}


/* Exit status of the command as a shell reports it. */
static int run_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

/* Take every snapshot published so far into @rt. 0 or -ENOMEM. */
static int run_drain(struct collector *c, struct run_total *rt, uint64_t *skipped_total)
{
	struct snapshot *s = consumer_take(c, skipped_total, NULL);

	return s ? run_total_observe(rt, s) : 0;
}

/*
 * Collect until the child exits, then until one more snapshot was read
 * after that (its final counts). The child's wait status in *@status and
 * *@reaped = true once it was waited for (also when collection fails).
 * SIGTERM/SIGHUP to lattop end the command: the run then reports as usual;
 * Ctrl-C reaches the command itself (same process group), so SIGINT is ignored.
 */
static int run_collect(struct collector *c, struct run_total *rt, pid_t child, int *status,
		       bool *reaped)
{
	uint64_t skipped = 0, seen_after_exit = 0;
	int ret;

	*reaped = false;
	while (!collector_done(c)) {
		int sig, ev = consumer_wait(c, -1, 20, &sig);	/* 20 ms: waitpid below */

		if (ev < 0)
			return ev;
		if ((ev & CONSUMER_SIGNAL) && sig != SIGINT && !*reaped)
			kill(child, sig);
		if (!*reaped) {
			pid_t w = waitpid(child, status, WNOHANG);

			if (w == child)
				*reaped = true;
			else if (w < 0 && errno != EINTR)
				return -errno;
		}
		if (!(ev & CONSUMER_SNAPSHOT))
			continue;
		/* A tick that started before the exit may still miss the last calls: take two. */
		ret = run_drain(c, rt, &skipped);
		if (ret)
			return ret;
		if (*reaped && ++seen_after_exit >= 2)
			return 0;
	}
	ret = collector_error(c);
	return ret ? ret : -EIO;
}

/*
 * Evaluate the assertions into @r and print: the summary (batch text, or
 * with --json the one JSON object with the verdict in it) on stdout, then
 * the verdict lines (stderr with --json, none with --json --quiet).
 */
static void run_report(const struct run_args *a, const struct snapshot *total,
		       const struct filter *f, struct run_check *checks, struct run_result *r)
{
	bool json = a->opts.output == OUTPUT_JSON;

	r->checks = checks;
	r->n_checks = a->n_asserts;
	r->failed = 0;
	for (size_t i = 0; i < a->n_asserts; i++) {
		run_check_eval(&checks[i], &a->asserts[i], total);
		r->failed += !checks[i].passed;
	}
	if (json) {
		struct json_opts jo = { .cumulative_only = true, .filter = f,
					.extra = run_result_write_json, .extra_ctx = r };

		json_write_tick(stdout, total, &jo);
		fflush(stdout);
		if (!a->quiet)
			run_result_write_lines(stderr, r);
		return;
	}
	if (!a->quiet) {
		struct batch_text_opts bo = { .cumulative = true, .filter = f, .top_n = a->opts.top_n };

		batch_text_write(stdout, total, &bo);
	}
	run_result_write_lines(stdout, r);
}

/* The --junit file: new, never through a symlink, 0600 (as --csv). NULL with @err set. */
static FILE *run_junit_open(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	FILE *fp;

	if (fd < 0) {
		snprintf(err, errlen, "--junit %s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (lattop never overwrites; pick a new name)" : "");
		return NULL;
	}
	fp = fdopen(fd, "w");
	if (!fp) {
		snprintf(err, errlen, "--junit %s: %s", path, strerror(errno));
		close(fd);
	}
	return fp;
}

/* Say on stderr why the run cannot finish, and keep it for the JUnit report. */
static void run_fail(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void run_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	fprintf(stderr, "lattop run: %s\n", why);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	char err[512], why[640] = "", features[384], path[4096];
	struct run_check checks[RUN_MAX_ASSERTS];
	struct run_result result = { 0 };
	struct source src = { 0 };
	struct collector *c = NULL;
	struct run_total *rt = NULL;
	struct snapshot total;
	struct filter f;
	FILE *junit = NULL;
	int go = -1, exec_err = -1, status = 0, e = 0, code = 1, ret;
	bool reaped = false, started = false;
	pid_t child = 0;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(run_usage, stdout);
			return 0;
		}
	}
	if (run_parse(&a, argc, argv, err, sizeof(err))) {
		fprintf(stderr, "lattop run: %s\nTry 'lattop run --help'.\n", err);
		return 2;
	}
	result.command = a.command;
	if (a.junit_path) {
		junit = run_junit_open(a.junit_path, err, sizeof(err));
		if (!junit) {
			fprintf(stderr, "lattop run: %s\n", err);
			return 1;
		}
	}
	options_to_filter(&a.opts, &f);
	/* Before anything slow (BPF loading): a stop signal must not kill lattop half-way. */
	if (stop_signals_install(false)) {
		fprintf(stderr, "lattop run: cannot set up signal handling: %s\n", strerror(errno));
		return 1;
	}
	bpf_log_init(a.opts.verbose);
	snapshot_init(&total);
	rt = run_total_new(RUN_MAX_KEYS);
	if (!rt) {
		run_fail(why, sizeof(why), "out of memory");
		goto out;
	}
	/* Here, not in the child: execvp's misses along PATH would be charged to it. */
	ret = run_spawn_resolve(a.command[0], path, sizeof(path));
	if (ret) {
		run_fail(why, sizeof(why), "cannot run '%s': %s", a.command[0], strerror(-ret));
		goto out;
	}
	child = run_spawn_fork(path, a.command, a.opts.output == OUTPUT_JSON, &go, &exec_err);
	if (child < 0) {
		run_fail(why, sizeof(why), "cannot fork: %s", strerror((int)-child));
		child = 0;
		goto out;
	}
	struct bpf_source_opts bo = {
		.pids = a.opts.pids,
		.n_pids = a.opts.n_pids,
		.comm = a.opts.comm,
		.follow_tgid = a.all ? 0 : (uint32_t)child,
		.sample_every = a.opts.sample_every,
		.max_keys = a.opts.max_keys,
		.clients = false,
		.uprobes = a.opts.uprobes,
		.n_uprobes = a.opts.n_uprobes,
		.usdts = a.opts.usdts,
		.n_usdts = a.opts.n_usdts,
		.cgroup_ids = !a.opts.no_cgroups,	/* run --assert over a cgroup (cg:) */
		.n_cgroup_filter = a.opts.n_cgroups,
		.features = features,
		.features_len = sizeof(features),
	};
	ret = cgroup_filter_resolve(a.opts.cgroups, a.opts.n_cgroups, bo.cgroup_filter, err,
				    sizeof(err));
	if (!ret)
		ret = bpf_source_open(&src, &bo, err, sizeof(err));
	if (ret) {
		run_fail(why, sizeof(why), "%s", err);
		goto reap;	/* closing go lets the child exit unstarted */
	}
	c = collector_start(&src, a.opts.interval_ns, 0);
	if (!c) {
		run_fail(why, sizeof(why), "cannot start the collector thread: %s", strerror(errno));
		src.destroy(src.ctx);
		goto reap;
	}
	if (stop_signals_take()) {
		run_fail(why, sizeof(why), "stopped by a signal before the command started");
		goto reap;
	}
	/* After the fork: an ignored signal would be inherited by the command through exec. */
	signal(SIGINT, SIG_IGN);
	if (write(go, "g", 1) != 1) {
		run_fail(why, sizeof(why), "cannot start the command: %s", strerror(errno));
		goto reap;
	}
	close(go);
	go = -1;
	if (read(exec_err, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		run_fail(why, sizeof(why), "cannot run '%s': %s", a.command[0], strerror(e));
		goto reap;
	}
	started = true;
	ret = run_collect(c, rt, child, &status, &reaped);
	if (reaped)
		child = 0;
	if (ret) {
		run_fail(why, sizeof(why), "collection failed: %s", strerror(-ret));
		goto out;
	}
	if (run_total_emit(rt, &total)) {
		run_fail(why, sizeof(why), "out of memory");
		goto out;
	}
	snprintf(total.clients_note, sizeof(total.clients_note), "not collected by lattop run");
	total.interval_ns = total.elapsed_ns;	/* the summary is of the whole run */
	result.command_ran = true;
	result.exit_status = run_status_code(status);
	result.elapsed_ns = total.elapsed_ns;
	run_report(&a, &total, &f, checks, &result);
	code = result.failed ? 1 : result.exit_status;
	goto out;
reap:
	if (go >= 0)
		close(go);	/* an unstarted child sees EOF and exits */
	go = -1;
out:
	if (child > 0) {
		waitpid(child, &status, 0);	/* not started, or collection failed: wait for it */
		if (started) {
			result.command_ran = true;
			result.exit_status = run_status_code(status);
		}
	}
	if (why[0]) {
		result.error = why;
		if (a.opts.output == OUTPUT_JSON)
			run_result_write_json_error(stdout, &result);
	}
	if (junit) {
		ret = junit_write_run(junit, &result);
		if (fclose(junit) && !ret)
			ret = -errno;
		if (ret) {
			fprintf(stderr, "lattop run: --junit %s: %s\n", a.junit_path,
				strerror(-ret));
			code = 1;
		}
	}
	if (go >= 0)
		close(go);
	if (exec_err >= 0)
		close(exec_err);
	if (c)
		collector_stop(c);
	snapshot_free(&total);
	run_total_free(rt);
	return code;
}
