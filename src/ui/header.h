/*
 * header.h - the header's first line as fields with priorities (a narrow
 * terminal drops the least important whole fields instead of cutting one
 * mid-word), lattop's own cost, and the remedies of abnormal counters.
 * Main thread only.
 */
#ifndef LATTOP_UI_HEADER_H
#define LATTOP_UI_HEADER_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

struct ui;

#define HEADER_FIELDS_MAX 20
#define HEADER_FIELD_LEN 48

struct header_field {
	char text[HEADER_FIELD_LEN];
	attr_t attr;
	int prio;		/* 0: always shown; higher: dropped first when narrow */
};

struct header_line {
	struct header_field f[HEADER_FIELDS_MAX];
	int n;
};

/* Append a field (silently ignored beyond HEADER_FIELDS_MAX). */
void header_add(struct header_line *l, int prio, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Which fields fit in @width columns (one leading space, two between
 * fields): bit i of the result set = field i shown. Drops the highest
 * priority number first, the rightmost of equals first.
 */
uint32_t header_fit(const struct header_line *l, int width);

/* Draw the fields that fit on row @y of @w. */
void header_draw_line(WINDOW *w, int y, const struct header_line *l);

/* The fields of the header's first line for the current snapshot. */
void header_build(struct ui *ui, struct header_line *l);

/*
 * On each new snapshot: lattop's own CPU share since the last one, and the
 * status-line remedy for a counter that has just become abnormal.
 */
void header_tick(struct ui *ui);

/* "3m12s", "1h04m", "45s": time since start, short. */
void header_fmt_uptime(char *buf, size_t len, uint64_t ns);

/*
 * What one uprobe hit costs: a trap into the kernel and back (entry and
 * return), microseconds, against well under one for a tracepoint. The BPF
 * programs' own run time is in the 'B' statistics; `make bench` measures
 * the whole against bpftrace. Said in the header and when the Functions
 * pane is shown.
 */
#define UI_UPROBE_COST_TEXT "2-15us"	/* 11.7 us measured on a 2-core VM (make bench) */

#endif
