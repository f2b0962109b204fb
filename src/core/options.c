/* options.c - command-line parsing with getopt_long; reports, never exits. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assert_expr.h"
#include "core/filter.h"
#include "core/metrics.h"
#include "core/options.h"
#include "core/options_ids.h"
#include "core/sim.h"
#include "core/syscall_names.h"

#define MIN_INTERVAL_NS 100000000ull	/* 0.1 s */
#define MAX_INTERVAL_S 86400.0

#define MAX_SPEED 1000.0

void options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->interval_ns = 1000000000ull;
	o->seed = 1;
	o->sample_every = 1;
	o->max_keys = ABI_SYS_KEYS_DEFAULT;
	o->max_clients = ABI_CLIENTS_DEFAULT;
	o->max_stacks = ABI_STACKS_DEFAULT;
	o->top_n = 5;
	o->output = OUTPUT_AUTO;
	o->speed = 1.0;
	o->metrics_max_series = METRICS_MAX_SERIES_DEFAULT;
}

/* "64M": bytes, with an optional K, M or G (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	unsigned int shift = 0;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	default: break;
	}
	if (*end || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)v << shift;
	return 0;
}

/* Whole-string unsigned integer in [min, max]. */
static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* A duration with its unit: "10ms", "500us", "1.5s", "250000ns". */
static int parse_duration(const char *s, uint64_t *out_ns)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0.0 || v > 3600.0 * 1e9)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v * units[i].ns < 1.0 || v * units[i].ns > 3600.0 * 1e9)
			return -EINVAL;
		*out_ns = (uint64_t)(v * units[i].ns);
		return 0;
	}
	return -EINVAL;
}

int options_parse_duration(const char *s, uint64_t *out_ns)
{
	return parse_duration(s, out_ns);
}

