/*
 * pane_hist.c - the selected row's latency histogram: DTrace quantize rows
 * (powers of two) with bars and counts, p50/p99 marked; 'l' switches to the
 * finer log-linear buckets.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export/fmt_breakdown.h"
#include "core/family.h"
#include "core/hist.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/fmt_addr.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/hist_axis.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

#define HIST_MAX_LINES 320
#define PANE_HIST_BAR_MAX 40

struct hist_line {
	uint64_t lo_ns, hi_ns;	/* inclusive range of the line */
	uint64_t count;
	bool gap;		/* fine view: a run of empty slots, drawn as one "…" line */
};

/*
 * Quantize rows, or the log-linear slots in use: a run of empty slots
 * between two used ones is one gap line, so one sample is one line and
 * not dozens of 0 rows.
 */
static size_t hist_lines(const struct abi_hist *h, bool fine, struct hist_line *out, size_t cap)
{
	size_t n = 0;

	if (!fine) {
		struct hist_row rows[HIST_QUANTIZE_ROWS_MAX];
		size_t nr = hist_quantize_rows(h, rows, HIST_QUANTIZE_ROWS_MAX);

		for (size_t i = 0; i < nr && n < cap; i++, n++) {
			out[n].lo_ns = rows[i].value_ns;
			out[n].hi_ns = rows[i].value_ns ? rows[i].value_ns * 2 - 1 : 0;
			out[n].count = rows[i].count;
		}
		return n;
	}
	int lo = -1, hi = -1;

	for (int i = 0; i < (int)ABI_HIST_SLOTS; i++) {
		if (h->slots[i]) {
			if (lo < 0)
				lo = i;
			hi = i;
		}
	}
	for (int i = lo; lo >= 0 && i <= hi && n < cap; i++, n++) {
		if (!h->slots[i]) {
			int end = i;

			while (end + 1 <= hi && !h->slots[end + 1])
				end++;
			out[n] = (struct hist_line){ hist_slot_lower_ns((uint32_t)i),
						     hist_slot_upper_ns((uint32_t)end), 0, true };
			i = end;
			continue;
		}
		out[n] = (struct hist_line){ hist_slot_lower_ns((uint32_t)i),
					     hist_slot_upper_ns((uint32_t)i), h->slots[i], false };
	}
	return n;
}

/* The quantize row of a line's lower bound: 0, then 1 for 1 ns, 2 for 2 ns, 3 for 4 ns... */
static int quantize_row_of(uint64_t lo_ns)
{
	return lo_ns ? 64 - __builtin_clzll(lo_ns) : 0;
}

static struct hist_line quantize_line(int row, uint64_t count)
{
	uint64_t v = row ? 1ull << (row - 1) : 0;

	return (struct hist_line){ v, v ? v * 2 - 1 : 0, count, false };
}

/*
 * Quantize @lines (@n of them, consecutive rows) as the rows the pane's axis
 * keeps (hist_axis.h) for a pane of @room lines: rows added read 0.
 * Returns the new number of lines (at most @room).
 */
static size_t axis_rows(struct hist_axis *ax, uint64_t owner, struct hist_line *lines, size_t n,
			int room, uint64_t p50)
{
	static struct hist_line own[HIST_MAX_LINES];
	int first = quantize_row_of(lines[0].lo_ns), dlo = -1, dhi = -1, p50_row = -1, lo, hi;

	for (size_t i = 0; i < n; i++) {
		if (lines[i].count) {
			if (dlo < 0)
				dlo = first + (int)i;
			dhi = first + (int)i;
		}
		if (p50 >= lines[i].lo_ns && p50 <= lines[i].hi_ns)
			p50_row = first + (int)i;
	}
	if (dlo < 0 || room < 1)
		return n;
	if (p50_row < dlo)
		p50_row = dlo;
	hist_axis_rows(ax, owner, dlo, dhi, p50_row, HIST_QUANTIZE_ROWS_MAX - 1, room, &lo, &hi);
	if (hi - lo + 1 > HIST_MAX_LINES)
		return n;	/* cannot happen: a pane is not that tall */
	memcpy(own, lines, n * sizeof(*lines));
	for (int r = lo; r <= hi; r++) {
		int i = r - first;

		lines[r - lo] = i >= 0 && i < (int)n ? own[i] : quantize_line(r, 0);
	}
	return (size_t)(hi - lo + 1);
}

