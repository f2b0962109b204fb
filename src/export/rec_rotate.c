/* rec_rotate.c - FILE -> FILE.1 -> ... -> FILE.N, relative to a directory fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/rec_rotate.h"

int rec_rotate_name(char *out, size_t outlen, const char *base, uint32_t i)
{
	int n = i ? snprintf(out, outlen, "%s.%u", base, i) : snprintf(out, outlen, "%s", base);

	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

int rec_rotate_check(int dirfd, const char *path, const char *base, uint32_t keep, char *err,
		     size_t errlen)
{
	char name[512];
	struct stat st;

	for (uint32_t i = 1; i <= keep; i++) {
		if (rec_rotate_name(name, sizeof(name), base, i)) {
			snprintf(err, errlen, "%s.%u: name too long", path, i);
			return -ENAMETOOLONG;
		}
		if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			snprintf(err, errlen, "%s.%u exists (lattop never overwrites; move it or "
				 "pick a new name)", path, i);
			return -EEXIST;
		}
		if (errno != ENOENT) {
			int ret = -errno;

			snprintf(err, errlen, "%s.%u: %s", path, i, strerror(errno));
			return ret;
		}
	}
	return 0;
}

/* Move @from to @to unless @to exists (a file someone else put there is never replaced). */
static int rename_noreplace(int dirfd, const char *from, const char *to)
{
	struct stat st;

	if (renameat2(dirfd, from, dirfd, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A filesystem without RENAME_NOREPLACE: check, then rename (racy, but never worse). */
	if (fstatat(dirfd, to, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return -EEXIST;
	return renameat(dirfd, from, dirfd, to) ? -errno : 0;
}

int rec_rotate_shift(int dirfd, const char *path, const char *base, uint32_t keep,
		     uint32_t n_old, char *err, size_t errlen)
{
	char from[512], to[512];
	uint32_t i;
	int ret;

	if (!keep || keep > REC_ROTATE_MAX || n_old > keep)
		return -EINVAL;
	if (rec_rotate_name(to, sizeof(to), base, keep) ||
	    rec_rotate_name(from, sizeof(from), base, 0)) {
		snprintf(err, errlen, "%s.%u: name too long", path, keep);
		return -ENAMETOOLONG;
	}
	/* The oldest of ours goes; we made it, so removing it loses no one else's file. */
	if (n_old == keep && unlinkat(dirfd, to, 0) && errno != ENOENT) {
		ret = -errno;
		snprintf(err, errlen, "%s.%u: cannot remove the oldest file: %s", path, keep,
			 strerror(errno));
		return ret;
	}
	for (i = n_old < keep ? n_old : keep - 1;; i--) {
		rec_rotate_name(from, sizeof(from), base, i);
		rec_rotate_name(to, sizeof(to), base, i + 1);
		ret = rename_noreplace(dirfd, from, to);
		if (ret) {
			if (i)
				snprintf(err, errlen, "%s.%u -> %s.%u: %s", path, i, path, i + 1,
					 strerror(-ret));
			else
				snprintf(err, errlen, "%s -> %s.1: %s", path, path, strerror(-ret));
			return ret;
		}
		if (!i)
			break;
	}
	/* The new names survive a crash with the files they name. */
	fsync(dirfd);
	return 0;
}