static int parse_interval(const char *s, uint64_t *out_ns)
{
	char *end;
	double secs;

	errno = 0;
	secs = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(secs) || secs <= 0.0 || secs > MAX_INTERVAL_S)
		return -EINVAL;
	*out_ns = (uint64_t)(secs * 1e9);
	if (*out_ns < MIN_INTERVAL_NS)
		*out_ns = MIN_INTERVAL_NS;
	return 0;
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int parse_one(struct options *o, int opt, const char *arg, char *err, size_t errlen)
{
	uint64_t v;
	char *end;
	int nr;

	switch (opt) {
	case 'i':
		if (parse_interval(arg, &o->interval_ns))
			return fail(err, errlen, "bad interval '%s': want seconds > 0", arg);
		o->interval_given = true;
		return 0;
	case 'n':
		if (parse_u64(arg, 1, UINT64_MAX, &o->iterations))
			return fail(err, errlen, "bad iteration count '%s': want an integer >= 1", arg);
		return 0;
	case 'p':
		if (o->n_pids == ABI_MAX_PID_FILTER)
			return fail(err, errlen, "too many -p options (at most %s)", "8");
		if (parse_u64(arg, 1, 0x7fffffff, &v))
			return fail(err, errlen, "bad pid '%s'", arg);
		o->pids[o->n_pids++] = (uint32_t)v;
		return 0;
	case 'c':
		if (!*arg || strlen(arg) >= ABI_COMM_LEN)
			return fail(err, errlen, "bad process name '%s': 1 to 15 bytes", arg);
		snprintf(o->comm, sizeof(o->comm), "%s", arg);
		return 0;
	case 's':
		if (o->n_sys == sizeof(o->sys_nrs) / sizeof(o->sys_nrs[0]))
			return fail(err, errlen, "too many -s options (at most %s)", "16");
		nr = syscall_lookup(arg);
		if (nr < 0)
			return fail(err, errlen, "unknown syscall '%s'", arg);
		o->sys_nrs[o->n_sys++] = (uint32_t)nr;
		return 0;
	case 'b':
		o->output = OUTPUT_BATCH;
		return 0;
	case 'u':
		if (o->n_uprobes == OPTIONS_MAX_PROBES)
			return fail(err, errlen, "too many -u options (at most %d)", OPTIONS_MAX_PROBES);
		if (!strchr(arg, ':'))
			return fail(err, errlen, "bad -u '%s': want BINARY:FUNCTION", arg);
		o->uprobes[o->n_uprobes++] = arg;
		return 0;
	case OPT_USDT:
		if (o->n_usdts == OPTIONS_MAX_PROBES)
			return fail(err, errlen, "too many --usdt options (at most %d)", OPTIONS_MAX_PROBES);
		if (!strchr(arg, ':'))
			return fail(err, errlen, "bad --usdt '%s': want BINARY:PROVIDER:PROBE[:END]", arg);
		o->usdts[o->n_usdts++] = arg;
		return 0;
	case OPT_SLOW:
		if (parse_duration(arg, &o->slow_ns))
			return fail(err, errlen, "bad --slow '%s': want a duration such as 10ms, 500us, 1s",
				    arg);
		return 0;
	case OPT_CGROUP:
		if (o->n_cgroups == ABI_MAX_CGROUP_FILTER)
			return fail(err, errlen, "too many --cgroup options (at most %d)",
				    ABI_MAX_CGROUP_FILTER);
		if (!*arg)
			return fail(err, errlen, "bad --cgroup '': want a cgroup v2 path");
		o->cgroups[o->n_cgroups++] = arg;
		return 0;
	case OPT_NO_CGROUPS:
		o->no_cgroups = true;
		return 0;
	case OPT_METRICS_CGROUP:
		o->metrics_cgroup = true;
		return 0;
	case OPT_MAX_STACKS:
		if (parse_u64(arg, 16, 1u << 16, &v))
			return fail(err, errlen, "bad --max-stacks '%s': want 16 to 65536", arg);
		o->max_stacks = (uint32_t)v;
		return 0;
	case OPT_FOLDED:
		if (o->export_format != EXPORT_NONE)
			return fail(err, errlen, "export takes one of --csv, --json and --folded");
		o->export_format = EXPORT_FOLDED;
		return 0;
	case OPT_JSON:
		if (o->command == CMD_EXPORT && o->export_format == EXPORT_CSV)
			return fail(err, errlen, "export takes one of --csv and --json");
		if (o->command == CMD_EXPORT)
			o->export_format = EXPORT_JSON;
		else
			o->output = OUTPUT_JSON;
		return 0;
	case OPT_UI:
		o->output = OUTPUT_UI;
		return 0;
	case OPT_KEYS:
		o->show_keys = true;
		return 0;
	case OPT_COLUMNS:
		o->show_columns = true;
		return 0;
	case OPT_MAN:
		o->show_man = true;
		return 0;
	case OPT_BASH_COMPLETION:
		o->show_completion = true;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case 'h':
		o->show_help = true;
		return 0;
	case 'V':
		o->show_version = true;
		return 0;
	case OPT_CUMULATIVE:
		o->cumulative = true;
		return 0;
	case OPT_SIMULATE:
		o->simulate = true;
		if (arg) {
			nr = sim_profile_parse(arg);
			if (nr < 0)
				return fail(err, errlen, "unknown --simulate profile '%s': want one of %s",
					    arg, SIM_PROFILE_LIST);
			o->sim_profile = nr;
		}
		return 0;
	case OPT_SEED:
		if (parse_u64(arg, 0, UINT64_MAX, &o->seed))
			return fail(err, errlen, "bad seed '%s'", arg);
		return 0;
	case OPT_SAMPLE:
		if (parse_u64(arg, 1, 1000000, &v))
			return fail(err, errlen, "bad --sample '%s': want 1 to 1000000", arg);
		o->sample_every = (uint32_t)v;
		return 0;
	case OPT_MAX_KEYS:
		if (parse_u64(arg, 16, 1u << 20, &v))
			return fail(err, errlen, "bad --max-keys '%s': want 16 to 1048576", arg);
		o->max_keys = (uint32_t)v;
		return 0;
	case OPT_MAX_CLIENTS:
		if (parse_u64(arg, 16, 1u << 20, &v))
			return fail(err, errlen, "bad --max-clients '%s': want 16 to 1048576", arg);
		o->max_clients = (uint32_t)v;
		return 0;
	case OPT_NO_CLIENTS:
		o->no_clients = true;
		return 0;
	case OPT_NO_BREAKDOWN:
		o->no_breakdown = true;
		return 0;
	case OPT_NO_RUNQ:
		o->no_runq = true;
		return 0;
	case OPT_RUNQ_PER_CPU:
		o->runq_per_cpu = true;
		return 0;
	case OPT_NO_BLOCK:
		o->no_block = true;
		return 0;
	case OPT_CSV:
		if (o->command == CMD_EXPORT) {
			if (o->export_format == EXPORT_JSON)
				return fail(err, errlen, "export takes one of --csv and --json");
			o->export_format = EXPORT_CSV;
			return 0;
		}
		if (!*arg)
			return fail(err, errlen, "--csv needs a file name");
		o->csv_path = arg;
		return 0;
	case 'o':
		if (!*arg)
			return fail(err, errlen, "-o needs a file name");
		o->out_path = arg;
		return 0;
	case 'd':
		if (parse_interval(arg, &o->duration_ns))
			return fail(err, errlen, "bad duration '%s': want seconds > 0", arg);
		return 0;
	case OPT_SAMPLES:
		o->samples = true;
		return 0;
	case OPT_SPEED:
		if (!strcmp(arg, "max")) {
			o->speed = 0.0;
			return 0;
		}
		errno = 0;
		o->speed = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->speed) || o->speed < 0.0 ||
		    o->speed > MAX_SPEED)
			return fail(err, errlen, "bad --speed '%s': want 0 to 1000, or max", arg);
		return 0;
	case OPT_TOP:
		if (parse_u64(arg, 1, 1000, &v))
			return fail(err, errlen, "bad --top '%s': want 1 to 1000", arg);
		o->top_n = (unsigned int)v;
		return 0;
	case OPT_THEME:
		o->theme = arg;
		return 0;
	case OPT_NO_COLOR:
		o->no_color = true;
		return 0;
	case OPT_MOUSE:
		o->mouse = true;
		return 0;
	case OPT_SNAPSHOT_DIR:
		o->snapshot_dir = arg;
		return 0;
	case OPT_SLO: {
		struct assert_expr e;
		char perr[128];

		if (o->n_slo == OPTIONS_MAX_SLO)
			return fail(err, errlen, "too many --slo options (at most %d)", OPTIONS_MAX_SLO);
		if (assert_expr_parse(arg, &e, perr, sizeof(perr)))
			return fail(err, errlen, "--slo '%.60s': %s", arg, perr);
		o->slo[o->n_slo++] = arg;
		return 0;
	}
	case OPT_NO_CONFIG:
		o->no_config = true;
		return 0;
	case OPT_LISTEN:
		if (!*arg || !strchr(arg, ':'))
			return fail(err, errlen, "bad --listen '%s': want ADDR:PORT ([ADDR]:PORT for IPv6)",
				    arg);
		o->listen = arg;
		return 0;
	case OPT_LISTEN_INSECURE:
		o->listen_insecure = true;
		return 0;
	case OPT_WEB_CONFIG:
		if (!*arg)
			return fail(err, errlen, "--web-config needs a file name");
		o->web_config = arg;
		return 0;
	case OPT_METRICS_MAX_SERIES:
		if (parse_u64(arg, 16, METRICS_MAX_SERIES_MAX, &v))
			return fail(err, errlen, "bad --metrics-max-series '%s': want 16 to %d", arg,
				    METRICS_MAX_SERIES_MAX);
		o->metrics_max_series = (uint32_t)v;
		return 0;
	case OPT_METRICS_BUCKETS:
		if (!strcmp(arg, "pow2"))
			o->metrics_buckets = BUCKETS_POW2;
		else if (!strcmp(arg, "fine"))
			o->metrics_buckets = BUCKETS_FINE;
		else
			return fail(err, errlen, "bad --metrics-buckets '%s': want pow2 or fine", arg);
		return 0;
	case OPT_HOST_LABEL:
		if (!*arg || strlen(arg) > 128)
			return fail(err, errlen, "bad --host-label: 1 to 128 bytes");
		o->host_label = arg;
		return 0;
	case OPT_MAX_SIZE:
		if (parse_size(arg, &o->max_size_bytes) || o->max_size_bytes < 65536)
			return fail(err, errlen, "bad --max-size '%s': want bytes >= 64K (K, M, G)", arg);
		return 0;
	case OPT_ROTATE:
		if (parse_u64(arg, 1, 1000, &v))
			return fail(err, errlen, "bad --rotate '%s': want 1 to 1000", arg);
		o->rotate = (uint32_t)v;
		return 0;
	case OPT_FEATURES:
		o->show_features = true;
		return 0;
	case OPT_PROMETHEUS:
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8))
			return fail(err, errlen, "bad --prometheus '%s': want http://HOST:PORT", arg);
		o->prometheus_url = arg;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Options that belong to some commands only; the rest is checked here too. */
