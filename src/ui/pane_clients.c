/* pane_clients.c - the per-client TCP table: who is slow, and is it the server. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export/fmt_addr.h"
#include "export/fmt_duration.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/ui_state.h"

/* Fixed-width numbers, the text column last; a narrow pane drops by `drop` priority. */
enum client_col {
	CC_ADDR, CC_PORT, CC_REQ_RATE, CC_P50, CC_P99, CC_CONN_RATE, CC_OPEN, CC_CONN_P99,
	CC_IN, CC_OUT, CC_RST, CC_RTX, CC_CGROUP, CC_PROC
};
static const struct table_col client_cols[] = {
	[CC_ADDR] = { "CLIENT", 15, false, false, 0 },	/* grows to the longest address shown */
	[CC_PORT] = { "PORT", 6, true, false, 3 },
	[CC_REQ_RATE] = { "REQ/s", 7, true, false, 0 },
	[CC_P50] = { "P50", 7, true, false, 4 },
	[CC_P99] = { "P99", 7, true, false, 0 },
	[CC_CONN_RATE] = { "CONN/s", 7, true, false, 5 },
	[CC_OPEN] = { "OPEN", 5, true, false, 6 },
	[CC_CONN_P99] = { "LIFE P99", 8, true, false, 7 },
	[CC_IN] = { "IN", 6, true, false, 8 },
	[CC_OUT] = { "OUT", 6, true, false, 8 },
	[CC_RST] = { "RST", 4, true, false, 5 },
	[CC_RTX] = { "RTX", 4, true, false, 5 },
	/* Hidden when the run has no cgroups; on a narrow pane it goes before PROCESS. */
	[CC_CGROUP] = { "CGROUP", 12, false, false, 3, 24, 0, false, true },
	[CC_PROC] = { "PROCESS", 16, false, true, 2 },	/* the flexible text column goes last */
};

static void fmt_lat(char *buf, size_t len, uint64_t count, uint64_t ns)
{
	if (count)
		fmt_duration_ns(buf, len, ns);
	else
		snprintf(buf, len, "-");
}

static void client_cell(void *ctx, size_t row, size_t col, char *buf, size_t len,
			bool *untrusted)
{
	struct ui *ui = ctx;
	const struct snap_client_row *r = ui->clients.view.rows[row];
	const struct snap_client_counts *c = client_counts(r, ui->cumulative);
	const struct snap_lat *req = client_req(r, ui->cumulative);
	const struct snap_lat *conn = client_conn(r, ui->cumulative);

	switch ((enum client_col)col) {
	case CC_ADDR:
		fmt_addr(buf, len, &r->key);
		break;
	case CC_PORT:
		/* "out" rows name the remote port: mark them. */
		snprintf(buf, len, r->key.dir == ABI_DIR_OUT ? ">%u" : "%u", r->key.port);
		break;
	case CC_PROC:
		snprintf(buf, len, "%u %.*s", r->key.tgid, ABI_COMM_LEN, r->comm);
		*untrusted = true;
		break;
	case CC_CGROUP:
		ui_fmt_cgroup(ui, r->key.cgid, r->key.cgid ? snapshot_cgroup(ui->snap, r->key.cgid) :
			      NULL, buf, len);
		*untrusted = true;
		break;
	case CC_REQ_RATE:
		ui_fmt_rate(buf, len, ui_per_second(ui, c->requests));
		break;
	case CC_P50:
		fmt_lat(buf, len, req->count, req->p50_ns);
		break;
	case CC_P99:
		fmt_lat(buf, len, req->count, req->p99_ns);
		break;
	case CC_CONN_RATE:
		ui_fmt_rate(buf, len, ui_per_second(ui, c->connections));
		break;
	case CC_OPEN:
		snprintf(buf, len, "%" PRIu64, r->open);
		break;
	case CC_CONN_P99:
		fmt_lat(buf, len, conn->count, conn->p99_ns);
		break;
	case CC_IN:
		fmt_count(buf, len, c->bytes_in);
		break;
	case CC_OUT:
		fmt_count(buf, len, c->bytes_out);
		break;
	case CC_RST:
		snprintf(buf, len, "%" PRIu64, c->resets);
		break;
	case CC_RTX:
		snprintf(buf, len, "%" PRIu64, c->retransmits);
		break;
	}
}

