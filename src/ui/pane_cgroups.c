/*
 * pane_cgroups.c - containers and services: the Containers pane ('g', in
 * place of the processes pane: per cgroup its processes, calls, errors,
 * worst p99 and its syscall, requests), its drill-down (Enter: the processes
 * filtered by the cgroup's cg: term; Esc: back), the cgroup picker ('G') and
 * the CGROUP cells of the other tables. Cgroup names are untrusted: every
 * cell goes through the table's sanitiser.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cgroup_view.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

enum cg_col { GC_NAME, GC_PROCS, GC_RATE, GC_ERRS, GC_P99, GC_SLOWEST, GC_REQ };
static const struct table_col cg_cols[] = {
	/* Grows for long names; cut head…tail (docker:3f2a…, pod:5f1c…/3f2a… differ at the end). */
	[GC_NAME] = { "CGROUP", 14, false, false, 0, 40, 0, false, true },
	[GC_PROCS] = { "PROCS", 5, true, false, 2 },
	[GC_RATE] = { "CALLS/s", 8, true, false, 0 },
	[GC_ERRS] = { "ERR/s", 7, true, false, 3 },
	[GC_P99] = { "P99", 7, true, false, 0 },
	[GC_SLOWEST] = { "SLOWEST", 10, false, false, 1, 16 },
	[GC_REQ] = { "REQ/s", 7, true, false, 4 },
};

void ui_fmt_cgroup(const struct ui *ui, uint64_t id, const struct snap_cgroup *cg, char *buf,
		   size_t len)
{
	(void)ui;
	if (cg && cg->name[0])
		snprintf(buf, len, "%.*s", SNAP_CGROUP_NAME_LEN, cg->name);
	else if (cg && cg->path[0])
		snprintf(buf, len, "%.*s", SNAP_CGROUP_PATH_LEN, cg->path);
	else if (id && ui->snap && ui->snap->cgroups_state == SNAP_CGROUPS_ON)
		snprintf(buf, len, "id:%" PRIu64, id);	/* not resolved (yet): the id */
	else
		snprintf(buf, len, "-");	/* no cgroup, or no names at all (the header says) */
}

uint32_t ui_cols_hidden(const struct ui *ui, enum ui_cols t)
{
	const struct table_col *cols;
	size_t n = ui_table_columns(t, &cols);
	uint32_t hidden = ui->col_hidden[t];

	/* Runs without cgroups (--no-cgroups, older recordings): no column of dashes. */
	if (ui->snap && ui->snap->cgroups_state != SNAP_CGROUPS_OFF)
		return hidden;
	for (size_t i = 0; i < n && i < 32; i++)
		if (!strcmp(cols[i].title, "CGROUP"))
			hidden |= 1u << i;
	return hidden;
}

bool ui_cgroups_shown(const struct ui *ui)
{
	return ui->cgroups.open && ui->snap && !ui->clients.in_procs && ui->fam_pane == 0 &&
	       ui->drill == DRILL_NONE;
}

/* The filter the pane and the picker sum under: the operator's, as the tables see it. */
static struct filter view_filter(const struct ui *ui)
{
	struct filter f = ui->filter;

	f.waits = ui_waits_filter(ui);
	f.hide_pid = ui_hidden_pid(ui);
	return f;
}

int ui_cgroups_rebuild(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;
	struct filter f;
	int ret;

	if (!ui->snap || !cs->open) {
		cs->n = 0;
		return 0;
	}
	f = view_filter(ui);
	ret = cgroup_view_build(ui->snap, &f, ui->cumulative, &cs->rows, &cs->n, &cs->cap);
	if (ret) {
		cs->n = 0;
		return ret;
	}
	/* The selection keeps its cgroup across re-sorts. */
	if (cs->sel_known)
		for (size_t i = 0; i < cs->n; i++)
			if (cs->rows[i].id == cs->sel_id) {
				cs->pos.sel = i;
				break;
			}
	if (cs->pos.sel >= cs->n)
		cs->pos.sel = cs->n ? cs->n - 1 : 0;
	return 0;
}

void ui_cgroups_moved(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;

	if (cs->pos.sel < cs->n) {
		cs->sel_id = cs->rows[cs->pos.sel].id;
		cs->sel_known = true;
	}
}

void ui_cgroups_fini(struct ui *ui)
{
	free(ui->cgroups.rows);
	free(ui->cgroups.pick);
	ui->cgroups.rows = ui->cgroups.pick = NULL;
	ui->cgroups.n = ui->cgroups.cap = ui->cgroups.pick_n = ui->cgroups.pick_cap = 0;
}

