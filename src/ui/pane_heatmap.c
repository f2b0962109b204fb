/*
 * pane_heatmap.c - the selected row's latency over time (csysdig's
 * spectrogram): time across (newest right), power-of-two latency rows up
 * (slowest on top), each cell shaded by its number of calls on a log
 * scale: colour shades (theme roles heat1..heat5) or, without colour or
 * UTF-8, the density ramp " .:-=+*#%@". Live: the last ticks; replay: the
 * whole recording, several ticks per column, the tick shown marked '^'.
 * Also the same grid as text and JSON for the snapshot files.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "export/fmt_duration.h"
#include "export/json.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

#define HEAT_LABEL_W 8			/* latency label, right-aligned */
#define HEAT_X (HEAT_LABEL_W + 2)	/* label | cells */

static const char heat_ramp[] = " .:-=+*#%@";	/* level 0 (no calls) .. 9 (the most) */

/* The grid: display columns (merged history columns) x lines (merged latency rows). */
struct heat_grid {
	size_t ncols, nlines;
	size_t col_first[ROW_HISTORY_TICKS], col_last[ROW_HISTORY_TICKS];	/* history columns */
	uint32_t lo_row, rows_per_line;
	uint64_t cells[ROW_HISTORY_ROWS][ROW_HISTORY_TICKS];	/* [line from the bottom][col] */
	uint64_t max;
	long now;			/* display column of the tick shown (replay), or -1 */
	bool has_data;
};

/*
 * Up to @max_cols columns (live: the newest; replay: all, merged evenly) and
 * @max_lines lines for key @k. False when the row has no heatmap.
 */
static bool heat_build(const struct ui *ui, const struct row_key *k, size_t max_cols,
		       size_t max_lines, struct heat_grid *g)
{
	static uint32_t counts[ROW_HISTORY_TICKS][ROW_HISTORY_ROWS];
	const struct row_history *h = ui->history;
	size_t n = h ? row_history_ncols(h) : 0, first = 0, per = 1;
	uint32_t lo = UINT32_MAX, hi = 0;
	long now_hist = -1;

	memset(g, 0, sizeof(*g));
	g->now = -1;
	if (!h || !max_cols || !max_lines || !row_history_has_counts(h, k))
		return false;
	if (max_cols > ROW_HISTORY_TICKS)
		max_cols = ROW_HISTORY_TICKS;
	if (ui->o->replay_path) {
		per = (n + max_cols - 1) / max_cols;
		if (!per)
			per = 1;
		if (ui->snap)
			now_hist = row_history_col_of_seq(h, ui->snap->seq);
	} else if (n > max_cols) {
		first = n - max_cols;
	}
	for (size_t c = first; c < n; c++) {
		row_history_counts(h, k, c, counts[c]);
		for (uint32_t r = 0; r < ROW_HISTORY_ROWS; r++)
			if (counts[c][r]) {
				lo = r < lo ? r : lo;
				hi = r > hi ? r : hi;
			}
	}
	g->ncols = n > first ? (n - first + per - 1) / per : 0;
	for (size_t d = 0; d < g->ncols; d++) {
		g->col_first[d] = first + d * per;
		g->col_last[d] = first + d * per + per - 1 < n ? first + d * per + per - 1 : n - 1;
		if (now_hist >= (long)g->col_first[d] && now_hist <= (long)g->col_last[d])
			g->now = (long)d;
	}
	if (lo == UINT32_MAX)
		return true;	/* a heatmap, empty so far */
	g->has_data = true;
	g->lo_row = lo;
	g->rows_per_line = (uint32_t)((hi - lo + max_lines) / max_lines);	/* ceil(span / lines) */
	g->nlines = (hi - lo) / g->rows_per_line + 1;
	for (size_t d = 0; d < g->ncols; d++)
		for (size_t c = g->col_first[d]; c <= g->col_last[d]; c++)
			for (uint32_t r = lo; r <= hi; r++) {
				uint64_t *cell = &g->cells[(r - lo) / g->rows_per_line][d];

				*cell += counts[c][r];
				if (*cell > g->max)
					g->max = *cell;
			}
	return true;
}

/* 0 (no calls) .. 9 (the fullest cell): log scale, so that the tail stays visible. */
static int heat_level(uint64_t count, uint64_t max)
{
	if (!count)
		return 0;
	if (max <= 1 || count >= max)
		return 9;
	return 1 + (int)(8.0 * log((double)count) / log((double)max));
}

static uint64_t line_lower_ns(const struct heat_grid *g, size_t line)
{
	return row_history_row_lower_ns(g->lo_row + (uint32_t)line * g->rows_per_line);
}

