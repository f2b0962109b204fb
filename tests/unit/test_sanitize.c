/* test_sanitize.c - nothing from the traced system reaches a terminal as a control. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/sanitize.h"

#define clean_lit(s) clean(s, sizeof(s) - 1)

static const char *clean(const char *in, size_t len)
{
	static char out[128];
	size_t n = sanitize_text(out, sizeof(out), in, len);

	assert_int_equal(n, strlen(out));
	return out;
}

static void test_controls(void **state)
{
	char all[32];

	(void)state;
	assert_string_equal(clean_lit("ev\x1b[31mil"), "ev?[31mil");
	assert_string_equal(clean_lit("\x1b]0;title\x07x"), "?]0;title?x");	/* OSC ... BEL */
	assert_string_equal(clean_lit("\x1b" "c"), "?c");			/* RIS */
	assert_string_equal(clean_lit("a\rb\tc\bd\x7f"), "a?b?c?d?");
	assert_string_equal(clean_lit("line\nnext\v\f"), "line?next??");
	assert_string_equal(clean_lit("plain ~!@#$%^&*()"), "plain ~!@#$%^&*()");
	/* Every C0 control, one '?' each. */
	for (int i = 1; i < 32; i++)
		all[i - 1] = (char)i;
	assert_string_equal(clean(all, 31), "???????????????????????????????");
	/* C1 controls, encoded as UTF-8 (what a UTF-8 terminal would obey). */
	assert_string_equal(clean_lit("\xc2\x9b" "31m"), "?31m");	/* CSI */
	assert_string_equal(clean_lit("\xc2\x80\xc2\x85\xc2\x9f"), "???");	/* PAD, NEL, APC */
	assert_string_equal(clean_lit("\xc2\xa0"), "\xc2\xa0");	/* U+00A0 is printable */
}