int ui_cgroups_toggle(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;

	if (!cs->open && ui->snap && ui->snap->cgroups_state == SNAP_CGROUPS_OFF) {
		ui_set_status(ui, true, "containers: this run has no cgroups (--no-cgroups, or a "
			      "recording made without them)");
		return REDRAW_STATUS;
	}
	cs->open = !cs->open;
	if (cs->open) {	/* one table at a time in the processes pane */
		ui->clients.in_procs = false;
		ui->fam_pane = 0;
		ui->focus = TABLE_PROCS;
		ui->hist_focus = false;
		ui_set_status(ui, false, "containers: per cgroup, by calls (Enter: its processes, "
			      "G: pick one to filter on, g: processes)");
	} else {
		ui_set_status(ui, false, "processes");
	}
	return REDRAW_DATA | REDRAW_ALL;
}

/*
 * The value of a cg: term that finds @cg: its name, or the longest run of
 * it a filter term can hold (no blanks or commas, at most FILTER_CG_LEN - 1
 * bytes, its tail: names differ at the end); else the same of its path.
 */
static bool cg_term(const struct snap_cgroup *cg, char *out, size_t len)
{
	const char *srcs[2] = { cg->name, cg->path };
	size_t lens[2] = { sizeof(cg->name), sizeof(cg->path) };

	for (int k = 0; k < 2; k++) {
		size_t n = strnlen(srcs[k], lens[k]), best = 0, best_at = 0, run = 0;

		for (size_t i = 0; i <= n; i++) {
			unsigned char ch = i < n ? (unsigned char)srcs[k][i] : 0;

			if (i < n && ch > 0x20 && ch != 0x7f && ch != ',') {
				run++;
				continue;
			}
			if (run > best) {
				best = run;
				best_at = i - run;
			}
			run = 0;
		}
		if (!best)
			continue;
		if (best > FILTER_CG_LEN - 1) {	/* keep the tail */
			best_at += best - (FILTER_CG_LEN - 1);
			best = FILTER_CG_LEN - 1;
		}
		if (best >= len)
			return false;
		memcpy(out, srcs[k] + best_at, best);
		out[best] = '\0';
		return true;
	}
	return false;
}

/* The operator's filter with @cg as its only cg: term. */
static bool filter_on_cgroup(struct ui *ui, const struct cgroup_sum *c, struct filter *f)
{
	char term[FILTER_CG_LEN];

	if (!c->id || !c->cg || !cg_term(c->cg, term, sizeof(term))) {
		ui_set_status(ui, true, "no cgroup: rows without one cannot be filtered by cg:");
		return false;
	}
	*f = ui->filter;
	f->n_cg = 1;
	memcpy(f->cg[0], term, sizeof(term));
	return true;
}

int ui_cgroups_enter(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;
	struct filter f;

	if (!cs->n)
		return REDRAW_NONE;
	if (!filter_on_cgroup(ui, &cs->rows[cs->pos.sel < cs->n ? cs->pos.sel : 0], &f))
		return REDRAW_STATUS;
	cs->saved_filter = ui->filter;
	cs->drilled = true;
	cs->open = false;
	ui_filter_set(ui, &f);
	ui->focus = TABLE_PROCS;
	ui->hist_focus = false;
	ui_set_status(ui, false, "filter: %s (Enter: a process's syscalls, Esc: containers)",
		      ui->filter_text);
	return REDRAW_DATA | REDRAW_ALL;
}

int ui_cgroups_back(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;

	if (cs->drilled) {	/* from its processes: the filter before, and the pane again */
		cs->drilled = false;
		ui_filter_set(ui, &cs->saved_filter);
		cs->open = true;
	} else {
		cs->open = false;	/* the pane itself: the processes again */
	}
	ui->focus = TABLE_PROCS;
	ui->hist_focus = false;
	ui_set_status(ui, false, cs->open ? "containers (filter: %s)" : "processes%s",
		      cs->open ? (ui->filter_text[0] ? ui->filter_text : "(none)") : "");
	return REDRAW_DATA | REDRAW_ALL;
}

static void fmt_p99(char *buf, size_t len, uint64_t calls, uint64_t ns)
{
	if (calls && ns)
		fmt_duration_ns(buf, len, ns);
	else
		snprintf(buf, len, "-");
}

static void fmt_slowest(char *buf, size_t len, const struct cgroup_sum *c)
{
	if (c->calls)
		ui_fmt_syscall(buf, len, c->slowest_nr, c->slowest_wait);
	else
		snprintf(buf, len, "-");
}

static void cg_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	const struct cgroup_sum *c = &ui->cgroups.rows[row];

	switch ((enum cg_col)col) {
	case GC_NAME:
		if (!c->id)
			snprintf(buf, len, "(no cgroup)");
		else
			ui_fmt_cgroup(ui, c->id, c->cg, buf, len);
		*untrusted = true;
		break;
	case GC_PROCS:
		snprintf(buf, len, "%u", c->n_procs);
		break;
	case GC_RATE:
		ui_fmt_rate(buf, len, ui_per_second(ui, c->calls));
		break;
	case GC_ERRS:
		ui_fmt_rate(buf, len, ui_per_second(ui, c->errors));
		break;
	case GC_P99:
		fmt_p99(buf, len, c->calls, c->worst_p99_ns);
		break;
	case GC_SLOWEST:
		fmt_slowest(buf, len, c);
		break;
	case GC_REQ:
		ui_fmt_rate(buf, len, ui_per_second(ui, c->requests));
		break;
	}
}

