/*
 * rec_writer.h - writes a lattop recording (format: core/rec_format.h).
 * The file is created new (O_EXCL|O_NOFOLLOW, 0600) and flushed after each
 * record, so a recording cut short loses at most the record being written
 * (readers then report it as truncated). Not thread-safe: one writer at a
 * time (the caller serialises ticks and samples).
 *
 * With a size cap (rec_writer_create_capped) the recording is a chain of
 * files, each a complete recording on its own (head, records, END with its
 * own counts): a record that would take FILE past the cap (counting the END
 * still to come) first finishes FILE, shifts it to FILE.1 (FILE.1 to
 * FILE.2, ..., the oldest beyond @keep removed: export/rec_rotate.h) and
 * starts a new FILE with the same head. Every file starts with a keyframe
 * (a whole tick), then one every REC_KEYFRAME_TICKS ticks, delta ticks
 * between (format 4), so the first tick of a file needs nothing from the
 * previous file. Samples records
 * count like ticks. A file passes the cap only when its first record alone
 * (with the head and END) does: then it holds just that record.
 */
#ifndef LATTOP_EXPORT_REC_WRITER_H
#define LATTOP_EXPORT_REC_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"
#include "core/rec_format.h"
#include "core/snapshot.h"

struct rec_writer;

/*
 * Create @path and write the file header and @meta (format and histogram
 * layout keys are added here). @deflate: compress records that shrink.
 * NULL + errno, with "PATH: reason" in @err.
 */
struct rec_writer *rec_writer_create(const char *path, const struct rec_meta *meta, bool deflate,
				     char *err, size_t errlen);

/*
 * @max_bytes 0: no cap (as rec_writer_create). Otherwise @keep (1 to
 * REC_ROTATE_MAX) old files; none of PATH.1 .. PATH.keep may exist yet.
 */
struct rec_writer *rec_writer_create_capped(const char *path, const struct rec_meta *meta,
					    bool deflate, uint64_t max_bytes, uint32_t keep,
					    char *err, size_t errlen);

/*
 * 0 or -errno. The first error is sticky: every later call returns it, and
 * rec_writer_finish says it (with the file it happened to).
 */
int rec_writer_tick(struct rec_writer *w, const struct snapshot *s);
int rec_writer_samples(struct rec_writer *w, const struct abi_client_event *ev, size_t n,
		       int64_t mono_to_real_ns);

/* Bytes written so far, and ticks, over every file; files shifted away by the cap. */
uint64_t rec_writer_bytes(const struct rec_writer *w);
uint64_t rec_writer_ticks(const struct rec_writer *w);
uint32_t rec_writer_rotations(const struct rec_writer *w);

/*
 * Write END, close, free. 0 or -errno with "PATH: what: reason" in @err
 * (@err may be NULL); the file is closed either way. NULL is a no-op.
 */
int rec_writer_finish(struct rec_writer *w, char *err, size_t errlen);
/* rec_writer_finish without the message. */
int rec_writer_close(struct rec_writer *w);

#endif
