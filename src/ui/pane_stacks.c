/*
 * pane_stacks.c - the stacks of slow calls (--slow) of the selected row:
 * a syscall row (one syscall, of one process or all), a process row (all
 * its syscalls) or a function row. Slowest first, each with its counts,
 * its slowest call, its kernel then user frames and what the walk could
 * not see. Drawn over the panes like the help screen; it scrolls.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

#define KEY_ESCAPE 27
#define STACKS_MAX 256		/* shown per row; the rest are counted */
#define STACK_LINE_LEN 256

/* Which stacks belong to the selected row. */
struct stack_sel {
	bool ok;		/* a row that can have stacks is selected */
	bool func;		/* a function row: what = SNAP_STACK_FUNC | probe id */
	uint32_t pid;		/* 0: any process */
	uint32_t what;		/* syscall number or function; UINT32_MAX: any syscall */
	char name[200];		/* the row, for the title */
	const char *why;	/* when !ok: why this row has none */
};

static void selection(const struct ui *ui, struct stack_sel *sel)
{
	enum snap_family f;
	const struct fam_view_row *fr = ui_fam_selected(ui, &f);
	const struct view_row *r;

	memset(sel, 0, sizeof(*sel));
	if (ui->focus == TABLE_FAMILY) {
		if (!fr) {
			sel->why = "no row selected";
			return;
		}
		if (f != SNAP_FAM_FUNC) {
			sel->why = "stacks are kept for syscall and function rows only";
			return;
		}
		sel->ok = sel->func = true;
		sel->pid = fr->key.tgid;
		sel->what = SNAP_STACK_FUNC | fr->key.a;
		ui_fam_row_title(ui, f, fr, sel->name, sizeof(sel->name));
		return;
	}
	if (ui->focus == TABLE_CLIENTS) {
		sel->why = "stacks are kept for syscall and function rows only";
		return;
	}
	r = ui_selected_row(ui, NULL);
	if (!r) {
		sel->why = "no row selected";
		return;
	}
	sel->ok = true;
	sel->pid = r->pid;
	sel->what = r->nr;
	if (r->nr == UINT32_MAX) {
		char comm[ABI_COMM_LEN * 2];

		sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
		snprintf(sel->name, sizeof(sel->name), "%s[%u], all syscalls", comm, r->pid);
	} else {
		ui_row_label(r, sel->name, sizeof(sel->name));
	}
}

static bool stack_of(const struct stack_sel *sel, const struct snap_stack *st)
{
	if (sel->pid && st->pid != sel->pid)
		return false;
	if (sel->func)
		return st->what == sel->what;
	if (st->what & SNAP_STACK_FUNC)
		return false;
	return sel->what == UINT32_MAX || st->what == sel->what;
}

