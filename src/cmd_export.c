/*
 * cmd_export.c - 'lattop export FILE --csv|--json [--samples] [-o OUT]':
 * a recording as per-tick CSV rows, as JSON Lines (byte for byte what
 * 'replay --json' prints), its raw samples as --csv rows, or its --slow
 * stacks folded for flame graphs (--folded: summed over the recording).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd_rec.h"
#include "collect/consumer.h"
#include "core/filter.h"
#include "export/csv.h"
#include "export/folded.h"
#include "export/json.h"
#include "export/rec_reader.h"
#include "export/tick_csv.h"

/* -o OUT: a new file only, never through a symlink (as --csv FILE). */
static FILE *open_out(const char *path)
{
	int fd;
	FILE *f;

	if (!path)
		return stdout;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "lattop: export -o %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (lattop never overwrites; pick a new name)" : "");
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		fprintf(stderr, "lattop: export -o %s: %s\n", path, strerror(errno));
		close(fd);
	}
	return f;
}

static int export_samples(struct rec_reader *r, FILE *out, char *err, size_t errlen)
{
	struct abi_client_event ev;
	int ret = 0;

	if (csv_write_header(out))
		return -EIO;
	while (!stop_signals_take() && (ret = rec_reader_next_sample(r, &ev, err, errlen)) == 1)
		if (csv_write_client_event(out, &ev, rec_reader_sample_mono_to_real_ns(r)))
			return -EIO;
	return ret;
}

/* Every tick's stacks summed, written at the end (folded lines are totals). */
static int export_folded(struct rec_reader *r, FILE *out, const struct filter *f, char *err,
			 size_t errlen)
{
	struct folded *fd = folded_new();
	struct snapshot s;
	int ret = 0;

	if (!fd)
		return -ENOMEM;
	snapshot_init(&s);
	while (!stop_signals_take() && (ret = rec_reader_next(r, &s, err, errlen)) == 1) {
		ret = folded_add(fd, &s, f);
		if (ret) {
			snprintf(err, errlen, "export --folded: out of memory");
			break;
		}
	}
	if (ret == 0)
		ret = folded_write(fd, out);
	snapshot_free(&s);
	folded_free(fd);
	return ret;
}

static int export_ticks(struct rec_reader *r, FILE *out, const struct options *o, char *err,
			size_t errlen)
{
	char filter_text[FILTER_TEXT_MAX];
	struct snapshot s;
	struct filter f;
	int ret;

	ret = cmd_replay_filter(&f, o, rec_reader_meta(r, "filter"), err, errlen);
	if (ret)
		return ret;
	filter_format(&f, filter_text, sizeof(filter_text));
	struct json_opts jo = {
		.cumulative_only = o->cumulative,
		.filter_text = filter_text,
		.filter = &f,
	};

	if (o->export_format == EXPORT_CSV && tick_csv_header(out))
		return -EIO;
	if (o->export_format == EXPORT_FOLDED)
		return export_folded(r, out, &f, err, errlen);
	ret = 0;
	snapshot_init(&s);
	/* A stop signal ends the export after the tick in flight (its lines are whole). */
	while (!stop_signals_take() && (ret = rec_reader_next(r, &s, err, errlen)) == 1) {
		int w = o->export_format == EXPORT_CSV ? tick_csv_write(out, &s, o->cumulative, &f) :
			json_write_tick(out, &s, &jo);

		if (w) {
			ret = -EIO;
			break;
		}
	}
	snapshot_free(&s);
	return ret;
}

int cmd_export(const struct options *o)
{
	char err[512] = "";
	struct rec_reader *r = rec_reader_open(o->in_path, err, sizeof(err));
	FILE *out;
	int ret, write_errno;

	if (!r) {
		fprintf(stderr, "lattop: %s\n", err);
		return 2;
	}
	out = open_out(o->out_path);
	if (!out) {
		rec_reader_close(r);
		return 1;
	}
	if (stop_signals_install(false)) {
		fprintf(stderr, "lattop: cannot set up signal handling: %s\n", strerror(errno));
		rec_reader_close(r);
		return 1;
	}
	errno = 0;
	ret = o->samples ? export_samples(r, out, err, sizeof(err)) :
			   export_ticks(r, out, o, err, sizeof(err));
	rec_reader_close(r);
	if ((fflush(out) || ferror(out)) && ret >= 0)
		ret = -EIO;
	write_errno = errno ? errno : EIO;
	if (out != stdout && fclose(out) && ret >= 0) {
		ret = -EIO;
		write_errno = errno;
	}
	if (ret == -EIO && !err[0]) {
		if (write_errno == EPIPE)
			return 0;	/* the reader went away: a quiet end */
		fprintf(stderr, "lattop: export: cannot write to %s: %s\n",
			o->out_path ? o->out_path : "stdout", strerror(write_errno));
		return 1;
	}
	if (ret < 0) {
		fprintf(stderr, "lattop: %s\n", err);
		return ret == -ENOMEM || ret == -EIO ? 1 : 2;
	}
	return 0;
}