/* Which histogram the pane shows (its title): another one starts a new axis. */
static uint64_t axis_owner(const char *title)
{
	uint64_t h = 14695981039346656037ull;	/* FNV-1a */

	for (; *title; title++)
		h = (h ^ (unsigned char)*title) * 1099511628211ull;
	return h;
}

static void hist_title(struct ui *ui, const struct view_row *r, char *buf, size_t len)
{
	char name[40], comm[ABI_COMM_LEN * 2];

	if (r->nr == UINT32_MAX)
		syscall_name_or_nr(r->slowest_nr, name, sizeof(name));
	else
		ui_fmt_syscall(name, sizeof(name), r->nr, r->wait);
	sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
	if (r->nr == UINT32_MAX)
		snprintf(buf, len, " %s[%u] all syscalls%s ", comm, r->pid,
			 ui->fine_hist ? " (fine)" : "");
	else if (r->pid)
		snprintf(buf, len, " %s in %s[%u]%s ", name, comm, r->pid,
			 ui->fine_hist ? " (fine)" : "");
	else
		snprintf(buf, len, " %s latency%s ", name, ui->fine_hist ? " (fine)" : "");
}

/* Bars of @h under the title and the @info line, p50 and p99 marked. */
static void draw_hist(struct ui *ui, WINDOW *w, const struct abi_hist *h, const char *info,
		      const char *info2, const char *title)
{
	static struct hist_line lines[HIST_MAX_LINES];
	int width = getmaxx(w), height = getmaxy(w), bar_w, y = 1;
	uint64_t max_count = 0, p50, p99;
	char val[24], cnt[24];
	size_t n, first = 0;
	/* Kept rows: the default view; a focused or scrolled pane has its own window ('l': fine rows). */
	bool axis = !ui->fine_hist && !ui->hist_focus && !ui->hist_scroll;

	p50 = hist_percentile_ns(h, 50);
	p99 = hist_percentile_ns(h, 99);
	draw_text(w, y++, 1, width - 2, info, theme_attr(THEME_ROLE_normal), false);
	if (info2 && info2[0] && height > 6)	/* why (breakdown, parts): cut, never wrapped */
		draw_text_cut(w, y++, 1, width - 2, info2, theme_attr(THEME_ROLE_normal), true);
	n = hist_lines(h, ui->fine_hist, lines, HIST_MAX_LINES);
	if (axis && n && height > y)
		n = axis_rows(&ui->hist_axis, axis_owner(title), lines, n, height - y, p50);
	else if (!axis)
		hist_axis_reset(&ui->hist_axis);
	for (size_t i = 0; i < n; i++)
		if (lines[i].count > max_count)
			max_count = lines[i].count;
	/*
	 * Too many lines for the pane: show p50 to the slowest line (what an
	 * operator reads: the typical call and the tail), centred when there is
	 * room; Up/Down in the histogram pane scroll from there.
	 */
	if (height > y && n > (size_t)(height - y)) {
		size_t keep, p50_line = 0, last = 0;
		long top;

		if (ui->hist_focus && height - y > 2)
			height--;	/* the last line says where the scroll is */
		keep = (size_t)(height - y);
		for (size_t i = 0; i < n; i++) {
			if (p50 >= lines[i].lo_ns && p50 <= lines[i].hi_ns)
				p50_line = i;
			if (lines[i].count)
				last = i;
		}
		if (last - p50_line + 1 >= keep)
			top = (long)p50_line;
		else
			top = (long)p50_line - (long)(keep - (last - p50_line + 1)) / 2;
		top += ui->hist_scroll;
		if (top > (long)(n - keep))
			top = (long)(n - keep);
		if (top < 0)
			top = 0;
		first = (size_t)top;
		if (ui->hist_focus) {	/* where the scroll is: the lines shown of how many */
			char pos[48];

			snprintf(pos, sizeof(pos), " lines %zu-%zu of %zu ", first + 1, first + keep, n);
			draw_text(w, height, width - 1 - draw_width(pos), draw_width(pos) + 1, pos,
				  theme_attr(THEME_ROLE_dim), false);
		}
	}
	/* value (8) | separator (2) | bar | gap + count (9) | p50/p99 mark (4) */
	bar_w = width - PANE_HIST_BAR_X - 9 - 4;
	if (bar_w < 4)
		bar_w = 4;
	/*
	 * DTrace's quantize bars are 40 characters: longer ones read no better
	 * and every tick rewrites more of them (bytes over a slow link).
	 */
	if (bar_w > PANE_HIST_BAR_MAX)
		bar_w = PANE_HIST_BAR_MAX;
	for (size_t i = first; i < n && y < height; i++, y++) {
		int len = max_count ? (int)((lines[i].count * (uint64_t)bar_w + max_count - 1) /
					   max_count) : 0;
		bool has50 = p50 >= lines[i].lo_ns && p50 <= lines[i].hi_ns;
		bool has99 = p99 >= lines[i].lo_ns && p99 <= lines[i].hi_ns;

		if (!lines[i].count)
			len = 0;
		if (lines[i].gap) {	/* empty slots: no value, bar or count of their own */
			draw_text_right(w, y, 0, 8, draw_ascii() ? "..." : "\u2026",
					theme_attr(THEME_ROLE_dim));
			continue;
		}
		fmt_duration_ns(val, sizeof(val), lines[i].lo_ns);
		snprintf(cnt, sizeof(cnt), "%" PRIu64, lines[i].count);
		draw_text_right(w, y, 0, 8, val, theme_attr(THEME_ROLE_normal));
		draw_text(w, y, PANE_HIST_BAR_X - 1, 1, draw_ascii() ? "|" : "\u2502",
			  theme_attr(THEME_ROLE_dim), false);
		draw_bar(w, y, PANE_HIST_BAR_X, len, theme_attr(THEME_ROLE_bar));
		draw_text(w, y, PANE_HIST_BAR_X + 1 + len, 8, cnt, theme_attr(THEME_ROLE_normal),
			  false);
		if (has99)
			draw_text(w, y, width - 4, 4, "p99", theme_attr(THEME_ROLE_p99), false);
		else if (has50)
			draw_text(w, y, width - 4, 4, "p50", theme_attr(THEME_ROLE_p50), false);
	}
}

