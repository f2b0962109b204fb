/*
 * ui_history.c - the dashboard's row history (core/row_history.h): fed
 * with every tick the UI takes (interval histograms, whatever the view
 * shows), rows on screen watched so that they keep a heatmap; in replay,
 * the whole recording read once at start instead, merged into the columns.
 * Main thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/fmt_addr.h"
#include "export/rec_reader.h"
#include "ui/draw.h"
#include "ui/ui_state.h"

/*
 * Limits (see row_history.h for the bytes): 8192 keys is 4096 (process,
 * syscall) rows under their four identities with room to spare; 256
 * heatmaps is more rows than two 200x50 tables show. A replay watches
 * every key it reads, up to 1024 (~20 MiB at most, allocated as used).
 */
#define UI_HISTORY_KEYS 8192
#define UI_HISTORY_FULL 256
#define UI_REPLAY_FULL 1024

/* Every tick of the recording at @path, in order: to @h (NULL: only count them). */
static int replay_read(const char *path, struct row_history *h, unsigned long long *ticks,
		       char *err, size_t errlen)
{
	struct rec_reader *r = rec_reader_open(path, err, errlen);
	struct snapshot s;
	int ret;

	if (!r)
		return -errno;
	rec_reader_allow_cut(r);
	snapshot_init(&s);
	while ((ret = rec_reader_next(r, &s, err, errlen)) == 1) {
		if (h)
			row_history_feed_snapshot(h, &s);
		(*ticks)++;
	}
	snapshot_free(&s);
	rec_reader_close(r);
	return ret < 0 ? ret : 0;
}

static int replay_load(struct ui *ui, const char *path, char *err, size_t errlen)
{
	unsigned long long ticks = ui->o->replay_ticks, fed = 0;
	uint32_t per_col;
	int ret;

	if (!ticks) {	/* not told: count them */
		ret = replay_read(path, NULL, &ticks, err, errlen);
		if (ret)
			return ret;
	}
	per_col = (uint32_t)((ticks + ROW_HISTORY_TICKS - 1) / ROW_HISTORY_TICKS);
	ui->history = row_history_new(UI_HISTORY_KEYS, UI_REPLAY_FULL, per_col ? per_col : 1);
	if (!ui->history)
		return -errno;
	row_history_watch_all(ui->history, true);
	ret = replay_read(path, ui->history, &fed, err, errlen);
	row_history_flush(ui->history);
	return ret;
}

void ui_history_init(struct ui *ui)
{
	char err[256] = "";
	int ret;

	if (ui->o->replay_path) {
		ret = replay_load(ui, ui->o->replay_path, err, sizeof(err));
		if (ret)
			ui_set_status(ui, true, "heatmap: %s", err[0] ? err : strerror(-ret));
		return;
	}
	ui->history = row_history_new(UI_HISTORY_KEYS, UI_HISTORY_FULL, 1);
	if (!ui->history)
		ui_set_status(ui, true, "heatmap and sparklines off: %s", strerror(errno));
}

void ui_history_fini(struct ui *ui)
{
	row_history_free(ui->history);
	ui->history = NULL;
}

bool ui_row_key(const struct ui *ui, enum ui_table t, size_t row, struct row_key *k)
{
	const struct view_row *r;

	if (t == TABLE_CLIENTS) {
		if (row >= ui->clients.view.n)
			return false;
		row_key_client(k, &ui->clients.view.rows[row]->key);
		return true;
	}
	if (row >= ui->tables[t].view.n)
		return false;
	r = &ui->tables[t].view.rows[row];
	if (r->nr == UINT32_MAX)
		row_key_process(k, r->pid, r->pstart_ns, ui_waits_filter(ui) == FILTER_WAITS_ALL);
	else if (r->pid)
		row_key_proc_syscall(k, r->pid, r->pstart_ns, r->nr, r->wait);
	else
		row_key_syscall(k, r->nr, r->wait);
	return true;
}

