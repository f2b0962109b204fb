/*
 * fuzz_compare_rec.c - a recording from arbitrary bytes as comparison input
 * (reader -> compare_input_recording -> compare_all -> reports): never a
 * crash; on bad input one line naming the file. The bytes are served
 * through a memfd, so the reader sees a real path without disk I/O.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/compare.h"
#include "export/compare_input.h"
#include "export/compare_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	struct cmp_set set;
	struct cmp_opts o;
	struct cmp_result *res;
	struct cmp_summary sum;
	size_t dropped = 0;
	int fd = memfd_create("fuzz-rec", MFD_CLOEXEC), ret;

	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cmp_set_init(&set);
	compare_opts_default(&o);
	o.resamples = 64;
	o.min_samples = 1;
	ret = compare_input_recording(&set, CMP_BASELINE, path, &dropped, err, sizeof(err));
	if (ret) {
		if (!err[0] || strchr(err, '\n') || !strstr(err, path))
			abort();
	} else {
		ret = compare_input_recording(&set, CMP_CURRENT, path, &dropped, err, sizeof(err));
		if (ret)
			abort();	/* the same bytes read twice must give the same answer */
	}
	if (!ret && compare_all(&set, &o, &res, &sum) == 0) {
		struct compare_report rep = { .path = { path, path },
					      .input_kind = { "recording", "recording" },
					      .opts = &o, .res = res, .n = set.n, .sum = &sum };
		FILE *f = fopen("/dev/null", "w");

		if (f) {
			compare_text_write(f, &rep);
			compare_json_write(f, &rep);
			fclose(f);
		}
		/* Same data in both runs: nothing can regress. */
		if (sum.regressions)
			abort();
		free(res);
	}
	cmp_set_free(&set);
	close(fd);
	return 0;
}
