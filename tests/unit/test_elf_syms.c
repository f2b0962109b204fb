/*
 * test_elf_syms.c - symbols of a real ELF file (this test binary itself): names
 * to addresses, a runtime address through /proc/self/maps and the PT_LOAD
 * segments back to its function, build id, and refusal of non-ELF bytes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect/elf_syms.h"

/* A function of known name whose runtime address we take; noinline keeps it a symbol. */
__attribute__((noinline)) int elf_syms_test_marker(int x);
__attribute__((noinline)) int elf_syms_test_marker(int x)
{
	return x * 3 + 1;
}

static struct elf_syms *open_self(void)
{
	struct elf_syms *s = NULL;
	char err[128] = "";

	assert_int_equal(elf_syms_open("/proc/self/exe", &s, err, sizeof(err)), 0);
	assert_non_null(s);
	return s;
}

static void test_sorted_and_match(void **state)
{
	struct elf_syms *s = open_self();
	const struct elf_sym *m[4];
	size_t i, n = elf_syms_count(s);

	(void)state;
	assert_true(n > 10);
	for (i = 1; i < n; i++)
		assert_true(elf_syms_at(s, i - 1)->addr <= elf_syms_at(s, i)->addr);
	assert_null(elf_syms_at(s, n));
	/* Exact name: one match. */
	assert_int_equal(elf_syms_match(s, "elf_syms_test_marker", m, 4), 1);
	assert_string_equal(m[0]->name, "elf_syms_test_marker");
	/* Glob: the test functions here, more than @max reported in the count. */
	assert_true(elf_syms_match(s, "test_*", m, 1) >= 3);
	assert_int_equal(elf_syms_match(s, "no_such_function_xyz", m, 4), 0);
	/* Lookup inside the function's body gives it back with the offset. */
	{
		uint64_t off = 99;
		const struct elf_sym *f;

		elf_syms_match(s, "elf_syms_test_marker", m, 1);
		f = elf_syms_lookup(s, m[0]->addr + 2, &off);
		assert_non_null(f);
		assert_string_equal(f->name, "elf_syms_test_marker");
		assert_int_equal(off, 2);
		assert_null(elf_syms_lookup(s, 0, &off));
	}
	elf_syms_close(s);
}

/* Runtime address -> file offset (maps) -> vaddr (PT_LOAD) -> symbol: how stacks are symbolised. */
static void test_runtime_address(void **state)
{
	struct elf_syms *s = open_self();
	uint64_t addr = (uint64_t)(uintptr_t)&elf_syms_test_marker + 1, vaddr = 0, back = 0, off;
	char line[512], exe[256];
	ssize_t el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	(void)state;
	assert_true(el > 0);
	exe[el] = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end, pgoff;
		char path[256] = "";

		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %255s", &start, &end, &pgoff, path) < 3)
			continue;
		if (addr < start || addr >= end || strcmp(path, exe))
			continue;
		off = addr - start + pgoff;
		assert_int_equal(elf_syms_offset_to_vaddr(s, off, &vaddr), 0);
		assert_int_equal(elf_syms_vaddr_to_offset(s, vaddr, &back), 0);
		assert_int_equal(back, off);
		found = true;
	}
	fclose(f);
	assert_true(found);
	{
		uint64_t soff = 0;
		const struct elf_sym *sym = elf_syms_lookup(s, vaddr, &soff);

		assert_non_null(sym);
		assert_string_equal(sym->name, "elf_syms_test_marker");
		assert_int_equal(soff, 1);
	}
	assert_int_equal(elf_syms_offset_to_vaddr(s, UINT64_MAX - 1, &vaddr), -ENOENT);
	elf_syms_close(s);
}

/* The same file from memory gives the same table; a build id is 40 hex digits (SHA-1). */
static void test_mem_and_build_id(void **state)
{
	struct elf_syms *a = open_self(), *b = NULL;
	struct stat st;
	FILE *f = fopen("/proc/self/exe", "rb");
	char *buf, err[128];
	size_t i;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	assert_int_equal(elf_syms_open_mem(buf, (size_t)st.st_size, &b, err, sizeof(err)), 0);
	assert_int_equal(elf_syms_count(a), elf_syms_count(b));
	for (i = 0; i < elf_syms_count(a); i++) {
		assert_int_equal(elf_syms_at(a, i)->addr, elf_syms_at(b, i)->addr);
		assert_string_equal(elf_syms_at(a, i)->name, elf_syms_at(b, i)->name);
	}
	assert_int_equal(strlen(elf_syms_build_id(a)), 40);
	assert_int_equal(strspn(elf_syms_build_id(a), "0123456789abcdef"), 40);
	assert_string_equal(elf_syms_build_id(a), elf_syms_build_id(b));
	elf_syms_close(b);
	elf_syms_close(a);
	free(buf);
}

static void test_errors(void **state)
{
	struct elf_syms *s = NULL;
	char err[128] = "";
	static const char junk[] = "#!/bin/sh\necho not an elf\n";

	(void)state;
	assert_int_equal(elf_syms_open("/nonexistent/lattop-bin", &s, err, sizeof(err)), -ENOENT);
	assert_null(s);
	assert_true(strlen(err) > 0);
	assert_true(elf_syms_open_mem(junk, sizeof(junk), &s, err, sizeof(err)) < 0);
	assert_null(s);
	assert_string_equal(err, "not an ELF file");
	/* A truncated ELF header is refused, not read past its end. */
	assert_true(elf_syms_open_mem("\x7f" "ELF\x02\x01\x01", 7, &s, err, sizeof(err)) < 0);
	assert_null(s);
	elf_syms_close(NULL);
	assert_int_equal(elf_syms_count(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_and_match),
		cmocka_unit_test(test_runtime_address),
		cmocka_unit_test(test_mem_and_build_id),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