static int check_command(struct options *o, bool seen_o, bool seen_d, bool seen_speed, char *err,
			 size_t errlen)
{
	const char *cmd = options_command_name(o->command);

	if (o->show_help || o->show_version || o->show_keys || o->show_columns || o->show_features ||
	    o->show_man || o->show_completion)
		return 0;
	if ((o->max_size_bytes || o->rotate) && o->command != CMD_RECORD)
		return fail(err, errlen, "--max-size and --rotate are options of 'record'");
	if (o->rotate && !o->max_size_bytes)
		return fail(err, errlen, "--rotate needs --max-size");
	if (o->max_size_bytes && !o->rotate)
		o->rotate = 1;
	if (o->prometheus_url && o->command != CMD_FLEET)
		return fail(err, errlen, "--prometheus is an option of 'fleet'");
	if ((o->listen || o->listen_insecure || o->web_config || o->host_label) &&
	    (o->command == CMD_REPLAY || o->command == CMD_EXPORT || o->command == CMD_FLEET))
		return fail(err, errlen, "--listen serves live data: not an option of '%s'", cmd);
	if ((o->listen_insecure || o->web_config) && !o->listen && o->command != CMD_SERVE)
		return fail(err, errlen, "--listen-insecure and --web-config go with --listen");
	if (seen_o && o->command != CMD_RECORD && o->command != CMD_EXPORT)
		return fail(err, errlen, "-o is an option of 'record' and 'export'");
	if (seen_d && o->command != CMD_RECORD)
		return fail(err, errlen, "-d is an option of 'record'");
	if (o->samples && o->command != CMD_RECORD && o->command != CMD_EXPORT)
		return fail(err, errlen, "--samples is an option of 'record' and 'export'");
	if (seen_speed && o->command != CMD_REPLAY)
		return fail(err, errlen, "--speed is an option of 'replay'");
	switch (o->command) {
	case CMD_LIVE:
	case CMD_COMPARE:	/* their own parsers: never set here */
	case CMD_RUN:
	case CMD_COUNT:
		return 0;
	case CMD_SERVE:
		if (o->output != OUTPUT_AUTO)
			return fail(err, errlen, "serve writes no report: no -b, --json or --ui");
		o->output = OUTPUT_NONE;
		return 0;
	case CMD_FLEET:
		if (!o->prometheus_url)
			return fail(err, errlen, "fleet needs --prometheus URL");
		if (o->simulate || o->n_pids || o->csv_path)
			return fail(err, errlen, "fleet reads Prometheus: no --simulate, -p or --csv");
		return 0;
	case CMD_RECORD:
		if (!o->out_path)
			return fail(err, errlen, "record needs -o FILE");
		if (o->samples && o->simulate)
			return fail(err, errlen, "--samples records samples of live tracing, not of "
				    "--simulate");
		if (o->samples && o->no_clients)
			return fail(err, errlen, "--samples needs the client tables (no --no-clients)");
		if (o->samples && o->csv_path)
			return fail(err, errlen, "--samples and --csv FILE: pick one");
		/* -d as ticks: deterministic, and -n still wins. */
		if (o->duration_ns && !o->iterations) {
			o->iterations = (o->duration_ns + o->interval_ns / 2) / o->interval_ns;
			if (!o->iterations)
				o->iterations = 1;
		}
		return 0;
	case CMD_REPLAY:
	case CMD_EXPORT:
		if (!o->in_path)
			return fail(err, errlen, "%s needs a recording FILE", cmd);
		if (o->simulate || o->csv_path)
			return fail(err, errlen, "%s reads a recording: no --simulate or --csv FILE",
				    cmd);
		if (o->command == CMD_EXPORT && o->export_format == EXPORT_NONE)
			return fail(err, errlen, "export needs --csv or --json");
		if (o->command == CMD_EXPORT && o->samples && o->export_format != EXPORT_CSV)
			return fail(err, errlen, "export --samples writes CSV: use --csv");
		return 0;
	}
	return 0;
}