/* "-42s" for a live column (age of its last tick), "17s" into a replay. */
static void col_label(const struct ui *ui, const struct heat_grid *g, size_t d, char *buf,
		      size_t len)
{
	const struct row_history_col *c = row_history_col(ui->history, g->col_last[d]);
	const struct row_history_col *newest =
		row_history_col(ui->history, row_history_ncols(ui->history) - 1);
	double s;

	if (!c || !newest) {
		buf[0] = '\0';
		return;
	}
	if (ui->o->replay_path) {
		snprintf(buf, len, "%.0fs", (double)c->elapsed_ns / 1e9);
		return;
	}
	s = (double)(newest->elapsed_ns - c->elapsed_ns) / 1e9;
	if (d + 1 == g->ncols)
		snprintf(buf, len, "now");
	else
		snprintf(buf, len, "-%.0fs", s);
}

/* Put @lbl into the axis buffer @buf (@n cells) centred on @at, clamped to the ends. */
static void axis_put(char *buf, int n, int at, const char *lbl)
{
	int len = (int)strlen(lbl), x = at - len / 2;

	if (x + len > n)
		x = n - len;
	if (x < 0)
		x = 0;
	for (int i = 0; i < len && x + i < n; i++)
		buf[x + i] = lbl[i];
}

/* Time labels under the first, middle and last columns; '^' under the tick shown (replay). */
static void draw_axis(struct ui *ui, WINDOW *w, int y, const struct heat_grid *g)
{
	char lbl[24], buf[ROW_HISTORY_TICKS + 1];
	int n = (int)g->ncols;

	draw_text(w, y, 0, HEAT_LABEL_W, ui->o->replay_path ? "time" : "ago",
		  theme_attr(THEME_ROLE_dim), false);
	if (!n)
		return;
	memset(buf, ' ', (size_t)n);
	buf[n] = '\0';
	col_label(ui, g, 0, lbl, sizeof(lbl));
	axis_put(buf, n, 0, lbl);
	if (n >= 30) {
		col_label(ui, g, (size_t)n / 2, lbl, sizeof(lbl));
		axis_put(buf, n, n / 2, lbl);
	}
	if (n >= 12) {
		col_label(ui, g, (size_t)n - 1, lbl, sizeof(lbl));
		axis_put(buf, n, n, lbl);
	}
	if (g->now >= 0) {
		/* The marker wins: the label it lands on goes. */
		for (int x = (int)g->now; x >= 0 && buf[x] != ' '; x--)
			buf[x] = ' ';
		for (int x = (int)g->now + 1; x < n && buf[x] != ' '; x++)
			buf[x] = ' ';
	}
	draw_text(w, y, HEAT_X, n, buf, theme_attr(THEME_ROLE_dim), false);
	if (g->now >= 0)
		draw_text(w, y, HEAT_X + (int)g->now, 1, "^", theme_attr(THEME_ROLE_p99), false);
}

void pane_heatmap_draw(struct ui *ui, WINDOW *w)
{
	static struct heat_grid g;
	int width = getmaxx(w), height = getmaxy(w), plot_h = height - 3;
	bool colour = !draw_ascii() && theme_role_coloured(THEME_ROLE_heat1);
	char name[96], title[160], info[160];
	struct row_key k;

	if (!ui_selected_key(ui, &k, name, sizeof(name))) {
		draw_title(w, " heatmap ", false);
		draw_text(w, 2, 1, width - 2, "no row selected", theme_attr(THEME_ROLE_dim), false);
		return;
	}
	if (ui->o->replay_path)
		snprintf(title, sizeof(title), " %s heatmap, whole recording ", name);
	else
		snprintf(title, sizeof(title), " %s heatmap, last %d ticks ", name, ROW_HISTORY_TICKS);
	draw_title(w, title, false);
	if (plot_h < 1 || width <= HEAT_X)
		return;
	if (!heat_build(ui, &k, (size_t)(width - HEAT_X), (size_t)plot_h, &g)) {
		draw_text(w, 1, 1, width - 2, ui->history ? "no history for this row yet: it "
			  "starts when the row is on screen" : "no history (out of memory)",
			  theme_attr(THEME_ROLE_dim), false);
		return;
	}
	snprintf(info, sizeof(info), "calls per cell, log scale: %s  (H: histogram)",
		 colour ? "blue few .. red most" : "\" .:-=+*#%@\" few .. most");
	draw_text(w, 1, 1, width - 2, info, theme_attr(THEME_ROLE_normal), false);
	if (!g.has_data)
		draw_text(w, 2, HEAT_X, width - HEAT_X, "no calls yet", theme_attr(THEME_ROLE_dim),
			  false);
	for (size_t line = 0; line < g.nlines; line++) {
		int y = 2 + (int)(g.nlines - 1 - line);
		char lbl[24];

		fmt_duration_ns(lbl, sizeof(lbl), line_lower_ns(&g, line));
		draw_text_right(w, y, 0, HEAT_LABEL_W, lbl, theme_attr(THEME_ROLE_normal));
		draw_text(w, y, HEAT_X - 1, 1, draw_ascii() ? "|" : "\u2502",
			  theme_attr(THEME_ROLE_dim), false);
		for (size_t d = 0; d < g.ncols; d++) {
			int lvl = heat_level(g.cells[line][d], g.max);
			char cell[2] = { heat_ramp[lvl], '\0' };

			if (!lvl)
				continue;
			if (colour)
				draw_text(w, y, HEAT_X + (int)d, 1, " ",
					  theme_attr((enum theme_role)(THEME_ROLE_heat1 +
								       (lvl - 1) * 5 / 9)), false);
			else
				draw_text(w, y, HEAT_X + (int)d, 1, cell,
					  theme_attr(THEME_ROLE_normal), false);
		}
	}
	draw_axis(ui, w, 2 + (int)(g.nlines ? g.nlines : 1), &g);
}

