/* pane_chrome.c - header, status line, footer hints and the help screen. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "collect/collector.h"
#include "ui/draw.h"
#include "ui/header.h"
#include "ui/columns.h"
#include "ui/keys.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

void pane_header_draw(struct ui *ui, WINDOW *w)
{
	const struct snapshot *s = ui->snap;
	struct header_line l;
	char line[512];

	/* Fields by priority: a narrow terminal drops whole fields, never cuts one mid-word. */
	wattrset(w, theme_attr(THEME_ROLE_header));
	mvwhline(w, 0, 0, ' ', getmaxx(w));
	header_build(ui, &l);
	header_draw_line(w, 0, &l);
	/*
	 * Second line: how to read the numbers (view, mode, filter, sampling),
	 * then what is traced. The view first: it decides which rows exist.
	 */
	snprintf(line, sizeof(line), " %s  %sfilter: %s%s%s  |  %s%s",
		 ui->show_waits ? "view:WORK+WAITS (w: work)" : "view:WORK (w: +waits)",
		 ui->cumulative ? "CUMULATIVE  " : "",
		 ui->filter_text[0] ? ui->filter_text : "(none)",
		 ui->drill != DRILL_NONE ? " +drill-down" : "",
		 ui_hidden_pid(ui) ? "  own:hidden (O)" : "",
		 s && s->sample_every > 1 ? "percentiles from sampled calls  |  " : "",
		 ui->o->features ? ui->o->features : "");
	draw_text_cut(w, 1, 0, getmaxx(w), line, theme_attr(THEME_ROLE_normal), true);
}

void pane_status_draw(struct ui *ui, WINDOW *w)
{
	int width = getmaxx(w);

	if (ui->prompt == PROMPT_SLOW) {
		char line[FILTER_TEXT_MAX + 160];
		int x;

		snprintf(line, sizeof(line), "slow calls' stacks above> %s", ui->prompt_buf);
		x = draw_text(w, 0, 0, width, line, theme_attr(THEME_ROLE_status), false);
		snprintf(line, sizeof(line), "   %s", ui->prompt_error[0] ? ui->prompt_error :
			 "a duration (5ms, 500us, 1s) or off; Enter: apply  Esc: cancel");
		draw_text(w, 0, x, width - x, line, theme_attr(ui->prompt_error[0] ?
			  THEME_ROLE_error : THEME_ROLE_dim), true);
		return;
	}
	if (ui->prompt == PROMPT_FILTER || ui->prompt == PROMPT_SEARCH) {
		char line[FILTER_TEXT_MAX + 160];
		int x;

		snprintf(line, sizeof(line), "%s> %s", ui->prompt == PROMPT_FILTER ? "filter" :
			 "search", ui->prompt_buf);
		x = draw_text(w, 0, 0, width, line, theme_attr(THEME_ROLE_status), false);
		/* Why what is typed so far does not apply (yet), or the keys that finish it. */
		if (ui->prompt_error[0])
			snprintf(line, sizeof(line), "   (%s)", ui->prompt_error);
		else
			snprintf(line, sizeof(line), "   Enter: %s  Esc: %s",
				 ui->prompt == PROMPT_FILTER ? "keep" : "done",
				 ui->prompt == PROMPT_FILTER ? "restore" : "close");
		draw_text(w, 0, x, width - x, line, theme_attr(ui->prompt_error[0] ?
			  THEME_ROLE_error : THEME_ROLE_dim), true);
		return;
	}
	draw_text_cut(w, 0, 0, width, ui->status,
		      theme_attr(ui->status_error ? THEME_ROLE_error :
				 ui->status_warn ? THEME_ROLE_warn : THEME_ROLE_status), true);
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

/*
 * The help screen as lines: keys, the column glossary, then what is active.
 * Wrapped to @text_w columns; drawn from ui->help_top (it scrolls).
 */
struct help_cursor {
	WINDOW *w;
	int top, y, y_end, line;	/* first line shown, next row, rows end, lines so far */
	int text_w;
};

/* One line of the help: shown only when it is in the scrolled window. */
static void help_line(struct help_cursor *c, const char *label, const char *text, int len,
		      attr_t label_a, attr_t text_a)
{
	char buf[512];

	if (c->line++ < c->top || c->y >= c->y_end)
		return;
	if (label)
		draw_text(c->w, c->y, 2, 14, label, label_a, false);
	snprintf(buf, sizeof(buf), "%.*s", len, text);
	draw_text(c->w, c->y, 17, c->text_w, buf, text_a, false);
	c->y++;
}

/* @text wrapped at spaces into lines of c->text_w columns, @label on the first. */
static void help_item(struct help_cursor *c, const char *label, const char *text, attr_t label_a,
		      attr_t text_a)
{
	int w = c->text_w > 8 ? c->text_w : 8;

	do {
		int n = (int)strlen(text), cut = n;

		if (n > w) {
			for (cut = w; cut > 0 && text[cut] != ' '; cut--)
				;
			if (!cut)
				cut = w;
		}
		help_line(c, label, text, cut, label_a, text_a);
		label = NULL;
		text += cut;
		while (*text == ' ')
			text++;
	} while (*text);
}

void pane_help_draw(struct ui *ui, WINDOW *w)
{
	int width = getmaxx(w), height = getmaxy(w), total;
	attr_t title = theme_attr(THEME_ROLE_title), normal = theme_attr(THEME_ROLE_normal),
	       dim = theme_attr(THEME_ROLE_dim);
	struct help_cursor c;

	werase(w);
	/* Two passes: count the lines, clamp the scroll, then draw. */
	for (int pass = 0; pass < 2; pass++) {
		c = (struct help_cursor){ w, ui->help_top, 2, height - 1, 0, width - 18 };
		if (!pass)
			c.y_end = c.y;	/* counting only */
		for (size_t i = 0; i < key_table_len; i++)
			if (key_table[i].keys[0])	/* else a second binding of the line above */
				help_item(&c, key_table[i].keys, key_table[i].help, title, normal);
		help_line(&c, NULL, "", 0, normal, normal);
		help_line(&c, "Columns", "(what the tables show)", 22, title, dim);
		for (size_t i = 0; i < column_docs_len; i++)
			help_item(&c, column_docs[i].names, column_docs[i].help, title, normal);
		help_line(&c, NULL, "", 0, normal, normal);
		help_item(&c, "Active", ui->o->features ? ui->o->features : "", title, dim);
		help_item(&c, "Histograms", "log-linear buckets: percentiles within 6.25%.", title,
			  dim);
		total = c.line;
		if (!pass) {
			int rows = height - 3 > 1 ? height - 3 : 1;

			if (ui->help_top > total - rows)
				ui->help_top = total - rows;
			if (ui->help_top < 0)
				ui->help_top = 0;
		}
	}
	draw_title(w, " Help: keys and columns (Up/Down/PgDn scroll, Esc or ? closes) ", true);
	if (total > height - 3) {
		char more[48];

		snprintf(more, sizeof(more), " lines %d-%d of %d ", ui->help_top + 1,
			 ui->help_top + height - 3 < total ? ui->help_top + height - 3 : total, total);
		draw_text(w, height - 1, 2, width - 4, more, dim, false);
	}
}
