/*
 * rec_reader.h - reads a lattop recording (see core/rec_format.h for the
 * format) tick by tick and sample by sample.
 *
 * Every record is validated (lengths, counts, slot indexes, strings, CRC);
 * a failure gives one line "FILE: offset N: what is wrong" in @err, where N
 * is the byte offset of the offending record (or field) in the file.
 *
 * Ticks and samples have independent cursors: rec_reader_next walks the
 * TICK records, rec_reader_next_sample walks the SAMPLE records, each from
 * the start of the file, so they may be called in any order or not at all.
 * A recording without END record (lattop killed hard) reads as truncated.
 */
#ifndef LATTOP_EXPORT_REC_READER_H
#define LATTOP_EXPORT_REC_READER_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"
#include "core/snapshot.h"

struct rec_reader;

/* NULL + errno on failure, with a one-line reason ("FILE: offset N: ...") in @err. */
struct rec_reader *rec_reader_open(const char *path, char *err, size_t errlen);

/*
 * Next tick into @out (snapshot_init'ed by the caller; reset here). 1 = a
 * tick, 0 = end of file, negative errno on bad input with the reason in
 * @err (-EINVAL: corrupted or foreign, -EPROTO: truncated, -ENOTSUP: newer
 * format version, -EIO: read error, -ENOMEM).
 */
int rec_reader_next(struct rec_reader *r, struct snapshot *out, char *err, size_t errlen);

/*
 * Past the next tick without decoding it (only its record header is read:
 * its CRC and contents are checked when rec_reader_next reads it after a
 * seek). Same returns as rec_reader_next. For replay's `]`.
 */
int rec_reader_skip(struct rec_reader *r, char *err, size_t errlen);

/*
 * Raw samples in file order: 1 = one in @ev, 0 = none left, negative errno
 * with reason. Its own cursor, independent of rec_reader_next.
 */
int rec_reader_next_sample(struct rec_reader *r, struct abi_client_event *ev, char *err,
			   size_t errlen);

/*
 * From now on a file cut short (killed while recording: no END record, or a
 * last record the file ends inside) ends at its last complete record
 * instead of being an error; rec_reader_cut_at then says where (0: not cut,
 * or the end not reached yet). Everything before the cut is checked as usual.
 */
void rec_reader_allow_cut(struct rec_reader *r);
uint64_t rec_reader_cut_at(const struct rec_reader *r);

/* Metadata value of the header, or NULL. */
const char *rec_reader_meta(const struct rec_reader *r, const char *key);

void rec_reader_close(struct rec_reader *r);

/*
 * Replay support (not needed by other readers). The file offset where
 * rec_reader_next goes on, and the number of ticks before it; a jump back
 * to a pair rec_reader_tell gave. 0 or -errno.
 */
uint64_t rec_reader_tell(const struct rec_reader *r, uint64_t *ticks_before);
int rec_reader_seek(struct rec_reader *r, uint64_t offset, uint64_t ticks_before);

/* CLOCK_REALTIME - CLOCK_MONOTONIC of the batch the last sample came from (for --csv times). */
int64_t rec_reader_sample_mono_to_real_ns(const struct rec_reader *r);

/* The file's path, as opened (for messages). */
const char *rec_reader_path(const struct rec_reader *r);

#endif
