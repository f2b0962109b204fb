/*
 * lib_path.h - the BINARY of -u / --usdt as a path: a path as typed (it
 * has a '/'), or a library name ("libc", "libc.so.6", "libssl") looked up
 * like ldconfig in /etc/ld.so.cache (core/ld_cache.c). A bare name is not
 * searched in PATH: a uprobe on a program is given by path ("./server",
 * "/usr/bin/postgres"), so that the probe names the file it attaches to.
 * Main thread.
 */
#ifndef LATTOP_COLLECT_LIB_PATH_H
#define LATTOP_COLLECT_LIB_PATH_H

#include <stddef.h>

/* The absolute, symlink-free path of @binary into @path. 0, or -errno and one line in @err. */
int lib_path_resolve(const char *binary, char *path, size_t pathlen, char *err, size_t errlen);

#endif
