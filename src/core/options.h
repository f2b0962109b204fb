/*
 * options.h - the command line, parsed without side effects (no exit, no
 * printing) so that it can be unit-tested and fuzzed.
 */
#ifndef LATTOP_CORE_OPTIONS_H
#define LATTOP_CORE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

#define OPTIONS_ERR_LEN 160
#define OPTIONS_MAX_SLO 16
#define OPTIONS_MAX_PROBES 16	/* -u and --usdt options, each */

enum options_output {
	OUTPUT_AUTO,		/* dashboard on a terminal, batch text otherwise */
	OUTPUT_BATCH,
	OUTPUT_JSON,
	OUTPUT_UI,
	OUTPUT_NONE,		/* record without -b/--json/--ui: only the file */
};

/* The subcommand word, first on the command line. */
enum options_command {
	CMD_LIVE = 0,		/* no word: the dashboard, batch text or JSON of live data */
	CMD_RECORD,		/* record -o FILE */
	CMD_REPLAY,		/* replay FILE */
	CMD_EXPORT,		/* export FILE --csv|--json */
	CMD_SERVE,		/* serve: headless, only the metrics endpoint (and stderr lines) */
	CMD_FLEET,		/* fleet --prometheus URL: many hosts, read from Prometheus */
	/* Commands with parsers of their own (src/cmd_compare.c, src/cmd_run.c). */
	CMD_COMPARE,
	CMD_RUN,
	CMD_COUNT,
};

/* An option's commands: a mask of OPTIONS_CMD(c) bits. */
#define OPTIONS_CMD(c) (1u << (c))
#define OPTIONS_CMD_ALL ((1u << CMD_COUNT) - 1)

enum options_arg { OPTIONS_ARG_NONE, OPTIONS_ARG_REQUIRED, OPTIONS_ARG_OPTIONAL };

/* What a shell completes after an option (the bash completion is generated from it). */
enum options_complete {
	COMPLETE_NONE,		/* a value the user types */
	COMPLETE_FILE,
	COMPLETE_DIR,
	COMPLETE_SYSCALL,	/* syscall names of this architecture */
	COMPLETE_THEME,		/* theme names, or a path */
	COMPLETE_WORDS,		/* the words of @words */
};

/*
 * One row of the option table: the getopt array, --help (whole and per
 * command), the man page and the bash completion are all made from it.
 */
struct options_spec {
	const char *name;		/* long name, without "--" */
	int short_name;			/* 'i', or 0 for long only */
	int id;				/* getopt's value: the short letter, or 256+ */
	enum options_arg arg;
	const char *arg_name;		/* "SECONDS" in the help; NULL without argument */
	const char *help;		/* may hold '\n': continuation lines */
	unsigned int cmds;		/* OPTIONS_CMD() bits of the commands that take it; 0: hidden */
	enum options_complete complete;
	const char *words;		/* COMPLETE_WORDS: space-separated */
};

/* The table, in --help order; *@n rows. */
const struct options_spec *options_specs(size_t *n);

/* The command's word ("" for live), or NULL out of range. */
const char *options_command_name(enum options_command c);

enum options_buckets { BUCKETS_POW2 = 0, BUCKETS_FINE };

enum options_export { EXPORT_NONE, EXPORT_CSV, EXPORT_JSON, EXPORT_FOLDED };

