/*
 * ld_cache.h - find a library by name in the bytes of /etc/ld.so.cache, the
 * way the dynamic linker and `ldconfig -p` do (pure: bytes in, path out;
 * the file is read by collect/lib_path.c).
 *
 * Format: glibc's "glibc-ld.so.cache1.1" (the only one glibc 2.32 and later
 * write): a 48-byte header, then n entries of {int32 flags, uint32 key,
 * uint32 value, uint32 osversion, uint64 hwcap}; key (soname) and value
 * (path) are offsets of NUL-ended strings from the start of the file.
 * The old "ld.so-1.7.0" format is not read.
 */
#ifndef LATTOP_CORE_LD_CACHE_H
#define LATTOP_CORE_LD_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LD_CACHE_MAGIC		"glibc-ld.so.cache1.1"
#define LD_CACHE_FLAG_ELF_LIBC6	0x0003
#define LD_CACHE_FLAG_X8664	0x0300	/* FLAG_X8664_LIB64 */
#define LD_CACHE_FLAG_AARCH64	0x0a00	/* FLAG_AARCH64_LIB64 */

/*
 * Does soname @soname answer to @want? "libc.so.6" to itself; "libc" and
 * "libc.so" to "libc.so.6" (@want followed by ".so" or by ".").
 */
bool ld_cache_name_matches(const char *want, const char *soname);

/*
 * The path of the first entry (the cache's order of preference) whose
 * soname matches @want and whose flags equal @arch_flags (0: any), into
 * @path. 0, -ENOENT when none, -EINVAL when @data is not a cache of this
 * format, -ENAMETOOLONG when the path does not fit.
 */
int ld_cache_find(const void *data, size_t len, const char *want, uint32_t arch_flags, char *path,
		  size_t pathlen);

#endif
