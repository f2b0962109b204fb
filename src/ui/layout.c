/*
 * layout.c - pane geometry.
 *   narrow (< 120 cols): syscalls on top, histogram | processes below;
 *   wide: syscalls over processes on the left, histogram on the right;
 *   the clients area, when asked for, takes the bottom third of the body.
 */
#include "ui/layout.h"

static struct layout_rect rect(int y, int x, int h, int w)
{
	struct layout_rect r = { y, x, h > 0 ? h : 0, w > 0 ? w : 0 };

	return r;
}

void layout_compute(struct layout *l, int rows, int cols, bool clients)
{
	int body_y = 2, body_h = rows - 4, left_w, top_h, clients_h = 0;

	l->rows = rows;
	l->cols = cols;
	l->too_small = rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS;
	for (int i = 0; i < AREA_NR; i++)
		l->area[i] = rect(0, 0, 0, 0);
	if (l->too_small)
		return;
	l->area[AREA_HEADER] = rect(0, 0, 2, cols);
	l->area[AREA_STATUS] = rect(rows - 2, 0, 1, cols);
	l->area[AREA_FOOTER] = rect(rows - 1, 0, 1, cols);
	if (clients && body_h >= 24) {
		clients_h = body_h / 3;
		body_h -= clients_h;
		l->area[AREA_CLIENTS] = rect(body_y + body_h, 0, clients_h, cols);
	}
	if (cols < 120) {
		top_h = body_h * 9 / 20;
		/*
		 * The histogram: labels, bars and counts in 32 cells; the processes
		 * table gets the rest (at 80 columns: PID, name, rate, p99, slowest).
		 */
		left_w = cols * 9 / 20 < 32 ? cols * 9 / 20 : 32;
		l->area[AREA_SYSCALLS] = rect(body_y, 0, top_h, cols);
		l->area[AREA_HIST] = rect(body_y + top_h, 0, body_h - top_h, left_w);
		l->area[AREA_PROCS] = rect(body_y + top_h, left_w, body_h - top_h, cols - left_w);
	} else {
		/* Tables have fixed-width numbers: past ~110 cells more width only pads them. */
		left_w = cols * 3 / 5 < 110 ? cols * 3 / 5 : 110;
		top_h = body_h / 2;
		l->area[AREA_SYSCALLS] = rect(body_y, 0, top_h, left_w);
		l->area[AREA_PROCS] = rect(body_y + top_h, 0, body_h - top_h, left_w);
		l->area[AREA_HIST] = rect(body_y, left_w, body_h, cols - left_w);
	}
}