/* The line under the title; a narrow pane (@width) gets the short form, p99 never cut. */
static void summary(char *buf, size_t len, int width, const char *what, uint64_t count,
		    uint64_t p50, uint64_t p99, uint64_t max, const char *extra)
{
	char a[16], b[16], m[16];

	fmt_duration_ns(a, sizeof(a), p50);
	fmt_duration_ns(b, sizeof(b), p99);
	fmt_duration_ns(m, sizeof(m), max);
	snprintf(buf, len, "%" PRIu64 " %s  p50 %s  p99 %s  max %s%s", count, what, a, b, m, extra);
	if (draw_width(buf) > width)
		snprintf(buf, len, "%" PRIu64 " p50 %s p99 %s max %s", count, a, b, m);
	if (draw_width(buf) > width)
		snprintf(buf, len, "%" PRIu64 " p50 %s p99 %s", count, a, b);
}

/* The request latency of one client (selected in the clients table, or pinned with Enter). */
static void draw_client(struct ui *ui, WINDOW *w, const struct snap_client_row *r)
{
	static struct abi_hist h;	/* 2.4 KiB: not on the stack */
	const struct snap_lat *req = client_req(r, ui->cumulative);
	char title[128], info[96], addr[FMT_ADDR_LEN], comm[ABI_COMM_LEN * 2];

	sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
	/* Short enough for a narrow pane: the request's direction as an arrow. */
	fmt_addr(addr, sizeof(addr), &r->key);
	if (r->key.dir == ABI_DIR_OUT)
		snprintf(title, sizeof(title), " %s%s[%u] -> %s:%u%s ", ui->clients.pinned ?
			 "pinned " : "", comm, r->key.tgid, addr, r->key.port,
			 ui->fine_hist ? " (fine)" : "");
	else
		snprintf(title, sizeof(title), " %s%s -> %s[%u]:%u%s ", ui->clients.pinned ?
			 "pinned " : "", addr, comm, r->key.tgid, r->key.port,
			 ui->fine_hist ? " (fine)" : "");
	draw_title(w, title, ui->hist_focus);
	hist_from_buckets(&h, snap_lat_buckets(ui->snap, req), req->n, req->sum_ns, req->max_ns);
	summary(info, sizeof(info), getmaxx(w) - 2, "requests", req->count, req->p50_ns, req->p99_ns, req->max_ns,
		"");
	draw_hist(ui, w, &h, info, NULL, title);
}

/*
 * The selected row of a family pane: its whole latency or (Enter) one part,
 * and the parts' averages and p99 on the line under the summary.
 */
