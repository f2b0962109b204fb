/* header.c - the header's fields, lattop's own cost and counter remedies (see header.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "collect/collector.h"
#include "ui/draw.h"
#include "core/clock_ns.h"
#include "core/sanitize.h"
#include "export/fmt_duration.h"
#include "ui/header.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

void header_add(struct header_line *l, int prio, attr_t a, const char *fmt, ...)
{
	va_list ap;

	if (l->n >= HEADER_FIELDS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(l->f[l->n].text, sizeof(l->f[l->n].text), fmt, ap);
	va_end(ap);
	l->f[l->n].attr = a;
	l->f[l->n].prio = prio;
	l->n++;
}

uint32_t header_fit(const struct header_line *l, int width)
{
	uint32_t shown = l->n >= 32 ? ~0u : (1u << l->n) - 1;
	int total = 1;

	for (int i = 0; i < l->n; i++)
		total += draw_width(l->f[i].text) + (i ? 2 : 0);
	while (total > width) {
		int drop = -1;

		for (int i = 0; i < l->n; i++)
			if ((shown & (1u << i)) && l->f[i].prio > 0 &&
			    (drop < 0 || l->f[i].prio >= l->f[drop].prio))
				drop = i;
		if (drop < 0)
			break;	/* only the essentials left: draw_text clips them */
		shown &= ~(1u << drop);
		total -= draw_width(l->f[drop].text) + 2;
	}
	return shown;
}

void header_draw_line(WINDOW *w, int y, const struct header_line *l)
{
	int width = getmaxx(w), x = 1;
	uint32_t shown = header_fit(l, width);
	bool first = true;

	for (int i = 0; i < l->n && x < width; i++) {
		if (!(shown & (1u << i)))
			continue;
		if (!first)
			x += 2;
		first = false;
		if (x < width)
			x += draw_text(w, y, x, width - x, l->f[i].text, l->f[i].attr, false);
	}
}

