/* settings_file.c - lattoprc on disk: found by XDG rules, never read or written through a link. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ui/settings_file.h"

static int __attribute__((format(printf, 4, 5))) fail(char *err, size_t errlen, int ret,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

int settings_file_path(char *buf, size_t len, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;

	err[0] = '\0';
	/* The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored. */
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, len, "%s/lattop/lattoprc", xdg);
	else if (home && home[0] == '/')
		n = snprintf(buf, len, "%s/.config/lattop/lattoprc", home);
	else {
		snprintf(err, errlen, "no settings file: neither $XDG_CONFIG_HOME nor $HOME is an "
				      "absolute path");
		return -ENOENT;
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "no settings file: its path is too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Split @path into its directory (in @dir) and last component. */
static const char *split(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash || !slash[1] || (size_t)(slash - path) >= len)
		return NULL;
	if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
	return slash + 1;
}

/*
 * Ours and not writable by anyone else (@w_mask: S_IWGRP | S_IWOTH for the file; for
 * its directory S_IWOTH, as a user-private group is common): we may trust, or replace it.
 */
static int check_owned(const struct stat *st, mode_t w_mask, const char *path, char *err,
		       size_t errlen)
{
	char why[96];

	if (st->st_uid != geteuid()) {
		snprintf(why, sizeof(why), "owned by uid %u, not by you (uid %u)",
			 (unsigned int)st->st_uid, (unsigned int)geteuid());
		return fail(err, errlen, -EPERM, "%s: %s", path, why);
	}
	if (st->st_mode & w_mask) {
		snprintf(why, sizeof(why), "writable by %s (mode %04o): chmod %s it",
			 w_mask & S_IWGRP ? "group or others" : "others",
			 (unsigned int)(st->st_mode & 07777), w_mask & S_IWGRP ? "600" : "700");
		return fail(err, errlen, -EPERM, "%s: %s", path, why);
	}
	return 0;
}

int settings_file_read(const char *path, char *buf, size_t cap, size_t *len, char *err,
		       size_t errlen)
{
	struct stat st;
	size_t got = 0;
	int fd, ret = 0;

	err[0] = '\0';
	*len = 0;
	/* O_NONBLOCK: a FIFO planted at the path must not hang the start; fstat rejects it. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			return ret;
		if (ret == -ELOOP)
			return fail(err, errlen, ret,
				    "not following the symbolic link %s (not read, not saved)", path);
		return fail(err, errlen, ret, "%s: cannot open: %s", path, strerror(-ret));
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		fail(err, errlen, ret, "%s: cannot stat: %s", path, strerror(-ret));
	} else if (!S_ISREG(st.st_mode)) {
		ret = fail(err, errlen, -EINVAL, "%s: %s", path, "not a regular file: not read");
	} else if ((ret = check_owned(&st, S_IWGRP | S_IWOTH, path, err, errlen)) != 0) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n, "; not read");
	} else if ((size_t)st.st_size > cap) {
		ret = fail(err, errlen, -EFBIG, "%s: %s", path, "larger than 64 KiB: not read");
	}
	while (!ret && got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			fail(err, errlen, ret, "%s: cannot read: %s", path, strerror(-ret));
		} else if (n == 0) {
			break;
		} else {
			got += (size_t)n;
		}
	}
	close(fd);
	*len = got;
	return ret;
}

/* mkdir @dir 0700 (and its parent, once) when missing. */
static int make_dir(const char *dir)
{
	char parent[PATH_MAX];

	if (!mkdir(dir, 0700) || errno == EEXIST)
		return 0;
	if (errno != ENOENT || !split(dir, parent, sizeof(parent)))
		return -errno;
	/* ~/.config itself may be missing on a fresh account. */
	if (mkdir(parent, 0700) && errno != EEXIST)
		return -errno;
	return mkdir(dir, 0700) && errno != EEXIST ? -errno : 0;
}

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The temporary file, written and synced: 0, or -errno (removed again). */
static int write_temp(int dfd, char *tmp, size_t tmplen, const char *base, const char *text,
		      size_t len)
{
	int fd = -1, ret;

	for (unsigned int i = 0; i < 100 && fd < 0; i++) {
		snprintf(tmp, tmplen, ".%s.%ld.%u", base, (long)getpid(), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	/* Exactly 0600 whatever the umask: the owner must be able to rewrite it later. */
	ret = fchmod(fd, 0600) ? -errno : 0;
	if (!ret)
		ret = write_all(fd, text, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret)
		unlinkat(dfd, tmp, 0);
	return ret;
}

int settings_file_write(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	char dir[PATH_MAX], tmp[NAME_MAX + 1];
	const char *base = split(path, dir, sizeof(dir));
	struct stat st;
	int dfd, ret;

	err[0] = '\0';
	if (!base || strlen(base) + 24 > sizeof(tmp))
		return fail(err, errlen, -EINVAL, "%s: %s", path, "not a file path");
	ret = make_dir(dir);
	if (ret)
		return fail(err, errlen, ret, "cannot create %s: %s", dir, strerror(-ret));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		return fail(err, errlen, ret, "cannot open %s: %s", dir, strerror(-ret));
	}
	/* A directory someone else controls could swap the file under us: not ours to write. */
	if (fstat(dfd, &st)) {
		ret = -errno;
		fail(err, errlen, ret, "cannot stat %s: %s", dir, strerror(-ret));
	} else {
		ret = check_owned(&st, S_IWOTH, dir, err, errlen);
	}
	if (!ret && !fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW)) {
		if (S_ISLNK(st.st_mode))
			ret = fail(err, errlen, -ELOOP, "not writing through the symbolic link %s",
				   path);
		else if (!S_ISREG(st.st_mode))
			ret = fail(err, errlen, -EINVAL, "%s: %s", path, "not a regular file");
		else
			ret = check_owned(&st, S_IWGRP | S_IWOTH, path, err, errlen);
	} else if (!ret && errno != ENOENT) {
		ret = -errno;
		fail(err, errlen, ret, "cannot stat %s: %s", path, strerror(-ret));
	}
	if (!ret) {
		ret = write_temp(dfd, tmp, sizeof(tmp), base, text, len);
		if (ret)
			fail(err, errlen, ret, "cannot write in %s: %s", dir, strerror(-ret));
	}
	/* rename() replaces the name, never what a link there would point to. */
	if (!ret && renameat(dfd, tmp, dfd, base)) {
		ret = -errno;
		unlinkat(dfd, tmp, 0);
		fail(err, errlen, ret, "cannot replace %s: %s", path, strerror(-ret));
	}
	if (!ret)
		fsync(dfd);	/* the rename itself survives a crash */
	close(dfd);
	return ret;
}
