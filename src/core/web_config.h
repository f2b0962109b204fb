/*
 * web_config.h - the --web-config file: TLS and basic auth for the metrics
 * endpoint, in the subset of Prometheus's exporter-toolkit web config YAML
 * that operators already write:
 *
 *   tls_server_config:
 *     cert_file: /etc/lattop/cert.pem
 *     key_file: /etc/lattop/key.pem
 *   basic_auth_users:
 *     prometheus: $2y$10$...      (bcrypt, as `htpasswd -nBC 10` prints)
 *
 * Comments (#), blank lines, 'single' and "double" quoted scalars. Anything
 * else (other keys, flow style, anchors, tabs) is refused with its line
 * number: a setting lattop would silently ignore is a security hole.
 * Pure: parses text; the file is opened by net/web_config_file.c.
 */
#ifndef LATTOP_CORE_WEB_CONFIG_H
#define LATTOP_CORE_WEB_CONFIG_H

#include <stddef.h>

#define WEB_CONFIG_MAX_USERS 64
#define WEB_CONFIG_PATH_MAX 1024
#define WEB_CONFIG_NAME_MAX 128
#define WEB_CONFIG_HASH_MAX 128

struct web_config_user {
	char name[WEB_CONFIG_NAME_MAX];
	char hash[WEB_CONFIG_HASH_MAX];	/* bcrypt: $2a$, $2b$ or $2y$ */
};

struct web_config {
	char cert_file[WEB_CONFIG_PATH_MAX];	/* "" when no TLS */
	char key_file[WEB_CONFIG_PATH_MAX];
	size_t n_users;
	struct web_config_user users[WEB_CONFIG_MAX_USERS];
};

/*
 * Parse @len bytes of @text into @wc (reset first). 0, or -EINVAL with
 * "line N: what" in @err.
 */
int web_config_parse(struct web_config *wc, const char *text, size_t len, char *err,
		     size_t errlen);

/* TLS configured: both cert_file and key_file. */
static inline int web_config_has_tls(const struct web_config *wc)
{
	return wc->cert_file[0] && wc->key_file[0];
}

#endif
