/*
 * mountinfo.c - parse /proc/<pid>/mountinfo lines (see mountinfo.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "core/mountinfo.h"

/* A field: [p, p + n). */
struct mi_field {
	const char *p;
	size_t n;
};

/* The next space-separated field at *pos; false at the end of the line. */
static bool next_field(const char *line, size_t len, size_t *pos, struct mi_field *f)
{
	size_t i = *pos;

	while (i < len && line[i] == ' ')
		i++;
	if (i >= len)
		return false;
	f->p = line + i;
	while (i < len && line[i] != ' ')
		i++;
	f->n = (size_t)(line + i - f->p);
	*pos = i;
	return true;
}

static bool is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* Unescape @f (\ooo) into @out (@cap bytes, NUL-terminated). */
static int unescape(struct mi_field f, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < f.n; i++) {
		char c = f.p[i];

		if (c == '\\') {
			unsigned v;

			if (i + 3 >= f.n)
				return -EINVAL;
			if (!is_octal(f.p[i + 1]) || !is_octal(f.p[i + 2]) || !is_octal(f.p[i + 3]))
				return -EINVAL;
			v = (unsigned)(f.p[i + 1] - '0') * 64 + (unsigned)(f.p[i + 2] - '0') * 8 +
			    (unsigned)(f.p[i + 3] - '0');
			if (v == 0 || v > 255)
				return -EINVAL;
			c = (char)v;
			i += 3;
		}
		if (o + 1 >= cap)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int mountinfo_parse_line(const char *line, size_t len, struct mountinfo_entry *e)
{
	struct mi_field f[6], sep, type;
	size_t pos = 0;
	int ret;

	/* a line holds no NUL and ends at the first newline */
	for (size_t i = 0; i < len; i++)
		if (line[i] == '\n' || line[i] == '\0') {
			len = i;
			break;
		}
	for (int i = 0; i < 6; i++)
		if (!next_field(line, len, &pos, &f[i]))
			return -EINVAL;
	/* optional fields (7) up to the lone "-" (8) */
	do {
		if (!next_field(line, len, &pos, &sep))
			return -EINVAL;
	} while (sep.n != 1 || sep.p[0] != '-');
	if (!next_field(line, len, &pos, &type))
		return -EINVAL;
	if (type.n >= sizeof(e->fstype))
		return -ENAMETOOLONG;
	memcpy(e->fstype, type.p, type.n);
	e->fstype[type.n] = '\0';
	ret = unescape(f[3], e->root, sizeof(e->root)) ?:
	      unescape(f[4], e->mount_point, sizeof(e->mount_point));
	if (ret)
		return ret;
	if (e->mount_point[0] != '/')
		return -EINVAL;
	return 0;
}

int mountinfo_find(const char *text, size_t len, const char *fstype, struct mountinfo_entry *e)
{
	size_t start = 0;

	while (start < len) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t n = nl ? (size_t)(nl - (text + start)) : len - start;

		if (!mountinfo_parse_line(text + start, n, e) && !strcmp(e->fstype, fstype))
			return 0;
		start += n + 1;
	}
	return -ENOENT;
}