struct options {
	enum options_command command;
	const char *out_path;		/* record, export: -o FILE (export: NULL = stdout) */
	const char *in_path;		/* replay, export: the recording */
	uint64_t duration_ns;		/* record -d SECONDS; 0 = until stopped */
	bool samples;			/* record: raw client samples too; export: export those */
	double speed;			/* replay: 1 = recorded speed, 0 = as fast as possible */
	enum options_export export_format;
	uint64_t interval_ns;
	bool interval_given;		/* -i on the command line (wins over the settings file) */
	uint64_t iterations;		/* 0 = until stopped */
	uint32_t pids[ABI_MAX_PID_FILTER];
	size_t n_pids;
	char comm[ABI_COMM_LEN];	/* "" = any */
	uint32_t sys_nrs[16];
	size_t n_sys;
	bool cumulative;
	enum options_output output;
	bool simulate;
	int sim_profile;		/* enum sim_profile (core/sim.h); 0 = steady */
	uint64_t seed;
	uint32_t sample_every;		/* 1 = time every call */
	uint32_t max_keys;
	uint32_t max_clients;		/* client rows in the kernel LRU */
	bool no_clients;
	bool no_breakdown;		/* --no-breakdown */
	bool no_runq;			/* --no-runq */
	bool runq_per_cpu;		/* --runq-per-cpu */
	bool no_block;			/* --no-block */
	const char *csv_path;		/* raw client samples; NULL: none */
	unsigned int top_n;		/* quantize blocks in batch output */
	bool verbose;
	bool show_help;
	bool show_version;
	bool show_keys;
	bool show_columns;	/* --columns: the column glossary */
	bool show_man;		/* --man (hidden): the man page, troff */
	bool show_completion;	/* --bash-completion (hidden): the bash completion script */
	const char *theme;
	bool no_color;
	bool mouse;
	const char *snapshot_dir;
	const char *slo[OPTIONS_MAX_SLO];	/* --slo EXPR (run --assert grammar), checked at parse */
	size_t n_slo;
	bool no_config;			/* --no-config: the dashboard skips its settings file */
	/* The metrics endpoint (any live mode, and serve). */
	const char *listen;		/* --listen ADDR:PORT; NULL: not serving (serve: the default) */
	bool listen_insecure;		/* --listen-insecure: plain HTTP off loopback */
	const char *web_config;		/* --web-config FILE: TLS and basic auth */
	uint32_t metrics_max_series;	/* --metrics-max-series N: label sets */
	enum options_buckets metrics_buckets;	/* --metrics-buckets pow2|fine */
	const char *host_label;		/* --host-label NAME: host="NAME" on every series */
	/* record, unattended. */
	uint64_t max_size_bytes;	/* --max-size SIZE: rotate the recording past it; 0 = no cap */
	uint32_t rotate;		/* --rotate N: keep N old files (FILE.1 .. FILE.N) */
	/* --features [--json]: what this host can trace, and why not. */
	bool show_features;
	/* fleet. */
	const char *prometheus_url;	/* --prometheus URL */
	/* Inside the application: function latency and stacks of slow calls. */
	const char *uprobes[OPTIONS_MAX_PROBES];	/* -u BINARY:FUNCTION (checked when opened) */
	size_t n_uprobes;
	const char *usdts[OPTIONS_MAX_PROBES];	/* --usdt BINARY:PROVIDER:PROBE[:END] */
	size_t n_usdts;
	uint64_t slow_ns;		/* --slow DURATION: stacks of slower calls; 0 = off */
	uint32_t max_stacks;		/* --max-stacks N: (row, stack) entries in the kernel */
	/* Containers and services. */
	const char *cgroups[ABI_MAX_CGROUP_FILTER];	/* --cgroup PATH: kernel pre-filter (resolved
							 * when opened: missing is an error then) */
	size_t n_cgroups;
	bool no_cgroups;		/* --no-cgroups: no cgroup attribution (ids 0) */
	bool metrics_cgroup;		/* --metrics-cgroup: a cgroup label on exported series */
};

/* Defaults: live, 1 s interval, forever, every call timed, auto output, speed 1. */
void options_defaults(struct options *o);

/*
 * Parse argv. 0 on success; -EINVAL with a one-line reason in @err for a
 * usage error. Pointers in @o point into argv.
 */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);

/* A duration as --slow takes it ("10ms", "500us", "1.5s"): 0, or -EINVAL. */
int options_parse_duration(const char *s, uint64_t *out_ns);

struct filter;

/* The filter the command line asks for (-p, -c, -s), for snapshots. */
void options_to_filter(const struct options *o, struct filter *f);

/*
 * The option lines of the options @cmd takes and no command in @skip
 * (OPTIONS_CMD bits) takes, help layout (two columns), into @buf. Returns
 * the length the whole text needs (as snprintf).
 */
size_t options_help_cmd(enum options_command cmd, unsigned int skip, char *buf, size_t len);

#endif
