/* csv.c - raw samples as CSV (RFC 4180 quoting, formula injection neutralised). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "core/sanitize.h"
#include "export/csv.h"
#include "export/fmt_addr.h"

#define CSV_CELL_MAX 256

int csv_write_header(FILE *f)
{
	fputs("timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out\n", f);
	return ferror(f) ? -EIO : 0;
}

void csv_write_cell(FILE *f, const char *s, size_t len)
{
	char clean[CSV_CELL_MAX];

	sanitize_text(clean, sizeof(clean), s, len);
	fputc('"', f);
	/*
	 * A spreadsheet runs a cell that starts like a formula; make it text.
	 * (A leading tab or CR, the other OWASP triggers, is already '?'.)
	 */
	if (clean[0] == '=' || clean[0] == '+' || clean[0] == '-' || clean[0] == '@')
		fputc('\'', f);
	for (const char *p = clean; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static const char *event_name(const struct abi_client_event *ev)
{
	if (ev->kind == ABI_CEV_REQUEST)
		return "request";
	return ev->key.dir == ABI_DIR_OUT ? "connect" : "connection";
}

int csv_write_client_event(FILE *f, const struct abi_client_event *ev, int64_t mono_to_real_ns)
{
	char addr[FMT_ADDR_LEN];

	fprintf(f, "%" PRIu64 ",%" PRIu64 ",%s,%" PRIu32 ",",
		(uint64_t)((int64_t)ev->ts_ns + mono_to_real_ns), (uint64_t)ev->latency_ns,
		event_name(ev), (uint32_t)ev->key.tgid);
	csv_write_cell(f, ev->comm, sizeof(ev->comm));
	fprintf(f, ",%s,%u,%s,%" PRIu64 ",%" PRIu64 "\n", fmt_addr(addr, sizeof(addr), &ev->key),
		(unsigned int)ev->key.port, fmt_dir(&ev->key), (uint64_t)ev->bytes_in,
		(uint64_t)ev->bytes_out);
	return ferror(f) ? -EIO : 0;
}
