/* rec_reader.c - reading recordings (stub: filled in next). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "export/rec_reader.h"

struct rec_reader {
	int unused;
};

struct rec_reader *rec_reader_open(const char *path, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: offset 0: recordings are not supported yet", path);
	errno = ENOTSUP;
	return NULL;
}

int rec_reader_next(struct rec_reader *r, struct snapshot *out, char *err, size_t errlen)
{
	(void)r;
	(void)out;
	(void)err;
	(void)errlen;
	return 0;
}

int rec_reader_next_sample(struct rec_reader *r, struct abi_client_event *ev, char *err,
			   size_t errlen)
{
	(void)r;
	(void)ev;
	(void)err;
	(void)errlen;
	return 0;
}

const char *rec_reader_meta(const struct rec_reader *r, const char *key)
{
	(void)r;
	(void)key;
	return NULL;
}

void rec_reader_close(struct rec_reader *r)
{
	free(r);
}

uint64_t rec_reader_tell(const struct rec_reader *r)
{
	(void)r;
	return 0;
}

int rec_reader_seek(struct rec_reader *r, uint64_t offset)
{
	(void)r;
	(void)offset;
	return -ENOTSUP;
}

const char *rec_reader_path(const struct rec_reader *r)
{
	(void)r;
	return "";
}
