/*
 * rec_format.h - the lattop recording format, encoded and decoded over
 * memory buffers (pure: no file I/O; the files are src/export/rec_*).
 *
 * File:    "LATTOPREC\0" (10 bytes), format version u16 LE, then records.
 * Record:  type u8, flags u8, reserved u16 (0), stored length u32 LE,
 *          raw length u32 LE, payload (stored length bytes), CRC-32 u32 LE
 *          of everything before it in the record. flags bit 0: the payload
 *          is zlib-deflated to stored length bytes from raw length bytes
 *          (otherwise both lengths are equal).
 * Records: META first and once (key=value lines: format, hist layout, host,
 *          ...), then TICK (one snapshot) and SAMPLES (a batch of raw client
 *          samples) in any order, then END (tick and sample counts).
 *
 * Payload integers are LEB128 varints (u64; fields of 32 bits are checked
 * to fit); strings are a varint length and that many bytes. Histograms
 * are sparse: the number of non-empty slots, then (slot gap, value) pairs.
 *
 * Versions: 2 added client counters after format 1's (adopted), in an
 * extension after a tick's client rows (core/rec_tick.c); a version-1
 * tick has none and reads with those counters 0. 3 added tagged sections
 * at the end of a tick (core/rec_sections.h: the syscall breakdown, the
 * family tables); a version-2 tick has none and reads with the breakdown
 * off and every family table off and empty. Unknown section tags and
 * family names are skipped, so what is added as a section later needs no
 * new version.
 * 4 added delta ticks: a TICK record with flag REC_FLAG_DELTA holds the
 * seq of the tick before it, then the tick as format 3 writes it except
 * the syscall rows, which are edits of the previous tick's rows
 * (core/rec_delta.c: unchanged rows are one COPY op for a run of them, an
 * active row is its interval histogram, its total being the previous
 * total plus the interval; new rows whole, gone rows skipped), and the
 * sections number no syscall row (parts and cgroup ids are in the rows).
 * Every file starts with a keyframe (a whole tick, flags without DELTA),
 * and a writer puts one every REC_KEYFRAME_TICKS ticks, so a rotated file
 * stands alone and a seek decodes from the keyframe at or before the tick.
 * A delta is deflated like any payload. Versions 1-3 have no delta ticks
 * and read as before.
 * 5 writes its delta ticks with flags REC_FLAG_DELTA | REC_FLAG_COLS: the
 * same row ops, but a changed row's fields are in columns after the ops
 * (all rows' flags, then all counts, buckets, sums, maxima, totals,
 * parts), each predicted from what the reader already has (timed from the
 * buckets, sum and max from the buckets' lower bounds, on-CPU from the sum
 * and the other parts, the first slot and errors from the row's previous
 * interval) and written as a zigzag difference, so a steady row is mostly
 * zeros that deflate takes away; and each family table (run queue, block,
 * functions) as edits of the previous tick's (rec_sections.h,
 * REC_SEC_FAM_DELTA), where format 4 wrote it whole. Keyframes are as in
 * format 4; a format-4 delta (REC_FLAG_DELTA alone) reads as before.
 * 6 writes its delta ticks with flags REC_FLAG_DELTA | REC_FLAG_COLS |
 * REC_FLAG_COLS6: format 5's ops, but every field of a changed row,
 * buckets included, is a difference from a prediction out of the same
 * row's previous interval or its own buckets (core/rec_histcol.h: slots
 * against the previous interval's, the sum with every call in the middle of
 * its slot, the breakdown parts split as the previous interval's were), a
 * new row's fields are in the same columns against an empty row
 * (rec_delta6.c), and a family table's changed rows (REC_SEC_FAM_DELTA6)
 * have their interval and part histograms in such columns and their totals
 * as the previous totals plus this interval when they are. A format-5
 * delta (REC_FLAG_DELTA | REC_FLAG_COLS) reads as before.
 */
#ifndef LATTOP_CORE_REC_FORMAT_H
#define LATTOP_CORE_REC_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"
#include "core/snapshot.h"

