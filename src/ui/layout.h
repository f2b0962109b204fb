/*
 * layout.h - where each pane goes for a terminal size. The only place with
 * screen geometry; drawing code gets rectangles.
 */
#ifndef LATTOP_UI_LAYOUT_H
#define LATTOP_UI_LAYOUT_H

#include <stdbool.h>

#define LAYOUT_MIN_COLS 60
#define LAYOUT_MIN_ROWS 16

struct layout_rect {
	int y, x, h, w;
};

enum layout_area {
	AREA_HEADER,
	AREA_SYSCALLS,
	AREA_PROCS,
	AREA_HIST,
	AREA_CLIENTS,	/* reserved for the per-client table; h == 0 when absent */
	AREA_STATUS,
	AREA_FOOTER,
	AREA_NR
};

struct layout {
	bool too_small;
	int rows, cols;
	struct layout_rect area[AREA_NR];
};

/* Compute areas for @rows x @cols; @clients reserves the clients area. */
void layout_compute(struct layout *l, int rows, int cols, bool clients);

#endif
