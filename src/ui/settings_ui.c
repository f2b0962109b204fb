/* settings_ui.c - lattoprc for the dashboard: applied under the command line, changes saved. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collector.h"
#include "core/assert_expr.h"
#include "ui/settings_file.h"
#include "ui/settings_ui.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

_Static_assert((int)COLS_SYSCALLS == (int)SETTINGS_SYSCALLS &&
		       (int)COLS_PROCS == (int)SETTINGS_PROCESSES &&
		       (int)COLS_CLIENTS == (int)SETTINGS_CLIENTS &&
		       (int)COLS_NR == (int)SETTINGS_TABLE_NR,
	       "settings tables follow enum ui_cols");
_Static_assert(sizeof(((struct ui *)0)->slo_text) / sizeof(((struct ui *)0)->slo_text[0]) ==
		       SETTINGS_SLO_MAX &&
		       sizeof(((struct ui *)0)->slo_text[0]) == SETTINGS_SLO_LEN,
	       "ui->slo_text holds what the settings file may hold");
_Static_assert(TABLE_MAX_COLS <= SETTINGS_COLS_MAX, "hidden columns fit the file's mask");

static void schema_build(struct settings_ui *cfg)
{
	for (int t = 0; t < SETTINGS_TABLE_NR; t++) {
		const struct table_col *cols;
		size_t n = ui_table_columns((enum ui_cols)t, &cols);

		if (n > TABLE_MAX_COLS)
			n = TABLE_MAX_COLS;
		for (size_t i = 0; i < n; i++)
			cfg->titles[t][i] = cols[i].title;
		cfg->schema.cols[t] = cfg->titles[t];
		cfg->schema.n_cols[t] = n;
	}
	cfg->schema.themes = theme_names;
	cfg->schema.n_themes = theme_count;
}

const char *settings_ui_theme(const struct ui *ui)
{
	return ui->o->theme ? ui->o->theme : ui->cfg.file.theme;
}

static uint32_t cols_mask(const struct settings_ui *cfg, int t)
{
	size_t n = cfg->schema.n_cols[t];

	return n >= 32 ? UINT32_MAX : (1u << n) - 1;
}

void settings_ui_gather(const struct ui *ui, struct ui_settings *now)
{
	const struct settings_ui *cfg = &ui->cfg;

	*now = cfg->start;	/* the thresholds: the file's, never edited here */
	if (ui->theme_idx != cfg->start_theme_idx && ui->theme_idx < theme_count)
		snprintf(now->theme, sizeof(now->theme), "%s", theme_names[ui->theme_idx]);
	now->interval_ms = collector_seekable(ui->c) ?
				   cfg->replay_interval_ms :
				   settings_interval_step_ms(
					   (uint32_t)(collector_interval(ui->c) / 1000000), 0);
	for (int t = 0; t < TABLE_NR; t++) {
		now->sort[t] = (int)ui->tables[t].sort;
		now->sort_asc[t] = ui->tables[t].ascending;
	}
	now->sort[SETTINGS_CLIENTS] = (int)ui->clients.sort;
	now->sort_asc[SETTINGS_CLIENTS] = ui->clients.ascending;
	for (int t = 0; t < SETTINGS_TABLE_NR; t++)
		now->hidden[t] = ui->col_hidden[t] & cols_mask(cfg, t);
	now->waits = ui->show_waits;
}

/* The thresholds the dashboard checks: --slo when given, else the file's (canonical text). */
static void slo_fill(struct ui *ui)
{
	const struct ui_opts *o = ui->o;
	struct assert_expr e;
	char err[160];

	ui->n_slo = 0;
	for (size_t i = 0; i < o->n_slo && ui->n_slo < SETTINGS_SLO_MAX; i++)
		if (!assert_expr_parse(o->slo[i], &e, err, sizeof(err)))
			assert_expr_text(&e, ui->slo_text[ui->n_slo++], SETTINGS_SLO_LEN);
	if (o->n_slo)
		return;
	for (size_t i = 0; i < ui->cfg.file.n_slo; i++)
		snprintf(ui->slo_text[ui->n_slo++], SETTINGS_SLO_LEN, "%s", ui->cfg.file.slo[i]);
}

/* The file's values, except where the command line gave one. */
static void apply(struct ui *ui, bool have_file)
{
	const struct ui_settings *f = &ui->cfg.file;
	const char *theme = settings_ui_theme(ui);

	for (size_t i = 0; i < theme_count; i++)
		if (!strcmp(theme, theme_names[i]))
			ui->theme_idx = i;
	ui->cfg.replay_interval_ms = f->interval_ms;
	if (have_file && !ui->o->interval_given && !collector_seekable(ui->c))
		collector_set_interval(ui->c, (uint64_t)f->interval_ms * 1000000ull);
	for (int t = 0; t < TABLE_NR; t++) {
		ui->tables[t].sort = (enum view_sort)f->sort[t];
		ui->tables[t].ascending = f->sort_asc[t];
	}
	ui->clients.sort = (enum client_sort)f->sort[SETTINGS_CLIENTS];
	ui->clients.ascending = f->sort_asc[SETTINGS_CLIENTS];
	for (int t = 0; t < SETTINGS_TABLE_NR; t++)
		ui->col_hidden[t] = f->hidden[t];
	ui->show_waits = f->waits;
}

