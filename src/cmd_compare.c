/*
 * cmd_compare.c - `lattop compare BASELINE CURRENT`: wiring of the inputs
 * (sample CSVs, recordings), the comparison core and the report.
 * Exit status: 0 within thresholds, 1 regression, 2 usage, bad input or
 * anything else that kept the comparison from running.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_compare.h"
#include "core/compare.h"
#include "core/sample_csv.h"
#include "core/sanitize.h"
#include "export/compare_input.h"
#include "export/compare_text.h"

#define COMPARE_REC_MAGIC "LATTOPREC"
#define ERR_LEN 512
#define READ_CHUNK 65536

static const char usage_text[] =
	"Usage: lattop compare BASELINE CURRENT [OPTIONS]\n"
	"Compare two runs' latency per event, syscall and client; fail on a regression.\n"
	"BASELINE and CURRENT are lattop recordings (lattop record) or sample CSVs with a header\n"
	"timestamp_ns,latency_ns[,event] (extra columns ignored: lattop --csv files work).\n"
	"\n"
	"      --threshold-p99 PCT  regression when p99 grows more than PCT % (default 10)\n"
	"      --threshold-p50 PCT  also judge p50 against PCT % (default: not judged)\n"
	"      --min-samples N      fewer samples in a run: not judged, a warning (default 100)\n"
	"      --min-delta TIME     smaller absolute changes are never regressions (default 1us;\n"
	"                           units ns, us, ms, s; a bare number is ns)\n"
	"      --seed N             seed of the bootstrap (default 1; results are reproducible)\n"
	"      --json               one JSON object instead of text tables\n"
	"  -h, --help               this text\n"
	"\n"
	"A regression needs the whole 95 % bootstrap interval of the ratio current/baseline\n"
	"above 1 + PCT/100 and the change to reach --min-delta. Percentiles of samples are exact\n"
	"(nearest rank); those of recordings' histograms are estimates within 6.25 %.\n"
	"Exit status: 0 within thresholds, 1 regression, 2 usage error or bad input.\n";

const char *cmd_compare_usage(void)
{
	return usage_text;
}

enum {
	OPT_P99 = 256,
	OPT_P50,
	OPT_MIN_SAMPLES,
	OPT_MIN_DELTA,
	OPT_SEED,
	OPT_JSON,
};

static const struct option long_opts[] = {
	{ "threshold-p99", required_argument, NULL, OPT_P99 },
	{ "threshold-p50", required_argument, NULL, OPT_P50 },
	{ "min-samples", required_argument, NULL, OPT_MIN_SAMPLES },
	{ "min-delta", required_argument, NULL, OPT_MIN_DELTA },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_pct(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*end == '%')
		end++;	/* "20%" reads as 20 */
	if (errno || end == s || *end || !isfinite(v) || v < 0.0 || v > 1e6)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "1500", "1.5us", "2ms", "0.1s". */
static int parse_duration_ns(const char *s, uint64_t *out)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "", 1 }, { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 } };
	char *end;
	double v;

	if ((*s < '0' || *s > '9') && *s != '.')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v < 0.0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit) && v * units[i].ns < 1.8e19) {
			*out = (uint64_t)llround(v * units[i].ns);
			return 0;
		}
	}
	return -EINVAL;
}

struct csv_ctx {
	struct cmp_set *set;
	enum cmp_run run;
	const struct sample_csv *parser;	/* its header says whether rows carry events */
};

static int on_csv_row(void *ctx, const struct sample_csv_row *row)
{
	struct csv_ctx *c = ctx;
	const char *name = "all";
	size_t len = 3;

	if (c->parser->has_event) {
		name = row->event_len ? row->event : "(empty)";
		len = row->event_len ? row->event_len : 7;
	}
	return cmp_add_sample(c->set, c->run, CMP_EVENT, name, len, row->lat_ns);
}

/* Report an error of a series limit or memory, which the CSV itself did not cause. */
static int csv_fail_errno(const char *path, const struct sample_csv *p, int ret, char *err)
{
	if (ret == -E2BIG)
		snprintf(err, ERR_LEN, "%s:%llu: more than %d distinct events", path,
			 (unsigned long long)p->line + 1, CMP_MAX_SERIES);
	else
		snprintf(err, ERR_LEN, "%s: %s", path, strerror(-ret));
	return ret;
}

static int load_csv(int fd, const char *path, const char *first, size_t first_len,
		    struct cmp_set *set, enum cmp_run run, char *err)
{
	struct csv_ctx ctx = { .set = set, .run = run };
	struct sample_csv *p = malloc(sizeof(*p));
	char *buf = malloc(READ_CHUNK);
	int ret;

	if (!p || !buf) {
		free(p);
		free(buf);
		snprintf(err, ERR_LEN, "%s: out of memory", path);
		return -ENOMEM;
	}
	sample_csv_init(p, on_csv_row, &ctx);
	ctx.parser = p;
	ret = sample_csv_feed(p, first, first_len);
	while (!ret) {
		ssize_t n = read(fd, buf, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, ERR_LEN, "%s: cannot read: %s", path, strerror(errno));
			ret = -EIO;
			goto out;
		}
		if (n == 0)
			break;
		ret = sample_csv_feed(p, buf, (size_t)n);
	}
	if (!ret)
		ret = sample_csv_finish(p);
	if (!ret && p->skipped)
		fprintf(stderr, "lattop compare: note: %s: skipped %llu lines of bpftrace's own "
			"output (\"Attaching N probes...\", maps printed at exit)\n", path,
			(unsigned long long)p->skipped);
	if (ret == -EINVAL && p->err[0])
		snprintf(err, ERR_LEN, "%s:%llu: %s", path, (unsigned long long)p->err_line,
			 p->err);
	else if (ret)
		csv_fail_errno(path, p, ret, err);
