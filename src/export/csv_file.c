/* csv_file.c - --csv FILE with whole rows only (see csv_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/csv.h"
#include "export/csv_file.h"

/* Rows are written once this much is pending (and at every flush). */
#define CSV_FILE_CHUNK (64u << 10)

struct csv_file {
	int fd;
	FILE *mem;			/* complete rows not yet written */
	char *buf;			/* open_memstream's buffer */
	size_t len;			/* its length after the last fflush */
	uint64_t rows_pending;
	uint64_t rows_written;
	off_t size;			/* bytes in the file: always a row boundary */
	int error;			/* first write error, sticky */
	char path[];
};

/* Write the pending rows; on failure cut the file back to its last whole row. */
static int put_pending(struct csv_file *cf)
{
	const char *p;
	size_t n;

	if (cf->error)
		return cf->error;
	if (fflush(cf->mem))
		return cf->error = -ENOMEM;
	p = cf->buf;
	n = cf->len;
	while (n) {
		ssize_t k = write(cf->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			cf->error = k < 0 ? -errno : -EIO;
			/* A partial row would read as a complete one with fewer cells. */
			if (ftruncate(cf->fd, cf->size) == 0)
				(void)lseek(cf->fd, cf->size, SEEK_SET);
			return cf->error;
		}
		p += k;
		n -= (size_t)k;
	}
	cf->size += (off_t)cf->len;
	cf->rows_written += cf->rows_pending;
	cf->rows_pending = 0;
	rewind(cf->mem);
	return 0;
}

struct csv_file *csv_file_create(const char *path, char *err, size_t errlen)
{
	size_t plen = strlen(path) + 1;
	struct csv_file *cf = calloc(1, sizeof(*cf) + plen);
	int e;

	if (!cf) {
		snprintf(err, errlen, "--csv %s: out of memory", path);
		return NULL;
	}
	memcpy(cf->path, path, plen);
	cf->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (cf->fd < 0) {
		e = errno;
		snprintf(err, errlen, "--csv %s: %s%s", path, strerror(e),
			 e == EEXIST ? " (lattop never overwrites; pick a new name)" :
			 e == ELOOP ? " (a symlink: lattop does not write through one)" : "");
		free(cf);
		errno = e;
		return NULL;
	}
	cf->mem = open_memstream(&cf->buf, &cf->len);
	if (!cf->mem || csv_write_header(cf->mem) || put_pending(cf)) {
		e = cf->error ? -cf->error : ENOMEM;
		snprintf(err, errlen, "--csv %s: cannot write the header: %s", path, strerror(e));
		if (cf->mem)
			fclose(cf->mem);
		free(cf->buf);
		close(cf->fd);
		unlink(path);	/* we created it (O_EXCL): nothing of anyone else's is lost */
		free(cf);
		errno = e;
		return NULL;
	}
	return cf;
}

int csv_file_sink_write(void *ctx, const struct abi_client_event *ev, int64_t mono_to_real_ns)
{
	struct csv_file *cf = ctx;

	if (cf->error)
		return cf->error;
	if (csv_write_client_event(cf->mem, ev, mono_to_real_ns))
		return cf->error = -ENOMEM;
	cf->rows_pending++;
	return ftell(cf->mem) >= (long)CSV_FILE_CHUNK ? put_pending(cf) : 0;
}

int csv_file_sink_flush(void *ctx)
{
	return put_pending(ctx);
}

int csv_file_close(struct csv_file *cf, char *err, size_t errlen)
{
	int ret;

	if (!cf)
		return 0;
	ret = put_pending(cf);
	if (!ret && close(cf->fd))
		ret = -errno;
	else if (ret)
		close(cf->fd);
	if (ret)
		snprintf(err, errlen, "--csv %s: cannot write: %s; the file ends after its last "
			 "complete row (%llu rows)", cf->path, strerror(-ret),
			 (unsigned long long)cf->rows_written);
	fclose(cf->mem);
	free(cf->buf);
	free(cf);
	return ret;
}
