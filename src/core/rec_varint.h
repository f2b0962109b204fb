/*
 * rec_varint.h - LEB128 varints and a bounds-checked reader cursor, shared
 * by the recording codec files (core/rec_*.c). Not a public interface.
 */
#ifndef LATTOP_CORE_REC_VARINT_H
#define LATTOP_CORE_REC_VARINT_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/rec_format.h"

struct rec_cur {
	const uint8_t *p;
	size_t n, off;
	struct rec_error *e;
	uint64_t base;			/* added to offsets in messages */
};

__attribute__((format(printf, 4, 5)))
static inline int rec_fail_at(struct rec_error *e, uint64_t off, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return code;
	e->offset = off;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

static inline int rec_put_bytes(struct rec_buf *b, const void *p, size_t n)
{
	if (rec_buf_reserve(b, n))
		return -ENOMEM;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

static inline int rec_put_u64(struct rec_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	return rec_put_bytes(b, tmp, n);
}

static inline int rec_put_str(struct rec_buf *b, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	return rec_put_u64(b, n) || rec_put_bytes(b, s, n) ? -ENOMEM : 0;
}

static inline int rec_get_u64(struct rec_cur *c, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = c->off;

	*out = 0;
	for (unsigned int shift = 0; ; shift += 7) {
		uint8_t byte;

		if (c->off >= c->n)
			return rec_fail_at(c->e, c->base + start, -EINVAL,
					   "record ends inside a number");
		byte = c->p[c->off++];
		if (shift == 63 && byte > 1)
			return rec_fail_at(c->e, c->base + start, -EINVAL, "number too large");
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			break;
		if (shift == 63)
			return rec_fail_at(c->e, c->base + start, -EINVAL, "number too large");
	}
	*out = v;
	return 0;
}

/* The same for the ABI's __u64 (unsigned long long, not always uint64_t). */
static inline int rec_get_abi(struct rec_cur *c, __u64 *out)
{
	uint64_t v = 0;
	int ret = rec_get_u64(c, &v);

	*out = v;
	return ret;
}

static inline int rec_get_max(struct rec_cur *c, uint64_t max, uint64_t *out, const char *what)
{
	size_t start = c->off;
	int ret = rec_get_u64(c, out);

	if (ret)
		return ret;
	if (*out > max)
		return rec_fail_at(c->e, c->base + start, -EINVAL, "%s %llu out of range (max %llu)",
				   what, (unsigned long long)*out, (unsigned long long)max);
	return 0;
}

static inline int rec_get_u32(struct rec_cur *c, uint32_t *out, const char *what)
{
	uint64_t v = 0;
	int ret = rec_get_max(c, UINT32_MAX, &v, what);

	*out = (uint32_t)v;
	return ret;
}

/* A count of items each at least @min_bytes long: bounded by what is left. */
static inline int rec_get_count(struct rec_cur *c, size_t min_bytes, size_t *out, const char *what)
{
	size_t start = c->off;
	uint64_t v = 0;
	int ret = rec_get_u64(c, &v);

	if (ret)
		return ret;
	if (v > (c->n - c->off) / min_bytes)
		return rec_fail_at(c->e, c->base + start, -EINVAL,
				   "%s count %llu larger than the record", what,
				   (unsigned long long)v);
	*out = (size_t)v;
	return 0;
}

static inline int rec_get_bytes(struct rec_cur *c, void *out, size_t n, const char *what)
{
	if (c->n - c->off < n)
		return rec_fail_at(c->e, c->base + c->off, -EINVAL, "record ends inside %s", what);
	memcpy(out, c->p + c->off, n);
	c->off += n;
	return 0;
}

/* A string into @out[@size], at most @max (<= @size) bytes, NUL-padded; no NUL inside. */
static inline int rec_get_str(struct rec_cur *c, char *out, size_t size, size_t max,
			      const char *what)
{
	size_t start = c->off;
	uint64_t len = 0;
	int ret = rec_get_max(c, max, &len, what);

	if (ret)
		return ret;
	memset(out, 0, size);
	ret = rec_get_bytes(c, out, (size_t)len, what);
	if (ret)
		return ret;
	if (memchr(out, '\0', (size_t)len))
		return rec_fail_at(c->e, c->base + start, -EINVAL, "%s contains a NUL byte", what);
	return 0;
}

#endif