size_t ui_clients_columns(const struct table_col **cols)
{
	*cols = client_cols;
	return sizeof(client_cols) / sizeof(client_cols[0]);
}

int ui_clients_sort_column(int sort)
{
	static const int of[CLIENT_SORT_NR] = {
		[CLIENT_SORT_REQUESTS] = CC_REQ_RATE, [CLIENT_SORT_P99] = CC_P99,
		[CLIENT_SORT_P50] = CC_P50, [CLIENT_SORT_CONNECTIONS] = CC_CONN_RATE,
		[CLIENT_SORT_BYTES] = CC_IN, [CLIENT_SORT_RESETS] = CC_RST,
		[CLIENT_SORT_ADDR] = CC_ADDR, [CLIENT_SORT_CGROUP] = CC_CGROUP,
	};

	return sort >= 0 && sort < CLIENT_SORT_NR ? of[sort] : -1;
}

bool ui_clients_visible(const struct ui *ui)
{
	return ui->o->clients &&
	       (ui->clients.in_procs || ui->layout.area[AREA_CLIENTS].h > 0);
}

const struct snap_client_row *ui_selected_client(const struct ui *ui)
{
	const struct ui_clients_state *cs = &ui->clients;

	if (!ui->snap)
		return NULL;
	if (cs->pinned) {
		for (size_t i = 0; i < ui->snap->n_clients; i++)
			if (!memcmp(&ui->snap->clients[i].key, &cs->pin, sizeof(cs->pin)))
				return &ui->snap->clients[i];
		return NULL;
	}
	if (ui->focus != TABLE_CLIENTS || !cs->view.n || (cs->follow && cs->sel_gone))
		return NULL;
	return cs->view.rows[cs->pos.sel < cs->view.n ? cs->pos.sel : 0];
}

void pane_clients_draw(struct ui *ui, WINDOW *w)
{
	struct ui_clients_state *cs = &ui->clients;
	const struct snapshot *s = ui->snap;
	char title[160];
	struct table_col cols[sizeof(client_cols) / sizeof(client_cols[0])];
	const struct table_spec spec = {
		.cols = cols, .ncols = sizeof(cols) / sizeof(cols[0]),
		.hidden = ui_cols_hidden(ui, COLS_CLIENTS),
		.sort_col = ui_clients_sort_column((int)cs->sort),
		.focused = ui->focus == TABLE_CLIENTS && !ui->hist_focus,
		.no_selection = cs->follow && cs->sel_gone, .cell = client_cell,
		.ctx = ui,
	};

	/*
	 * CLIENT may grow to the longest address on screen (IPv6), no further:
	 * a fixed 39 cells would push every number away from 127.0.0.1.
	 */
	memcpy(cols, client_cols, sizeof(cols));
	for (size_t i = cs->pos.top; i < cs->view.n && i < cs->pos.top + (size_t)getmaxy(w); i++) {
		char addr[FMT_ADDR_LEN];

		fmt_addr(addr, sizeof(addr), &cs->view.rows[i]->key);
		if ((int)strlen(addr) > cols[CC_ADDR].wide)
			cols[CC_ADDR].wide = (int)strlen(addr);
	}
	snprintf(title, sizeof(title), " Clients  sort:%s%s%s  evicted %" PRIu64 " lost %" PRIu64 " ",
		 client_sort_name(cs->sort), ui_sort_note(COLS_CLIENTS, (int)cs->sort, cs->ascending), cs->follow ? "  FOLLOW" : "",
		 s ? s->total.client_evicted : 0, s ? s->total.client_lost : 0);
	draw_title(w, title, ui->focus == TABLE_CLIENTS && !ui->hist_focus);
	if (s && s->clients_state != SNAP_CLIENTS_ON && s->clients_note[0]) {
		/* Never a silent gap: say what is missing and why. (A replay's note is from a file.) */
		draw_untrusted(w, 1, 1, getmaxx(w) - 2, s->clients_note, sizeof(s->clients_note),
			       theme_attr(THEME_ROLE_dim), false);
		if (s->clients_state == SNAP_CLIENTS_OFF)
			return;
		table_draw(w, 2, getmaxy(w) - 2, &spec, cs->view.n, &cs->pos);
		return;
	}
	table_draw(w, 1, getmaxy(w) - 1, &spec, cs->view.n, &cs->pos);
}
