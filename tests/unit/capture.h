/* capture.h - unit tests: capture what a writer prints to a FILE, in memory. */
#ifndef LATTOP_TESTS_CAPTURE_H
#define LATTOP_TESTS_CAPTURE_H

#include <stdio.h>

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static inline void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* The text written since capture_open; the caller frees it. */
static inline char *capture_close(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	return c->buf;
}

#endif
