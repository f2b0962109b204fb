/*
 * cmd_replay.c - 'lattop replay': the whole recording is checked first
 * (bad input: exit 2 before any output), then a replay source drives the
 * normal consumers (dashboard, batch text, JSON).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd_rec.h"
#include "collect/replay_source.h"
#include "core/filter.h"
#include "core/sanitize.h"
#include "export/rec_reader.h"

/* Every tick and sample decoded once; the count of ticks. 0 or -errno with @err. */
/*
 * Read the whole file before anything is shown: bad input fails here, with
 * its offset. A recording cut short (lattop killed) is replayed up to its
 * last complete record, and a line on stderr says so.
 */
static int check_file(const char *path, unsigned long long *ticks, char *err, size_t errlen)
{
	struct rec_reader *r = rec_reader_open(path, err, errlen);
	struct abi_client_event ev;
	struct snapshot s;
	int ret;

	if (!r)
		return -errno;
	rec_reader_allow_cut(r);
	snapshot_init(&s);
	*ticks = 0;
	while ((ret = rec_reader_next(r, &s, err, errlen)) == 1)
		(*ticks)++;
	if (ret == 0)
		while ((ret = rec_reader_next_sample(r, &ev, err, errlen)) == 1)
			;
	if (ret == 0 && rec_reader_cut_at(r)) {
		char clean_path[128];

		sanitize_text(clean_path, sizeof(clean_path), path, strlen(path));
		fprintf(stderr, "lattop: %s: offset %llu: cut short (no END record): replaying its "
			"%llu complete ticks\n", clean_path,
			(unsigned long long)rec_reader_cut_at(r), *ticks);
	}
	snapshot_free(&s);
	rec_reader_close(r);
	return ret;
}

static const char *meta_or(const char *v, const char *dflt)
{
	return v && *v ? v : dflt;
}

/* Header values come from the file: untrusted text, cleaned like comm. */
static void clean(char *dst, size_t len, const char *v)
{
	sanitize_text(dst, len, v, strlen(v));
}

int cmd_replay_filter(struct filter *f, const struct options *o, const char *recorded, char *err,
		      size_t errlen)
{
	char why[160], shown[160], why_shown[160];

	options_to_filter(o, f);
	if (o->n_pids || o->comm[0] || o->n_sys || !recorded || !*recorded)
		return 0;
	if (filter_parse(f, recorded, why, sizeof(why))) {
		clean(shown, sizeof(shown), recorded);	/* from the file: untrusted */
		clean(why_shown, sizeof(why_shown), why);
		snprintf(err, errlen, "%s: the recorded filter '%s' does not parse: %s", o->in_path,
			 shown, why_shown);
		return -EINVAL;
	}
	return 0;
}

int replay_prepare(const struct options *o, struct source *src, struct replay_info *info,
		   char *run_err, size_t run_errlen, char *err, size_t errlen)
{
	struct replay_source_opts ro = {
		.path = o->in_path,
		.speed = o->speed,
		.hold_at_end = o->output == OUTPUT_UI,
		.err = run_err,
		.errlen = run_errlen,
	};
	struct rec_reader *r;
	char when[32] = "?";
	int ret = check_file(o->in_path, &info->ticks, err, errlen);

	if (ret)
		return ret;
	r = rec_reader_open(o->in_path, err, errlen);
	if (!r)
		return -errno;
	{
		const char *start = rec_reader_meta(r, "start_ns");
		time_t t = start ? (time_t)(strtoull(start, NULL, 10) / 1000000000ull) : 0;
		struct tm tm;

		if (start && localtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	}
	char path[128], source[32];

	clean(info->host, sizeof(info->host), meta_or(rec_reader_meta(r, "host"), "?"));
	clean(info->kernel, sizeof(info->kernel), meta_or(rec_reader_meta(r, "kernel"), "?"));
	clean(source, sizeof(source), meta_or(rec_reader_meta(r, "source"), "?"));
	clean(path, sizeof(path), o->in_path);
	info->clients = meta_or(rec_reader_meta(r, "clients"), "0")[0] == '1';
	snprintf(info->filter, sizeof(info->filter), "%s", meta_or(rec_reader_meta(r, "filter"), ""));
	snprintf(info->features, sizeof(info->features),
		 "REPLAY of %s: %llu ticks recorded %s (%s data)", path, info->ticks, when, source);
	rec_reader_close(r);
	return replay_source_open(src, &ro, err, errlen);
}