void header_fmt_uptime(char *buf, size_t len, uint64_t ns)
{
	uint64_t s = ns / 1000000000ull;

	if (s >= 3600)
		snprintf(buf, len, "%lluh%02llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s / 60 % 60));
	else if (s >= 60)
		snprintf(buf, len, "%llum%02llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
}

/* A count in few cells: 812, 11071, 102k, 3.4M. */
static void hdr_count(char *buf, size_t len, uint64_t n)
{
	if (n >= 10000000)
		snprintf(buf, len, "%.1fM", (double)n / 1e6);
	else if (n >= 100000)
		snprintf(buf, len, "%lluk", (unsigned long long)(n / 1000));
	else
		snprintf(buf, len, "%llu", (unsigned long long)n);
}

/* "lost 11071 total": warn-coloured and kept on a narrow screen when not zero. */
static void add_total(struct header_line *l, const char *what, uint64_t n, bool always)
{
	char c[24];

	if (!n && !always)
		return;
	hdr_count(c, sizeof(c), n);
	header_add(l, n ? 1 : 5, n ? theme_attr(THEME_ROLE_warn) : theme_attr(THEME_ROLE_header),
		   "%s %s total", what, c);
}

/* The run time of one probe family per second of wall time, and per run. */
static void add_probe_cost(struct header_line *l, const struct snapshot *s, int fam,
			   const char *name)
{
	const struct snap_probe_cost *pc = &s->probe_cost;
	double secs = s->interval_ns ? (double)s->interval_ns / 1e9 : 1.0;
	double ms_per_s = (double)pc->run_ns[fam] / 1e6 / secs;

	if (!pc->run_cnt[fam] && fam == SNAP_PROBE_CLIENTS)
		return;	/* clients off */
	header_add(l, 4, theme_attr(THEME_ROLE_header), "bpf %s %.2fms/s %lluns/run", name,
		   ms_per_s, pc->run_cnt[fam] ?
		   (unsigned long long)(pc->run_ns[fam] / pc->run_cnt[fam]) : 0ull);
}

void header_build(struct ui *ui, struct header_line *l)
{
	const struct snapshot *s = ui->snap;
	attr_t a = theme_attr(THEME_ROLE_header);
	double secs = s && s->interval_ns ? (double)s->interval_ns / 1e9 : 1.0;
	char clock[16] = "--:--:--", up[24], rate[24];
	time_t now = s ? (time_t)(s->ts_ns / 1000000000ull) : time(NULL);
	struct tm tm;

	l->n = 0;
	if (localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	header_add(l, 0, a | A_BOLD, "lattop");
	header_add(l, 3, a, "%s", clock);
	if (collector_seekable(ui->c))	/* a replay: which tick of how many, and the end */
		header_add(l, 0, a, "REPLAY tick %llu/%llu%s", (unsigned long long)(s ? s->seq : 0),
			   ui->o->replay_ticks, collector_at_end(ui->c) ? " END" : "");
	else
		header_add(l, 0, a, "every %gs", (double)collector_interval(ui->c) / 1e9);
	if (ui->paused)
		header_add(l, 0, theme_attr(THEME_ROLE_paused), "PAUSED");
	if (s && s->simulated)
		header_add(l, 0, a | A_BOLD, "SIMULATED");
	/* Pids are this namespace's: say which when it is not the initial one. */
	if (s && s->pidns_ino)
		header_add(l, 1, a, "pid ns %llu", (unsigned long long)s->pidns_ino);
	if (s && s->cgroups_state == SNAP_CGROUPS_NO_V2) {
		/* Said once here, not in every CGROUP cell; a replay's note comes from a file. */
		char note[SNAP_NOTE_LEN * 4];
		const char *why = s->cgroups_note[0] ? s->cgroups_note : "cgroups: no v2 hierarchy";

		sanitize_text(note, sizeof(note), why, strnlen(why, sizeof(s->cgroups_note)));
		header_add(l, 2, theme_attr(THEME_ROLE_warn), "%s", note);
	}
	{	/* thresholds early and never dropped: a broken one must survive 80 columns */
		char slo[64];
		bool broken = ui_slo_header(ui, slo, sizeof(slo));

		if (slo[0])
			header_add(l, 0, broken ? theme_attr(THEME_ROLE_breach) | A_REVERSE : a, "%s",
				   slo);
	}
	header_fmt_uptime(up, sizeof(up), s ? s->elapsed_ns : 0);
	header_add(l, 2, a, "up %s", up);
	ui_fmt_rate(rate, sizeof(rate), s ? (double)s->interval.events / secs : 0.0);
	header_add(l, 1, a, "events %s/s", rate);
	add_total(l, "lost", s ? s->total.lost : 0, true);
	add_total(l, "evicted", s ? s->total.evicted : 0, true);
	add_total(l, "clients lost", s ? s->total.client_lost : 0, false);
	add_total(l, "clients evicted", s ? s->total.client_evicted : 0, false);
	add_total(l, "dropped snapshots", s ? s->total.dropped_snapshots : 0, false);
	/* The cost, said once (dropped first on a narrow terminal: the pane's status says it too). */
	if (s && s->fam[SNAP_FAM_FUNC].state == SNAP_FAM_ON)
		header_add(l, 5, a, "uprobes ~%s/call", UI_UPROBE_COST_TEXT);
	{	/* families and the breakdown: on or off ('f' shows a family and why it is off) */
		char fams[HEADER_FIELD_LEN];

		ui_fam_header(ui, fams, sizeof(fams));
		if (fams[0])
			header_add(l, 7, a, "%s", fams);	/* dropped before the host name */
	}
	if (s && s->slow_ns) {	/* --slow: the threshold, and stacks the kernel could not keep */
		char slow[16];

		fmt_duration_ns(slow, sizeof(slow), s->slow_ns);
		header_add(l, 1, s->stacks_dropped_total ? theme_attr(THEME_ROLE_warn) : a,
			   "slow>%s stacks dropped %llu", slow,
			   (unsigned long long)s->stacks_dropped_total);
	}
	if (ui->chrome.have_cpu)
		header_add(l, 4, a, "lattop %.1f%% cpu", ui->chrome.cpu_pct);
	if (s && s->probe_cost.on) {
		add_probe_cost(l, s, SNAP_PROBE_SYSCALLS, "syscalls");
		add_probe_cost(l, s, SNAP_PROBE_CLIENTS, "clients");
		if (s->fam[SNAP_FAM_FUNC].state == SNAP_FAM_ON)
			add_probe_cost(l, s, SNAP_PROBE_FUNCS, "uprobes");
	}
	if (ui->o->host && ui->o->host[0])
		header_add(l, 6, a, "%s", ui->o->host);
	if (ui->o->kernel && ui->o->kernel[0])
		header_add(l, 7, a, "%s", ui->o->kernel);
}

/* CPU time of the whole process (collector and UI threads), user + system. */
static uint64_t self_cpu_ns(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
}

static void self_cost(struct ui_chrome *ch)
{
	uint64_t cpu = self_cpu_ns(), wall = clock_ns(CLOCK_MONOTONIC);

	/* Over at least 0.5 s: a 0.1 s tick would show getrusage's 4 ms granularity as noise. */
	if (ch->wall_ns && wall - ch->wall_ns < 500000000ull)
		return;
	if (ch->wall_ns && wall > ch->wall_ns) {
		ch->cpu_pct = 100.0 * (double)(cpu - ch->cpu_ns) / (double)(wall - ch->wall_ns);
		ch->have_cpu = true;
	}
	ch->cpu_ns = cpu;
	ch->wall_ns = wall;
}

/* Which counter, its total in @s, and what to do about it. */
static uint64_t counter_total(const struct snapshot *s, enum ui_counter k)
{
	switch (k) {
	case UI_CNT_LOST: return s->total.lost;
	case UI_CNT_EVICTED: return s->total.evicted;
	case UI_CNT_CLIENT_LOST: return s->total.client_lost;
	case UI_CNT_CLIENT_EVICTED: return s->total.client_evicted;
	case UI_CNT_DROPPED: return s->total.dropped_snapshots;
	default: return 0;
	}
}

static void remedy(struct ui *ui, enum ui_counter k, uint64_t n)
{
	unsigned int keys = ui->o->max_keys, clients = ui->o->max_clients;
	bool rec = ui->o->replay_ticks != 0;

	switch (k) {
	case UI_CNT_LOST:	/* short: the status line is 80 columns on a small terminal */
		ui_set_status(ui, false, "lost %llu%s: map (%u keys) or ring full; try --max-keys %u, "
			      "--sample 10, -s a,b", (unsigned long long)n, rec ? " (recorded)" : "",
			      keys, keys * 4);
		break;
	case UI_CNT_EVICTED:
		ui_set_status(ui, false, "evicted%s: more than %u keys, try --max-keys %u",
			      rec ? " (recorded)" : "", keys, keys * 4);
		break;
	case UI_CNT_CLIENT_LOST:
		ui_set_status(ui, false, "clients lost: kernel rows full (%u), try --max-clients %u",
			      clients, clients * 4);
		break;
	case UI_CNT_CLIENT_EVICTED:
		ui_set_status(ui, false, "clients evicted: more than %u rows, try --max-clients %u",
			      clients, clients * 4);
		break;
	case UI_CNT_DROPPED:
		ui_set_status(ui, false, "dropped snapshots: the display fell behind; + lengthens "
			      "the interval");
		break;
	default:
		return;
	}
	ui->status_warn = true;
}

void header_tick(struct ui *ui)
{
	struct ui_chrome *ch = &ui->chrome;

	self_cost(ch);
	if (!ui->snap)
		return;
	/* A remedy once per counter, when it first goes wrong: it must not drown key feedback. */
	for (int k = 0; k < UI_CNT_NR; k++) {
		uint64_t n = counter_total(ui->snap, (enum ui_counter)k);

		if (n && !(ch->remedied & (1u << k))) {
			ch->remedied |= 1u << k;
			remedy(ui, (enum ui_counter)k, n);
			return;
		}
	}
}
