/* batch_text.c - DTrace tick-style text: header, quantize blocks, summary. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/client_view.h"
#include "core/hist.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "core/wait_class.h"
#include "core/view.h"
#include "export/batch_cgroups.h"
#include "export/batch_fam.h"
#include "export/batch_text.h"
#include "export/batch_stacks.h"
#include "export/fmt_breakdown.h"
#include "export/fmt_addr.h"
#include "export/fmt_duration.h"

#define BT_BAR_WIDTH 40
#define BT_NAME_LEN 40
#define BT_PROC_LEN (ABI_COMM_LEN * 2 + 16)	/* comm[pid] */

static const char bt_ats[] = "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@";
static const char bt_spaces[] = "                                        ";

_Static_assert(sizeof(bt_ats) == BT_BAR_WIDTH + 1, "bar of 40 '@'");
_Static_assert(sizeof(bt_spaces) == BT_BAR_WIDTH + 1, "bar of 40 spaces");

int batch_text_quantize(FILE *out, const struct abi_hist *h)
{
	struct hist_row rows[HIST_QUANTIZE_ROWS_MAX];
	size_t n = hist_quantize_rows(h, rows, HIST_QUANTIZE_ROWS_MAX);
	uint64_t total = 0;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		total += rows[i].count;
	/* Same header and row formats as libdtrace's dt_print_quantize(). */
	fprintf(out, "%16s %41s %s\n", "value", "------------- Distribution -------------",
		"count");
	for (size_t i = 0; i < n; i++) {
		unsigned int depth = 0;

		/* DTrace: depth = (uint_t)(count * 40 / total + 0.5), in long double */
		if (total)
			depth = (unsigned int)((long double)rows[i].count * BT_BAR_WIDTH / total +
					       0.5L);
		if (depth > BT_BAR_WIDTH)
			depth = BT_BAR_WIDTH;
		fprintf(out, "%16" PRIu64 " |%s%s %" PRIu64 "\n", rows[i].value_ns,
			bt_ats + BT_BAR_WIDTH - depth, bt_spaces + depth, rows[i].count);
	}
	return ferror(out) ? -EIO : 0;
}

/* "1.00s": the interval with two decimals, rounded in integers. */
static void bt_fmt_seconds(char *buf, size_t len, uint64_t ns)
{
	uint64_t cs = ns / 10000000 + (ns % 10000000 >= 5000000);

	snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 "s", cs / 100, cs % 100);
}

