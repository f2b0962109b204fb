/* tick_csv.c - per-tick summary rows of a recording as CSV. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "core/client_view.h"
#include "core/hist.h"
#include "core/syscall_names.h"
#include "export/csv.h"
#include "export/fmt_addr.h"
#include "export/tick_csv.h"

int tick_csv_header(FILE *f)
{
	fputs("tick,ts_ns,kind,pid,comm,syscall,client,port,dir,count,errors,sum_ns,p50_ns,p90_ns,"
	      "p99_ns,p999_ns,max_ns,wait\n", f);
	return ferror(f) ? -EIO : 0;
}

static void sys_row(FILE *f, const struct snapshot *s, const struct snap_sys_row *r,
		    const struct snap_hist *h)
{
	char name[40];

	syscall_name_or_nr(r->nr, name, sizeof(name));
	fprintf(f, "%" PRIu64 ",%" PRIu64 ",syscall,%" PRIu32 ",", s->seq, s->ts_ns, r->pid);
	csv_write_cell(f, r->comm, sizeof(r->comm));
	fputc(',', f);
	csv_write_cell(f, name, sizeof(name));
	fprintf(f, ",,,,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",%d\n", h->count, h->errors, h->sum_ns,
		snapshot_hist_percentile_ns(s, h, 50), snapshot_hist_percentile_ns(s, h, 90),
		snapshot_hist_percentile_ns(s, h, 99), snapshot_hist_percentile_ns(s, h, 99.9),
		h->max_ns, r->wait);
}

static void client_row(FILE *f, const struct snapshot *s, const struct snap_client_row *r,
		       bool cum)
{
	const struct snap_lat *l = cum ? &r->req_total : &r->req;
	const struct snap_client_counts *c = cum ? &r->total : &r->interval;
	char addr[FMT_ADDR_LEN];

	fprintf(f, "%" PRIu64 ",%" PRIu64 ",client,%" PRIu32 ",", s->seq, s->ts_ns,
		(uint32_t)r->key.tgid);
	csv_write_cell(f, r->comm, sizeof(r->comm));
	fprintf(f, ",,%s,%u,%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 ",\n", fmt_addr(addr, sizeof(addr), &r->key),
		(unsigned int)r->key.port, fmt_dir(&r->key), c->requests, c->failed, l->sum_ns,
		l->p50_ns, l->p90_ns, l->p99_ns,
		hist_buckets_percentile_ns(snap_lat_buckets(s, l), l->n, l->max_ns, 99.9), l->max_ns);
}

int tick_csv_write(FILE *f, const struct snapshot *s, bool cum, const struct filter *filter)
{
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];

		if (!snap_row_hist(r, cum)->count || (filter && !filter_match_sys_in(filter, s, r)))
			continue;
		sys_row(f, s, r, snap_row_hist(r, cum));
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];

		if (!client_row_active(r, cum) || (filter && !filter_match_client_in(filter, s, r)))
			continue;
		client_row(f, s, r, cum);
	}
	return ferror(f) ? -EIO : 0;
}
