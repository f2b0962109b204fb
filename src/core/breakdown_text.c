/* breakdown_text.c - a syscall row's breakdown as words (see breakdown_text.h). */
#include <stdbool.h>
#include <stdio.h>

#include "core/breakdown_text.h"

/* Short names for a cell, and phrases for a sentence, by enum abi_part. */
static const char *const short_names[ABI_PARTS] = {
	[ABI_PART_ONCPU] = "cpu", [ABI_PART_RUNQ] = "runq", [ABI_PART_IO] = "io",
	[ABI_PART_BLOCKED] = "blk",
};
static const char *const phrases[ABI_PARTS] = {
	[ABI_PART_ONCPU] = "on CPU", [ABI_PART_RUNQ] = "waiting for a CPU",
	[ABI_PART_IO] = "waiting for I/O", [ABI_PART_BLOCKED] = "blocked (no I/O)",
};

static uint64_t total_of(const __u64 part_ns[ABI_PARTS])
{
	uint64_t t = 0;

	for (int p = 0; p < ABI_PARTS; p++)
		t += part_ns[p];
	return t;
}

/* Per cent of @part in @total, rounded to nearest. */
static unsigned int pct_of(uint64_t part, uint64_t total)
{
	return total ? (unsigned int)(((long double)part * 100 + (long double)total / 2) / total) : 0;
}

int breakdown_dominant(const __u64 part_ns[ABI_PARTS], unsigned int *pct)
{
	uint64_t total = total_of(part_ns);
	int best = -1;

	if (!total)
		return -1;
	for (int p = 0; p < ABI_PARTS; p++)
		if (best < 0 || part_ns[p] > part_ns[best])
			best = p;
	if (pct)
		*pct = pct_of(part_ns[best], total);
	return best;
}

void breakdown_cell(char *buf, size_t len, const __u64 part_ns[ABI_PARTS])
{
	unsigned int pct = 0;
	int p = breakdown_dominant(part_ns, &pct);

	if (p < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s %u%%", short_names[p], pct);
}

void breakdown_sentence(char *buf, size_t len, const __u64 part_ns[ABI_PARTS],
			unsigned int min_pct)
{
	uint64_t total = total_of(part_ns);
	bool used[ABI_PARTS] = { false };
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	for (int n = 0; n < 3 && total; n++) {
		int best = -1;

		for (int p = 0; p < ABI_PARTS; p++)
			if (!used[p] && (best < 0 || part_ns[p] > part_ns[best]))
				best = p;
		if (best < 0 || (n && pct_of(part_ns[best], total) < min_pct) || !part_ns[best])
			break;
		used[best] = true;
		if (at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%u%% %s", n ? ", " : "",
					       pct_of(part_ns[best], total), phrases[best]);
	}
}
