/*
 * settings_file.h - where lattoprc lives, and reading and writing it
 * without ever following a symlink at its path. No curses.
 *
 * Read: opened with O_NOFOLLOW, then it must be a regular file owned by
 * the effective user and not writable by group or others; else it is not
 * read (and the caller must not write it either).
 * Write: the directory is created 0700 when missing; the text goes to a new
 * temporary file (O_CREAT|O_EXCL|O_NOFOLLOW, 0600) in the same directory,
 * which is then renamed over lattoprc; a symlink, or anything but our own
 * regular file at the path, is refused.
 */
#ifndef LATTOP_UI_SETTINGS_FILE_H
#define LATTOP_UI_SETTINGS_FILE_H

#include <stddef.h>

/*
 * $XDG_CONFIG_HOME/lattop/lattoprc, else $HOME/.config/lattop/lattoprc
 * (either variable only when set and absolute). 0, or -ENOENT (neither) or
 * -ENAMETOOLONG, with the reason in @err.
 */
int settings_file_path(char *buf, size_t len, char *err, size_t errlen);

/*
 * Read @path into @buf (at most @cap bytes; not NUL-terminated), length in
 * *@len. 0; -ENOENT when there is no file (not an error: defaults apply);
 * else a negative errno with one line in @err saying why it was not read:
 * -ELOOP a symlink, -EPERM not ours or writable by others, -EINVAL not a
 * regular file, -EFBIG larger than @cap, or what open/read said.
 */
int settings_file_read(const char *path, char *buf, size_t cap, size_t *len, char *err,
		       size_t errlen);

/* Replace @path with @len bytes of @text as described above. 0, or -errno with @err. */
int settings_file_write(const char *path, const char *text, size_t len, char *err, size_t errlen);

#endif