#define REC_MAGIC "LATTOPREC"		/* and a NUL: 10 bytes */
#define REC_MAGIC_LEN 10
/*
 * 2: a syscall row's exited flag became flag bits (REC_ROW_*), adding the
 * wait flag; the tick's simulated flag became tick flags (REC_TICK_*),
 * adding final; client counters newer than format 1 (adopted) follow a
 * tick's client rows as an extension. Version 1 files read as rows without
 * waits, ticks that are not final and no adopted connections; a lattop that
 * reads only 1 refuses 2 files as newer.
 * 3: tagged sections after the client extension (rec_sections.h).
 * 4: delta ticks (REC_FLAG_DELTA; rec_delta.c) between keyframes.
 * 5: delta ticks in columns (REC_FLAG_COLS), family tables as edits.
 * 6: every field of a delta row against the row's previous tick (REC_FLAG_COLS6).
 */
#define REC_FORMAT_VERSION 6
/*
 * A writer starts every file with a keyframe, and writes one every this
 * many ticks: a seek decodes at most this many ticks (REC_KEYFRAME_TICKS - 1
 * deltas after the keyframe).
 */
#define REC_KEYFRAME_TICKS 40
#define REC_ROW_EXITED 1u		/* syscall row flags */
#define REC_ROW_WAIT 2u
#define REC_TICK_SIMULATED 1u		/* tick flags */
#define REC_TICK_FINAL 2u
#define REC_FILE_HDR_LEN 12
#define REC_HDR_LEN 12
#define REC_CRC_LEN 4
#define REC_MAX_PAYLOAD (64u << 20)	/* larger lengths are corruption, not data */
#define REC_FLAG_DEFLATE 1u
#define REC_FLAG_DELTA 2u		/* a TICK against the previous TICK (format 4) */
#define REC_FLAG_COLS 4u		/* with DELTA: encoded as format 5 does */
#define REC_FLAG_COLS6 8u		/* with DELTA and COLS: encoded as format 6 does */
/* The flags of a delta tick as this lattop writes it (rec_encode_tick_delta). */
#define REC_FLAGS_DELTA_NOW (REC_FLAG_DELTA | REC_FLAG_COLS | REC_FLAG_COLS6)
/* The longest END record: two u64 varints, never deflated. */
#define REC_END_MAX_LEN (REC_HDR_LEN + 2 * 10 + REC_CRC_LEN)
#define REC_META_MAX 64			/* keys */

enum rec_type {
	REC_META = 1,
	REC_TICK = 2,
	REC_SAMPLES = 3,
	REC_END = 4,
};

/* What is wrong, and where: @offset is relative to the buffer given to the decoder. */
struct rec_error {
	uint64_t offset;
	int code;			/* -EINVAL, -EPROTO (truncated), -ENOTSUP (newer), -ENOMEM */
	char msg[160];
};

/* A growable byte buffer (encoder output, inflated payloads). */
struct rec_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void rec_buf_free(struct rec_buf *b);
/* Room for @n more bytes after b->len. 0 or -ENOMEM. */
int rec_buf_reserve(struct rec_buf *b, size_t n);

struct rec_hdr {
	uint8_t type;
	uint8_t flags;
	uint32_t stored_len;
	uint32_t raw_len;
};

/* Metadata: owned copies of the META record's lines. */
struct rec_meta {
	size_t n;
	char *key[REC_META_MAX];
	char *val[REC_META_MAX];
};

/* --- encoding (append to @out; 0 or -ENOMEM) ---------------------------- */
int rec_encode_file_header(struct rec_buf *out);
/* Frame @payload as one record, deflated when @deflate and that is smaller. */
int rec_encode_record(struct rec_buf *out, enum rec_type type, const uint8_t *payload,
		      size_t len, bool deflate);
/* key=value lines; keys [a-z0-9_], values without NUL or newline (replaced by '?'). */
/* The same with @extra_flags (REC_FLAG_DELTA) in the record's flags. */
int rec_encode_record_flags(struct rec_buf *out, enum rec_type type, uint8_t extra_flags,
			    const uint8_t *payload, size_t len, bool deflate);
int rec_encode_meta(struct rec_buf *out, const struct rec_meta *m);
int rec_encode_tick(struct rec_buf *out, const struct snapshot *s);
/* @s as edits of @prev: @prev must be the previous tick as a reader decodes it. */
int rec_encode_tick_delta(struct rec_buf *out, const struct snapshot *s,
			  const struct snapshot *prev);
