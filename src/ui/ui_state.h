/*
 * ui_state.h - the dashboard's state, shared by its modules (panes, keys,
 * snapshot writer). Main thread only. Not for use outside src/ui.
 */
#ifndef LATTOP_UI_UI_STATE_H
#define LATTOP_UI_UI_STATE_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/cgroup_view.h"
#include "core/client_view.h"
#include "core/fam_view.h"
#include "core/filter.h"
#include "core/row_history.h"
#include "core/slo.h"
#include "core/snapshot.h"
#include "core/view.h"
#include "ui/hist_axis.h"
#include "ui/layout.h"
#include "ui/row_settle.h"
#include "ui/settings_ui.h"
#include "ui/table.h"
#include "ui/ui.h"

/*
 * Tables with a syscall view; the clients table (TABLE_CLIENTS) keeps its own
 * state; TABLE_FAMILY is the family pane shown (ui->fam_pane, pane_family.c).
 */
enum ui_table { TABLE_SYSCALLS, TABLE_PROCS, TABLE_NR, TABLE_CLIENTS = TABLE_NR, TABLE_FAMILY };

enum ui_drill {
	DRILL_NONE,
	DRILL_SYSCALL,	/* one syscall: processes pane shows its per-process breakdown */
	DRILL_PROCESS,	/* one process: syscalls pane shows its syscalls */
};

/* Tables whose columns can be hidden (F6 menu, settings file); column = index in its table. */
enum ui_cols { COLS_SYSCALLS, COLS_PROCS, COLS_CLIENTS, COLS_NR };

enum ui_prompt {
	PROMPT_NONE,
	PROMPT_FILTER,		/* / F4: applied as you type */
	PROMPT_SEARCH,		/* F3: jump to a matching row */
	PICK_PROCESS,		/* p: type-ahead list of processes */
	PICK_SYSCALL,		/* y: type-ahead list of syscalls */
	PROMPT_SORT,		/* F6: menu of the visible columns */
	PROMPT_SLOW,		/* D: the --slow threshold, a duration or "off" */
	PICK_CGROUP,		/* G: type-ahead list of cgroups (sets a cg: term) */
};

/*
 * What a key action or a new tick asks for. The pane bits say which panes
 * are stale: only those are werase'd and drawn again in the next frame.
 */
enum ui_redraw {
	REDRAW_NONE = 0,
	REDRAW_DATA = 1 << 0,	/* views must be rebuilt (makes the tables stale too) */
	REDRAW_QUIT = 1 << 1,
	REDRAW_HARD = 1 << 2,	/* Ctrl-L: repaint the terminal from scratch */
	REDRAW_HEADER = 1 << 3,
	REDRAW_TABLES = 1 << 4,	/* syscalls, processes and the histogram of the selection */
	REDRAW_STATUS = 1 << 5,
	REDRAW_FOOTER = 1 << 6,
	REDRAW_OVERLAY = 1 << 7,	/* help screen or picker */
	REDRAW_ALL = REDRAW_HEADER | REDRAW_TABLES | REDRAW_STATUS | REDRAW_FOOTER |
		     REDRAW_OVERLAY,
};

struct ui;
struct proc_cmdline;

/* A pane: where it goes, what makes it stale, how it draws itself into its window. */
struct pane_ops {
	const char *name;
	enum layout_area area;
	unsigned int stale_on;	/* enum ui_redraw bits */
	void (*draw)(struct ui *ui, WINDOW *w);
};

/*
 * What a selection is: a row's identity, not its position. Rows re-sort
 * every tick; after each rebuild the selection moves to the row with the
 * same identity (syscall and wait flag, process, or both).
 */
struct ui_row_ident {
	uint32_t pid;
	uint64_t pstart_ns;
	uint32_t nr;
	bool wait;
};

struct ui_table_state {
	struct view view;
	struct table_pos pos;
	enum view_sort sort;
	bool ascending;			/* 'I': the sort key's natural order inverted */
	struct ui_row_ident sel_id;	/* the selected row (valid when sel_known) */
	bool sel_known;			/* false: take whatever row is at pos.sel after a rebuild */
	bool follow;			/* 'F': keep waiting for the row when it leaves the view */
	bool sel_gone;			/* the selected row is not in the view this tick */
	char gone_note[96];		/* for the title: which row left the view (until a move) */
	struct row_settle settle;	/* rows keep their line under small changes */
	struct filter settle_f;		/* the filter @settle's rows were chosen by */
	bool settle_cumulative;		/* and the time base */
};

