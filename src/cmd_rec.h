/*
 * cmd_rec.h - wiring of 'lattop record', 'replay' and 'export' (used by
 * main.c). Each returns an exit status or fills what main needs.
 */
#ifndef LATTOP_CMD_REC_H
#define LATTOP_CMD_REC_H

#include <stddef.h>

#include "collect/client_source.h"
#include "collect/source.h"
#include "core/options.h"

struct recorder;

/*
 * record: create the file (before any tracing starts, so that an existing
 * file costs nothing). NULL with the reason in @err; *@status: exit status.
 */
struct recorder *recorder_create(const struct options *o, int argc, char **argv, char *err,
				 size_t errlen, int *status);
/* Where --samples go (NULL unless --samples). */
const struct client_sample_sink *recorder_sink(struct recorder *rec);
/* Wrap @src so that every published tick is written; the recorder must outlive the collector. */
void recorder_wrap(struct recorder *rec, struct source *src);
/* Any thread. The first write error of the recording (negative errno), or 0. */
int recorder_error(struct recorder *rec);
/* After collector_stop: pending samples, END, close, one line on stderr. 0 or -errno. */
int recorder_finish(struct recorder *rec, char *err, size_t errlen);

/*
 * replay: check the whole file first (bad input is exit 2 before any
 * output), then open the replay source. Fills @features for the dashboard
 * and @host/@kernel from the recording. 0, or -errno with the reason in @err.
 */
struct replay_info {
	char features[384];
	char filter[512];		/* the recording's filter (-p/-c/-s when recorded) */
	char host[64];
	char kernel[64];
	unsigned long long ticks;
	bool clients;
};
int replay_prepare(const struct options *o, struct source *src, struct replay_info *info,
		   char *run_err, size_t run_errlen, char *err, size_t errlen);

struct filter;

/*
 * The filter a replay or export applies: the user's -p/-c/-s if any, else
 * the one the recording was made with (so that the outputs are the same
 * as while recording). 0, or -EINVAL with @err when @recorded is bad.
 */
int cmd_replay_filter(struct filter *f, const struct options *o, const char *recorded, char *err,
		      size_t errlen);

/* export: the whole subcommand. Exit status: 0, 1 (write error), 2 (bad recording). */
int cmd_export(const struct options *o);

#endif
