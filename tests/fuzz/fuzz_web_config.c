/*
 * fuzz_web_config.c - any --web-config text: no crash, and what parses is
 * well formed: NUL-terminated fields, TLS complete or absent, every user
 * named (no ':') with a 60-byte bcrypt hash. A failure leaves nothing set.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/web_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct web_config wc;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	int ret = web_config_parse(&wc, (const char *)data, size, err, sizeof(err));

	if (ret) {
		if (ret != -22 || !err[0] || wc.n_users || wc.cert_file[0] || wc.key_file[0])
			abort();
		return 0;
	}
	if (!memchr(wc.cert_file, '\0', sizeof(wc.cert_file)) ||
	    !memchr(wc.key_file, '\0', sizeof(wc.key_file)) || wc.n_users > WEB_CONFIG_MAX_USERS)
		abort();
	if (!wc.cert_file[0] != !wc.key_file[0])
		abort();
	for (size_t i = 0; i < wc.n_users; i++) {
		const struct web_config_user *u = &wc.users[i];

		if (!memchr(u->name, '\0', sizeof(u->name)) || !u->name[0] || strchr(u->name, ':'))
			abort();
		if (strlen(u->hash) != 60 || strncmp(u->hash, "$2", 2))
			abort();
	}
	return 0;
}