static bool draw_family(struct ui *ui, WINDOW *w)
{
	static struct abi_hist h;	/* 2.4 KiB: not on the stack */
	enum snap_family f;
	const struct fam_view_row *r = ui_fam_selected(ui, &f);
	const struct family_desc *d;
	const struct snap_fam_row *sr;
	const struct snap_hist *sh;
	char title[280], name[200], info[96], parts[160] = "";
	int part;

	if (ui->fam_pane <= 0 || ui->focus != TABLE_FAMILY)
		return false;
	d = family_get((enum snap_family)(ui->fam_pane - 1));
	if (!r || !ui->snap || r->idx >= ui->snap->fam[f].n) {
		snprintf(title, sizeof(title), " %s ", d->title);
		draw_title(w, title, ui->hist_focus);
		draw_text(w, 2, 1, getmaxx(w) - 2, "no row selected", theme_attr(THEME_ROLE_dim),
			  false);
		return true;
	}
	sr = &ui->snap->fam[f].rows[r->idx];
	part = ui->fam[f].hist_part;
	if (part > (int)d->n_parts)
		part = 0;
	sh = part ? (ui->cumulative ? &sr->part_total[part - 1] : &sr->part[part - 1]) :
		    (ui->cumulative ? &sr->total : &sr->interval);
	ui_fam_row_title(ui, f, r, name, sizeof(name));
	snprintf(title, sizeof(title), " %s%s%s %s%s ", part ? d->part_names[part - 1] : "",
		 part ? " of " : "", f == SNAP_FAM_RUNQ ? "run queue" : f == SNAP_FAM_BLOCK ? "block" :
		 "function", name,
		 ui->fine_hist ? " (fine)" : "");
	draw_title(w, title, ui->hist_focus);
	snapshot_hist_expand(ui->snap, sh, &h);
	summary(info, sizeof(info), getmaxx(w) - 2, f == SNAP_FAM_RUNQ ? "waits" :
		f == SNAP_FAM_FUNC ? "calls" : "requests",
		sh->count, hist_percentile_ns(&h, 50), hist_percentile_ns(&h, 99), sh->max_ns, "");
	for (unsigned int p = 0; p < d->n_parts; p++) {
		char a[16], b[16];
		size_t at = strlen(parts);

		fmt_duration_ns(a, sizeof(a), r->part_avg_ns[p]);
		fmt_duration_ns(b, sizeof(b), r->part_p99_ns[p]);
		snprintf(parts + at, sizeof(parts) - at, "%s%s avg %s p99 %s", p ? ", " : "",
			 d->part_names[p], a, b);
	}
	draw_hist(ui, w, &h, info, parts, title);
	return true;
}

void pane_hist_draw(struct ui *ui, WINDOW *w)
{
	const struct snap_client_row *client = ui_selected_client(ui);
	const struct view_row *r;
	char title[96], info[96], why[200] = "";

	if (draw_family(ui, w))
		return;
	if (ui->heatmap) {
		pane_heatmap_draw(ui, w);
		return;
	}
	if (client) {
		draw_client(ui, w, client);
		return;
	}
	r = ui_selected_row(ui, NULL);
	if (!r) {
		draw_title(w, " Histogram ", false);
		draw_text(w, 2, 1, getmaxx(w) - 2, ui->clients.pinned ? "pinned client: no data "
			  "in this view (Esc: unpin)" : "no calls in this view",
			  theme_attr(THEME_ROLE_dim), false);
		return;
	}
	hist_title(ui, r, title, sizeof(title));
	draw_title(w, title, ui->hist_focus);
	summary(info, sizeof(info), getmaxx(w) - 2, "calls", (uint64_t)r->hist.count,
		hist_percentile_ns(&r->hist, 50), hist_percentile_ns(&r->hist, 99), r->hist.max_ns,
		ui->snap->sample_every > 1 ? "  (sampled)" : "");
	if (ui->snap->breakdown && r->hist.timed) {	/* "p99 12ms - 80% waiting for I/O, ..." */
		char p99[16], parts[140];

		fmt_breakdown_parts(parts, sizeof(parts), r->hist.part_ns, r->hist.sum_ns);
		fmt_duration_ns(p99, sizeof(p99), hist_percentile_ns(&r->hist, 99));
		if (parts[0])
			snprintf(why, sizeof(why), "p99 %s - %s", p99, parts);
	}
	draw_hist(ui, w, &r->hist, info, why, title);
}
