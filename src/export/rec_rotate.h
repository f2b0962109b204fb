/*
 * rec_rotate.h - the names of a rotated recording (FILE, FILE.1 .. FILE.N,
 * FILE.1 the newest finished file) and the shift that makes room for a new
 * FILE. Everything works relative to a directory fd opened once, with *at
 * calls that never follow a symlink in the last component (a rename moves a
 * symlink itself, never what it points to), and never replaces a file that
 * is not one of ours: old files are moved with RENAME_NOREPLACE and only
 * FILE.N, which this run made, is removed.
 */
#ifndef LATTOP_EXPORT_REC_ROTATE_H
#define LATTOP_EXPORT_REC_ROTATE_H

#include <stddef.h>
#include <stdint.h>

#define REC_ROTATE_MAX 1000		/* --rotate's limit (core/options.c) */

/* "BASE.I" into @out (I = 0: BASE). 0, or -ENAMETOOLONG. */
int rec_rotate_name(char *out, size_t outlen, const char *base, uint32_t i);

/*
 * Before a capped recording starts: none of BASE.1 .. BASE.@keep may exist
 * (lattop never overwrites a file it did not write). 0, -EEXIST with the
 * name in @err, or another -errno.
 */
int rec_rotate_check(int dirfd, const char *path, const char *base, uint32_t keep, char *err,
		     size_t errlen);

/*
 * Shift a finished (closed) BASE away: BASE.@keep is removed when @n_old
 * (the files this run has already shifted, at most @keep) reaches @keep,
 * BASE.i -> BASE.i+1 from the oldest, then BASE -> BASE.1. @path is BASE as
 * the user gave it, for messages. 0, or -errno with "PATH.i -> PATH.j:
 * reason" in @err (the names already moved stay moved).
 */
int rec_rotate_shift(int dirfd, const char *path, const char *base, uint32_t keep,
		     uint32_t n_old, char *err, size_t errlen);

#endif
