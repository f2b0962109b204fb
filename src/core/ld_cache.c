/* ld_cache.c - library name -> path through ld.so.cache bytes (see ld_cache.h). */
#include "core/ld_cache.h"

#include <errno.h>
#include <string.h>

#define HEADER_LEN	48	/* magic+version 20, nlibs 4, len_strings 4, flags 1, pad 3, ext 4, 12 */
#define ENTRY_LEN	24

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));	/* the cache is in the host's byte order */
	return v;
}

bool ld_cache_name_matches(const char *want, const char *soname)
{
	size_t n = strlen(want);

	if (!n || strncmp(want, soname, n))
		return false;
	if (!soname[n])
		return true;
	/* "libc" -> "libc.so.6", "libc.so" -> "libc.so.6"; never "libcrypt.so.1". */
	return !strncmp(soname + n, ".so", 3) || soname[n] == '.';
}

/* The NUL-ended string at @off in @data, or NULL when it runs past the end. */
static const char *str_at(const unsigned char *data, size_t len, uint32_t off)
{
	if (off >= len || !memchr(data + off, '\0', len - off))
		return NULL;
	return (const char *)data + off;
}

int ld_cache_find(const void *data_v, size_t len, const char *want, uint32_t arch_flags, char *path,
		  size_t pathlen)
{
	const unsigned char *data = data_v;
	uint32_t n;

	if (len < HEADER_LEN || memcmp(data, LD_CACHE_MAGIC, strlen(LD_CACHE_MAGIC)))
		return -EINVAL;
	n = rd32(data + 20);
	if (n > (len - HEADER_LEN) / ENTRY_LEN)
		return -EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *e = data + HEADER_LEN + (size_t)i * ENTRY_LEN;
		uint32_t flags = rd32(e);
		const char *key = str_at(data, len, rd32(e + 4));
		const char *value = str_at(data, len, rd32(e + 8));

		if (!key || !value || (arch_flags && flags != arch_flags))
			continue;
		if (!ld_cache_name_matches(want, key))
			continue;
		if (strlen(value) >= pathlen)
			return -ENAMETOOLONG;
		strcpy(path, value);
		return 0;
	}
	return -ENOENT;
}
