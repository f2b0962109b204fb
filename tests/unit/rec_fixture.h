/* rec_fixture.h - unit tests of recording formats: keyframe references and tick equality. */
#ifndef LATTOP_TESTS_REC_FIXTURE_H
#define LATTOP_TESTS_REC_FIXTURE_H

#include "core/rec_format.h"
#include "core/snapshot.h"

/* @s as a reader decodes its keyframe: the reference a delta must equal. */
static inline void as_keyframe(const struct snapshot *s, struct snapshot *out)
{
	struct rec_buf b = { 0 };

	assert_int_equal(rec_encode_tick(&b, s), 0);
	assert_int_equal(rec_decode_tick(b.data, b.len, out, NULL), 0);
	rec_buf_free(&b);
}

/* Two ticks are the same when their keyframes are the same bytes. */
static inline void assert_same(const struct snapshot *a, const struct snapshot *b)
{
	struct rec_buf x = { 0 }, y = { 0 };

	assert_int_equal(rec_encode_tick(&x, a), 0);
	assert_int_equal(rec_encode_tick(&y, b), 0);
	assert_int_equal(x.len, y.len);
	assert_memory_equal(x.data, y.data, x.len);
	rec_buf_free(&x);
	rec_buf_free(&y);
}

#endif
