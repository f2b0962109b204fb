/*
 * options_ids.h - getopt values of the long-only options, shared by the
 * option table (options_table.c) and the parser (options.c). Private to them.
 */
#ifndef LATTOP_CORE_OPTIONS_IDS_H
#define LATTOP_CORE_OPTIONS_IDS_H

#define OPTIONS_SPECS_MAX 64	/* rows of the table; the parser's arrays are this big */

enum options_long_only {
	OPT_CUMULATIVE = 256,
	OPT_JSON,
	OPT_SIMULATE,
	OPT_SEED,
	OPT_SAMPLE,
	OPT_MAX_KEYS,
	OPT_TOP,
	OPT_THEME,
	OPT_NO_COLOR,
	OPT_MOUSE,
	OPT_SNAPSHOT_DIR,
	OPT_UI,
	OPT_KEYS,
	OPT_COLUMNS,
	OPT_NO_CLIENTS,
	OPT_MAX_CLIENTS,
	OPT_CSV,
	OPT_SAMPLES,
	OPT_SPEED,
	OPT_SLO,
	OPT_NO_CONFIG,
	OPT_NO_BREAKDOWN,
	OPT_NO_RUNQ,
	OPT_RUNQ_PER_CPU,
	OPT_NO_BLOCK,
	OPT_LISTEN,
	OPT_LISTEN_INSECURE,
	OPT_WEB_CONFIG,
	OPT_METRICS_MAX_SERIES,
	OPT_METRICS_BUCKETS,
	OPT_HOST_LABEL,
	OPT_MAX_SIZE,
	OPT_ROTATE,
	OPT_FEATURES,
	OPT_PROMETHEUS,
	OPT_MAN,
	OPT_BASH_COMPLETION,
};

#endif
