/*
 * row_history.h - the last ticks of the dashboard's rows: per row identity
 * (a syscall, a process, a process's syscall, a client) and per tick, a
 * p99 estimate (for the sparkline column) and, for the rows on screen, the
 * counts of each power-of-two latency row (for the heatmap).
 *
 * Time is a ring of ROW_HISTORY_TICKS columns, newest last. A column holds
 * one tick live; a replay loaded at start merges several ticks per column
 * so that the whole recording fits (ticks_per_col).
 *
 * Bounded memory, whatever the traced system does:
 *   every key:   ~0.7 KiB (key, the current column's counts, N p99 values);
 *                at most max_keys keys, more are counted in dropped and not kept;
 *   watched key: + N * ROW_HISTORY_ROWS * 4 bytes (20 KiB at N = 120), at most
 *                max_full of them, allocated when first watched; a new one
 *                takes the slot of the key watched longest ago.
 * With the dashboard's limits (8192 keys, 256 watched) that is at most
 * ~6 MiB + 5 MiB. A key with no calls for N columns is forgotten.
 *
 * Pure: no I/O, no curses; one thread.
 */
#ifndef LATTOP_CORE_ROW_HISTORY_H
#define LATTOP_CORE_ROW_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"
#include "core/hist.h"
#include "core/snapshot.h"

#define ROW_HISTORY_TICKS 120	/* columns kept (N) */
/* Latency rows: row 0 holds 0 ns, row r >= 1 holds [2^(r-1), 2^r) ns; the last takes the rest. */
#define ROW_HISTORY_ROWS (ABI_HIST_MAX_POW + 1)

enum row_kind {
	ROW_KIND_SYSCALL = 1,	/* nr + wait: all processes merged */
	ROW_KIND_PROCESS,	/* pid + pstart_ns; wait = 1: its wait calls included (waits view) */
	ROW_KIND_PROC_SYSCALL,	/* pid + pstart_ns + nr + wait: a drilled row */
	ROW_KIND_CLIENT,	/* client key: request latency */
};

/* A row's identity. Built by the row_key_* helpers only (they zero it: compared as bytes). */
struct row_key {
	uint32_t kind;		/* enum row_kind */
	uint32_t nr;
	uint32_t pid;
	uint32_t wait;
	uint64_t pstart_ns;
	struct abi_client_key client;
};

void row_key_syscall(struct row_key *k, uint32_t nr, bool wait);
void row_key_process(struct row_key *k, uint32_t pid, uint64_t pstart_ns, bool with_waits);
void row_key_proc_syscall(struct row_key *k, uint32_t pid, uint64_t pstart_ns, uint32_t nr,
			  bool wait);
void row_key_client(struct row_key *k, const struct abi_client_key *ck);

/* One column of time. */
struct row_history_col {
	uint64_t seq_first, seq_last;	/* snapshot seq of its first and last tick */
	uint64_t elapsed_ns;		/* snapshot elapsed_ns at its last tick */
	uint32_t ticks;			/* ticks merged into it */
};

struct row_history;

/*
 * @max_keys keys, heatmaps for @max_full of them, @ticks_per_col ticks per
 * column (1 live). NULL with errno (EINVAL, ENOMEM).
 */
struct row_history *row_history_new(size_t max_keys, size_t max_full, uint32_t ticks_per_col);
void row_history_free(struct row_history *h);

/* Every key gets a heatmap as soon as it is seen (replay loads: every row may be selected). */
void row_history_watch_all(struct row_history *h, bool all);

/*
 * Feed one tick: begin, add its rows (a key added twice in a tick adds up),
 * end. A tick starts a new column when the current one holds ticks_per_col.
 */
void row_history_tick_begin(struct row_history *h, uint64_t seq, uint64_t elapsed_ns);
/* Sparse log-linear buckets (struct hist_bucket) of one row. 0, or -ENOSPC: key table full. */
int row_history_add(struct row_history *h, const struct row_key *k, const struct hist_bucket *b,
		    size_t n);
void row_history_tick_end(struct row_history *h);
/* Close the open column even if it holds fewer than ticks_per_col ticks (end of a replay load). */
void row_history_flush(struct row_history *h);

/*
 * The interval histograms of @s's rows under every identity the tables use:
 * syscall, process (work only and with waits), process's syscall, client.
 * A whole tick (begin ... end). 0, or -ENOSPC when some keys did not fit.
 */
int row_history_feed_snapshot(struct row_history *h, const struct snapshot *s);

/* Keep @k's heatmap from now on (it is on screen). Unknown keys are created (no data yet). */
void row_history_watch(struct row_history *h, const struct row_key *k);

/* Columns held (<= ROW_HISTORY_TICKS); index 0 is the oldest. */
size_t row_history_ncols(const struct row_history *h);
const struct row_history_col *row_history_col(const struct row_history *h, size_t i);

/* Index of the column holding tick @seq, or -1. */
long row_history_col_of_seq(const struct row_history *h, uint64_t seq);

/*
 * p99 estimate of @k in column @i (linear within its power-of-two row). False
 * when @k had no timed calls there (or is unknown).
 */
bool row_history_p99(const struct row_history *h, const struct row_key *k, size_t i,
		     uint64_t *p99_ns);

/*
 * The power-of-two row counts of @k in column @i into @counts
 * (ROW_HISTORY_ROWS). False when @k has no heatmap (never watched, or
 * its slot was taken): @counts is then zeroed.
 */
bool row_history_counts(const struct row_history *h, const struct row_key *k, size_t i,
			uint32_t *counts);

/* Does @k have a heatmap? */
bool row_history_has_counts(const struct row_history *h, const struct row_key *k);

/* Lower bound (ns) of latency row @r. */
uint64_t row_history_row_lower_ns(uint32_t r);

/* Keys held, and keys refused because the table was full (since creation). */
size_t row_history_nkeys(const struct row_history *h);
uint64_t row_history_dropped(const struct row_history *h);

#endif