static void test_bidi(void **state)
{
	(void)state;
	assert_string_equal(clean_lit("a\xe2\x80\xae" "b"), "a?b");		/* U+202E RLO */
	assert_string_equal(clean_lit("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"),
			    "????");					/* U+202A-D */
	assert_string_equal(clean_lit("\xe2\x81\xa6x\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9"),
			    "?x???");					/* U+2066-9 */
	assert_string_equal(clean_lit("\xe2\x80\x8e\xe2\x80\x8f"), "??");	/* LRM, RLM */
	assert_string_equal(clean_lit("\xd8\x9c"), "?");			/* U+061C ALM */
	/* Neighbours are ordinary text. */
	assert_string_equal(clean_lit("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"),
			    "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
	/* The classic trojan-source file name. */
	assert_string_equal(clean_lit("invoice\xe2\x80\xae" "fdp.exe"), "invoice?fdp.exe");
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(clean_lit("\xc0\xaf"), "??");		/* overlong '/' */
	assert_string_equal(clean_lit("\xc1\xbf"), "??");		/* overlong 0x7F */
	assert_string_equal(clean_lit("\xe0\x80\xaf"), "???");	/* overlong 3-byte */
	assert_string_equal(clean_lit("\xe0\x9f\xbf"), "???");	/* overlong U+07FF */
	assert_string_equal(clean_lit("\xf0\x8f\xbf\xbf"), "????");	/* overlong U+FFFF */
	assert_string_equal(clean_lit("\xc0\x80x"), "??x");		/* overlong NUL */
	assert_string_equal(clean_lit("\xed\xa0\x80"), "???");	/* U+D800 */
	assert_string_equal(clean_lit("\xed\xbf\xbf"), "???");	/* U+DFFF */
	assert_string_equal(clean_lit("\x80x"), "?x");		/* lone continuation */
	assert_string_equal(clean_lit("\xbf\xbf\xbf"), "???");
	assert_string_equal(clean_lit("x\xe2\x82"), "x??");		/* truncated at the end */
	assert_string_equal(clean_lit("\xe2\x82x\xf0\x9f\x98y"), "??x???y"); /* truncated inside */
	assert_string_equal(clean_lit("\xc3"), "?");
	assert_string_equal(clean_lit("\xf4\x90\x80\x80"), "????");	/* U+110000 */
	assert_string_equal(clean_lit("\xf5\x80\x80\x80"), "????");
	assert_string_equal(clean_lit("\xf8\x88\x80\x80\x80"), "?????");	/* 5-byte form */
	assert_string_equal(clean_lit("\xfe\xff"), "??");
	/* A NUL inside a sequence ends the input there. */
	assert_string_equal(clean("\xe2\x82\0\xac", 4), "??");
}

static void test_valid_multibyte(void **state)
{
	(void)state;
	assert_string_equal(clean_lit("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(clean_lit("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");	/* U+1F600 */
	assert_string_equal(clean_lit("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	assert_string_equal(clean_lit("\xed\x9f\xbf\xee\x80\x80"), "\xed\x9f\xbf\xee\x80\x80");
	assert_string_equal(clean_lit("\xef\xbf\xbd"), "\xef\xbf\xbd");		/* U+FFFD */
	assert_string_equal(clean_lit("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");
}

/* Strict UTF-8 sequence length at @s, or 0 (for checking boundaries). */
static size_t seq_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
}

static void test_bounds(void **state)
{
	static const char in[] = "ab\xe2\x82\xac\x1b\xf0\x9f\x98\x80x\xc3\xa9\xff\xe2\x80\xae.";
	char full[64], out[64];
	size_t full_n;

	(void)state;
	full_n = sanitize_text(full, sizeof(full), in, sizeof(in) - 1);
	assert_string_equal(full, "ab\xe2\x82\xac?\xf0\x9f\x98\x80x\xc3\xa9??.");
	/* Every size: fits, terminated, a prefix of the full output, ends between sequences. */
	for (size_t sz = 1; sz <= full_n + 1; sz++) {
		size_t n;

		memset(out, 'Z', sizeof(out));
		n = sanitize_text(out, sz, in, sizeof(in) - 1);
		assert_true(n < sz);
		assert_int_equal(out[n], '\0');
		assert_int_equal(out[sz], 'Z');	/* nothing written past dstsz */
		assert_memory_equal(out, full, n);
		assert_true(n == full_n || seq_len((unsigned char)full[n]) != 0);
		/* As much as fits: the next whole character would not. */
		if (n < full_n)
			assert_true(n + seq_len((unsigned char)full[n]) >= sz);
	}
	assert_int_equal(sanitize_text(out, 5, "ab\xe2\x82\xac", 5), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(sanitize_text(out, 6, "ab\xe2\x82\xac", 5), 5);
	assert_int_equal(sanitize_text(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	out[0] = 'Z';
	assert_int_equal(sanitize_text(out, 0, "abc", 3), 0);
	assert_int_equal(out[0], 'Z');
	assert_int_equal(sanitize_text(out, sizeof(out), "", 0), 0);
	assert_string_equal(out, "");
	/* A NUL ends the input; srclen bounds it otherwise (no terminator needed). */
	assert_string_equal(clean("ab\0cd", 5), "ab");
	assert_string_equal(clean("abcdef", 3), "abc");
	/* A 16-byte comm without a terminator, as the kernel may hand it over. */
	assert_string_equal(clean("0123456789abcdefGARBAGE", 16), "0123456789abcdef");
}

/* The \xNN variant: same rules, distinct names stay distinct, never cut an escape. */
static void test_hex(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(sanitize_text_hex(out, sizeof(out), "a\nb\xff", 4), 10);
	assert_string_equal(out, "a\\x0ab\\xff");
	assert_int_equal(sanitize_text_hex(out, sizeof(out), "\xe2\x80\xae" "x", 4), 13);
	assert_string_equal(out, "\\xe2\\x80\\xaex");	/* U+202E: every byte */
	assert_int_equal(sanitize_text_hex(out, sizeof(out), "caf\xc3\xa9 \"q\"\\", 10), 10);
	assert_string_equal(out, "caf\xc3\xa9 \"q\"\\");	/* quotes, backslash: the exposition escapes them */
	assert_int_equal(sanitize_text_hex(out, 6, "\x01\x02", 2), 4);	/* room for one escape only */
	assert_string_equal(out, "\\x01");
	assert_int_equal(sanitize_safe_len("\xc3\xa9", 2), 2);
	assert_int_equal(sanitize_safe_len("\xc3", 1), 0);
	assert_int_equal(sanitize_safe_len("\x1b", 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_valid_multibyte),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
