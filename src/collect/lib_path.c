/* lib_path.c - BINARY -> path, through /etc/ld.so.cache for library names (see lib_path.h). */
#include "collect/lib_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ld_cache.h"

#define LD_CACHE_PATH	"/etc/ld.so.cache"
#define LD_CACHE_MAX	(64u << 20)	/* a real cache is ~100 KiB; refuse anything absurd */

#if defined(__x86_64__)
#define ARCH_FLAGS (LD_CACHE_FLAG_ELF_LIBC6 | LD_CACHE_FLAG_X8664)
#elif defined(__aarch64__)
#define ARCH_FLAGS (LD_CACHE_FLAG_ELF_LIBC6 | LD_CACHE_FLAG_AARCH64)
#else
#define ARCH_FLAGS 0
#endif

/* The whole of ld.so.cache in a malloc'd buffer. 0 or -errno. */
static int read_cache(void **data, size_t *len)
{
	int fd = open(LD_CACHE_PATH, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > LD_CACHE_MAX) {
		close(fd);
		return -EINVAL;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*data = buf;
	*len = got;
	return 0;
}

/* @in made absolute and checked to be a regular file. */
static int real_file(const char *what, const char *in, char *path, size_t pathlen, char *err,
		     size_t errlen)
{
	char real[PATH_MAX];
	struct stat st;

	if (!realpath(in, real)) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", what, strerror(e));
		return -e;
	}
	if (stat(real, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", what);
		return -EINVAL;
	}
	if (strlen(real) >= pathlen) {
		snprintf(err, errlen, "%s: path too long", what);
		return -ENAMETOOLONG;
	}
	strcpy(path, real);
	return 0;
}

int lib_path_resolve(const char *binary, char *path, size_t pathlen, char *err, size_t errlen)
{
	char found[PATH_MAX];
	void *cache = NULL;
	size_t len = 0;
	int ret;

	if (strchr(binary, '/'))
		return real_file(binary, binary, path, pathlen, err, errlen);
	ret = read_cache(&cache, &len);
	if (ret) {
		snprintf(err, errlen, "%s: cannot read %s to find the library (%s); give its path",
			 binary, LD_CACHE_PATH, strerror(-ret));
		return ret;
	}
	ret = ld_cache_find(cache, len, binary, ARCH_FLAGS, found, sizeof(found));
	free(cache);
	if (ret == -EINVAL) {
		snprintf(err, errlen, "%s: %s is not in the %s format; give the library's path",
			 binary, LD_CACHE_PATH, LD_CACHE_MAGIC);
		return ret;
	}
	if (ret) {
		snprintf(err, errlen, "%s: no such library in %s (a program or a library outside "
			 "it needs a path, e.g. ./%s)", binary, LD_CACHE_PATH, binary);
		return -ENOENT;
	}
	return real_file(binary, found, path, pathlen, err, errlen);
}