void ui_cgroups_row_text(const struct ui *ui, size_t row, char *buf, size_t len)
{
	const struct cgroup_sum *c = &ui->cgroups.rows[row];
	char name[SNAP_CGROUP_NAME_LEN], clean[4 * SNAP_CGROUP_NAME_LEN];

	ui_fmt_cgroup(ui, c->id, c->cg, name, sizeof(name));
	sanitize_text(clean, sizeof(clean), name, strnlen(name, sizeof(name)));
	snprintf(buf, len, "%s", clean);
}

void pane_cgroups_draw(struct ui *ui, WINDOW *w)
{
	struct ui_cgroups_state *cs = &ui->cgroups;
	const struct snapshot *s = ui->snap;
	bool focused = ui->focus == TABLE_PROCS && !ui->hist_focus;
	char title[160];
	struct table_spec spec = {
		.cols = cg_cols, .ncols = sizeof(cg_cols) / sizeof(cg_cols[0]),
		.sort_col = GC_RATE, .focused = focused, .cell = cg_cell, .ctx = ui,
	};

	snprintf(title, sizeof(title), " Containers  %zu cgroup%s  sort:calls%s ", cs->n,
		 cs->n == 1 ? "" : "s", ui->filter_text[0] ? "  filtered" : "");
	draw_title(w, title, focused);
	table_draw(w, 1, getmaxy(w) - 1, &spec, cs->n, &cs->pos);
	if (!cs->n && getmaxy(w) > 3)
		draw_text(w, 3, 1, getmaxx(w) - 2, s && s->cgroups_state == SNAP_CGROUPS_OFF ?
			  "no cgroups in this run" : "no calls in any cgroup",
			  theme_attr(THEME_ROLE_dim), true);
}

/* The picker: the cgroups the other filter terms leave, by calls; "no cgroup" is no choice. */
int ui_cgpick_open(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;
	struct filter f;
	size_t k = 0;

	if (!ui->snap)
		return REDRAW_NONE;
	if (ui->snap->cgroups_state == SNAP_CGROUPS_OFF) {
		ui_set_status(ui, true, "cgroups: none in this run (--no-cgroups, or a recording "
			      "made without them)");
		return REDRAW_STATUS;
	}
	f = view_filter(ui);
	f.n_cg = 0;
	if (cgroup_view_build(ui->snap, &f, ui->cumulative, &cs->pick, &cs->pick_n,
			      &cs->pick_cap))
		return REDRAW_NONE;
	for (size_t i = 0; i < cs->pick_n; i++)
		if (cs->pick[i].id && cs->pick[i].cg)
			cs->pick[k++] = cs->pick[i];
	cs->pick_n = k;
	ui->pick_pos.sel = ui->pick_pos.top = 0;
	ui_prompt_open(ui, PICK_CGROUP, "");
	return REDRAW_OVERLAY;
}

static bool contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; n && *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

void ui_cgpick_jump(struct ui *ui, const char *typed)
{
	struct ui_cgroups_state *cs = &ui->cgroups;

	for (size_t i = 0; i < cs->pick_n; i++) {
		const struct snap_cgroup *cg = cs->pick[i].cg;

		if (contains_nocase(cg->name, typed) || contains_nocase(cg->path, typed)) {
			ui->pick_pos.sel = i;
			ui->prompt_error[0] = '\0';
			return;
		}
	}
	snprintf(ui->prompt_error, sizeof(ui->prompt_error), "no match");
}

int ui_cgpick_choose(struct ui *ui)
{
	struct ui_cgroups_state *cs = &ui->cgroups;
	struct filter f;

	ui->prompt = PROMPT_NONE;
	if (!cs->pick_n)
		return REDRAW_ALL;
	if (!filter_on_cgroup(ui, &cs->pick[ui->pick_pos.sel < cs->pick_n ? ui->pick_pos.sel : 0],
			      &f))
		return REDRAW_ALL;
	ui_filter_set(ui, &f);
	ui_set_status(ui, false, "filter: %s", ui->filter_text);
	return REDRAW_DATA | REDRAW_ALL;
}

void ui_cgpick_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted)
{
	struct ui *ui = ctx;
	const struct cgroup_sum *c = &ui->cgroups.pick[row];

	if (col == 0) {
		ui_fmt_cgroup(ui, c->id, c->cg, buf, len);
		*untrusted = true;
	} else {
		ui_fmt_rate(buf, len, ui_per_second(ui, c->calls));
	}
}
