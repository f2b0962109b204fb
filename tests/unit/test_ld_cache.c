/* test_ld_cache.c - library names through a synthetic glibc-ld.so.cache1.1. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/ld_cache.h"

#define X86 (LD_CACHE_FLAG_ELF_LIBC6 | LD_CACHE_FLAG_X8664)

static unsigned char buf[4096];
static size_t len;

static void put32(size_t off, uint32_t v)
{
	memcpy(buf + off, &v, sizeof(v));
}

/* Header + entries (soname, path, flags) with strings after the entries, as ldconfig writes. */
static void build(const char *const (*e)[2], const uint32_t *flags, uint32_t n)
{
	size_t str = 48 + 24 * (size_t)n;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, LD_CACHE_MAGIC, strlen(LD_CACHE_MAGIC));
	put32(20, n);
	for (uint32_t i = 0; i < n; i++) {
		size_t ent = 48 + 24 * (size_t)i;

		put32(ent, flags[i]);
		put32(ent + 4, (uint32_t)str);
		strcpy((char *)buf + str, e[i][0]);
		str += strlen(e[i][0]) + 1;
		put32(ent + 8, (uint32_t)str);
		strcpy((char *)buf + str, e[i][1]);
		str += strlen(e[i][1]) + 1;
	}
	len = str;
}

static void test_names(void **state)
{
	(void)state;
	assert_true(ld_cache_name_matches("libc", "libc.so.6"));
	assert_true(ld_cache_name_matches("libc.so", "libc.so.6"));
	assert_true(ld_cache_name_matches("libc.so.6", "libc.so.6"));
	assert_false(ld_cache_name_matches("libc", "libcrypt.so.1"));
	assert_false(ld_cache_name_matches("libz", "libz3.so.4"));
	assert_false(ld_cache_name_matches("libc.so.6", "libc.so"));
	assert_false(ld_cache_name_matches("", "libc.so.6"));
}

static void test_find(void **state)
{
	static const char *const e[][2] = {
		{ "libcrypt.so.1", "/lib/x86_64-linux-gnu/libcrypt.so.1" },
		{ "libc.so.6", "/lib32/libc.so.6" },
		{ "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6" },
		{ "libssl.so.3", "/lib/x86_64-linux-gnu/libssl.so.3" },
	};
	static const uint32_t flags[] = { X86, LD_CACHE_FLAG_ELF_LIBC6 | 0x0800, X86, X86 };
	char path[256];

	(void)state;
	build(e, flags, 4);
	/* The 32-bit libc comes first in the cache but is not this architecture's. */
	assert_int_equal(ld_cache_find(buf, len, "libc", X86, path, sizeof(path)), 0);
	assert_string_equal(path, "/lib/x86_64-linux-gnu/libc.so.6");
	assert_int_equal(ld_cache_find(buf, len, "libc", 0, path, sizeof(path)), 0);
	assert_string_equal(path, "/lib32/libc.so.6");
	assert_int_equal(ld_cache_find(buf, len, "libssl", X86, path, sizeof(path)), 0);
	assert_string_equal(path, "/lib/x86_64-linux-gnu/libssl.so.3");
	assert_int_equal(ld_cache_find(buf, len, "libnope", X86, path, sizeof(path)), -ENOENT);
	assert_int_equal(ld_cache_find(buf, len, "libc", X86, path, 8), -ENAMETOOLONG);
}

static void test_bad(void **state)
{
	static const char *const e[][2] = { { "libc.so.6", "/lib/libc.so.6" } };
	static const uint32_t flags[] = { X86 };
	char path[256];

	(void)state;
	build(e, flags, 1);
	assert_int_equal(ld_cache_find(buf, 47, "libc", X86, path, sizeof(path)), -EINVAL);
	/* More entries than bytes: refused, not read past the end. */
	put32(20, 1000);
	assert_int_equal(ld_cache_find(buf, len, "libc", X86, path, sizeof(path)), -EINVAL);
	/* Strings running past the end are skipped. */
	build(e, flags, 1);
	assert_int_equal(ld_cache_find(buf, len - 3, "libc", X86, path, sizeof(path)), -ENOENT);
	buf[0] = 'x';
	assert_int_equal(ld_cache_find(buf, len, "libc", X86, path, sizeof(path)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
