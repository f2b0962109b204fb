/* batch_fam.c - quantize blocks and summary tables of the family tables. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/sanitize.h"
#include "export/batch_cgroups.h"
#include "export/batch_fam.h"
#include "export/batch_stacks.h"
#include "export/fmt_duration.h"

#define BF_KEY_LEN 96
#define BF_FIELD_LEN 48

/* Column widths of the key fields in the summary table (enum fam_field). */
static const int field_width[FAM_F_NR] = { 7, 16, 4, 12, 7, 24, 24 };

static bool has_field(const struct family_desc *d, enum fam_field f)
{
	for (unsigned int i = 0; i < d->n_fields; i++)
		if (d->fields[i] == f)
			return true;
	return false;
}

const char *batch_fam_key(const struct family_desc *d, const struct snap_fam_row *r, char *buf,
			  size_t len)
{
	bool proc = has_field(d, FAM_F_COMM);
	size_t at = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned int i = 0; i < d->n_fields && at < len; i++) {
		enum fam_field f = d->fields[i];
		char v[BF_FIELD_LEN], pid[BF_FIELD_LEN];
		int w;

		if ((f == FAM_F_PID && proc) || (f == FAM_F_CPU && r->key.a == ABI_FAM_ANY))
			continue;	/* with the comm: comm[pid]; rows not split by CPU */
		family_field_fmt(r, f, v, sizeof(v));
		if (f == FAM_F_COMM)
			w = snprintf(buf + at, len - at, "%s%s[%s]", at ? " " : "", v,
				     family_field_fmt(r, FAM_F_PID, pid, sizeof(pid)));
		else if (f == FAM_F_CPU)
			w = snprintf(buf + at, len - at, "%scpu %s", at ? " " : "", v);
		else
			w = snprintf(buf + at, len - at, "%s%s", at ? " " : "", v);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	return buf;
}

struct bf_sort {
	const struct snap_fam_row *r;
	const struct snap_hist *h;
};

/* Most time first; then by key, so that equal rows print in one order. */
static int bf_cmp(const void *a, const void *b)
{
	const struct bf_sort *x = a, *y = b;

	if (x->h->sum_ns != y->h->sum_ns)
		return x->h->sum_ns < y->h->sum_ns ? 1 : -1;
	if (x->h->count != y->h->count)
		return x->h->count < y->h->count ? 1 : -1;
	return memcmp(&x->r->key, &y->r->key, sizeof(x->r->key));
}

static void bf_dur(char *buf, size_t len, const struct snap_hist *h, uint64_t ns)
{
	if (h->timed)
		fmt_duration_ns(buf, len, ns);
	else
		snprintf(buf, len, "-");
}

/*
 * A function row's --slow stacks (what = SNAP_STACK_FUNC | probe id), its
 * own process's only: the row already passed the view's filter, so a
 * filter of its pid alone is enough.
 */
static void bf_func_stacks(FILE *out, const struct snapshot *s, const struct snap_fam_row *r,
			   bool cumulative)
{
	static struct filter only;	/* ~3 KiB: not on the stack; batch output is one thread */
	char label[BF_FIELD_LEN + SNAP_LABEL_LEN];

	filter_clear(&only);
	only.n_pid = 1;
	only.pid[0] = r->key.tgid;
	family_field_fmt(r, FAM_F_FUNC, label, sizeof(label));
	batch_stacks_write(out, s, SNAP_STACK_FUNC | r->key.a, label, cumulative, &only,
			   BATCH_STACKS_TOP_N);
}

static int bf_block(FILE *out, const struct snapshot *s, const struct family_desc *d,
		    const struct bf_sort *e, enum snap_family f, bool cumulative)
{
	int ret;

	static struct abi_hist h;	/* 2.4 KiB: not on the stack; batch output is one thread */
	char key[BF_KEY_LEN], p50[FMT_DURATION_LEN], p99[FMT_DURATION_LEN];
	char max[FMT_DURATION_LEN];

	batch_fam_key(d, e->r, key, sizeof(key));
	snapshot_hist_expand(s, e->h, &h);
	fmt_duration_ns(p50, sizeof(p50), hist_percentile_ns(&h, 50));
	fmt_duration_ns(p99, sizeof(p99), hist_percentile_ns(&h, 99));
	fmt_duration_ns(max, sizeof(max), h.max_ns);
	fprintf(out, "\n  %s %s (ns)  [%" PRIu64 " events, %" PRIu64
		" errors, p50 %s, p99 %s, max %s]\n",
		d->name, key, e->h->count, e->h->errors, p50, p99, max);
	if (!e->h->timed) {
		fputs("  (no timed events)\n", out);
		return 0;
	}
	ret = batch_text_quantize(out, &h);
	if (!ret && f == SNAP_FAM_FUNC)
		bf_func_stacks(out, s, e->r, cumulative);
	return ret;
}