/* The same as format 5 wrote it (framed with REC_FLAG_DELTA | REC_FLAG_COLS; tests). */
int rec_encode_tick_delta_v5(struct rec_buf *out, const struct snapshot *s,
			     const struct snapshot *prev);
/* The same as format 4 wrote it (framed with REC_FLAG_DELTA alone; tests). */
int rec_encode_tick_delta_v4(struct rec_buf *out, const struct snapshot *s,
			     const struct snapshot *prev);
int rec_encode_samples(struct rec_buf *out, const struct abi_client_event *ev, size_t n,
		       int64_t mono_to_real_ns);
int rec_encode_end(struct rec_buf *out, uint64_t ticks, uint64_t samples);

/* --- decoding (0, or a negative errno with @e filled) ------------------ */
int rec_decode_file_header(const uint8_t *p, size_t n, struct rec_error *e);
/* The fixed part of a record at @p (@n bytes available). */
int rec_decode_hdr(const uint8_t *p, size_t n, struct rec_hdr *h, struct rec_error *e);
/*
 * A whole record at @p (REC_HDR_LEN + stored_len + REC_CRC_LEN bytes):
 * check the CRC, inflate if needed; *@payload, *@len point into @p or @scratch.
 */
int rec_decode_payload(const uint8_t *p, const struct rec_hdr *h, struct rec_buf *scratch,
		       const uint8_t **payload, size_t *len, struct rec_error *e);
/*
 * Make a payload decoder's error offset (@ret != 0) a buffer offset, for a
 * record at @rec_off: the byte itself, or the record when it is deflated.
 */
int rec_payload_error_at(struct rec_error *e, uint64_t rec_off, const struct rec_hdr *h, int ret);
/* Also checks the histogram layout and that the format is not newer than ours. */
int rec_decode_meta(const uint8_t *p, size_t n, struct rec_meta *m, struct rec_error *e);
const char *rec_meta_get(const struct rec_meta *m, const char *key);
/* Add a copy of key/value (the writer builds its META this way). 0, -ENOMEM or -E2BIG. */
int rec_meta_set(struct rec_meta *m, const char *key, const char *val);
void rec_meta_free(struct rec_meta *m);
/* @out: snapshot_init'ed; reset here. */
int rec_decode_tick(const uint8_t *p, size_t n, struct snapshot *out, struct rec_error *e);
/*
 * A REC_FLAGS_DELTA_NOW tick (format 6) against @prev (the tick decoded
 * before it; not @out); _v5: a REC_FLAG_DELTA | REC_FLAG_COLS tick of
 * format 5; _v4: a REC_FLAG_DELTA tick of format 4; _flags: as the
 * record's @flags say.
 */
int rec_decode_tick_delta(const uint8_t *p, size_t n, const struct snapshot *prev,
			  struct snapshot *out, struct rec_error *e);
int rec_decode_tick_delta_v5(const uint8_t *p, size_t n, const struct snapshot *prev,
			     struct snapshot *out, struct rec_error *e);
int rec_decode_tick_delta_v4(const uint8_t *p, size_t n, const struct snapshot *prev,
			     struct snapshot *out, struct rec_error *e);
int rec_decode_tick_delta_flags(const uint8_t *p, size_t n, const struct snapshot *prev,
				struct snapshot *out, struct rec_error *e, uint8_t flags);
/* Samples into *@ev (realloc'ed, capacity *@cap), count *@n_ev. */
int rec_decode_samples(const uint8_t *p, size_t n, struct abi_client_event **ev, size_t *cap,
		       size_t *n_ev, int64_t *mono_to_real_ns, struct rec_error *e);
int rec_decode_end(const uint8_t *p, size_t n, uint64_t *ticks, uint64_t *samples,
		   struct rec_error *e);

/*
 * A whole recording in memory, checked end to end (the fuzz target and the
 * truncation tests): every record decoded, META first, END last with the
 * right counts. Calls @on_tick (may be NULL) for each tick. 0 or -errno.
 */
int rec_decode_buffer(const uint8_t *p, size_t n, int (*on_tick)(void *ctx,
		      const struct snapshot *s), void *ctx, struct rec_error *e);

#endif
