/* pane_chrome.c - header, status line, footer hints and the help screen. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "collect/collector.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

void pane_header_draw(struct ui *ui, WINDOW *w)
{
	const struct snapshot *s = ui->snap;
	attr_t a = theme_attr(THEME_ROLE_header);
	int width = getmaxx(w), x;
	char line[512], clock[16] = "--:--:--";
	double secs = s && s->interval_ns ? (double)s->interval_ns / 1e9 : 1.0;
	time_t now = s ? (time_t)(s->ts_ns / 1000000000ull) : time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	wattrset(w, a);
	mvwhline(w, 0, 0, ' ', width);
	/*
	 * Most important first: narrow terminals cut from the right. PAUSED
	 * goes next to the interval so that it survives 80 columns.
	 */
	if (ui->o->replay_ticks)	/* a replay: which tick of how many, and the end */
		snprintf(line, sizeof(line), " lattop %s REPLAY tick %" PRIu64 "/%llu%s", clock,
			 s ? s->seq : 0, ui->o->replay_ticks,
			 collector_at_end(ui->c) ? " END" : "");
	else
		snprintf(line, sizeof(line), " lattop %s every %.1fs", clock,
			 (double)collector_interval(ui->c) / 1e9);
	x = draw_text(w, 0, 0, width, line, a, false);
	if (ui->paused && x + 1 < width)
		x += draw_text(w, 0, x + 1, width - x - 1, " PAUSED ", theme_attr(THEME_ROLE_paused),
			       false) + 1;
	snprintf(line, sizeof(line), "  events/s %.0f  lost %" PRIu64 "  evicted %" PRIu64,
		 s ? (double)s->interval.events / secs : 0.0, s ? s->total.lost : 0,
		 s ? s->total.evicted : 0);
	x += draw_text(w, 0, x, width - x, line, a, false);
	if (s && s->simulated)
		x += draw_text(w, 0, x, width - x, "  SIMULATED", a | A_BOLD, false);
	snprintf(line, sizeof(line), "  %s %s", ui->o->host ? ui->o->host : "",
		 ui->o->kernel ? ui->o->kernel : "");
	draw_text(w, 0, x, width - x, line, a, false);
	/* Second line: how to read the numbers (mode, filter, sampling), then what is traced. */
	snprintf(line, sizeof(line), " %sfilter: %s%s  |  %s%s",
		 ui->cumulative ? "CUMULATIVE  " : "",
		 ui->filter_text[0] ? ui->filter_text : "(none)",
		 ui->drill != DRILL_NONE ? " +drill-down" : "",
		 s && s->sample_every > 1 ? "percentiles from sampled calls  |  " : "",
		 ui->o->features ? ui->o->features : "");
	draw_text(w, 1, 0, width, line, theme_attr(THEME_ROLE_normal), true);
}

void pane_status_draw(struct ui *ui, WINDOW *w)
{
	int width = getmaxx(w);

	if (ui->prompt == PROMPT_FILTER) {
		char line[FILTER_TEXT_MAX + 16];

		snprintf(line, sizeof(line), "filter> %s", ui->prompt_buf);
		draw_text(w, 0, 0, width, line, theme_attr(THEME_ROLE_status), true);
		return;
	}
	draw_text(w, 0, 0, width, ui->status,
		  theme_attr(ui->status_error ? THEME_ROLE_error : THEME_ROLE_status), true);
}

void pane_footer_draw(struct ui *ui, WINDOW *w)
{
	static const char *const hints[][2] = {
		{ "F1", "Help" }, { "/", "Filter" }, { "Enter", "Drill" }, { "Tab", "Pane" },
		{ "F6", "Sort" }, { "s", "Snap" },   { "Space", "Pause" }, { "c", "Cumul" },
		{ "t", "Theme" }, { "q", "Quit" },
	};
	int width = getmaxx(w), x = 0;

	(void)ui;
	wattrset(w, theme_attr(THEME_ROLE_footer_text));
	mvwhline(w, 0, 0, ' ', width);
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]) && x < width; i++) {
		x += draw_text(w, 0, x, width - x, hints[i][0], theme_attr(THEME_ROLE_footer_key),
			       false);
		x += draw_text(w, 0, x, width - x, hints[i][1], theme_attr(THEME_ROLE_footer_text),
			       false);
		x += draw_text(w, 0, x, width - x, " ", theme_attr(THEME_ROLE_footer_text), false);
	}
}

void pane_help_draw(struct ui *ui, WINDOW *w)
{
	int width = getmaxx(w), height = getmaxy(w), y = 2;

	werase(w);
	draw_title(w, " Help: keys (Esc or ? closes) ", true);
	for (size_t i = 0; i < key_table_len && y < height - 2; i++) {
		if (!key_table[i].keys[0])
			continue;	/* a second binding of the line above */
		draw_text(w, y, 2, 12, key_table[i].keys, theme_attr(THEME_ROLE_title), false);
		draw_text(w, y, 15, width - 16, key_table[i].help, theme_attr(THEME_ROLE_normal),
			  false);
		y++;
	}
	y++;
	if (y < height)
		draw_text(w, y++, 2, width - 4, ui->o->features ? ui->o->features : "",
			  theme_attr(THEME_ROLE_dim), false);
	if (y < height)
		draw_text(w, y, 2, width - 4,
			  "Latencies are log-linear buckets: percentiles within 6.25%.",
			  theme_attr(THEME_ROLE_dim), false);
}