struct ui_clients_state {
	struct client_view view;
	struct table_pos pos;
	enum client_sort sort;
	bool ascending;
	bool in_procs;			/* 'C': the clients table takes the processes pane */
	bool pinned;			/* Enter: the histogram pane keeps showing @pin */
	struct abi_client_key pin;
	struct abi_client_key sel_key;	/* selection identity, as for the tables */
	bool sel_known, follow, sel_gone;
	char gone_note[96];
	struct row_settle settle;	/* rows keep their line under small changes */
};

/* A family table's pane (pane_family.c): its view, sort and selection identity. */
struct ui_fam_state {
	struct fam_view view;
	struct table_pos pos;
	enum fam_col sort;
	bool ascending;			/* 'I': the sort key's natural order inverted */
	struct abi_fam_key sel_key;
	bool sel_known, follow, sel_gone;
	int hist_part;			/* Enter: the histogram shows part hist_part - 1; 0: all */
};

/* The Containers pane ('g', pane_cgroups.c) and the cgroup picker ('G'). */
struct ui_cgroups_state {
	bool open;			/* 'g': the Containers pane takes the processes pane */
	struct cgroup_sum *rows;	/* cgroup_view_build of the snapshot, sorted by calls */
	size_t n, cap;
	struct table_pos pos;
	uint64_t sel_id;		/* selection identity: the cgroup id */
	bool sel_known;
	bool drilled;			/* Enter: the processes filtered by its cg: term; Esc: back */
	struct filter saved_filter;	/* the filter before Enter (Esc restores it) */
	struct cgroup_sum *pick;	/* 'G': the picker's choices */
	size_t pick_n, pick_cap;
};

/* Counters that are abnormal when not zero: coloured 'warn', a remedy on the status line. */
enum ui_counter {
	UI_CNT_LOST,
	UI_CNT_EVICTED,
	UI_CNT_CLIENT_LOST,
	UI_CNT_CLIENT_EVICTED,
	UI_CNT_DROPPED,
	UI_CNT_NR
};

/* The header's own state (ui/header.c): lattop's CPU share, remedies shown. */
struct ui_chrome {
	uint64_t cpu_ns, wall_ns;	/* at the last measurement */
	double cpu_pct;
	bool have_cpu;
	uint32_t remedied;		/* bit enum ui_counter: its remedy was shown */
	bool bpf_stats_held;		/* 'B': lattop holds the BPF statistics on */
};

/* The thresholds' verdicts for the frame on screen (ui_slo.c). */
struct ui_slo_state {
	struct slo_set set;		/* parsed from ui->slo_text */
	char parse_err[200];		/* a text that did not parse, or "" */
	struct slo_result sys[SLO_MAX];	/* per expression, over the syscalls table */
	struct slo_result proc[SLO_MAX];/* per expression, over the processes table */
	size_t n_broken;		/* expressions broken by some row of either table */
	char first[200];		/* the first breach as the status line said it, or "" */
};

