/*
 * rec_writer.h - writes a lattop recording (format: core/rec_format.h).
 * The file is created new (O_EXCL|O_NOFOLLOW, 0600) and flushed after each
 * record, so a recording cut short loses at most the record being written
 * (readers then report it as truncated). Not thread-safe: one writer at a
 * time (the caller serialises ticks and samples).
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

/* 0 or -errno. */
int rec_writer_tick(struct rec_writer *w, const struct snapshot *s);
int rec_writer_samples(struct rec_writer *w, const struct abi_client_event *ev, size_t n,
		       int64_t mono_to_real_ns);

/* Bytes written so far, and ticks. */
uint64_t rec_writer_bytes(const struct rec_writer *w);
uint64_t rec_writer_ticks(const struct rec_writer *w);

/* Write END, close. 0 or -errno (the file is closed either way). NULL is a no-op. */
int rec_writer_close(struct rec_writer *w);

#endif
