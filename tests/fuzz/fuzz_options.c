/* fuzz_options.c - argv built from fuzz input (NUL-separated) must never crash the parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[34], err[OPTIONS_ERR_LEN];
	struct options o;
	int argc = 1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "lattop";
	for (size_t i = 0; i <= size && argc < 33;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	options_defaults(&o);
	if (options_parse(&o, argc, argv, err, sizeof(err)) == 0) {
		if (o.interval_ns < 100000000ull || o.n_pids > ABI_MAX_PID_FILTER)
			abort();
	} else if (!err[0]) {
		abort();	/* every error has a message */
	}
	free(buf);
	return 0;
}