/* Slowest call first, then the most frequent; ties by pid for a stable order. */
static int cmp_stack(const void *pa, const void *pb)
{
	const struct snap_stack *a = *(const struct snap_stack *const *)pa;
	const struct snap_stack *b = *(const struct snap_stack *const *)pb;

	if (a->max_ns != b->max_ns)
		return a->max_ns < b->max_ns ? 1 : -1;
	if (a->count_total != b->count_total)
		return a->count_total < b->count_total ? 1 : -1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

/* The row's stacks, sorted, at most @cap; *@total: how many it has. */
static size_t collect(const struct snapshot *s, const struct stack_sel *sel,
		      const struct snap_stack **out, size_t cap, size_t *total)
{
	size_t n = 0;

	*total = 0;
	for (size_t i = 0; s && sel->ok && i < s->n_stacks; i++) {
		if (!stack_of(sel, &s->stacks[i]))
			continue;
		(*total)++;
		if (n < cap)
			out[n++] = &s->stacks[i];
	}
	qsort(out, n, sizeof(*out), cmp_stack);
	return n;
}

/* One line of the view; @frame: an untrusted frame name, sanitised here. */
typedef void (*stack_line_fn)(void *ctx, const char *text, bool heading);

static void frame_line(stack_line_fn emit, void *ctx, const char *frame)
{
	char clean[STACK_LINE_LEN], line[STACK_LINE_LEN + 8];

	sanitize_text(clean, sizeof(clean), frame, strnlen(frame, STACK_LINE_LEN - 1));
	snprintf(line, sizeof(line), "      %s", clean);
	emit(ctx, line, false);
}

/* Every line of the view (title aside), through @emit. */
static void stack_lines(const struct ui *ui, stack_line_fn emit, void *ctx)
{
	static const struct snap_stack *list[STACKS_MAX];
	const struct snapshot *s = ui->snap;
	struct stack_sel sel;
	char line[STACK_LINE_LEN], slow[16];
	size_t n, total;

	selection(ui, &sel);
	if (!s || !s->slow_ns) {
		emit(ctx, "no stacks: --slow is off (D sets a threshold, e.g. 5ms)", false);
		return;
	}
	fmt_duration_ns(slow, sizeof(slow), s->slow_ns);
	if (!sel.ok) {
		emit(ctx, sel.why, false);
		return;
	}
	n = collect(s, &sel, list, STACKS_MAX, &total);
	if (!n) {
		snprintf(line, sizeof(line), "no call of %s slower than %s yet", sel.name, slow);
		emit(ctx, line, false);
	}
	if (s->stacks_dropped_total) {
		snprintf(line, sizeof(line), "%" PRIu64 " slow calls' stacks dropped since start "
			 "(the kernel's stack map was full: --max-stacks)", s->stacks_dropped_total);
		emit(ctx, line, false);
	}
	for (size_t i = 0; i < n; i++) {
		const struct snap_stack *st = list[i];
		char max[16], comm[ABI_COMM_LEN * 2], what[48];

		fmt_duration_ns(max, sizeof(max), st->max_ns);
		sanitize_text(comm, sizeof(comm), st->comm, strnlen(st->comm, ABI_COMM_LEN));
		if (st->what & SNAP_STACK_FUNC)
			snprintf(what, sizeof(what), "function");
		else
			syscall_name_or_nr(st->what, what, sizeof(what));
		snprintf(line, sizeof(line), "#%zu  %" PRIu64 " calls (%" PRIu64 " this tick)  max %s"
			 "  %s in %s[%u]", i + 1, st->count_total, st->count, max, what, comm,
			 st->pid);
		emit(ctx, line, true);
		if (st->flags & SNAP_STACK_TRUNCATED)
			emit(ctx, "    user stack truncated: the walk stopped early (no frame "
			     "pointers?)", false);
		if ((st->flags & SNAP_STACK_LEAF) && (st->flags & SNAP_STACK_REPAIRED))
			emit(ctx, "    starts in a frameless leaf: its caller put back from the "
			     "return address", false);
		else if (st->flags & SNAP_STACK_LEAF)
			emit(ctx, "    starts in a frameless leaf: its first caller may be missing",
			     false);
		if (st->n_kernel) {
			emit(ctx, "    kernel:", false);
			for (unsigned int k = 0; k < st->n_kernel; k++)
				frame_line(emit, ctx, snap_stack_frame(s, st, k));
		}
		if (st->n_user) {
			emit(ctx, "    user:", false);
			for (unsigned int k = 0; k < st->n_user; k++)
				frame_line(emit, ctx, snap_stack_frame(s, st, st->n_kernel + k));
		}
		if (!st->n_kernel && !st->n_user)
			emit(ctx, "    no frames recorded", false);
	}
	if (total > n) {
		snprintf(line, sizeof(line), "... and %zu more stacks", total - n);
		emit(ctx, line, false);
	}
}

static void title_of(const struct ui *ui, char *buf, size_t len)
{
	struct stack_sel sel;
	char slow[24] = "--slow off";

	selection(ui, &sel);
	if (ui->snap && ui->snap->slow_ns) {
		slow[0] = '>';
		fmt_duration_ns(slow + 1, sizeof(slow) - 1, ui->snap->slow_ns);
	}
	snprintf(buf, len, " Stacks of slow calls (%s)%s%s ", slow, sel.ok ? ": " : "",
		 sel.ok ? sel.name : "");
}

struct draw_ctx {
	WINDOW *w;
	int line, top, rows, width;
};

static void draw_line(void *ctx, const char *text, bool heading)
{
	struct draw_ctx *d = ctx;
	int y = d->line++ - d->top;

	if (y < 0 || y >= d->rows)
		return;
	draw_text(d->w, 1 + y, 1, d->width, text,
		  theme_attr(heading ? THEME_ROLE_header : THEME_ROLE_normal), false);
}

static void count_line(void *ctx, const char *text, bool heading)
{
	(void)text;
	(void)heading;
	(*(int *)ctx)++;
}

void pane_stacks_draw(struct ui *ui, WINDOW *w)
{
	char title[STACK_LINE_LEN];
	struct draw_ctx d = { w, 0, 0, getmaxy(w) - 2, getmaxx(w) - 2 };
	int n = 0;

	stack_lines(ui, count_line, &n);
	/* Clamped here, where the length is known: scrolling past the end stops at it. */
	if (ui->stacks_top > n - d.rows)
		ui->stacks_top = n - d.rows;
	if (ui->stacks_top < 0)
		ui->stacks_top = 0;
	d.top = ui->stacks_top;
	title_of(ui, title, sizeof(title));
	box(w, 0, 0);
	draw_title(w, title, true);
	stack_lines(ui, draw_line, &d);
	if (n > d.rows && d.rows > 0) {	/* where we are, as the help screen says it */
		char pos[48];

		snprintf(pos, sizeof(pos), " %d-%d/%d ", d.top + 1,
			 d.top + d.rows < n ? d.top + d.rows : n, n);
		draw_text(w, getmaxy(w) - 1, getmaxx(w) - 2 - (int)strlen(pos), (int)strlen(pos),
			  pos, theme_attr(THEME_ROLE_dim), false);
	}
}

int ui_stacks_toggle(struct ui *ui)
{
	ui->stacks_open = !ui->stacks_open;
	ui->stacks_top = 0;
	if (ui->stacks_open)
		ui_set_status(ui, false, ui->snap && ui->snap->slow_ns ?
			      "stacks of the selected row's slow calls, slowest first (s saves "
			      "them, D changes the threshold)" :
			      "--slow is off: D sets a threshold, then stacks of slower calls "
			      "come in");
	return REDRAW_ALL;
}

int ui_stacks_key(struct ui *ui, int key, bool *handled)
{
	int page = LINES > 10 ? LINES - 8 : 1;

	*handled = true;
	switch (key) {
	case KEY_ESCAPE: case 'S': case '\n': case '\r': case KEY_ENTER:
		return ui_stacks_toggle(ui);
	case KEY_UP: case 'k': ui->stacks_top--; break;
	case KEY_DOWN: case 'j': ui->stacks_top++; break;
	case KEY_PPAGE: ui->stacks_top -= page; break;
	case KEY_NPAGE: ui->stacks_top += page; break;
	case KEY_HOME: ui->stacks_top = 0; break;
	case KEY_END: ui->stacks_top = 1000000; break;	/* drawing clamps it */
	default:
		*handled = false;
		return REDRAW_NONE;
	}
	if (ui->stacks_top < 0)
		ui->stacks_top = 0;
	if (ui->stacks_top > 1000000)
		ui->stacks_top = 1000000;
	return REDRAW_OVERLAY;
}

static void file_line(void *ctx, const char *text, bool heading)
{
	FILE *out = ctx;

	fprintf(out, "%s%s\n", heading ? "\n" : "", text);
}

int ui_stacks_write_text(const struct ui *ui, FILE *out)
{
	char title[STACK_LINE_LEN];

	if (!ui->snap || !ui->snap->slow_ns)
		return 0;	/* --slow off: nothing to add to the screen */
	title_of(ui, title, sizeof(title));
	fprintf(out, "\n--- stacks of slow calls of the selected row (all of them) ---\n%s\n", title);
	stack_lines(ui, file_line, out);
	return ferror(out) ? -EIO : 0;
}