/* Watch the rows a table shows: from its top row, as many as its area has lines. */
static void watch_visible(struct ui *ui, enum ui_table t, enum layout_area area)
{
	const struct table_pos *pos = t == TABLE_CLIENTS ? &ui->clients.pos : &ui->tables[t].pos;
	int lines = ui->layout.area[area].h;
	struct row_key k;

	for (int i = 0; i < lines; i++)
		if (ui_row_key(ui, t, pos->top + (size_t)i, &k))
			row_history_watch(ui->history, &k);
}

void ui_history_tick(struct ui *ui, const struct snapshot *s)
{
	struct row_key k;

	if (!ui->history || ui->o->replay_path || !s)
		return;
	watch_visible(ui, TABLE_SYSCALLS, AREA_SYSCALLS);
	watch_visible(ui, TABLE_PROCS, AREA_PROCS);
	if (ui_clients_visible(ui))
		watch_visible(ui, TABLE_CLIENTS, ui->clients.in_procs ? AREA_PROCS : AREA_CLIENTS);
	if (ui_selected_key(ui, &k, NULL, 0))
		row_history_watch(ui->history, &k);
	row_history_feed_snapshot(ui->history, s);
}

bool ui_selected_key(const struct ui *ui, struct row_key *k, char *title, size_t len)
{
	const struct snap_client_row *c = ui_selected_client(ui);
	char comm[ABI_COMM_LEN * 2], name[40], addr[FMT_ADDR_LEN];
	const struct view_row *r;
	enum ui_table from;

	if (c) {
		row_key_client(k, &c->key);
		if (title) {
			fmt_addr(addr, sizeof(addr), &c->key);
			snprintf(title, len, "client %s:%u", addr, c->key.port);
		}
		return true;
	}
	r = ui_selected_row(ui, &from);
	if (!r || !ui_row_key(ui, from, (size_t)(r - ui->tables[from].view.rows), k))
		return false;
	if (!title)
		return true;
	sanitize_text(comm, sizeof(comm), r->comm, ABI_COMM_LEN);
	ui_fmt_syscall(name, sizeof(name), r->nr, r->wait);
	if (r->nr == UINT32_MAX)
		snprintf(title, len, "%s[%u]", comm, r->pid);
	else if (r->pid)
		snprintf(title, len, "%s in %s[%u]", name, comm, r->pid);
	else
		snprintf(title, len, "%s", name);
	return true;
}

/* The column "now" is in: the newest live, the replayed tick's in a replay. */
static long now_col(const struct ui *ui)
{
	long n = (long)row_history_ncols(ui->history), c = -1;

	if (ui->o->replay_path && ui->snap)
		c = row_history_col_of_seq(ui->history, ui->snap->seq);
	return c >= 0 ? c : n - 1;
}

void ui_sparkline(const struct ui *ui, enum ui_table t, size_t row, char *buf, size_t len)
{
	static const char *const blocks[8] = { "\u2581", "\u2582", "\u2583", "\u2584",
					       "\u2585", "\u2586", "\u2587", "\u2588" };
	static const char ascii[] = "_.-=^";
	uint64_t v[UI_SPARK_CELLS], max = 0;
	bool has[UI_SPARK_CELLS];
	struct row_key k;
	long end, first;
	size_t used = 0;

	buf[0] = '\0';
	if (!ui->history || !ui_row_key(ui, t, row, &k))
		return;
	end = now_col(ui);
	first = end - UI_SPARK_CELLS + 1;
	for (int i = 0; i < UI_SPARK_CELLS; i++) {
		long c = first + i;

		has[i] = c >= 0 && row_history_p99(ui->history, &k, (size_t)c, &v[i]);
		if (has[i] && v[i] > max)
			max = v[i];
	}
	for (int i = 0; i < UI_SPARK_CELLS && used + 4 < len; i++) {
		/* 0 .. max, linear: the tallest cell is the window's worst p99 */
		unsigned int lvl = has[i] && max ? (unsigned int)((v[i] * 8 + max - 1) / max) : 0;

		if (!has[i]) {
			buf[used++] = ' ';
		} else if (draw_ascii()) {
			buf[used++] = ascii[lvl ? (lvl - 1) * 5 / 8 : 0];
		} else {
			memcpy(buf + used, blocks[lvl ? lvl - 1 : 0], 3);
			used += 3;
		}
	}
	buf[used] = '\0';
}