void settings_ui_load(struct ui *ui)
{
	struct settings_ui *cfg = &ui->cfg;
	char err[sizeof(cfg->why_not)], *text = NULL;
	bool have_file = false;
	size_t len = 0;
	int ret;

	cfg->sub = -1;
	schema_build(cfg);
	settings_defaults(&cfg->file);
	for (int t = 0; t < SETTINGS_TABLE_NR; t++) {	/* columns that start hidden */
		const struct table_col *cols;
		size_t n = ui_table_columns((enum ui_cols)t, &cols);

		for (size_t c = 0; c < n && c < 32; c++)
			if (cols[c].off)
				cfg->file.hidden[t] |= 1u << c;
	}
	if (ui->o->no_config) {
		cfg->no_write = true;
		snprintf(cfg->why_not, sizeof(cfg->why_not), "--no-config or record");
	} else if (settings_file_path(cfg->path, sizeof(cfg->path), err, sizeof(err))) {
		cfg->path[0] = '\0';
		cfg->no_write = true;
		snprintf(cfg->why_not, sizeof(cfg->why_not), "%s", err);
	} else {
		text = malloc(SETTINGS_FILE_MAX);
		ret = text ? settings_file_read(cfg->path, text, SETTINGS_FILE_MAX, &len, err,
						sizeof(err)) :
			     -ENOMEM;
		if (!ret) {
			have_file = true;
			settings_parse(&cfg->file, &cfg->schema, text, len, cfg->path,
				       &cfg->problems);
		} else if (ret != -ENOENT) {
			/* Never replace what could not be read: it may not be ours to replace. */
			cfg->no_write = true;
			snprintf(cfg->why_not, sizeof(cfg->why_not), "%s",
				 text ? err : "out of memory");
			ui_set_status(ui, true, "settings: %s", cfg->why_not);
		}
		free(text);
	}
	apply(ui, have_file);
	slo_fill(ui);
	cfg->start = cfg->file;
	snprintf(cfg->start.theme, sizeof(cfg->start.theme), "%s", settings_ui_theme(ui));
	cfg->start_theme_idx = ui->theme_idx;
	settings_ui_gather(ui, &cfg->start);
	if (cfg->problems.n > 1)
		ui_set_status(ui, true, "%s (+%zu more: F2 lists them)", cfg->problems.msg[0],
			      cfg->problems.n - 1);
	else if (cfg->problems.n)
		ui_set_status(ui, true, "%s", cfg->problems.msg[0]);
}

/* What the file had, with what the operator changed since start (or the last save). */
static void merge(struct ui_settings *out, const struct ui_settings *start,
		  const struct ui_settings *now)
{
	if (strcmp(now->theme, start->theme))
		snprintf(out->theme, sizeof(out->theme), "%s", now->theme);
	if (now->interval_ms != start->interval_ms)
		out->interval_ms = now->interval_ms;
	for (int t = 0; t < SETTINGS_TABLE_NR; t++) {
		if (now->sort[t] != start->sort[t] || now->sort_asc[t] != start->sort_asc[t]) {
			out->sort[t] = now->sort[t];
			out->sort_asc[t] = now->sort_asc[t];
		}
		if (now->hidden[t] != start->hidden[t])
			out->hidden[t] = now->hidden[t];
	}
	if (now->waits != start->waits)
		out->waits = now->waits;
}

int settings_ui_save(struct ui *ui, char *msg, size_t len)
{
	struct settings_ui *cfg = &ui->cfg;
	struct ui_settings now, out = cfg->file;
	char text[16384], err[sizeof(cfg->why_not)];
	int n, ret;

	if (ui->o->no_config) {
		snprintf(msg, len, "settings not saved: --no-config or record");
		return 0;
	}
	settings_ui_gather(ui, &now);
	merge(&out, &cfg->start, &now);
	if (settings_equal(&out, &cfg->file)) {
		snprintf(msg, len, "settings unchanged%s%s", cfg->path[0] ? ": " : "", cfg->path);
		return 0;
	}
	if (cfg->no_write) {
		snprintf(msg, len, "settings not saved: %s", cfg->why_not);
		return -EPERM;
	}
	n = settings_format(&out, &cfg->schema, text, sizeof(text));
	ret = n < 0 ? n : settings_file_write(cfg->path, text, (size_t)n, err, sizeof(err));
	if (ret) {
		snprintf(msg, len, "settings not saved: %s", n < 0 ? "too long" : err);
		return ret;
	}
	if (cfg->problems.n)
		snprintf(msg, len, "settings saved to %s (%zu bad line%s dropped)", cfg->path,
			 cfg->problems.n, cfg->problems.n > 1 ? "s" : "");
	else
		snprintf(msg, len, "settings saved to %s", cfg->path);
	cfg->problems.n = 0;
	cfg->file = out;
	cfg->start = now;
	cfg->start_theme_idx = ui->theme_idx;
	return 1;
}
