/*
 * csv_file.h - the --csv FILE of live tracing: a new file (O_EXCL, never
 * through a symlink, 0600: we run as root) that holds only complete rows.
 *
 * Rows are gathered in memory and written with write(2) in whole rows; when
 * a write fails (a full filesystem), the file is cut back to the end of the
 * last complete row, the error is kept and later rows are dropped: the run
 * goes on without its CSV, and csv_file_close reports it once.
 *
 * Thread: create and close on the main thread; the sink functions on the
 * samples thread only (struct client_sample_sink).
 */
#ifndef LATTOP_EXPORT_CSV_FILE_H
#define LATTOP_EXPORT_CSV_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "abi/lat_abi.h"

struct csv_file;

/* Create @path and write the header. NULL with errno and the reason in @err. */
struct csv_file *csv_file_create(const char *path, char *err, size_t errlen);

/* Sink callbacks (ctx is the struct csv_file). 0, or the kept negative errno. */
int csv_file_sink_write(void *ctx, const struct abi_client_event *ev, int64_t mono_to_real_ns);
int csv_file_sink_flush(void *ctx);

/*
 * Write what is pending, close and free. 0, or the first write error as a
 * negative errno with one line in @err naming the file and how many rows
 * it kept.
 */
int csv_file_close(struct csv_file *cf, char *err, size_t errlen);

#endif
