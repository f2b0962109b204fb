/* folded.c - --slow stacks as folded lines for flame graphs (see folded.h). */
#include "export/folded.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

#define FOLDED_LINE_MAX 8192
#define FOLDED_COMPACT_AT 4096	/* lines kept before duplicates are merged */

struct fline {
	char *text;
	uint64_t count;
};

struct folded {
	struct fline *v;
	size_t n, cap;
	size_t compacted;	/* v[0..compacted) is sorted and unique */
};

struct folded *folded_new(void)
{
	return calloc(1, sizeof(struct folded));
}

void folded_free(struct folded *fd)
{
	if (!fd)
		return;
	for (size_t i = 0; i < fd->n; i++)
		free(fd->v[i].text);
	free(fd->v);
	free(fd);
}

/* Append @name sanitised, ';' -> ':', after a ';' unless first. */
static size_t put_frame(char *buf, size_t len, size_t at, const char *name, bool first)
{
	char clean[512];
	size_t n = sanitize_text(clean, sizeof(clean), name, strlen(name));

	for (size_t i = 0; i < n; i++)
		if (clean[i] == ';')
			clean[i] = ':';
	if (!first && at + 1 < len)
		buf[at++] = ';';
	if (at + n >= len)
		n = at < len ? len - at - 1 : 0;
	memcpy(buf + at, clean, n);
	at += n;
	buf[at] = 0;
	return at;
}

size_t folded_stack_line(char *buf, size_t len, const struct snapshot *s,
			 const struct snap_stack *st)
{
	char comm[ABI_COMM_LEN + 1];
	size_t at = 0;
	unsigned int nk = st->n_kernel, nu = st->n_user;

	if (!len)
		return 0;
	buf[0] = 0;
	memcpy(comm, st->comm, ABI_COMM_LEN);
	comm[ABI_COMM_LEN] = 0;
	at = put_frame(buf, len, at, comm, true);
	/* Frames are stored innermost first: walk each side backwards. */
	for (unsigned int i = nu; i > 0; i--)
		at = put_frame(buf, len, at, snap_stack_frame(s, st, nk + i - 1), false);
	for (unsigned int i = nk; i > 0; i--)
		at = put_frame(buf, len, at, snap_stack_frame(s, st, i - 1), false);
	return at;
}

static int cmp_line(const void *pa, const void *pb)
{
	const struct fline *a = pa, *b = pb;

	return strcmp(a->text, b->text);
}

/* Sort and sum duplicates. */
static void compact(struct folded *fd)
{
	size_t out = 0;

	if (!fd->n)
		return;
	qsort(fd->v, fd->n, sizeof(*fd->v), cmp_line);
	for (size_t i = 1; i < fd->n; i++) {
		if (!strcmp(fd->v[out].text, fd->v[i].text)) {
			fd->v[out].count += fd->v[i].count;
			free(fd->v[i].text);
		} else {
			fd->v[++out] = fd->v[i];
		}
	}
	fd->n = out + 1;
	fd->compacted = fd->n;
}

int folded_add(struct folded *fd, const struct snapshot *s, const struct filter *f)
{
	char *line = malloc(FOLDED_LINE_MAX);

	if (!line)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_stacks; i++) {
		const struct snap_stack *st = &s->stacks[i];

		if (!st->count || (f && !filter_match_stack_in(f, s, st)))
			continue;
		if (fd->n == fd->cap) {
			size_t cap = fd->cap ? fd->cap * 2 : 256;
			struct fline *v = realloc(fd->v, cap * sizeof(*v));

			if (!v) {
				free(line);
				return -ENOMEM;
			}
			fd->v = v;
			fd->cap = cap;
		}
		folded_stack_line(line, FOLDED_LINE_MAX, s, st);
		fd->v[fd->n].text = strdup(line);
		if (!fd->v[fd->n].text) {
			free(line);
			return -ENOMEM;
		}
		fd->v[fd->n++].count = st->count;
	}
	free(line);
	if (fd->n - fd->compacted > FOLDED_COMPACT_AT)
		compact(fd);
	return 0;
}

int folded_write(struct folded *fd, FILE *out)
{
	compact(fd);
	for (size_t i = 0; i < fd->n; i++)
		fprintf(out, "%s %" PRIu64 "\n", fd->v[i].text, fd->v[i].count);
	return ferror(out) ? -EIO : 0;
}