struct ui {
	struct collector *c;
	const struct ui_opts *o;
	const struct snapshot *snap;	/* what is drawn: the ring slot or the paused copy */
	const struct snapshot *latest;	/* newest ring slot taken (held until the next take) */
	struct snapshot paused_copy;
	bool paused, cumulative, fine_hist, help;
	bool show_waits;		/* 'w': the waits view; false (zeroed) = the work view */
	int help_top;			/* first line of the help screen shown (it scrolls) */
	struct filter filter;
	char filter_text[FILTER_TEXT_MAX];
	enum ui_drill drill;
	struct view_row drill_row;	/* identity of the drilled syscall or process */
	struct ui_table_state tables[TABLE_NR];
	struct ui_clients_state clients;
	struct ui_fam_state fam[SNAP_FAM_NR];
	int fam_pane;			/* 'f': 0 processes, else family fam_pane - 1 in their pane */
	enum ui_table focus;
	bool hist_focus;		/* Tab reached the histogram: Up/Down scroll it */
	struct hist_axis hist_axis;	/* the histogram's rows, kept from tick to tick */
	int hist_scroll;		/* lines scrolled from the default (p50..max in view) */
	struct ui_row_ident drill_back;	/* drilled table's selection before Enter (Esc restores) */
	bool drill_back_known;
	enum ui_prompt prompt;
	char prompt_buf[FILTER_TEXT_MAX];
	size_t prompt_len;
	char prompt_error[160];		/* why the text typed so far does not apply */
	struct filter prompt_saved_filter;	/* the filter before / was pressed (Esc restores it) */
	char search_text[FILTER_TEXT_MAX];	/* last search, for F3 / n */
	struct view pick;		/* choices of the p/y pickers */
	struct table_pos pick_pos;
	char status[256];
	bool status_error;
	bool status_warn;		/* a remedy: drawn in the warn role (reset by ui_set_status) */
	struct ui_chrome chrome;
	struct proc_cmdline *cmdlines;	/* the CMD column's cache (ui/proc_cmdline.h) */
	bool show_own;			/* 'O': lattop's own rows shown (hidden by default) */
	bool status_stale;		/* set by ui_set_status: the status line needs a redraw */
	size_t theme_idx;
	struct layout layout;
	WINDOW *win[AREA_NR];
	uint64_t skipped;		/* snapshots the UI never drew (latest wins) */
	uint32_t col_hidden[COLS_NR];	/* bit i: column i of that table hidden */
	struct settings_ui cfg;		/* lattoprc and the F2 setup screen (ui/settings_ui.h) */
	char slo_text[16][128];		/* thresholds in force: --slo, else the settings file's */
	size_t n_slo;
	/* History and thresholds (ui_history.c, ui_slo.c, pane_heatmap.c). */
	struct row_history *history;	/* NULL: could not be allocated (said on the status line) */
	bool heatmap;			/* 'H': the histogram pane shows the selected row's heatmap */
	bool stacks_open;		/* 'S' (or Enter in the histogram): the stacks view */
	int stacks_top;			/* its first line shown (it scrolls) */
	struct ui_slo_state slo;
	char source_note[SNAP_NOTE_LEN];
	struct ui_cgroups_state cgroups;	/* Containers pane and cgroup picker */
	struct table_pos hosts_pos;		/* the fleet view's hosts pane */
	char fleet_host[SNAP_HOST_LEN];		/* the host Enter narrowed to; "" = all */	/* the source's trouble last said on the status line */
};

/* The columns of a table, as drawn (titles are the names the settings file uses). */
size_t ui_table_columns(enum ui_cols t, const struct table_col **cols);
size_t ui_clients_columns(const struct table_col **cols);

/* The column a sort key (enum view_sort, or enum client_sort for clients) highlights, or -1. */
int ui_sort_column(enum ui_cols t, int sort);
int ui_clients_sort_column(int sort);

/* Sort direction: the key's natural order (names A-Z, numbers biggest first), or inverted ('I'). */
bool ui_sort_descending(enum ui_cols t, int sort, bool inverted);
/* The title's note of an inverted order: " asc" or " desc" (the direction now), or "". */
const char *ui_sort_note(enum ui_cols t, int sort, bool inverted);

/* Selection identity (selection.c). */
/* After the views are rebuilt: select the same rows again; say when one left the view. */
void ui_selection_restore(struct ui *ui);
/* The focused table's selection moved: remember which row it is now. */
void ui_selection_moved(struct ui *ui);
/* Forget a table's selection: the next rebuild selects row 0 (a new filter, a drill-down). */
void ui_selection_reset(struct ui *ui, enum ui_table t);
/* The name of a selected row for the status line: "openat", "nginx[1201]". */
void ui_row_label(const struct view_row *r, char *buf, size_t len);

/* Prompts and menus (prompt.c). */
void ui_prompt_open(struct ui *ui, enum ui_prompt kind, const char *text);
int ui_prompt_key(struct ui *ui, int key);
void ui_filter_set(struct ui *ui, const struct filter *f);
int ui_search_next(struct ui *ui);
size_t ui_focused_rows(const struct ui *ui);
/* Sort keys (enum view_sort or client_sort) of the focused table's visible columns. */
size_t ui_sort_choices(const struct ui *ui, int *keys, size_t cap);
/* Sort the focused table by @key (keys.c). */
void ui_sort_set(struct ui *ui, int key);
/* Is an overlay (help, picker, menu) on screen? */
bool ui_overlay_open(const struct ui *ui);

/* The pid whose rows the tables leave out: lattop's own (live, unless 'O'), or 0. */
uint32_t ui_hidden_pid(const struct ui *ui);

/* What the work/waits view choice keeps of the syscall rows. */
enum filter_waits ui_waits_filter(const struct ui *ui);

/* A syscall's name as tables show it: "read", or "read (wait)" for its wait row. */
void ui_fmt_syscall(char *buf, size_t len, uint32_t nr, bool wait);