static void bf_header(FILE *out, const struct snapshot *s, const struct family_desc *d)
{
	char up[BF_FIELD_LEN];

	fputs("\n ", out);
	if (batch_cgroups_on(s))
		fprintf(out, " %-*s", BATCH_CGROUP_WIDTH, "CGROUP");
	for (unsigned int i = 0; i < d->n_fields; i++) {
		const char *n = family_field_name(d->fields[i]);
		size_t k;

		for (k = 0; n[k] && k + 1 < sizeof(up); k++)
			up[k] = (char)(n[k] >= 'a' && n[k] <= 'z' ? n[k] - 32 : n[k]);
		up[k] = '\0';
		fprintf(out, " %-*s", field_width[d->fields[i]], up);
	}
	fprintf(out, " %9s %8s %8s %8s %8s %8s %8s", "COUNT", "ERRORS", "P50", "P90", "P99",
		"P99.9", "MAX");
	for (unsigned int p = 0; p < d->n_parts; p++) {
		char sum[BF_FIELD_LEN + 8], p99[BF_FIELD_LEN + 8];
		size_t k;

		for (k = 0; d->part_names[p][k] && k + 1 < sizeof(up); k++)
			up[k] = (char)(d->part_names[p][k] >= 'a' && d->part_names[p][k] <= 'z' ?
				       d->part_names[p][k] - 32 : d->part_names[p][k]);
		up[k] = '\0';
		snprintf(sum, sizeof(sum), "%s SUM", up);
		snprintf(p99, sizeof(p99), "%s P99", up);
		fprintf(out, " %10s %10s", sum, p99);
	}
	fputc('\n', out);
}

static void bf_row(FILE *out, const struct snapshot *s, const struct family_desc *d,
		   const struct bf_sort *e, bool cum)
{
	static const double pcts[] = { 50, 90, 99, 99.9 };
	char v[BF_FIELD_LEN], dur[FMT_DURATION_LEN];

	fputs(" ", out);
	if (batch_cgroups_on(s)) {
		char cg[BATCH_CGROUP_WIDTH * 4 + 1];

		fprintf(out, " %-*s", BATCH_CGROUP_WIDTH, batch_cgroup_cell(s, e->r->key.cgid, cg,
									     sizeof(cg)));
	}
	for (unsigned int i = 0; i < d->n_fields; i++)
		fprintf(out, " %-*s", field_width[d->fields[i]],
			family_field_fmt(e->r, d->fields[i], v, sizeof(v)));
	fprintf(out, " %9" PRIu64 " %8" PRIu64, e->h->count, e->h->errors);
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		bf_dur(dur, sizeof(dur), e->h, snapshot_hist_percentile_ns(s, e->h, pcts[i]));
		fprintf(out, " %8s", dur);
	}
	bf_dur(dur, sizeof(dur), e->h, e->h->max_ns);
	fprintf(out, " %8s", dur);
	for (unsigned int p = 0; p < d->n_parts; p++) {
		const struct snap_hist *ph = cum ? &e->r->part_total[p] : &e->r->part[p];
		char sum[FMT_DURATION_LEN];

		bf_dur(sum, sizeof(sum), ph, ph->sum_ns);
		bf_dur(dur, sizeof(dur), ph, snapshot_hist_percentile_ns(s, ph, 99));
		fprintf(out, " %10s %10s", sum, dur);
	}
	fputc('\n', out);
}

static int bf_table(FILE *out, const struct snapshot *s, enum snap_family f,
		    const struct batch_text_opts *o, unsigned int top_n)
{
	const struct family_desc *d = family_get(f);
	const struct snap_table *t = &s->fam[f];
	struct bf_sort *e;
	size_t n = 0, shown;
	int ret = 0;

	if (t->note[0]) {
		char note[sizeof(t->note) * 2];

		sanitize_text(note, sizeof(note), t->note, strnlen(t->note, sizeof(t->note)));
		fprintf(out, "  %s: %s%s\n", d->name, t->state == SNAP_FAM_ON ? "" : "off, ", note);
	}
	if (t->state != SNAP_FAM_ON)
		return 0;
	e = calloc(t->n ? t->n : 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		const struct snap_fam_row *r = &t->rows[i];
		const struct snap_hist *h = o->cumulative ? &r->total : &r->interval;

		if (!h->count || (o->filter && !filter_match_fam_in(o->filter, s, f, r)))
			continue;
		e[n++] = (struct bf_sort){ r, h };
	}
	if (!n) {
		fprintf(out, "\n  (no %s rows in this view)\n", d->title);
		goto out;
	}
	qsort(e, n, sizeof(*e), bf_cmp);
	fprintf(out, "\n  %s: %s\n", d->title, d->what);
	for (size_t i = 0; !ret && i < n && i < top_n; i++)
		ret = bf_block(out, s, d, &e[i], f, o->cumulative);
	if (ret)
		goto out;
	bf_header(out, s, d);
	shown = n < BATCH_TEXT_SUMMARY_ROWS ? n : BATCH_TEXT_SUMMARY_ROWS;
	for (size_t i = 0; i < shown; i++)
		bf_row(out, s, d, &e[i], o->cumulative);
	if (n > shown)
		fprintf(out, "  ... %zu more rows\n", n - shown);
out:
	free(e);
	return ret;
}

int batch_fam_write(FILE *out, const struct snapshot *s, const struct batch_text_opts *o)
{
	unsigned int top_n = o->top_n ? o->top_n : BATCH_TEXT_TOP_N_DEFAULT;
	int ret = 0;

	for (int f = 0; !ret && f < SNAP_FAM_NR; f++)
		ret = bf_table(out, s, (enum snap_family)f, o, top_n);
	if (!ret && ferror(out))
		ret = -EIO;
	return ret;
}
