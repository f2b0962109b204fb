/* fmt_breakdown.c - a syscall's breakdown as shares and as one sentence. */
#include <stdio.h>
#include <string.h>

#include "export/fmt_breakdown.h"
#include "export/fmt_duration.h"

static const char *const labels[ABI_PARTS] = {
	[ABI_PART_ONCPU] = "on CPU",
	[ABI_PART_RUNQ] = "waiting for a CPU",
	[ABI_PART_IO] = "waiting for I/O",
	[ABI_PART_BLOCKED] = "blocked",
};

/* The dashboard's WHY cell: the largest part, short. */
static const char *const short_names[ABI_PARTS] = {
	[ABI_PART_ONCPU] = "cpu", [ABI_PART_RUNQ] = "runq", [ABI_PART_IO] = "io",
	[ABI_PART_BLOCKED] = "blk",
};

void fmt_breakdown_cell(char *buf, size_t len, const __u64 part_ns[ABI_PARTS])
{
	uint64_t total = 0;
	int best = 0;

	for (int p = 0; p < ABI_PARTS; p++) {
		total += part_ns[p];
		if (part_ns[p] > part_ns[best])
			best = p;
	}
	if (!total)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s %u%%", short_names[best], fmt_breakdown_pct(part_ns[best], total));
}

const char *fmt_breakdown_label(unsigned int p)
{
	return p < ABI_PARTS ? labels[p] : "?";
}

unsigned int fmt_breakdown_pct(uint64_t part_ns, uint64_t sum_ns)
{
	if (!sum_ns)
		return 0;
	if (part_ns >= sum_ns)
		return 100;
	/* long double: part_ns * 100 may not fit 64 bits */
	return (unsigned int)((long double)part_ns * 100.0L / (long double)sum_ns + 0.5L);
}

size_t fmt_breakdown_parts(char *buf, size_t len, const __u64 part_ns[ABI_PARTS],
			   uint64_t sum_ns)
{
	unsigned int order[ABI_PARTS], pct[ABI_PARTS];
	size_t at = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	for (unsigned int p = 0; p < ABI_PARTS; p++) {
		unsigned int i = p;

		pct[p] = fmt_breakdown_pct(part_ns[p], sum_ns);
		/* insertion sort, largest share first, stable */
		while (i > 0 && pct[order[i - 1]] < pct[p]) {
			order[i] = order[i - 1];
			i--;
		}
		order[i] = p;
	}
	for (unsigned int i = 0; i < ABI_PARTS; i++) {
		unsigned int p = order[i];
		int w;

		if (pct[p] < FMT_BREAKDOWN_MIN_PCT)
			break;
		w = snprintf(buf + at, len - at, "%s%u%% %s", at ? ", " : "", pct[p], labels[p]);
		if (w < 0 || (size_t)w >= len - at)
			return strlen(buf);
		at += (size_t)w;
	}
	return at;
}

size_t fmt_breakdown_sentence(char *buf, size_t len, const char *name, uint64_t p99_ns,
			      const __u64 part_ns[ABI_PARTS], uint64_t sum_ns)
{
	char p99[FMT_DURATION_LEN], parts[FMT_BREAKDOWN_LEN];

	if (!len)
		return 0;
	fmt_duration_ns(p99, sizeof(p99), p99_ns);
	if (fmt_breakdown_parts(parts, sizeof(parts), part_ns, sum_ns))
		snprintf(buf, len, "%s p99 %s - %s", name, p99, parts);
	else
		snprintf(buf, len, "%s p99 %s", name, p99);
	return strlen(buf);
}
