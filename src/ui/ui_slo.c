/*
 * ui_slo.c - thresholds on the dashboard: parsed from ui->slo_text, checked
 * on every row of the two tables for the frame on screen (core/slo.h), rows
 * that break one in the breach role (and marked '!' by the table, for
 * terminals without colour), the header's count and the status line's
 * first breach. Main thread only.
 */
#include <stdio.h>
#include <string.h>

#include "core/syscall_names.h"
#include "export/fmt_duration.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

void ui_slo_eval(struct ui *ui)
{
	struct ui_slo_state *st = &ui->slo;
	enum filter_waits waits = ui_waits_filter(ui);
	size_t n = ui->n_slo < SLO_MAX ? ui->n_slo : SLO_MAX;

	st->n_broken = 0;
	/* Parsed every frame: the texts may change under us (settings), and it costs nothing. */
	if (slo_set_parse(&st->set, (const char (*)[128])ui->slo_text, n, st->parse_err,
			  sizeof(st->parse_err)))
		st->set.n = 0;
	if (!st->set.n || !ui->snap)
		return;
	slo_eval_view(&st->set, ui->snap, &ui->tables[TABLE_SYSCALLS].view, ui->cumulative, waits,
		      st->sys);
	slo_eval_view(&st->set, ui->snap, &ui->tables[TABLE_PROCS].view, ui->cumulative, waits,
		      st->proc);
	for (size_t i = 0; i < st->set.n; i++)
		st->n_broken += st->sys[i].broken || st->proc[i].broken;
}

void ui_slo_status(struct ui *ui)
{
	char now[200];

	ui_slo_first_text(ui, now, sizeof(now));
	if (!strcmp(now, ui->slo.first))
		return;
	/* Say it when it changes; "ok again" when the last breach has gone. */
	if (now[0])
		ui_set_status(ui, true, "%s", now);
	else
		ui_set_status(ui, false, "SLO ok again");
	snprintf(ui->slo.first, sizeof(ui->slo.first), "%s", now);
}

static attr_t row_attr(struct ui *ui, enum ui_table t, size_t row)
{
	const struct view *v = &ui->tables[t].view;

	if (!ui->slo.set.n || row >= v->n || !ui->snap)
		return 0;
	return slo_row_broken(&ui->slo.set, ui->snap, &v->rows[row], ui->cumulative,
			      ui_waits_filter(ui), NULL) >= 0 ? theme_attr(THEME_ROLE_breach) : 0;
}

attr_t ui_slo_syscalls_attr(void *ctx, size_t row)
{
	return row_attr(ctx, TABLE_SYSCALLS, row);
}

attr_t ui_slo_procs_attr(void *ctx, size_t row)
{
	return row_attr(ctx, TABLE_PROCS, row);
}

bool ui_slo_header(const struct ui *ui, char *buf, size_t len)
{
	buf[0] = '\0';
	if (ui->slo.parse_err[0]) {
		snprintf(buf, len, "SLO: bad");
		return true;
	}
	if (!ui->slo.set.n)
		return false;
	if (ui->slo.n_broken)
		snprintf(buf, len, "SLO: %zu broken", ui->slo.n_broken);
	else
		snprintf(buf, len, "SLO ok");
	return ui->slo.n_broken > 0;
}

/* "p99(read) 14.2ms > 10ms": the metric over the row's syscall, the value, how it compares. */
static void breach_text(const struct assert_expr *e, const struct view_row *r, uint64_t actual,
			char *buf, size_t len)
{
	static const char *const metric[ASSERT_METRIC_NR] = {
		"p50", "p90", "p99", "p999", "max", "avg", "count", "errors",
	};
	char name[48] = "", sys[32], val[24];
	uint32_t nr = e->nr >= 0 ? (uint32_t)e->nr : r->nr;

	if (nr != UINT32_MAX)
		snprintf(name, sizeof(name), "(%s)", syscall_name_or_nr(nr, sys, sizeof(sys)));
	if (assert_expr_is_time(e))
		fmt_duration_ns(val, sizeof(val), actual);
	else
		snprintf(val, sizeof(val), "%llu", (unsigned long long)actual);
	snprintf(buf, len, "%s%s %s %s %s", metric[e->metric % ASSERT_METRIC_NR], name, val,
		 actual > e->value ? ">" : actual < e->value ? "<" : "==", e->value_text);
}

void ui_slo_first_text(const struct ui *ui, char *buf, size_t len)
{
	const struct ui_slo_state *st = &ui->slo;

	buf[0] = '\0';
	if (st->parse_err[0]) {
		snprintf(buf, len, "SLO: %s", st->parse_err);
		return;
	}
	for (size_t i = 0; i < st->set.n; i++) {
		const struct slo_result *res = st->sys[i].broken ? &st->sys[i] :
					       st->proc[i].broken ? &st->proc[i] : NULL;
		const struct view *v = &ui->tables[st->sys[i].broken ? TABLE_SYSCALLS :
							      TABLE_PROCS].view;
		char what[96];

		if (!res || res->row >= v->n)
			continue;
		breach_text(&st->set.e[i], &v->rows[res->row], res->actual, what, sizeof(what));
		if (v == &ui->tables[TABLE_PROCS].view && v->rows[res->row].nr == UINT32_MAX)
			snprintf(buf, len, "SLO broken: %s (pid %u)", what, v->rows[res->row].pid);
		else
			snprintf(buf, len, "SLO broken: %s", what);
		return;
	}
}
