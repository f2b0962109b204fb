/*
 * ksyms.c - /proc/kallsyms sorted by address (see ksyms.h). Only text
 * symbols (t, T, w, W) are kept: stacks hold return addresses into code.
 */
#include "collect/ksyms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* kallsyms has ~200k lines; more than this is not a kallsyms file. */
#define KSYMS_MAX (4u << 20)

struct ksym {
	uint64_t addr;
	uint32_t name_off;
};

struct ksyms {
	struct ksym *syms;
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
};

static int add(struct ksyms *k, uint64_t addr, const char *name, size_t len)
{
	if (k->n >= KSYMS_MAX || k->names_len + len + 1 > UINT32_MAX)
		return -E2BIG;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 4096;
		struct ksym *p = realloc(k->syms, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		k->syms = p;
		k->cap = cap;
	}
	if (k->names_len + len + 1 > k->names_cap) {
		size_t cap = k->names_cap ? k->names_cap * 2 : 65536;
		char *p;

		while (cap < k->names_len + len + 1)
			cap *= 2;
		p = realloc(k->names, cap);
		if (!p)
			return -ENOMEM;
		k->names = p;
		k->names_cap = cap;
	}
	memcpy(k->names + k->names_len, name, len);
	k->names[k->names_len + len] = 0;
	k->syms[k->n++] = (struct ksym){ .addr = addr, .name_off = (uint32_t)k->names_len };
	k->names_len += len + 1;
	return 0;
}

/* One line "ffffffff81000000 T _stext [mod]"; 0 when skipped or added. */
static int parse_line(struct ksyms *k, const char *line, size_t len)
{
	char *end;
	const char *p = line, *name, *lim = line + len;
	uint64_t addr;
	char type;

	addr = strtoull(p, &end, 16);
	if (end == p || end >= lim || *end != ' ' || end + 3 > lim || end[2] != ' ')
		return 0;
	type = end[1];
	if (type != 't' && type != 'T' && type != 'w' && type != 'W')
		return 0;
	name = end + 3;
	p = name;
	while (p < lim && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	if (p == name || addr == 0)
		return 0;
	return add(k, addr, name, (size_t)(p - name));
}

static int cmp_addr(const void *pa, const void *pb)
{
	const struct ksym *a = pa, *b = pb;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

struct ksyms *ksyms_parse(const char *text, size_t len)
{
	struct ksyms *k = calloc(1, sizeof(*k));
	size_t i = 0;

	if (!k)
		return NULL;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) : len - i;
		int ret = parse_line(k, text + i, l);

		if (ret) {
			ksyms_free(k);
			errno = -ret;
			return NULL;
		}
		i += l + 1;
	}
	if (k->n)	/* qsort of no array (NULL) is undefined behaviour */
		qsort(k->syms, k->n, sizeof(*k->syms), cmp_addr);
	return k;
}

struct ksyms *ksyms_load(const char *path)
{
	FILE *f = fopen(path, "re");
	struct ksyms *k;
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (cap - len < 65536) {
			char *p;

			cap = cap ? cap * 2 : 1u << 20;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	k = ksyms_parse(buf, len);
	free(buf);
	return k;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	free(k->syms);
	free(k->names);
	free(k);
}

size_t ksyms_count(const struct ksyms *k)
{
	return k ? k->n : 0;
}

const char *ksyms_lookup(const struct ksyms *k, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!k || !k->n)
		return NULL;
	hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? k->names + k->syms[lo - 1].name_off : NULL;
}
