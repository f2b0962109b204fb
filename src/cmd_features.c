/* cmd_features.c - `lattop --features`: probe (collect/features), print (export/features_fmt). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_features.h"
#include "collect/bpf_log.h"
#include "collect/features.h"
#include "export/features_fmt.h"

int cmd_features(const struct options *o)
{
	struct hf_report *r = calloc(1, sizeof(*r));
	int ret, status;

	if (!r) {
		fprintf(stderr, "lattop: --features: out of memory\n");
		return 1;
	}
	/* libbpf's complaints about what fails are the report's business, not stderr's. */
	bpf_log_init(o->verbose);
	features_probe(r);
	ret = o->output == OUTPUT_JSON ? features_write_json(stdout, r) :
					 features_write_text(stdout, r);
	if (fflush(stdout) && !ret)
		ret = -errno;
	status = hf_ready(r) ? 0 : 1;
	free(r);
	if (ret) {
		fprintf(stderr, "lattop: --features: cannot write the report: %s\n", strerror(-ret));
		return 1;
	}
	return status;
}
