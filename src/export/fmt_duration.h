/*
 * fmt_duration.h - human-readable durations with three significant digits
 * ("812ns", "12.4us", "3.21ms", "1.50s"), shared by text outputs and the UI.
 */
#ifndef LATTOP_EXPORT_FMT_DURATION_H
#define LATTOP_EXPORT_FMT_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Longest result ("18446744074s") plus NUL fits in this. */
#define FMT_DURATION_LEN 16

/*
 * Format @ns into @buf (@len bytes, always NUL-terminated when len > 0).
 * Below 1 us the exact integer is printed; above, the value is rounded to
 * three significant digits in the largest unit it reaches (us, ms, s);
 * seconds never roll over into a larger unit. Returns strlen(buf).
 */
size_t fmt_duration_ns(char *buf, size_t len, uint64_t ns);

/*
 * A count with three significant digits and an SI suffix: "812", "12.4k",
 * "3.21M", "1.50G" (decimal: 1k = 1000). For bytes and rates in tables.
 */
size_t fmt_count(char *buf, size_t len, uint64_t n);

#endif
