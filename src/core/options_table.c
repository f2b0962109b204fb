/*
 * options_table.c - the option table: one row per option, from which the
 * getopt array (options.c), --help, the man page and the bash completion
 * (src/cli_doc.c) are made. A new option is one row here and one case in
 * options.c's parse_one; nothing else lists options.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/options.h"
#include "core/options_ids.h"
#include "core/sim.h"

#define L OPTIONS_CMD(CMD_LIVE)
#define R OPTIONS_CMD(CMD_RECORD)
#define P OPTIONS_CMD(CMD_REPLAY)
#define E OPTIONS_CMD(CMD_EXPORT)
#define S OPTIONS_CMD(CMD_SERVE)
#define F OPTIONS_CMD(CMD_FLEET)
#define U OPTIONS_CMD(CMD_RUN)
#define TRACE (L | R | S)		/* commands that trace live */
#define VIEW (L | R | P | F)		/* commands with a dashboard or a report */

#define NONE OPTIONS_ARG_NONE
#define REQ OPTIONS_ARG_REQUIRED
#define OPT OPTIONS_ARG_OPTIONAL

static const struct options_spec specs[] = {
	{ "interval", 'i', 'i', REQ, "SECONDS",
	  "tick length (fractions allowed, floored at 0.1; default 1)", TRACE | F | U, COMPLETE_NONE, NULL },
	{ "iterations", 'n', 'n', REQ, "N", "stop after N ticks", VIEW | S, COMPLETE_NONE, NULL },
	{ "pid", 'p', 'p', REQ, "PID",
	  "only this process (repeatable, up to 8; also filters in the kernel)", TRACE | P | E | U, COMPLETE_NONE, NULL },
	{ "comm", 'c', 'c', REQ, "NAME",
	  "only processes whose name contains NAME (also in the kernel)", TRACE | P | E | F | U, COMPLETE_NONE, NULL },
	{ "syscall", 's', 's', REQ, "NAME", "only this syscall (repeatable)",
	  TRACE | P | E | F | U, COMPLETE_SYSCALL, NULL },
	{ "cumulative", 0, OPT_CUMULATIVE, NONE, NULL,
	  "totals since start instead of per-interval (tick+trunc) values", VIEW, COMPLETE_NONE, NULL },
	{ "batch", 'b', 'b', NONE, NULL,
	  "DTrace-style text every tick (default when stdout is not a tty)", VIEW, COMPLETE_NONE, NULL },
	{ "json", 0, OPT_JSON, NONE, NULL,
	  "one JSON object per tick (JSON Lines); export: the JSON format", VIEW | E, COMPLETE_NONE, NULL },
	{ "ui", 0, OPT_UI, NONE, NULL, "the dashboard even when stdout is not a tty", VIEW, COMPLETE_NONE, NULL },
	{ "sample", 0, OPT_SAMPLE, REQ, "N",
	  "time one call in N (randomly); every call is still counted", TRACE | U, COMPLETE_NONE, NULL },
	{ "max-keys", 0, OPT_MAX_KEYS, REQ, "N",
	  "limit of (process, syscall) keys in the kernel (default 4096)", TRACE | U, COMPLETE_NONE, NULL },
	{ "max-clients", 0, OPT_MAX_CLIENTS, REQ, "N",
	  "limit of client rows in the kernel, LRU (default 16384, ~2.6 KiB each)", TRACE, COMPLETE_NONE, NULL },
	{ "no-clients", 0, OPT_NO_CLIENTS, NONE, NULL, "no per-client TCP tables", TRACE | P, COMPLETE_NONE, NULL },
	{ "no-breakdown", 0, OPT_NO_BREAKDOWN, NONE, NULL,
	  "do not split syscall time into on-CPU, run queue, I/O, blocked", TRACE, COMPLETE_NONE, NULL },
	{ "no-runq", 0, OPT_NO_RUNQ, NONE, NULL,
	  "no run-queue latency table (no scheduler hooks)", TRACE, COMPLETE_NONE, NULL },
	{ "runq-per-cpu", 0, OPT_RUNQ_PER_CPU, NONE, NULL, "run-queue rows per (process, CPU)",
	  TRACE, COMPLETE_NONE, NULL },
	{ "no-block", 0, OPT_NO_BLOCK, NONE, NULL, "no block I/O latency table", TRACE, COMPLETE_NONE, NULL },
	{ "uprobe", 'u', 'u', REQ, "BINARY:FUNCTION",
	  "time a function of a program or library, entry to return\n"
	  "(FUNCTION may be a glob; repeatable; a uprobe costs microseconds a call)", TRACE, COMPLETE_NONE, NULL },
	{ "usdt", 0, OPT_USDT, REQ, "BIN:PROV:PROBE[:END]",
	  "count a USDT probe, or time PROBE -> END on one thread (repeatable)", TRACE, COMPLETE_NONE, NULL },
	{ "slow", 0, OPT_SLOW, REQ, "DURATION",
	  "stacks of calls slower than DURATION (10ms, 500us), kernel and user", TRACE, COMPLETE_NONE, NULL },
	{ "max-stacks", 0, OPT_MAX_STACKS, REQ, "N",
	  "limit of distinct slow stacks in the kernel (default 1024)", TRACE, COMPLETE_NONE, NULL },
	{ "no-cgroups", 0, OPT_NO_CGROUPS, NONE, NULL,
	  "rows not split by cgroup (no CGROUP column, Containers pane)", TRACE, COMPLETE_NONE, NULL },
	{ "cgroup", 0, OPT_CGROUP, REQ, "PATH",
	  "trace only tasks in cgroup PATH or below it, in the kernel\n"
	  "(v2 path, absolute or below the v2 mount; repeatable)", TRACE, COMPLETE_DIR, NULL },
	{ "csv", 0, OPT_CSV, REQ, "FILE",
	  "raw samples, one row per request and per connection (new file);\n"
	  "export: the CSV format (no FILE)", TRACE | E, COMPLETE_FILE, NULL },
	{ "top", 0, OPT_TOP, REQ, "N", "quantize blocks per tick in batch output (default 5)",
	  VIEW | U, COMPLETE_NONE, NULL },
	{ "simulate", 0, OPT_SIMULATE, OPT, "[PROFILE]",
	  "synthetic data, no kernel tracing needed (marked SIMULATED);\n"
	  "PROFILE: " SIM_PROFILE_LIST " (steady by default)", TRACE, COMPLETE_WORDS,
	  SIM_PROFILE_LIST },
	{ "seed", 0, OPT_SEED, REQ, "N", "seed of --simulate (default 1)", TRACE, COMPLETE_NONE, NULL },
	{ "theme", 0, OPT_THEME, REQ, "NAME|PATH",
	  "dashboard colours (default, basic, mono, high-contrast)", VIEW, COMPLETE_THEME, NULL },
	{ "no-color", 0, OPT_NO_COLOR, NONE, NULL, "monochrome (also when NO_COLOR is set)", VIEW, COMPLETE_NONE, NULL },
	{ "mouse", 0, OPT_MOUSE, NONE, NULL, "let the dashboard use the mouse", VIEW, COMPLETE_NONE, NULL },
	{ "snapshot-dir", 0, OPT_SNAPSHOT_DIR, REQ, "DIR",
	  "where the 's' key writes snapshots (default .)", VIEW, COMPLETE_DIR, NULL },
	{ "slo", 0, OPT_SLO, REQ, "EXPR",
	  "dashboard: a threshold that must hold, as run --assert:\n"
	  "'p99(read) < 10ms'; rows breaking it are flagged (repeatable)", VIEW, COMPLETE_NONE, NULL },
	{ "no-config", 0, OPT_NO_CONFIG, NONE, NULL,
	  "dashboard: do not read or write the settings file", VIEW, COMPLETE_NONE, NULL },
	{ "listen", 0, OPT_LISTEN, REQ, "ADDR:PORT",
	  "serve Prometheus metrics on GET /metrics (serve: default\n"
	  "127.0.0.1:9851); off loopback needs --web-config or\n--listen-insecure", TRACE, COMPLETE_NONE, NULL },
	{ "listen-insecure", 0, OPT_LISTEN_INSECURE, NONE, NULL,
	  "allow plain, unauthenticated HTTP off loopback", TRACE, COMPLETE_NONE, NULL },
	{ "web-config", 0, OPT_WEB_CONFIG, REQ, "FILE",
	  "TLS certificate and key, basic-auth users (bcrypt; mode 0600)", TRACE, COMPLETE_FILE, NULL },
	{ "metrics-max-series", 0, OPT_METRICS_MAX_SERIES, REQ, "N",
	  "label sets exported (default 2000); the rest are summed\ninto comm=\"other\"", TRACE, COMPLETE_NONE, NULL },
	{ "metrics-buckets", 0, OPT_METRICS_BUCKETS, REQ, "pow2|fine",
	  "le bounds: powers of two (default) or log-linear", TRACE, COMPLETE_WORDS, "pow2 fine" },
	{ "metrics-cgroup", 0, OPT_METRICS_CGROUP, NONE, NULL,
	  "a cgroup=\"NAME\" label on every series (bounded by\n--metrics-max-series)", TRACE, COMPLETE_NONE, NULL },
	{ "host-label", 0, OPT_HOST_LABEL, REQ, "NAME",
	  "host=\"NAME\" on every series (the fleet view groups by it)", TRACE, COMPLETE_NONE, NULL },
	{ "features", 0, OPT_FEATURES, NONE, NULL,
	  "what this host can trace and why not (--json: as JSON)", L, COMPLETE_NONE, NULL },
	{ "verbose", 'v', 'v', NONE, NULL, "libbpf and verifier messages on stderr",
	  TRACE | P | E | F | U, COMPLETE_NONE, NULL },
	{ "keys", 0, OPT_KEYS, NONE, NULL, "the dashboard's keys, as a Markdown table", L, COMPLETE_NONE, NULL },
	{ "columns", 0, OPT_COLUMNS, NONE, NULL,
	  "what the dashboard's columns mean, as a Markdown table", L, COMPLETE_NONE, NULL },
	{ "help", 'h', 'h', NONE, NULL, "this text (after a command: that command's)",
	  OPTIONS_CMD_ALL & ~(OPTIONS_CMD(CMD_COMPARE) | OPTIONS_CMD(CMD_RUN)), COMPLETE_NONE, NULL },
	{ "version", 'V', 'V', NONE, NULL, "version", L, COMPLETE_NONE, NULL },
	{ "output", 'o', 'o', REQ, "FILE",
	  "the recording (record), or the export (export; default stdout)", R | E, COMPLETE_FILE, NULL },
	{ "duration", 'd', 'd', REQ, "SECONDS", "stop after that long (in whole ticks; -n wins)",
	  R, COMPLETE_NONE, NULL },
	{ "max-size", 0, OPT_MAX_SIZE, REQ, "SIZE",
	  "start a new file past SIZE bytes (K, M, G suffixes)", R, COMPLETE_NONE, NULL },
	{ "rotate", 0, OPT_ROTATE, REQ, "N",
	  "keep N full files as FILE.1 .. FILE.N (default 1 with --max-size)", R, COMPLETE_NONE, NULL },
	{ "folded", 0, OPT_FOLDED, NONE, NULL,
	  "export: the --slow stacks, folded for flame graphs", E, COMPLETE_NONE, NULL },
	{ "samples", 0, OPT_SAMPLES, NONE, NULL,
	  "record: the raw client samples too; export: export those", R | E, COMPLETE_NONE, NULL },
	{ "speed", 0, OPT_SPEED, REQ, "N|max",
	  "N times the recorded speed (default 1); 0 or max: no waiting", P, COMPLETE_NONE, NULL },
	{ "prometheus", 0, OPT_PROMETHEUS, REQ, "URL", "the Prometheus server (http://HOST:9090)",
	  F, COMPLETE_NONE, NULL },
	/* Hidden: build steps make the man page and the completion with these. */
	{ "man", 0, OPT_MAN, NONE, NULL, "the man page (troff)", 0, COMPLETE_NONE, NULL },
	{ "bash-completion", 0, OPT_BASH_COMPLETION, NONE, NULL, "the bash completion script", 0, COMPLETE_NONE, NULL },
};

