/*
 * selection.c - a selection is a row, not a line number. Rows re-sort every
 * tick (sort by time, and the order changes with the load); an operator who
 * pressed Down once wants the histogram of that row until they move again.
 *
 * After each rebuild every table looks its selected row up again. A row that
 * left the view (no calls in this tick) is said so on the status line; the
 * selection then stays on the line it was on, unless 'F' follows the row, in
 * which case it waits for the row to come back. Until the operator moves a
 * table's selection (or after Home) it is the table's top line, whatever row
 * is there.
 */
#include <stdio.h>
#include <string.h>

#include "core/sanitize.h"
#include "ui/ui_state.h"

static struct ui_row_ident ident_of(const struct view_row *r)
{
	struct ui_row_ident id = { r->pid, r->pstart_ns, r->nr, r->wait };

	return id;
}

static bool ident_eq(const struct ui_row_ident *a, const struct ui_row_ident *b)
{
	return a->pid == b->pid && a->pstart_ns == b->pstart_ns && a->nr == b->nr &&
	       a->wait == b->wait;
}

void ui_row_label(const struct view_row *r, char *buf, size_t len)
{
	char comm[ABI_COMM_LEN * 2];

	if (r->pid)
		sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
	if (r->nr == UINT32_MAX) {
		snprintf(buf, len, "%s[%u]", comm, r->pid);
		return;
	}
	ui_fmt_syscall(buf, len, r->nr, r->wait);
	if (r->pid) {
		size_t n = strlen(buf);

		snprintf(buf + n, len - n, " in %s[%u]", comm, r->pid);
	}
}

/*
 * Said in the pane's title, not on the status line: rows come and go every
 * tick, and the status line carries what matters more (remedies, errors).
 */
static void say_gone(char *note, size_t len, const char *what, bool follow)
{
	if (follow)
		snprintf(note, len, "%s: not in this tick", what);
	else
		snprintf(note, len, "%s left the view", what);
}

static void restore_table(struct ui_table_state *t)
{
	struct view_row gone;

	if (!t->view.n) {
		t->sel_gone = t->sel_known;
		return;
	}
	if (t->sel_known) {
		for (size_t i = 0; i < t->view.n; i++) {
			struct ui_row_ident id = ident_of(&t->view.rows[i]);

			if (ident_eq(&t->sel_id, &id)) {
				/* Held (no calls, row_settle.h): a followed row is not in this tick. */
				if (t->follow && row_settle_row_held(&t->view.rows[i]))
					break;
				t->pos.sel = i;
				t->sel_gone = false;
				return;
			}
		}
		if (!t->sel_gone) {	/* say it once, not every tick */
			char what[64];

			memset(&gone, 0, sizeof(gone));
			gone.pid = t->sel_id.pid;
			gone.nr = t->sel_id.nr;
			gone.wait = t->sel_id.wait;
			/* The name of a process that left is no longer in the view: use the pid. */
			if (gone.nr == UINT32_MAX)
				snprintf(what, sizeof(what), "process %u", gone.pid);
			else
				ui_row_label(&gone, what, sizeof(what));
			say_gone(t->gone_note, sizeof(t->gone_note), what, t->follow);
		}
		t->sel_gone = true;
		if (t->follow)
			return;	/* keep the identity; the line stays where it was */
	}
	if (t->pos.sel >= t->view.n)
		t->pos.sel = t->view.n - 1;
	/*
	 * A selection the operator never moved is a line (the top: the most
	 * time), not a row: following the row it first landed on would scroll
	 * the table after it as it sinks, and the top rows, the slow work,
	 * would leave the screen. A row that left under a chosen selection
	 * hands it to the row now on its line.
	 */
	t->sel_id = ident_of(&t->view.rows[t->pos.sel]);
	t->sel_gone = false;
}

static void restore_clients(struct ui_clients_state *cs)
{
	if (!cs->view.n)
		return;
	if (cs->sel_known) {
		for (size_t i = 0; i < cs->view.n; i++) {
			if (!memcmp(&cs->view.rows[i]->key, &cs->sel_key, sizeof(cs->sel_key))) {
				cs->pos.sel = i;
				cs->sel_gone = false;
				return;
			}
		}
		if (!cs->sel_gone)
			say_gone(cs->gone_note, sizeof(cs->gone_note), "the selected client",
				 cs->follow);
		cs->sel_gone = true;
		if (cs->follow)
			return;
	}
	if (cs->pos.sel >= cs->view.n)
		cs->pos.sel = cs->view.n - 1;
	cs->sel_key = cs->view.rows[cs->pos.sel]->key;
	cs->sel_known = true;
	cs->sel_gone = false;
}

void ui_selection_restore(struct ui *ui)
{
	for (int t = 0; t < TABLE_NR; t++)
		restore_table(&ui->tables[t]);
	restore_clients(&ui->clients);
}

void ui_selection_moved(struct ui *ui)
{
	if (ui->focus == TABLE_FAMILY) {
		ui_fam_moved(ui);
		return;
	}
	if (ui->focus == TABLE_CLIENTS) {
		struct ui_clients_state *cs = &ui->clients;

		if (cs->view.n && cs->pos.sel < cs->view.n) {
			cs->sel_key = cs->view.rows[cs->pos.sel]->key;
			cs->sel_known = true;
			cs->sel_gone = false;
		}
		cs->gone_note[0] = '\0';
		return;
	}
	struct ui_table_state *t = &ui->tables[ui->focus];

	if (t->view.n && t->pos.sel < t->view.n) {
		t->sel_id = ident_of(&t->view.rows[t->pos.sel]);
		t->sel_known = true;
		t->sel_gone = false;
	}
	t->gone_note[0] = '\0';
}

void ui_selection_reset(struct ui *ui, enum ui_table t)
{
	if (t == TABLE_FAMILY) {
		for (int f = 0; f < SNAP_FAM_NR; f++) {
			ui->fam[f].pos.sel = ui->fam[f].pos.top = 0;
			ui->fam[f].sel_known = ui->fam[f].sel_gone = false;
		}
		return;
	}
	if (t == TABLE_CLIENTS) {
		ui->clients.pos.sel = ui->clients.pos.top = 0;
		ui->clients.sel_known = ui->clients.sel_gone = false;
		ui->clients.gone_note[0] = '\0';
		return;
	}
	ui->tables[t].pos.sel = ui->tables[t].pos.top = 0;
	ui->tables[t].sel_known = ui->tables[t].sel_gone = false;
	ui->tables[t].gone_note[0] = '\0';
}