out:
	free(p);
	free(buf);
	return ret;
}

/* By content: a recording starts with its magic, anything else must be a sample CSV. */
static int load_input(const char *path, struct cmp_set *set, enum cmp_run run,
		      const char **kind, size_t *dropped, char *err)
{
	char first[64];
	size_t got = 0;
	struct stat st;
	int fd, ret;

	err[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, ERR_LEN, "%s: cannot open: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, ERR_LEN, "%s: is a directory, not a recording or a sample CSV", path);
		close(fd);
		return -EISDIR;
	}
	while (got < sizeof(COMPARE_REC_MAGIC) - 1) {
		ssize_t n = read(fd, first + got, sizeof(COMPARE_REC_MAGIC) - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, ERR_LEN, "%s: cannot read: %s", path, strerror(errno));
			close(fd);
			return -EIO;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == sizeof(COMPARE_REC_MAGIC) - 1 && !memcmp(first, COMPARE_REC_MAGIC, got)) {
		close(fd);
		*kind = "recording";
		return compare_input_recording(set, run, path, dropped, err, ERR_LEN);
	}
	*kind = "csv";
	ret = load_csv(fd, path, first, got, set, run, err);
	close(fd);
	return ret;
}

static int parse_args(int argc, char **argv, struct cmp_opts *o, bool *json, bool *help)
{
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		const char *a = optarg;

		switch (opt) {
		case OPT_P99:
			if (parse_pct(a, &o->threshold_p99_pct))
				goto bad_value;
			break;
		case OPT_P50:
			if (parse_pct(a, &o->threshold_p50_pct))
				goto bad_value;
			break;
		case OPT_MIN_SAMPLES:
			if (parse_u64(a, &o->min_samples))
				goto bad_value;
			break;
		case OPT_MIN_DELTA:
			if (parse_duration_ns(a, &o->min_delta_ns))
				goto bad_value;
			break;
		case OPT_SEED:
			if (parse_u64(a, &o->seed))
				goto bad_value;
			break;
		case OPT_JSON:
			*json = true;
			break;
		case 'h':
			*help = true;
			return 0;
		case ':':
			fprintf(stderr, "lattop compare: option '%s' needs a value\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			fprintf(stderr, "lattop compare: unknown option '%s'\n", argv[optind - 1]);
			return -EINVAL;
		}
		continue;
bad_value:
		fprintf(stderr, "lattop compare: bad value '%s' for %s\n", a, argv[optind - 1]);
		return -EINVAL;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "lattop compare: want two files, BASELINE and CURRENT (got %d)\n",
			argc - optind);
		return -EINVAL;
	}
	return 0;
}

static void warn_unjudged(const struct cmp_result *res, size_t n, const struct cmp_opts *o,
			  const struct cmp_summary *sum)
{
	for (size_t i = 0; i < n; i++) {
		const struct cmp_result *r = &res[i];
		char name[CMP_NAME_LEN * 3];

		if (r->verdict != CMP_TOO_FEW)
			continue;
		/* Series names come from input files: sanitised like everything they reach. */
		sanitize_text(name, sizeof(name), r->series->name, strlen(r->series->name));
		fprintf(stderr, "lattop compare: warning: %s %s: %llu and %llu samples, "
			"fewer than --min-samples %llu: not judged\n",
			compare_kind_name(r->series->kind), name,
			(unsigned long long)r->st[0].count,
			(unsigned long long)r->st[1].count, (unsigned long long)o->min_samples);
	}
	if (!sum->judged)
		fprintf(stderr, "lattop compare: warning: no series could be judged (%zu too few "
			"samples, %zu in one run only)\n", sum->too_few, sum->one_sided);
}

int cmd_compare(int argc, char **argv)
{
	char err[ERR_LEN];
	struct cmp_opts o;
	struct cmp_set set;
	struct cmp_result *res = NULL;
	struct cmp_summary sum;
	struct compare_report rep = { .opts = &o };
	bool json = false, help = false;
	size_t dropped = 0;
	int ret;

	compare_opts_default(&o);
	if (parse_args(argc, argv, &o, &json, &help)) {
		fputs("Try 'lattop compare --help'.\n", stderr);
		return 2;
	}
	if (help) {
		fputs(usage_text, stdout);
		return 0;
	}
	cmp_set_init(&set);
	for (int run = 0; run < 2; run++) {
		rep.path[run] = argv[optind + run];
		ret = load_input(rep.path[run], &set, (enum cmp_run)run, &rep.input_kind[run],
				 &dropped, err);
		if (ret) {
			fprintf(stderr, "lattop compare: %s\n", err);
			cmp_set_free(&set);
			return 2;
		}
	}
	ret = compare_all(&set, &o, &res, &sum);
	if (ret) {
		fprintf(stderr, "lattop compare: %s\n", strerror(-ret));
		cmp_set_free(&set);
		return 2;
	}
	rep.res = res;
	rep.n = set.n;
	rep.sum = &sum;
	rep.dropped = dropped;
	warn_unjudged(res, set.n, &o, &sum);
	ret = json ? compare_json_write(stdout, &rep) : compare_text_write(stdout, &rep);
	if (ret || fflush(stdout)) {
		fprintf(stderr, "lattop compare: cannot write the report: %s\n", strerror(errno));
		ret = 2;
	} else {
		ret = sum.regressions ? 1 : 0;
	}
	free(res);
	cmp_set_free(&set);
	return ret;
}