/* Rebuild both tables' views from the snapshot, filter and drill-down. */
int ui_views_rebuild(struct ui *ui);

/* The histogram the histogram pane shows (selected row of the focused table), or NULL. */
const struct view_row *ui_selected_row(const struct ui *ui, enum ui_table *from);

/* Is the clients table on screen (own area, or in place of the processes)? */
bool ui_clients_visible(const struct ui *ui);

/* The client whose histogram the histogram pane shows (pinned, or selected and focused), or NULL. */
const struct snap_client_row *ui_selected_client(const struct ui *ui);

/* The CMD column of process (@pid, @pstart_ns): its command line, "-" if unknown. */
void ui_fmt_cmdline(struct ui *ui, uint32_t pid, uint64_t pstart_ns, char *buf, size_t len);

/* Events per second over the view's time base (the tick, or since start). */
double ui_per_second(const struct ui *ui, uint64_t n);

/* A rate in a table cell: "812", "12.4k", "1.2M". */
void ui_fmt_rate(char *buf, size_t len, double r);

void ui_set_status(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Panes. */
void pane_header_draw(struct ui *ui, WINDOW *w);
void pane_status_draw(struct ui *ui, WINDOW *w);
void pane_footer_draw(struct ui *ui, WINDOW *w);
void pane_syscalls_draw(struct ui *ui, WINDOW *w);
void pane_procs_draw(struct ui *ui, WINDOW *w);
void pane_clients_draw(struct ui *ui, WINDOW *w);
void pane_hist_draw(struct ui *ui, WINDOW *w);
void pane_help_draw(struct ui *ui, WINDOW *w);
void pane_picker_draw(struct ui *ui, WINDOW *w);
void pane_sortmenu_draw(struct ui *ui, WINDOW *w);

/* Keys: handle one key, return enum ui_redraw bits. */
int ui_key(struct ui *ui, int key);
/* The next (@dir > 0) or previous colour theme, applied; says which on the status line. */
int ui_theme_step(struct ui *ui, int dir);
/* A key with no binding: the status line says so. */
int ui_key_unbound(struct ui *ui, int key);

/* The 's' hotkey: screen text + tick JSON into the snapshot dir. */
void ui_snapshot_write(struct ui *ui);

/* History (ui_history.c): created in ui_init, replay loaded, fed each tick taken. */
void ui_history_init(struct ui *ui);
void ui_history_fini(struct ui *ui);
void ui_history_tick(struct ui *ui, const struct snapshot *s);
/* The identity of row @row of table @t (TABLE_CLIENTS too) in the history. */
bool ui_row_key(const struct ui *ui, enum ui_table t, size_t row, struct row_key *k);
/* The key of the row the histogram pane shows, and a title for it; false: none. */
bool ui_selected_key(const struct ui *ui, struct row_key *k, char *title, size_t len);
/* The sparkline of a row's p99 over the last ticks (8 cells) into @buf. */
void ui_sparkline(const struct ui *ui, enum ui_table t, size_t row, char *buf, size_t len);
#define UI_SPARK_CELLS 8
#define UI_SPARK_MIN_PANE 100	/* P99~ only in panes this wide (not at 80 columns) */

/* Thresholds (ui_slo.c). */
void ui_slo_eval(struct ui *ui);
/* After ui_slo_eval: the status line names the first breach when that changes. */
void ui_slo_status(struct ui *ui);
/* row_attr of the tables (ctx: the ui): the breach role for a row that breaks one. */
attr_t ui_slo_syscalls_attr(void *ctx, size_t row);
attr_t ui_slo_procs_attr(void *ctx, size_t row);
/* "SLO: 2 broken" / "SLO ok" for the header ("" without thresholds); true when broken. */
bool ui_slo_header(const struct ui *ui, char *buf, size_t len);
/* The first broken one, "p99(read) 14.2ms > 10ms", or "". */
void ui_slo_first_text(const struct ui *ui, char *buf, size_t len);

/* Family panes (pane_family.c): one descriptor per family, one generic table. */
void ui_fam_init(struct ui *ui);
void ui_fam_fini(struct ui *ui);
int ui_fam_rebuild(struct ui *ui);
void pane_family_draw(struct ui *ui, WINDOW *w);

/* The fleet view (ui/pane_hosts.c): whether the hosts pane stands in for the processes pane. */
bool ui_fleet_hosts_shown(const struct ui *ui);
void pane_hosts_draw(struct ui *ui, WINDOW *w);
/* Enter on a host: its rows only; Esc: every host again. Redraw flags. */
int ui_fleet_host_enter(struct ui *ui);
int ui_fleet_host_back(struct ui *ui);
/* The hosts the source merges: Enter's, else the filter's host: terms, else all. */
void ui_fleet_select_apply(struct ui *ui);
/* The family pane focused, or NULL. */
struct ui_fam_state *ui_fam_focused(struct ui *ui);
/* 'f': the next family pane in place of the processes (after the last: processes again). */
int ui_fam_cycle(struct ui *ui);
/* Keys on the focused family table (keys.c calls these when ui_fam_focused). */
void ui_fam_moved(struct ui *ui);
int ui_fam_enter(struct ui *ui);
int ui_fam_back(struct ui *ui);
void ui_fam_row_text(const struct ui *ui, size_t row, char *buf, size_t len);
/* Its sort keys (enum fam_col) in the order of the columns shown; title of a key's column. */
size_t ui_fam_sort_choices(const struct ui *ui, int *keys, size_t cap);
const char *ui_fam_sort_title(const struct ui *ui, int key);
void ui_fam_sort_set(struct ui *ui, int key);
/* The family row the histogram pane shows (a family pane focused), its family; or NULL. */
const struct fam_view_row *ui_fam_selected(const struct ui *ui, enum snap_family *f);
/* Its title: "block loop3 read dd[812]" (sanitised). */
void ui_fam_row_title(const struct ui *ui, enum snap_family f, const struct fam_view_row *r,
		      char *buf, size_t len);
/* "run queue: on; block: off (not root)" for the header; "" without a source. */
void ui_fam_header(const struct ui *ui, char *buf, size_t len);

/* Cgroups (pane_cgroups.c): the Containers pane, its drill-down, the picker, the CGROUP cells. */
/* Is the Containers pane in the processes pane (g, and nothing else took it)? */
bool ui_cgroups_shown(const struct ui *ui);
int ui_cgroups_toggle(struct ui *ui);
int ui_cgroups_rebuild(struct ui *ui);
void ui_cgroups_fini(struct ui *ui);
void ui_cgroups_moved(struct ui *ui);
/* Enter on a cgroup: the processes filtered by its cg: term. Esc: the filter before, the pane. */
int ui_cgroups_enter(struct ui *ui);
int ui_cgroups_back(struct ui *ui);
void pane_cgroups_draw(struct ui *ui, WINDOW *w);
/* Text a search matches in Containers row @row. */
void ui_cgroups_row_text(const struct ui *ui, size_t row, char *buf, size_t len);
/* 'G': the picker of cgroups; its keys' effects; its rows for pane_picker_draw. */
int ui_cgpick_open(struct ui *ui);
void ui_cgpick_jump(struct ui *ui, const char *typed);
int ui_cgpick_choose(struct ui *ui);
void ui_cgpick_cell(void *ctx, size_t row, size_t col, char *buf, size_t len, bool *untrusted);
/*
 * A CGROUP cell: the cgroup's name (raw: the caller marks it untrusted), "-"
 * when the row has none (id 0, or ids without names: the header says why).
 */
void ui_fmt_cgroup(const struct ui *ui, uint64_t id, const struct snap_cgroup *cg, char *buf,
		   size_t len);
/* The CGROUP column's hidden bit when this snapshot has no cgroups, with the operator's. */
uint32_t ui_cols_hidden(const struct ui *ui, enum ui_cols t);

/* Heatmap (pane_heatmap.c). */
void pane_heatmap_draw(struct ui *ui, WINDOW *w);
/* The selected row's heatmap: ASCII lines (text snapshot), or a JSON object. 0 or -errno. */
int heatmap_write_text(const struct ui *ui, FILE *f);
int heatmap_write_json(const struct ui *ui, FILE *f);

/* Column of the histogram pane where bars start (the text snapshot turns them into '@'). */
#define PANE_HIST_BAR_X 10

/* The stacks of slow calls of the selected row (pane_stacks.c). */
/* 'S', Enter in the histogram: open or close the stacks view. */
int ui_stacks_toggle(struct ui *ui);
/* Keys while the stacks view is open: scrolling and closing; REDRAW_NONE for the others. */
int ui_stacks_key(struct ui *ui, int key, bool *handled);
void pane_stacks_draw(struct ui *ui, WINDOW *w);
/* The selected row's stacks as text (the snapshot file). 0 or -errno. */
int ui_stacks_write_text(const struct ui *ui, FILE *out);

#endif
