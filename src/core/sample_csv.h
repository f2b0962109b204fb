/*
 * sample_csv.h - the latency sample CSV of the DTrace/bpftrace recipes and of
 * `lattop --csv`, parsed incrementally from memory (no file I/O here).
 *
 * Format: a header line, then one sample per line. The header names the
 * columns; `timestamp_ns` and `latency_ns` are required, `event` (or
 * `syscall`, as in the DTrace recipe) is optional, any other column is
 * ignored, so lattop's own
 *   timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out
 * is accepted. Names match case-insensitively, surrounding blanks and
 * quotes are ignored. Cells may be RFC 4180 quoted ("a,b", "a""b") within
 * one line. timestamp_ns and latency_ns must be unsigned decimal integers
 * (blanks around them allowed). Lines end in LF or CRLF; blank lines are
 * skipped; a UTF-8 BOM before the header is skipped. bpftrace's own output,
 * which the recipes' scripts leave in their CSVs ("Attaching N probes...",
 * and the maps printed at exit: lines starting with '@'), is skipped and
 * counted in `skipped`.
 *
 * Rejected, with the 1-based line number: an empty input, a first line that
 * is not such a header, a NUL byte, a line longer than SAMPLE_CSV_LINE_MAX
 * bytes, a line with fewer cells than the columns it needs, a non-numeric,
 * negative or out-of-range number, an unterminated quote, an event name
 * longer than SAMPLE_CSV_EVENT_MAX - 1 bytes, a header with no sample.
 */
#ifndef LATTOP_CORE_SAMPLE_CSV_H
#define LATTOP_CORE_SAMPLE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SAMPLE_CSV_LINE_MAX 4096
#define SAMPLE_CSV_EVENT_MAX 64
#define SAMPLE_CSV_ERR_LEN 160

/* One sample. @event is raw (untrusted) text; "" when there is no event column. */
struct sample_csv_row {
	uint64_t ts_ns;
	uint64_t lat_ns;
	const char *event;
	size_t event_len;
};

/* Called per sample; a non-zero return stops parsing and is returned. */
typedef int (*sample_csv_row_fn)(void *ctx, const struct sample_csv_row *row);

struct sample_csv {
	sample_csv_row_fn on_row;
	void *ctx;
	uint64_t line;			/* lines completed so far */
	uint64_t rows;			/* samples delivered */
	uint64_t skipped;		/* bpftrace lines skipped */
	bool have_header;
	bool has_event;			/* the header names an event column */
	bool failed;
	int col_ts, col_lat, col_event;	/* column indices; col_event -1: none */
	int ncols;			/* cells a sample line must have */
	size_t len;			/* bytes in buf */
	bool overlong;
	uint64_t err_line;		/* line of the error (1-based) */
	char err[SAMPLE_CSV_ERR_LEN];	/* reason, without file or line */
	char buf[SAMPLE_CSV_LINE_MAX + 1];
	char event[SAMPLE_CSV_EVENT_MAX];
};

void sample_csv_init(struct sample_csv *p, sample_csv_row_fn on_row, void *ctx);

/*
 * Feed @len bytes (any chunking). 0, -EINVAL for bad input (reason in
 * p->err, line in p->err_line), or the callback's non-zero return.
 * After an error every further call returns it again.
 */
int sample_csv_feed(struct sample_csv *p, const char *data, size_t len);

/* End of input: the last line without a newline, empty input, no samples. */
int sample_csv_finish(struct sample_csv *p);

/* Whole buffer: init + feed + finish. */
int sample_csv_parse(struct sample_csv *p, const char *data, size_t len, sample_csv_row_fn on_row,
		     void *ctx);

#endif
