/* fmt_duration.c - three significant digits, largest unit the value reaches. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export/fmt_duration.h"

struct fmt_unit {
	uint64_t div_ns;
	const char *suffix;
};

static const struct fmt_unit fmt_units[] = {
	{ 1000ull, "us" },
	{ 1000000ull, "ms" },
	{ 1000000000ull, "s" },
};

#define FMT_N_UNITS (sizeof(fmt_units) / sizeof(fmt_units[0]))

/* ns / step rounded half up; step >= 1. */
static uint64_t fmt_round_div(uint64_t ns, uint64_t step)
{
	return ns / step + (ns % step >= (step + 1) / 2);
}

size_t fmt_duration_ns(char *buf, size_t len, uint64_t ns)
{
	static const uint64_t pow10[] = { 1, 10, 100 };
	const char *suffix;
	uint64_t scaled = 0;
	int decimals = 0;

	if (!len)
		return 0;
	if (ns < 1000) {
		snprintf(buf, len, "%" PRIu64 "ns", ns);
		return strlen(buf);
	}
	/*
	 * Integer rounding to three significant digits: the first number of
	 * decimals whose rounded value stays below 1000 wins, else the next
	 * unit, so 9.996us prints "10.0us" and 999.6us "1.00ms".
	 */
	for (size_t u = 0; u < FMT_N_UNITS; u++) {
		if (u + 1 < FMT_N_UNITS && ns >= fmt_units[u + 1].div_ns)
			continue;
		suffix = fmt_units[u].suffix;
		for (decimals = 2; decimals >= 0; decimals--) {
			scaled = fmt_round_div(ns, fmt_units[u].div_ns / pow10[decimals]);
			if (scaled < 1000)
				break;
		}
		if (decimals >= 0)
			goto print;
		if (u + 1 == FMT_N_UNITS) {
			decimals = 0;	/* seconds are the largest unit: "1234s" */
			goto print;
		}
		/* rounding reached 1000: print 1.00 of the next unit */
		ns = fmt_units[u + 1].div_ns;
	}
	return 0;	/* not reached: the last unit always prints */
print:
	if (decimals == 0)
		snprintf(buf, len, "%" PRIu64 "%s", scaled, suffix);
	else
		snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "%s", scaled / pow10[decimals],
			 decimals, scaled % pow10[decimals], suffix);
	return strlen(buf);
}

size_t fmt_count(char *buf, size_t len, uint64_t n)
{
	static const char suffix[] = "kMGTPE";
	uint64_t div = 1;
	size_t u = 0;

	if (n < 1000) {
		snprintf(buf, len, "%" PRIu64, n);
		return strlen(buf);
	}
	/* Largest unit below n, then keep three significant digits. */
	while (u + 1 < sizeof(suffix) - 1 && n / (div * 1000) >= 1000)
		div *= 1000, u++;
	div *= 1000;
	if (n / div >= 100)
		snprintf(buf, len, "%" PRIu64 "%c", (n + div / 2) / div, suffix[u]);
	else if (n / div >= 10)
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", n / div, (n % div) * 10 / div,
			 suffix[u]);
	else
		snprintf(buf, len, "%" PRIu64 ".%02" PRIu64 "%c", n / div, (n % div) * 100 / div,
			 suffix[u]);
	return strlen(buf);
}