static void bt_header(FILE *out, const struct snapshot *s, bool cumulative)
{
	const struct snap_counters *c = cumulative ? &s->total : &s->interval;
	time_t secs = (time_t)(s->ts_ns / 1000000000ull);
	char when[32] = "?", ival[32];
	struct tm tm;

	if (localtime_r(&secs, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	bt_fmt_seconds(ival, sizeof(ival), s->interval_ns);
	fprintf(out, "%s  tick %" PRIu64 "  interval %s", when, s->seq, ival);
	if (s->final)
		fputs("  FINAL (cut short by a signal)", out);
	if (s->simulated)
		fputs("  SIMULATED", out);
	if (s->sample_every > 1)
		fprintf(out, "  timing 1 in %u", s->sample_every);
	fprintf(out, "  %s  events %" PRIu64 " lost %" PRIu64 " evicted %" PRIu64
		" dropped %" PRIu64 "\n",
		cumulative ? "cumulative" : "interval view", c->events, c->lost, c->evicted,
		c->dropped_snapshots);
	if (s->clients_state != SNAP_CLIENTS_OFF)
		fprintf(out, "  clients evicted %" PRIu64 " lost %" PRIu64 "\n", c->client_evicted,
			c->client_lost);
}

static void bt_block(FILE *out, const struct snapshot *s, const struct view_row *r,
		     const struct batch_text_opts *o)
{
	bool breakdown = s->breakdown;
	char name[BT_NAME_LEN], p50[FMT_DURATION_LEN], p99[FMT_DURATION_LEN];
	char max[FMT_DURATION_LEN];

	wait_class_label(r->nr, r->wait, name, sizeof(name));
	fmt_duration_ns(p50, sizeof(p50), hist_percentile_ns(&r->hist, 50));
	fmt_duration_ns(p99, sizeof(p99), hist_percentile_ns(&r->hist, 99));
	fmt_duration_ns(max, sizeof(max), r->hist.max_ns);
	fprintf(out, "\n  %s (ns)  [%" PRIu64 " calls, %" PRIu64
		" errors, p50 %s, p99 %s, max %s]\n",
		name, (uint64_t)r->hist.count, (uint64_t)r->hist.errors, p50, p99, max);
	if (breakdown && r->hist.sum_ns) {
		char why[FMT_BREAKDOWN_LEN + BT_NAME_LEN + FMT_DURATION_LEN];

		fmt_breakdown_sentence(why, sizeof(why), name, hist_percentile_ns(&r->hist, 99),
				       r->hist.part_ns, r->hist.sum_ns);
		fprintf(out, "  %s\n", why);
	}
	if (!r->hist.timed) {
		/* sampling timed none of these calls: counts only */
		fputs("  (no timed calls)\n", out);
		return;
	}
	batch_text_quantize(out, &r->hist);
	batch_stacks_write(out, s, r->nr, name, o->cumulative, o->filter, BATCH_STACKS_TOP_N);
}

static void bt_summary_row(FILE *out, const struct snapshot *s, const struct view_row *r,
			   bool breakdown)
{
	static const double pcts[] = { 50, 90, 99, 99.9 };
	char name[BT_NAME_LEN], comm[ABI_COMM_LEN * 2], proc[BT_PROC_LEN];
	char d[FMT_DURATION_LEN];

	wait_class_label(r->nr, r->wait, name, sizeof(name));
	/* comm comes from the kernel: never print it raw */
	sanitize_text(comm, sizeof(comm), r->comm, sizeof(r->comm));
	snprintf(proc, sizeof(proc), "%s[%u]", comm, r->pid);
	fprintf(out, "  %-16s %-24s", name, proc);
	if (batch_cgroups_on(s)) {
		char cg[BATCH_CGROUP_WIDTH * 4 + 1];

		fprintf(out, " %-*s", BATCH_CGROUP_WIDTH, batch_cgroup_cell(s, r->cgroup_id, cg,
									     sizeof(cg)));
	}
	fprintf(out, " %9" PRIu64 " %8" PRIu64, (uint64_t)r->hist.count, (uint64_t)r->hist.errors);
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		if (r->hist.timed)
			fmt_duration_ns(d, sizeof(d), hist_percentile_ns(&r->hist, pcts[i]));
		else
			snprintf(d, sizeof(d), "-");
		fprintf(out, " %8s", d);
	}
	if (r->hist.timed)
		fmt_duration_ns(d, sizeof(d), r->hist.max_ns);
	else
		snprintf(d, sizeof(d), "-");
	fprintf(out, " %8s", d);
	/* where the time went, as shares of sum_ns (the parts add up to it) */
	for (unsigned int p = 0; breakdown && p < ABI_PARTS; p++) {
		if (r->hist.sum_ns)
			fprintf(out, " %4u%%",
				fmt_breakdown_pct(r->hist.part_ns[p], r->hist.sum_ns));
		else
			fprintf(out, " %5s", "-");
	}
	fputc('\n', out);
}

static int bt_summary(FILE *out, const struct snapshot *s, const struct batch_text_opts *o)
{
	struct view v;
	size_t n;
	int ret;

	view_init(&v);
	ret = view_build(&v, s, o->filter, VIEW_BY_PROC_SYSCALL, o->cumulative);
	if (ret)
		goto out;
	view_sort(&v, VIEW_SORT_TIME, true);
	fprintf(out, "\n  %-16s %-24s", "SYSCALL", "PROCESS");
	if (batch_cgroups_on(s))
		fprintf(out, " %-*s", BATCH_CGROUP_WIDTH, "CGROUP");
	fprintf(out, " %9s %8s %8s %8s %8s %8s %8s", "CALLS", "ERRORS", "P50", "P90", "P99",
		"P99.9", "MAX");
	if (s->breakdown)
		fprintf(out, " %5s %5s %5s %5s", "CPU%", "RUNQ%", "IO%", "BLK%");
	fputc('\n', out);
	n = v.n < BATCH_TEXT_SUMMARY_ROWS ? v.n : BATCH_TEXT_SUMMARY_ROWS;
	for (size_t i = 0; i < n; i++)
		bt_summary_row(out, s, &v.rows[i], s->breakdown);
	if (v.n > n)
		fprintf(out, "  ... %zu more rows\n", v.n - n);
out:
	view_free(&v);
	return ret;
}

/* A client row's quantize block needs a full histogram: expand its buckets. */
static int bt_client_block(FILE *out, const struct snapshot *s, const struct snap_client_row *r,
			   bool cum)
{
	static struct abi_hist h;	/* 2.4 KiB: not on the stack; batch output is one thread */
	const struct snap_lat *req = client_req(r, cum);
	char addr[FMT_ADDR_LEN], comm[ABI_COMM_LEN * 2], p50[FMT_DURATION_LEN];
	char p99[FMT_DURATION_LEN];

	if (!req->count)
		return 0;
	hist_from_buckets(&h, snap_lat_buckets(s, req), req->n, req->sum_ns, req->max_ns);
	sanitize_text(comm, sizeof(comm), r->comm, sizeof(r->comm));
	fmt_duration_ns(p50, sizeof(p50), req->p50_ns);
	fmt_duration_ns(p99, sizeof(p99), req->p99_ns);
	fprintf(out, "\n  request_ns %s -> %s[%u]:%u %s  [%" PRIu64 " requests, p50 %s, p99 %s]\n",
		fmt_addr(addr, sizeof(addr), &r->key), comm, r->key.tgid, r->key.port,
		fmt_dir(&r->key), req->count, p50, p99);
	return batch_text_quantize(out, &h);
}

static void bt_client_row(FILE *out, const struct snapshot *s, const struct snap_client_row *r,
			  bool cum)
{
	const struct snap_client_counts *c = client_counts(r, cum);
	const struct snap_lat *req = client_req(r, cum), *conn = client_conn(r, cum);
	char addr[FMT_ADDR_LEN], comm[ABI_COMM_LEN * 2], proc[BT_PROC_LEN];
	char p50[FMT_DURATION_LEN] = "-", p99[FMT_DURATION_LEN] = "-", cp99[FMT_DURATION_LEN] = "-";
	char bin[16], bout[16];

	sanitize_text(comm, sizeof(comm), r->comm, sizeof(r->comm));
	snprintf(proc, sizeof(proc), "%s[%u]", r->key.tgid ? comm : "-", r->key.tgid);
	if (req->count) {
		fmt_duration_ns(p50, sizeof(p50), req->p50_ns);
		fmt_duration_ns(p99, sizeof(p99), req->p99_ns);
	}
	if (conn->count)
		fmt_duration_ns(cp99, sizeof(cp99), conn->p99_ns);
	fmt_count(bin, sizeof(bin), c->bytes_in);
	fmt_count(bout, sizeof(bout), c->bytes_out);
	fprintf(out, "  %-24s %5u %-3s %-20s", fmt_addr(addr, sizeof(addr), &r->key), r->key.port,
		fmt_dir(&r->key), proc);
	if (batch_cgroups_on(s)) {
		char cg[BATCH_CGROUP_WIDTH * 4 + 1];

		fprintf(out, " %-*s", BATCH_CGROUP_WIDTH, batch_cgroup_cell(s, r->key.cgid, cg,
									     sizeof(cg)));
	}
	fprintf(out, " %6" PRIu64 " %5" PRIu64 " %5" PRIu64 " %7" PRIu64
		" %8s %8s %8s %6s %6s %4" PRIu64 " %4" PRIu64 "\n",
		c->connections, c->adopted, r->open, c->requests, p50, p99, cp99, bin, bout, c->resets,
		c->retransmits);
}

/* The per-client table, busiest first, and the busiest client's quantize block. */
static int bt_clients(FILE *out, const struct snapshot *s, const struct batch_text_opts *o)
{
	struct client_view v;
	size_t n;
	int ret;

	if (s->clients_state != SNAP_CLIENTS_ON && s->clients_note[0]) {
		char note[SNAP_NOTE_LEN];

		sanitize_text(note, sizeof(note), s->clients_note, sizeof(s->clients_note));
		fprintf(out, "  clients: %s\n", note);
	}
	if (s->clients_state == SNAP_CLIENTS_OFF)
		return 0;
	client_view_init(&v);
	ret = client_view_build(&v, s, o->filter, o->cumulative);
	if (ret)
		goto out;
	if (!v.n) {
		fputs("  (no TCP clients in this view)\n", out);
		goto out;
	}
	client_view_sort(&v, CLIENT_SORT_REQUESTS, true);
	ret = bt_client_block(out, s, v.rows[0], o->cumulative);
	if (ret)
		goto out;
	fprintf(out, "\n  %-24s %5s %-3s %-20s", "CLIENT", "PORT", "DIR", "PROCESS");
	if (batch_cgroups_on(s))
		fprintf(out, " %-*s", BATCH_CGROUP_WIDTH, "CGROUP");
	fprintf(out, " %6s %5s %5s %7s %8s %8s %8s %6s %6s %4s %4s\n", "CONNS", "ADOPT", "OPEN", "REQS", "P50", "P99",
		"CONN P99", "IN", "OUT", "RST", "RTX");
	n = v.n < BATCH_TEXT_SUMMARY_ROWS ? v.n : BATCH_TEXT_SUMMARY_ROWS;
	for (size_t i = 0; i < n; i++)
		bt_client_row(out, s, v.rows[i], o->cumulative);
	if (v.n > n)
		fprintf(out, "  ... %zu more clients\n", v.n - n);
out:
	client_view_free(&v);
	return ret;
}

/* The fleet view: one line per host, and the source's trouble if any. */
static void bt_hosts(FILE *out, const struct snapshot *s, double secs)
{
	char name[4 * SNAP_HOST_LEN], p99[32], note[4 * SNAP_NOTE_LEN];

	if (strcmp(s->source, "fleet"))
		return;
	if (s->note[0]) {
		sanitize_text(note, sizeof(note), s->note, sizeof(s->note));
		fprintf(out, "  %s%s\n", note, s->stale ? " (rows are stale)" : "");
	}
	fprintf(out, "\n  %-24s %-4s %12s %14s %10s %12s\n", "HOST", "UP", "CALLS/s", "CALLS_TOTAL",
		"LOST/s", "WORST_P99");
	for (size_t i = 0; i < s->n_hosts; i++) {
		const struct snap_host *h = &s->hosts[i];

		sanitize_text(name, sizeof(name), h->name, sizeof(h->name));
		if (h->worst_p99_ns)
			fmt_duration_ns(p99, sizeof(p99), h->worst_p99_ns);
		else
			snprintf(p99, sizeof(p99), "-");
		fprintf(out, "  %-24s %-4s %12.1f %14" PRIu64 " %10.1f %12s\n", name,
			h->up ? "up" : "DOWN", secs > 0 ? (double)h->calls / secs : 0.0,
			h->calls_total, secs > 0 ? (double)h->lost / secs : 0.0, p99);
	}
	if (!s->n_hosts)
		fputs("  (no hosts)\n", out);
}

int batch_text_write(FILE *out, const struct snapshot *s, const struct batch_text_opts *o)
{
	static const struct batch_text_opts defaults = { .top_n = BATCH_TEXT_TOP_N_DEFAULT };
	unsigned int top_n;
	struct view v;
	size_t n;
	int ret;

	if (!o)
		o = &defaults;
	top_n = o->top_n ? o->top_n : BATCH_TEXT_TOP_N_DEFAULT;
	bt_header(out, s, o->cumulative);
	bt_hosts(out, s, (double)s->interval_ns / 1e9);

	view_init(&v);
	ret = view_build(&v, s, o->filter, VIEW_BY_SYSCALL, o->cumulative);
	if (ret)
		goto out;
	if (!v.n) {
		fputs("\n  (no syscalls in this view)\n\n", out);
	} else {
		view_sort(&v, VIEW_SORT_TIME, true);
		n = v.n < top_n ? v.n : top_n;
		for (size_t i = 0; i < n; i++)
			bt_block(out, s, &v.rows[i], o);
		ret = bt_summary(out, s, o);
		fputc('\n', out);
	}
	if (!ret)
		ret = batch_cgroups_write(out, s, o);
	if (!ret)
		ret = bt_clients(out, s, o);
	if (!ret)
		ret = batch_fam_write(out, s, o);
out:
	view_free(&v);
	if (!ret && ferror(out))
		ret = -EIO;
	return ret;
}
