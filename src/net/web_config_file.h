/*
 * web_config_file.h - reading the --web-config file and the TLS files it
 * names. The web config holds password hashes: it must be a regular file
 * (not a symlink), owned by root or by the user lattop runs as, and
 * readable by nobody else (0600 or 0400), as Prometheus's exporters ask.
 */
#ifndef LATTOP_NET_WEB_CONFIG_FILE_H
#define LATTOP_NET_WEB_CONFIG_FILE_H

#include <stddef.h>

#include "core/web_config.h"

#define WEB_CONFIG_FILE_MAX (64 * 1024)
#define WEB_CONFIG_PEM_MAX (1024 * 1024)

/*
 * Load and parse @path into @wc; relative cert_file/key_file are made
 * relative to @path's directory (as Prometheus does). 0, or -errno with a
 * one-line reason in @err: -EACCES for a file others may read or that
 * belongs to someone else, -EINVAL for its contents.
 */
int web_config_load(const char *path, struct web_config *wc, char *err, size_t errlen);

/* A PEM file as a NUL-terminated string in *@out (free()). 0 or -errno with @err. */
int web_config_read_pem(const char *path, char **out, char *err, size_t errlen);

#endif