_Static_assert(sizeof(specs) / sizeof(specs[0]) <= OPTIONS_SPECS_MAX,
	       "options_ids.h: raise OPTIONS_SPECS_MAX (the parser's arrays)");

static const char *const command_names[CMD_COUNT] = {
	[CMD_LIVE] = "", [CMD_RECORD] = "record", [CMD_REPLAY] = "replay", [CMD_EXPORT] = "export",
	[CMD_SERVE] = "serve", [CMD_FLEET] = "fleet", [CMD_COMPARE] = "compare", [CMD_RUN] = "run",
};

const struct options_spec *options_specs(size_t *n)
{
	*n = sizeof(specs) / sizeof(specs[0]);
	return specs;
}

const char *options_command_name(enum options_command c)
{
	return (unsigned int)c < CMD_COUNT ? command_names[c] : NULL;
}

#define HELP_COL 27	/* where the help text starts */

/* Appends like snprintf at @*at; the total length needed keeps growing past @len. */
__attribute__((format(printf, 4, 5)))
static void put(char *buf, size_t len, size_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*at < len ? buf + *at : NULL, *at < len ? len - *at : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at += (size_t)n;
}

/* "  -i, --interval SECONDS   tick length ..." with continuation lines under the text. */
static void put_spec(char *buf, size_t len, size_t *at, const struct options_spec *s)
{
	char left[64];
	const char *h = s->help, *nl;
	int n;

	if (s->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", s->short_name, s->name);
	else
		n = snprintf(left, sizeof(left), "      --%s", s->name);
	if (s->arg_name)
		n += snprintf(left + n, sizeof(left) - (size_t)n, " %s", s->arg_name);
	if (n >= HELP_COL)
		put(buf, len, at, "%s  ", left);
	else
		put(buf, len, at, "%-*s", HELP_COL, left);
	while ((nl = strchr(h, '\n'))) {
		put(buf, len, at, "%.*s\n%*s", (int)(nl - h), h, HELP_COL, "");
		h = nl + 1;
	}
	put(buf, len, at, "%s\n", h);
}

/* The options @cmd takes and @skip does not. */
static void put_cmd(char *buf, size_t len, size_t *at, unsigned int cmd_bit, unsigned int skip)
{
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		if (!(specs[i].cmds & cmd_bit) || (specs[i].cmds & skip))
			continue;
		put_spec(buf, len, at, &specs[i]);
	}
}

size_t options_help_cmd(enum options_command cmd, unsigned int skip, char *buf, size_t len)
{
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	put_cmd(buf, len, &at, OPTIONS_CMD(cmd), skip);
	return at;
}
