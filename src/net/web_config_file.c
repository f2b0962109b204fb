/*
 * web_config_file.c - the --web-config file's checks (owner, mode, no
 * symlink), its text to core/web_config.c, and the PEM files it names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/web_config_file.h"

/* Read all of @fd (at most @max bytes) into a NUL-terminated buffer. */
static int read_all(int fd, size_t max, char **out, size_t *len)
{
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* cert_file/key_file relative to the config file's directory. */
static int resolve(char *file, const char *config_path, char *err, size_t errlen)
{
	const char *slash = strrchr(config_path, '/');
	char tmp[WEB_CONFIG_PATH_MAX];
	int n;

	if (!*file || file[0] == '/' || !slash)
		return 0;
	n = snprintf(tmp, sizeof(tmp), "%.*s/%s", (int)(slash - config_path), config_path, file);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		snprintf(err, errlen, "--web-config %s: path of %s too long", config_path, file);
		return -ENAMETOOLONG;
	}
	memcpy(file, tmp, (size_t)n + 1);
	return 0;
}

int web_config_load(const char *path, struct web_config *wc, char *err, size_t errlen)
{
	char why[256], *text = NULL;
	struct stat st;
	size_t len;
	int fd, ret;

	/* O_NONBLOCK: a FIFO planted at @path must not hang start-up (fstat refuses it). */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ELOOP)
			snprintf(err, errlen, "--web-config %s: is a symbolic link: give the file "
				 "itself", path);
		else
			snprintf(err, errlen, "--web-config %s: %s", path, strerror(-ret));
		/* The operator's to fix: a usage error, as a bad option is. */
		return ret == -ELOOP || ret == -EPERM ? -EACCES : ret == -ENOMEM ? ret : -EINVAL;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "--web-config %s: %s", path, strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--web-config %s: not a regular file", path);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, errlen, "--web-config %s: owned by uid %u: it must belong to root or "
			 "to the user lattop runs as", path, (unsigned int)st.st_uid);
		ret = -EACCES;
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		snprintf(err, errlen, "--web-config %s: mode %04o lets group or others read it "
			 "(it holds password hashes): chmod 600 %s", path,
			 (unsigned int)(st.st_mode & 07777), path);
		ret = -EACCES;
		goto out;
	}
	ret = read_all(fd, WEB_CONFIG_FILE_MAX, &text, &len);
	if (ret) {
		snprintf(err, errlen, "--web-config %s: %s", path,
			 ret == -EFBIG ? "larger than 64 KiB" : strerror(-ret));
		goto out;
	}
	ret = web_config_parse(wc, text, len, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "--web-config %s: %s", path, why);
		goto out;
	}
	ret = resolve(wc->cert_file, path, err, errlen);
	if (!ret)
		ret = resolve(wc->key_file, path, err, errlen);
out:
	free(text);
	close(fd);
	return ret;
}

int web_config_read_pem(const char *path, char **out, char *err, size_t errlen)
{
	size_t len;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = read_all(fd, WEB_CONFIG_PEM_MAX, out, &len);
	close(fd);
	if (ret) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 ret == -EFBIG ? "larger than 1 MiB" : strerror(-ret));
		return ret;
	}
	if (!len || memchr(*out, '\0', len)) {
		free(*out);
		*out = NULL;
		snprintf(err, errlen, "%s: not a PEM file", path);
		return -EINVAL;
	}
	return 0;
}
