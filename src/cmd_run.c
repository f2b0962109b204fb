/*
 * cmd_run.c - `lattop run [--assert EXPR]... [--all] [options] -- COMMAND ARGS...`:
 * start COMMAND, collect the syscalls of its process tree (every process
 * with --all) while it runs, print the summary of the whole run when it
 * exits, and check the assertions against it: the pytest-style gate of the
 * DTrace/bpftrace recipes, for any test framework.
 *
 * The child is forked first and held on a pipe until the BPF programs are
 * attached and its pid is in the kernel's tree map, so no call of the
 * command, nor of anything it forks, is missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd_run.h"
#include "collect/bpf_log.h"
#include "collect/bpf_source.h"
#include "collect/collector.h"
#include "collect/consumer.h"
#include "core/assert_expr.h"
#include "core/filter.h"
#include "core/options.h"
#include "core/run_total.h"
#include "export/assert_expr_fmt.h"
#include "export/batch_text.h"
#include "export/json.h"

#define RUN_MAX_ASSERTS 32
#define RUN_INTERVAL_NS 250000000ull	/* final counts within 1/4 s of the exit */
#define RUN_MAX_KEYS 65536		/* keys kept over the whole run */

static const char run_usage[] =
	"usage: lattop run [--assert EXPR]... [--all] [OPTIONS] -- COMMAND [ARGS...]\n"
	"  Runs COMMAND, times the syscalls of it and of every process it starts,\n"
	"  prints the summary of the whole run when it exits, and checks assertions.\n"
	"  -a, --assert EXPR   METRIC[(SYSCALL)] OP VALUE, e.g. 'p99 < 100ms',\n"
	"                      'p99(read) < 2ms', 'errors(connect) == 0'; repeatable.\n"
	"                      METRIC: p50 p90 p99 p999 max avg count errors\n"
	"                      OP: < <= > >= == !=   times need a unit: ns us ms s\n"
	"      --all           every process on the host, not only COMMAND's tree\n"
	"  OPTIONS: -i SECONDS (collection tick, default 0.25), -p, -c, -s (also\n"
	"  applied), --sample N, --max-keys N, --json (summary as one JSON object),\n"
	"  --top N, -v; see lattop --help.\n"
	"Exit status: 1 when an assertion fails (or lattop cannot trace), else the\n"
	"command's own (128+N when killed by signal N); 2 for a usage error.\n";

struct run_args {
	struct options opts;
	struct assert_expr asserts[RUN_MAX_ASSERTS];
	size_t n_asserts;
	bool all;
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

/*
 * Fork the command, held on @go until a byte arrives (EOF: give up). An
 * exec failure comes back as its errno on @exec_err. The child's pid, or
 * a negative errno.
 */
static pid_t run_fork(char **command, int *go_fd, int *exec_err_fd)
{
	int go[2], ee[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(ee, O_CLOEXEC)) {
		int e = -errno;

		close(go[0]);
		close(go[1]);
		return e;
	}
	pid = fork();
	if (pid < 0) {
		int e = -errno;

		close(go[0]);
		close(go[1]);
		close(ee[0]);
		close(ee[1]);
		return e;
	}
	if (pid == 0) {
		char b;
		int e;

		close(go[1]);
		close(ee[0]);
		if (read(go[0], &b, 1) != 1)
			_exit(127);	/* lattop could not start tracing */
		execvp(command[0], command);
		e = errno;
		if (write(ee[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ee[1]);
	*go_fd = go[1];
	*exec_err_fd = ee[0];
	return pid;
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

/* Print the summary and the assertions' lines; the number of failed assertions. */
static int run_report(const struct run_args *a, const struct snapshot *total,
		      const struct filter *f)
{
	int failed = 0;

	if (a->opts.output == OUTPUT_JSON) {
		struct json_opts jo = { .cumulative_only = true, .filter = f };

		json_write_tick(stdout, total, &jo);
	} else {
		struct batch_text_opts bo = { .cumulative = true, .filter = f, .top_n = a->opts.top_n };

		batch_text_write(stdout, total, &bo);
	}
	for (size_t i = 0; i < a->n_asserts; i++) {
		char line[256], why[128] = "";
		uint64_t actual = 0;
		bool passed = false;
		int ret = assert_expr_eval(&a->asserts[i], total, &passed, &actual, why,
					   sizeof(why));

		assert_expr_format(&a->asserts[i], actual, passed, line, sizeof(line));
		if (ret && why[0])
			printf("%s  (%s)\n", line, why);
		else
			printf("%s\n", line);
		failed += !passed;
	}
	if (a->n_asserts)
		printf("lattop run: %zu assertion%s, %d failed\n", a->n_asserts,
		       a->n_asserts == 1 ? "" : "s", failed);
	fflush(stdout);
	return failed;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	char err[512], features[384];
	struct source src = { 0 };
	struct collector *c = NULL;
	struct run_total *rt = NULL;
	struct snapshot total;
	struct filter f;
	int go = -1, exec_err = -1, status = 0, e = 0, code = 1, failed, ret;
	bool reaped = false;
	pid_t child;

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
		fprintf(stderr, "lattop run: out of memory\n");
		return 1;
	}
	child = run_fork(a.command, &go, &exec_err);
	if (child < 0) {
		fprintf(stderr, "lattop run: cannot fork: %s\n", strerror((int)-child));
		run_total_free(rt);
		return 1;
	}
	struct bpf_source_opts bo = {
		.pids = a.opts.pids,
		.n_pids = a.opts.n_pids,
		.comm = a.opts.comm,
		.follow_tgid = a.all ? 0 : (uint32_t)child,
		.sample_every = a.opts.sample_every,
		.max_keys = a.opts.max_keys,
		.clients = false,
		.features = features,
		.features_len = sizeof(features),
	};
	ret = bpf_source_open(&src, &bo, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "lattop run: %s\n", err);
		goto reap;	/* closing go lets the child exit unstarted */
	}
	c = collector_start(&src, a.opts.interval_ns, 0);
	if (!c) {
		fprintf(stderr, "lattop run: cannot start the collector thread: %s\n",
			strerror(errno));
		src.destroy(src.ctx);
		goto reap;
	}
	if (stop_signals_take()) {
		fprintf(stderr, "lattop run: stopped by a signal before the command started\n");
		goto reap;
	}
	/* After the fork: an ignored signal would be inherited by the command through exec. */
	signal(SIGINT, SIG_IGN);
	if (write(go, "g", 1) != 1) {
		fprintf(stderr, "lattop run: cannot start the command: %s\n", strerror(errno));
		goto reap;
	}
	close(go);
	go = -1;
	if (read(exec_err, &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		fprintf(stderr, "lattop run: cannot run '%s': %s\n", a.command[0], strerror(e));
		goto reap;
	}
	ret = run_collect(c, rt, child, &status, &reaped);
	if (reaped)
		child = 0;
	if (ret) {
		fprintf(stderr, "lattop run: collection failed: %s\n", strerror(-ret));
		goto out;
	}
	if (run_total_emit(rt, &total)) {
		fprintf(stderr, "lattop run: out of memory\n");
		goto out;
	}
	snprintf(total.clients_note, sizeof(total.clients_note), "not collected by lattop run");
	total.interval_ns = total.elapsed_ns;	/* the summary is of the whole run */
	failed = run_report(&a, &total, &f);
	code = failed ? 1 : run_status_code(status);
	goto out;
reap:
	if (go >= 0)
		close(go);	/* an unstarted child sees EOF and exits */
	go = -1;
out:
	if (child > 0)
		waitpid(child, &status, 0);	/* not started, or collection failed: wait for it */
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
