/* test_sanitize.c - nothing from the traced system reaches a terminal as a control. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/sanitize.h"

static const char *clean(const char *in, size_t len)
{
	static char out[64];

	sanitize_text(out, sizeof(out), in, len);
	return out;
}

static void test_controls(void **state)
{
	(void)state;
	assert_string_equal(clean("ev\x1b[31mil", 10), "ev?[31mil");
	assert_string_equal(clean("a\rb\tc\bd\x7f", 9), "a?b?c?d?");
	assert_string_equal(clean("plain", 5), "plain");
	assert_string_equal(clean("\xc2\x9b" "31m", 5), "?31m"); /* C1 CSI */
}

static void test_bidi(void **state)
{
	(void)state;
	assert_string_equal(clean("a\xe2\x80\xae" "b", 5), "a?b");	/* U+202E RLO */
	assert_string_equal(clean("\xe2\x81\xa6x\xe2\x81\xa9", 7), "?x?");	/* U+2066, U+2069 */
	assert_string_equal(clean("\xe2\x80\x8f", 3), "?");		/* U+200F RLM */
	assert_string_equal(clean("\xd8\x9c", 2), "?");			/* U+061C ALM */
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(clean("\xc0\xaf", 2), "??");	 /* overlong '/' */
	assert_string_equal(clean("\xed\xa0\x80", 3), "???"); /* surrogate */
	assert_string_equal(clean("\x80x", 2), "?x");	 /* lone continuation */
	assert_string_equal(clean("x\xe2\x82", 3), "x??");	 /* truncated */
	assert_string_equal(clean("\xf4\x90\x80\x80", 4), "????"); /* > U+10FFFF */
	assert_string_equal(clean("\xff", 1), "?");
}

static void test_valid_multibyte_and_bounds(void **state)
{
	char out[8];

	(void)state;
	assert_string_equal(clean("caf\xc3\xa9 \xe2\x82\xac", 9), "caf\xc3\xa9 \xe2\x82\xac");
	/* Never cut a sequence: "ab" + 3-byte euro does not fit in 4 bytes + NUL... */
	assert_int_equal(sanitize_text(out, 5, "ab\xe2\x82\xac", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(sanitize_text(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	/* A NUL ends the input. */
	assert_string_equal(clean("ab\0cd", 5), "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_multibyte_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