int heatmap_write_text(const struct ui *ui, FILE *f)
{
	static struct heat_grid g;
	char name[96], lbl[24], line_buf[ROW_HISTORY_TICKS + 1];
	struct row_key k;

	if (!ui_selected_key(ui, &k, name, sizeof(name)) ||
	    !heat_build(ui, &k, ROW_HISTORY_TICKS, ROW_HISTORY_ROWS, &g)) {
		fprintf(f, "# heatmap: no history for the selected row\n");
		return ferror(f) ? -EIO : 0;
	}
	/* name holds a sanitised comm (ui_selected_key) */
	fprintf(f, "# heatmap of %s: latency (lower bound, slowest on top) x %zu columns "
		"(%s), calls per cell on a log scale \" .:-=+*#%%@\"\n", name, g.ncols,
		ui->o->replay_path ? "the whole recording" : "oldest left, newest right");
	for (size_t l = g.nlines; l-- > 0;) {
		for (size_t d = 0; d < g.ncols; d++)
			line_buf[d] = heat_ramp[heat_level(g.cells[l][d], g.max)];
		line_buf[g.ncols] = '\0';
		fmt_duration_ns(lbl, sizeof(lbl), line_lower_ns(&g, l));
		fprintf(f, "%*s |%s\n", HEAT_LABEL_W, lbl, line_buf);
	}
	if (g.now >= 0)
		fprintf(f, "%*s  %*s^ (the tick shown)\n", HEAT_LABEL_W, "", (int)g.now, "");
	return ferror(f) ? -EIO : 0;
}

int heatmap_write_json(const struct ui *ui, FILE *f)
{
	static struct heat_grid g;
	char name[96];
	struct row_key k;

	if (!ui_selected_key(ui, &k, name, sizeof(name)) ||
	    !heat_build(ui, &k, ROW_HISTORY_TICKS, ROW_HISTORY_ROWS, &g)) {
		fputs("null", f);
		return ferror(f) ? -EIO : 0;
	}
	fputs("{\"row\":", f);
	json_write_string(f, name, strlen(name));
	fprintf(f, ",\"replay\":%s,\"now_col\":%ld,\"bucket_lower_ns\":[",
		ui->o->replay_path ? "true" : "false", g.now);
	for (size_t l = 0; l < g.nlines; l++)
		fprintf(f, "%s%" PRIu64, l ? "," : "", line_lower_ns(&g, l));
	fputs("],\"bucket_upper_ns\":[", f);
	for (size_t l = 0; l < g.nlines; l++) {
		uint32_t top = g.lo_row + (uint32_t)(l + 1) * g.rows_per_line;

		fprintf(f, "%s%" PRIu64, l ? "," : "", top >= ROW_HISTORY_ROWS ? UINT64_MAX :
			row_history_row_lower_ns(top) - 1);
	}
	fputs("],\"ticks\":[", f);
	for (size_t d = 0; d < g.ncols; d++) {
		const struct row_history_col *a = row_history_col(ui->history, g.col_first[d]);
		const struct row_history_col *b = row_history_col(ui->history, g.col_last[d]);

		fprintf(f, "%s{\"seq_first\":%" PRIu64 ",\"seq_last\":%" PRIu64
			",\"elapsed_ns\":%" PRIu64 "}", d ? "," : "", a->seq_first, b->seq_last,
			b->elapsed_ns);
	}
	/* counts[bucket][tick]: bucket 0 is the fastest, tick 0 the oldest */
	fputs("],\"counts\":[", f);
	for (size_t l = 0; l < g.nlines; l++) {
		fputs(l ? ",[" : "[", f);
		for (size_t d = 0; d < g.ncols; d++)
			fprintf(f, "%s%" PRIu64, d ? "," : "", g.cells[l][d]);
		fputc(']', f);
	}
	fputs("]}", f);
	return ferror(f) ? -EIO : 0;
}