/* The bit of the table row whose getopt value is @id (0 for '?' and ':'). */
static uint64_t spec_bit(int id)
{
	size_t n;
	const struct options_spec *t = options_specs(&n);

	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return 1ull << i;
	return 0;
}

/*
 * After check_command's own messages: any option the table does not give
 * to this command is refused, so that --help, the man page and the
 * completion say exactly what a command takes.
 */
static int check_table(const struct options *o, uint64_t seen, char *err, size_t errlen)
{
	size_t n;
	const struct options_spec *t = options_specs(&n);
	const char *cmd = options_command_name(o->command);

	if (o->show_help || o->show_version || o->show_keys || o->show_columns || o->show_features ||
	    o->show_man || o->show_completion)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!(seen & (1ull << i)) || (t[i].cmds & OPTIONS_CMD(o->command)))
			continue;
		if (t[i].short_name)
			return fail(err, errlen, "-%c/--%s is not an option of '%s'",
				    t[i].short_name, t[i].name, cmd);
		return fail(err, errlen, "--%s is not an option of '%s'", t[i].name, cmd);
	}
	return 0;
}

/*
 * getopt_long's array and short-option string, from the table. @opts has
 * room for every row and the terminator; @shorts for ':' + "x:" per row.
 */
static void getopt_tables(struct option *opts, char *shorts, enum options_command cmd)
{
	size_t n, k = 0;
	const struct options_spec *t = options_specs(&n);

	shorts[k++] = ':';
	for (size_t i = 0; i < n; i++) {
		opts[i] = (struct option){ t[i].name, t[i].arg == OPTIONS_ARG_REQUIRED ? required_argument :
			  t[i].arg == OPTIONS_ARG_OPTIONAL ? optional_argument : no_argument, NULL, t[i].id };
		/* export --csv is a format, not a file */
		if (cmd == CMD_EXPORT && t[i].id == OPT_CSV)
			opts[i].has_arg = no_argument;
		if (!t[i].short_name)
			continue;
		shorts[k++] = (char)t[i].short_name;
		if (t[i].arg == OPTIONS_ARG_REQUIRED)
			shorts[k++] = ':';
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	shorts[k] = '\0';
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	struct option opts[OPTIONS_SPECS_MAX + 1];
	char shorts[2 * OPTIONS_SPECS_MAX + 2];
	bool seen_o = false, seen_d = false, seen_speed = false;
	uint64_t seen = 0;	/* bit i: the table's row i was given */
	int opt, ret;

	err[0] = '\0';
	/* The subcommand word comes first; its options follow, in any order. */
	for (int c = CMD_RECORD; argc > 1 && c <= CMD_FLEET; c++) {
		if (strcmp(argv[1], options_command_name((enum options_command)c)))
			continue;
		o->command = (enum options_command)c;
		argc--;
		argv++;
		break;
	}
	getopt_tables(opts, shorts, o->command);
	optind = 0;	/* full re-initialisation: parse may run more than once */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, opts, NULL)) != -1) {
		seen_o |= opt == 'o';
		seen_d |= opt == 'd';
		seen_speed |= opt == OPT_SPEED;
		seen |= spec_bit(opt);
		if (opt == '?') {
			if (optopt)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
		if (opt == ':') {
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		}
		/*
		 * "--simulate PROFILE": the next word unless it is an option. This
		 * command takes no other words, so a misspelt profile is named as one.
		 */
		if (opt == OPT_SIMULATE && !optarg && optind < argc && argv[optind][0] != '-')
			optarg = argv[optind++];
		ret = parse_one(o, opt, optarg, err, errlen);
		if (ret)
			return ret;
	}
	if ((o->command == CMD_REPLAY || o->command == CMD_EXPORT) && optind < argc)
		o->in_path = argv[optind++];
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s'", argv[optind]);
	ret = check_command(o, seen_o, seen_d, seen_speed, err, errlen);
	return ret ? ret : check_table(o, seen, err, errlen);
}

void options_to_filter(const struct options *o, struct filter *f)
{
	filter_clear(f);
	for (size_t i = 0; i < o->n_pids; i++)
		f->pid[f->n_pid++] = o->pids[i];
	if (o->comm[0])
		memcpy(f->comm[f->n_comm++], o->comm, sizeof(o->comm));
	for (size_t i = 0; i < o->n_sys; i++)
		f->sys_nr[f->n_sys++] = o->sys_nrs[i];
}
