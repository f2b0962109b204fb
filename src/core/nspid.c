/*
 * nspid.c - NSpid parsing and the kernel pid -> namespace pid table
 * (nspid.h). Input is /proc text: bounded, parsed without trusting it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/nspid.h"

static const char *find_line(const char *text, size_t len, const char *tag, size_t *line_len)
{
	size_t tag_len = strlen(tag);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;

		if ((size_t)(eol - p) >= tag_len && !memcmp(p, tag, tag_len)) {
			*line_len = (size_t)(eol - p) - tag_len;
			return p + tag_len;
		}
		p = eol + 1;
	}
	return NULL;
}

/* One decimal number of at most 10 digits that fits 32 bits: its end, or NULL. */
static const char *parse_u32(const char *p, const char *end, uint32_t *out)
{
	uint64_t v = 0;
	const char *start = p;

	while (p < end && *p >= '0' && *p <= '9' && p - start < 11) {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	}
	if (p == start || v > UINT32_MAX)
		return NULL;
	*out = (uint32_t)v;
	return p;
}

int nspid_parse(const char *text, size_t len, uint32_t *nums, unsigned max, unsigned *levels)
{
	size_t n;
	const char *p = find_line(text, len, "NSpid:", &n), *end;
	unsigned count = 0;

	if (!p)
		return -ENOENT;
	end = p + n;
	while (p < end) {
		uint32_t v;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			break;
		p = parse_u32(p, end, &v);
		if (!p || (p < end && *p != ' ' && *p != '\t'))
			return -EINVAL;
		if (count < max)
			nums[count] = v;
		count++;
	}
	if (!count)
		return -EINVAL;
	*levels = count;
	return 0;
}

int nspid_map_put(struct nspid_map *m, uint32_t kernel_pid, uint32_t ns_pid)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		struct nspid_pair *p = realloc(m->pairs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		m->pairs = p;
		m->cap = cap;
	}
	m->pairs[m->n++] = (struct nspid_pair){ kernel_pid, ns_pid };
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct nspid_pair *x = a, *y = b;

	return (x->kernel_pid > y->kernel_pid) - (x->kernel_pid < y->kernel_pid);
}

void nspid_map_sort(struct nspid_map *m)
{
	size_t out = 0;

	qsort(m->pairs, m->n, sizeof(*m->pairs), cmp_pair);
	for (size_t i = 0; i < m->n; i++)
		if (!out || m->pairs[out - 1].kernel_pid != m->pairs[i].kernel_pid)
			m->pairs[out++] = m->pairs[i];
	m->n = out;
	m->sorted = m->n;
}

uint32_t nspid_map_ns(const struct nspid_map *m, uint32_t kernel_pid)
{
	struct nspid_pair key = { kernel_pid, 0 };
	const struct nspid_pair *p;

	if (!m->sorted)
		return 0;
	p = bsearch(&key, m->pairs, m->sorted, sizeof(*p), cmp_pair);
	return p ? p->ns_pid : 0;
}

uint32_t nspid_map_kernel(const struct nspid_map *m, uint32_t ns_pid)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pairs[i].ns_pid == ns_pid)
			return m->pairs[i].kernel_pid;
	return 0;
}

void nspid_map_clear(struct nspid_map *m)
{
	m->n = 0;
	m->sorted = 0;
}

int nspid_map_parse_pairs(struct nspid_map *m, const char *text, size_t len, size_t *bad)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *q;
		uint32_t k, ns;

		q = parse_u32(p, eol, &k);
		if (q && q < eol && *q == ' ')
			q = parse_u32(q + 1, eol, &ns);
		else
			q = NULL;
		if (q && q == eol && k && ns) {
			int ret = nspid_map_put(m, k, ns);

			if (ret)
				return ret;
		} else if (eol > p) {
			(*bad)++;
		}
		p = eol + 1;
	}
	return 0;
}

void nspid_map_free(struct nspid_map *m)
{
	free(m->pairs);
	*m = (struct nspid_map){ 0 };
}
