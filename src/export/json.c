/* json.c - JSON Lines per tick, with a tiny internal writer (no library). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cgroup_name.h"
#include "core/cgroup_view.h"
#include "core/client_view.h"
#include "core/family.h"
#include "core/hist.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"
#include "export/fmt_addr.h"
#include "export/json.h"

#define JW_MAX_DEPTH 8
#define JW_STR_MAX 512	/* longest string we emit: filter text, comm, names */

/* Writer state: whether the container at each depth still has no member. */
struct jw {
	FILE *f;
	int depth;
	bool first[JW_MAX_DEPTH];
};

static void jw_sep(struct jw *w)
{
	if (!w->first[w->depth])
		fputc(',', w->f);
	w->first[w->depth] = false;
}

static void jw_open(struct jw *w, char ch)
{
	fputc(ch, w->f);
	if (w->depth + 1 < JW_MAX_DEPTH)	/* our schema is 4 deep at most */
		w->depth++;
	w->first[w->depth] = true;
}

static void jw_close(struct jw *w, char ch)
{
	fputc(ch, w->f);
	if (w->depth > 0)
		w->depth--;
}

/* Keys are literals from this file: no escaping needed. */
static void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	fprintf(w->f, "\"%s\":", key);
}

/*
 * Sanitise first (one policy for untrusted text everywhere), then escape
 * what JSON itself requires, defensively including control characters.
 */
void json_write_string(FILE *out, const char *s, size_t len)
{
	char small[JW_STR_MAX], *clean = small;
	size_t cap = sizeof(small);

	len = strnlen(s, len);
	/* The sanitiser never lengthens, so len + 1 holds all of a long string. */
	if (len >= cap && (clean = malloc(len + 1)) != NULL)
		cap = len + 1;
	else if (!clean)
		clean = small;	/* out of memory: truncated rather than lost */
	sanitize_text(clean, cap, s, len);
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)clean; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
	if (clean != small)
		free(clean);
}

static void jw_str(struct jw *w, const char *s, size_t len)
{
	json_write_string(w->f, s, len);
}

static void jw_kv_str(struct jw *w, const char *key, const char *s, size_t len)
{
	jw_key(w, key);
	jw_str(w, s, len);
}

static void jw_kv_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	fprintf(w->f, "%" PRIu64, v);
}

static void jw_kv_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	fputs(v ? "true" : "false", w->f);
}

/* "cgroup_id" and "cgroup" (its name; "" for id 0 or an id the snapshot does not name). */
static void jw_cgroup(struct jw *w, const struct snapshot *s, uint64_t id)
{
	const struct snap_cgroup *cg = id ? snapshot_cgroup(s, id) : NULL;

	jw_kv_u64(w, "cgroup_id", id);
	jw_kv_str(w, "cgroup", cg ? cg->name : "", cg ? sizeof(cg->name) : 1);
}

static void json_counters(struct jw *w, const char *key, const struct snap_counters *c)
{
	jw_key(w, key);
	jw_open(w, '{');
	jw_kv_u64(w, "events", c->events);
	jw_kv_u64(w, "lost", c->lost);
	jw_kv_u64(w, "evicted", c->evicted);
	jw_kv_u64(w, "dropped_snapshots", c->dropped_snapshots);
	jw_kv_u64(w, "client_evicted", c->client_evicted);
	jw_kv_u64(w, "client_lost", c->client_lost);
	jw_close(w, '}');
}

static void json_buckets(struct jw *w, const struct hist_bucket *b, size_t n)
{
	jw_key(w, "buckets");
	jw_open(w, '[');
	for (size_t i = 0; i < n; i++) {
		jw_sep(w);
		fprintf(w->f, "[%" PRIu64 ",%" PRIu64 "]", hist_slot_upper_ns(b[i].slot), b[i].count);
	}
	jw_close(w, ']');
}

/* Where the timed calls' sum_ns went: the four parts add up to it. */
static void json_breakdown(struct jw *w, const struct snap_hist *h)
{
	jw_key(w, "breakdown");
	jw_open(w, '{');
	for (unsigned int p = 0; p < ABI_PARTS; p++) {
		char key[24];

		snprintf(key, sizeof(key), "%s_ns", family_part_name(p));
		jw_kv_u64(w, key, h->part_ns[p]);
	}
	jw_close(w, '}');
}

/* count, sum_ns, max_ns, percentiles and buckets of one histogram, inside an open object. */
static void json_hist_fields(struct jw *w, const struct snapshot *s, const struct snap_hist *h)
{
	jw_kv_u64(w, "count", h->count);
	jw_kv_u64(w, "errors", h->errors);
	jw_kv_u64(w, "sum_ns", h->sum_ns);
	jw_kv_u64(w, "max_ns", h->max_ns);
	jw_kv_u64(w, "p50_ns", snapshot_hist_percentile_ns(s, h, 50));
	jw_kv_u64(w, "p90_ns", snapshot_hist_percentile_ns(s, h, 90));
	jw_kv_u64(w, "p99_ns", snapshot_hist_percentile_ns(s, h, 99));
	jw_kv_u64(w, "p999_ns", snapshot_hist_percentile_ns(s, h, 99.9));
	json_buckets(w, snap_hist_buckets(s, h), h->n);
}

/* One row of a family table: its key fields (core/family.c), the latency, its parts. */
static void json_fam_row(struct jw *w, const struct snapshot *s, const struct family_desc *d,
			 const struct snap_fam_row *r, bool cum)
{
	char text[64];

	jw_sep(w);
	jw_open(w, '{');
	for (unsigned int i = 0; i < d->n_fields; i++) {
		enum fam_field f = d->fields[i];

		if (f == FAM_F_PID || (f == FAM_F_CPU && r->key.a != ABI_FAM_ANY)) {
			jw_kv_u64(w, family_field_name(f), f == FAM_F_PID ? r->key.tgid : r->key.a);
			continue;
		}
		family_field_fmt(r, f, text, sizeof(text));
		jw_kv_str(w, family_field_name(f), text, sizeof(text));
	}
	if (d->fields[0] == FAM_F_DEV)
		jw_kv_u64(w, "dev_t", r->key.a);
	jw_cgroup(w, s, r->key.cgid);
	json_hist_fields(w, s, cum ? &r->total : &r->interval);
	for (unsigned int p = 0; p < d->n_parts; p++) {
		jw_key(w, d->part_names[p]);
		jw_open(w, '{');
		json_hist_fields(w, s, cum ? &r->part_total[p] : &r->part[p]);
		jw_close(w, '}');
	}
	if (!cum) {
		jw_key(w, "total");
		jw_open(w, '{');
		jw_kv_u64(w, "count", r->total.count);
		jw_kv_u64(w, "sum_ns", r->total.sum_ns);
		jw_kv_u64(w, "max_ns", r->total.max_ns);
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

static const char *const fam_states[] = { "off", "on" };

/* Every family table: "<name>_state", "<name>_note", "<name>" rows (only those with events). */
static void json_families(struct jw *w, const struct snapshot *s, const struct json_opts *o)
{
	bool cum = o->cumulative_only;

	for (int f = 0; f < SNAP_FAM_NR; f++) {
		const struct family_desc *d = family_get((enum snap_family)f);
		const struct snap_table *t = &s->fam[f];
		char key[40];

		snprintf(key, sizeof(key), "%s_state", d->name);
		jw_kv_str(w, key, fam_states[t->state == SNAP_FAM_ON], 4);
		snprintf(key, sizeof(key), "%s_note", d->name);
		jw_kv_str(w, key, t->note, sizeof(t->note));
		jw_key(w, d->name);
		jw_open(w, '[');
		for (size_t i = 0; i < t->n; i++) {
			const struct snap_fam_row *r = &t->rows[i];

			if (!(cum ? r->total.count : r->interval.count))
				continue;
			if (o->filter && !filter_match_fam_in(o->filter, s, (enum snap_family)f, r))
				continue;
			json_fam_row(w, s, d, r, cum);
		}
		jw_close(w, ']');
	}
}

static void json_row(struct jw *w, const struct snapshot *s, const struct snap_sys_row *r,
		     bool cumulative)
{
	const struct snap_hist *h = snap_row_hist(r, cumulative);
	char name[40];

	syscall_name_or_nr(r->nr, name, sizeof(name));
	jw_sep(w);
	jw_open(w, '{');
	jw_kv_u64(w, "pid", r->pid);
	jw_kv_str(w, "comm", r->comm, sizeof(r->comm));
	jw_kv_str(w, "syscall", name, sizeof(name));
	jw_kv_u64(w, "nr", r->nr);
	jw_kv_bool(w, "exited", r->exited);
	jw_kv_bool(w, "wait", r->wait);
	jw_cgroup(w, s, r->cgroup_id);
	jw_kv_u64(w, "count", h->count);
	jw_kv_u64(w, "errors", h->errors);
	jw_kv_u64(w, "timed", h->timed);
	jw_kv_u64(w, "sum_ns", h->sum_ns);
	jw_kv_u64(w, "max_ns", h->max_ns);
	jw_kv_u64(w, "p50_ns", snapshot_hist_percentile_ns(s, h, 50));
	jw_kv_u64(w, "p90_ns", snapshot_hist_percentile_ns(s, h, 90));
	jw_kv_u64(w, "p99_ns", snapshot_hist_percentile_ns(s, h, 99));
	jw_kv_u64(w, "p999_ns", snapshot_hist_percentile_ns(s, h, 99.9));
	json_buckets(w, snap_hist_buckets(s, h), h->n);
	if (s->breakdown)
		json_breakdown(w, h);
	if (!cumulative) {
		jw_key(w, "total");
		jw_open(w, '{');
		jw_kv_u64(w, "count", r->total.count);
		jw_kv_u64(w, "errors", r->total.errors);
		jw_kv_u64(w, "sum_ns", r->total.sum_ns);
		jw_kv_u64(w, "max_ns", r->total.max_ns);
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

static void json_lat(struct jw *w, const char *key, const struct snapshot *s,
		     const struct snap_lat *l)
{
	const struct hist_bucket *b = snap_lat_buckets(s, l);

	jw_key(w, key);
	jw_open(w, '{');
	jw_kv_u64(w, "count", l->count);
	jw_kv_u64(w, "sum_ns", l->sum_ns);
	jw_kv_u64(w, "max_ns", l->max_ns);
	jw_kv_u64(w, "p50_ns", l->p50_ns);
	jw_kv_u64(w, "p90_ns", l->p90_ns);
	jw_kv_u64(w, "p99_ns", l->p99_ns);
	json_buckets(w, b, l->n);
	jw_close(w, '}');
}

static void json_client_counts(struct jw *w, const struct snap_client_counts *c)
{
#define JSON_X(name) jw_kv_u64(w, #name, c->name);
	SNAP_CLIENT_COUNTERS(JSON_X)
#undef JSON_X
}

static void json_client(struct jw *w, const struct snapshot *s, const struct snap_client_row *r,
			bool cum)
{
	const struct snap_lat *req = cum ? &r->req_total : &r->req;
	const struct snap_lat *conn = cum ? &r->conn_total : &r->conn;
	char addr[FMT_ADDR_LEN];

	jw_sep(w);
	jw_open(w, '{');
	fmt_addr(addr, sizeof(addr), &r->key);
	jw_kv_str(w, "addr", addr, sizeof(addr));
	jw_kv_u64(w, "port", r->key.port);
	jw_kv_str(w, "dir", fmt_dir(&r->key), 4);
	jw_kv_u64(w, "pid", r->key.tgid);
	jw_kv_str(w, "comm", r->comm, sizeof(r->comm));
	jw_kv_u64(w, "open", r->open);
	jw_cgroup(w, s, r->key.cgid);
	json_client_counts(w, cum ? &r->total : &r->interval);
	/* The request summary at the top level too: the common question, one lookup. */
	jw_kv_u64(w, "p50_ns", req->p50_ns);
	jw_kv_u64(w, "p90_ns", req->p90_ns);
	jw_kv_u64(w, "p99_ns", req->p99_ns);
	jw_kv_u64(w, "max_ns", req->max_ns);
	json_lat(w, "request", s, req);
	json_lat(w, r->key.dir == ABI_DIR_OUT ? "connect" : "lifetime", s, conn);
	if (!cum) {
		jw_key(w, "total");
		jw_open(w, '{');
		json_client_counts(w, &r->total);
		jw_close(w, '}');
	}
	jw_close(w, '}');
}

static const char *const clients_states[] = { "off", "connections_only", "on" };

static void json_clients(struct jw *w, const struct snapshot *s, const struct json_opts *o)
{
	bool cum = o->cumulative_only;

	jw_kv_str(w, "clients_state", clients_states[s->clients_state <= SNAP_CLIENTS_ON ?
						    s->clients_state : 0], 20);
	jw_kv_str(w, "clients_note", s->clients_note, sizeof(s->clients_note));
	jw_key(w, "clients");
	jw_open(w, '[');
	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];

		/* A row with nothing to say this interval is left out, as for syscalls. */
		if (!client_row_active(r, cum))
			continue;
		if (o->filter && !filter_match_client_in(o->filter, s, r))
			continue;
		json_client(w, s, r, cum);
	}
	jw_close(w, ']');
}

/* The fleet view's hosts, its source's trouble ("note") and whether rows are stale. */
static void json_hosts(struct jw *w, const struct snapshot *s)
{
	if (strcmp(s->source, "fleet"))
		return;
	jw_kv_str(w, "note", s->note, sizeof(s->note));
	jw_kv_bool(w, "stale", s->stale);
	jw_key(w, "hosts");
	jw_open(w, '[');
	for (size_t i = 0; i < s->n_hosts; i++) {
		const struct snap_host *h = &s->hosts[i];

		jw_sep(w);
		jw_open(w, '{');
		jw_kv_str(w, "host", h->name, sizeof(h->name));
		jw_kv_bool(w, "up", h->up);
		jw_kv_u64(w, "calls", h->calls);
		jw_kv_u64(w, "calls_total", h->calls_total);
		jw_kv_u64(w, "errors", h->errors);
		jw_kv_u64(w, "errors_total", h->errors_total);
		jw_kv_u64(w, "lost", h->lost);
		jw_kv_u64(w, "lost_total", h->lost_total);
		jw_kv_u64(w, "worst_p99_ns", h->worst_p99_ns);
		jw_kv_u64(w, "rows", h->n_rows);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

static const char *const cgroups_states[] = { "off", "no_v2", "on" };

/*
 * "cgroups_state", "cgroups_note" and "cgroups": the rows (that pass the
 * filter) summed per cgroup, busiest first (core/cgroup_view.h).
 */
static int json_cgroups(struct jw *w, const struct snapshot *s, const struct json_opts *o)
{
	struct cgroup_sum *sums = NULL;
	size_t n = 0, cap = 0;
	int ret;

	jw_kv_str(w, "cgroups_state", cgroups_states[s->cgroups_state <= SNAP_CGROUPS_ON ?
						      s->cgroups_state : 0], 8);
	jw_kv_str(w, "cgroups_note", s->cgroups_note, sizeof(s->cgroups_note));
	/* OFF: rows carry no cgroup, so there is nothing to sum (an empty array) */
	ret = s->cgroups_state == SNAP_CGROUPS_OFF ? 0 :
	      cgroup_view_build(s, o->filter, o->cumulative_only, &sums, &n, &cap);
	jw_key(w, "cgroups");
	jw_open(w, '[');
	for (size_t i = 0; !ret && i < n; i++) {
		const struct cgroup_sum *c = &sums[i];
		char slowest[40] = "";

		if (c->worst_p99_ns || c->calls)
			syscall_name_or_nr(c->slowest_nr, slowest, sizeof(slowest));
		jw_sep(w);
		jw_open(w, '{');
		jw_kv_u64(w, "id", c->id);
		jw_kv_str(w, "name", c->cg ? c->cg->name : "", c->cg ? sizeof(c->cg->name) : 1);
		jw_kv_str(w, "path", c->cg ? c->cg->path : "", c->cg ? sizeof(c->cg->path) : 1);
		jw_kv_str(w, "kind", cgroup_kind_name(c->cg ? (enum snap_cgroup_kind)c->cg->kind
							   : SNAP_CG_UNRESOLVED), 16);
		jw_kv_bool(w, "gone", c->cg && c->cg->gone);
		jw_kv_u64(w, "procs", c->n_procs);
		jw_kv_u64(w, "calls", c->calls);
		jw_kv_u64(w, "errors", c->errors);
		jw_kv_u64(w, "worst_p99_ns", c->worst_p99_ns);
		jw_kv_str(w, "slowest_syscall", slowest, sizeof(slowest));
		jw_kv_u64(w, "requests", c->requests);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	free(sums);
	return ret;
}

/* The label of function row @probe_id (any process), or NULL. */
static const char *func_label(const struct snapshot *s, uint32_t probe_id)
{
	const struct snap_table *t = &s->fam[SNAP_FAM_FUNC];

	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].key.a == probe_id)
			return t->rows[i].label;
	return NULL;
}

static void json_frames(struct jw *w, const char *key, const struct snapshot *s,
			const struct snap_stack *st, unsigned int from, unsigned int n)
{
	jw_key(w, key);
	jw_open(w, '[');
	for (unsigned int i = from; i < from + n; i++) {
		const char *f = snap_stack_frame(s, st, i);

		jw_sep(w);
		jw_str(w, f, strlen(f));
	}
	jw_close(w, ']');
}

/*
 * --slow: "slow_ns", "stacks_dropped(_total)" and "stacks", those with calls
 * in the view's period; nothing at all when --slow is off.
 */
static void json_stacks(struct jw *w, const struct snapshot *s, const struct json_opts *o)
{
	bool cum = o->cumulative_only;

	if (!s->slow_ns)
		return;
	jw_kv_u64(w, "slow_ns", s->slow_ns);
	jw_kv_u64(w, "stacks_dropped", s->stacks_dropped);
	jw_kv_u64(w, "stacks_dropped_total", s->stacks_dropped_total);
	jw_key(w, "stacks");
	jw_open(w, '[');
	for (size_t i = 0; i < s->n_stacks; i++) {
		const struct snap_stack *st = &s->stacks[i];

		if (!(cum ? st->count_total : st->count))
			continue;
		if (o->filter && !filter_match_stack_in(o->filter, s, st))
			continue;
		jw_sep(w);
		jw_open(w, '{');
		jw_kv_u64(w, "pid", st->pid);
		jw_kv_str(w, "comm", st->comm, sizeof(st->comm));
		jw_cgroup(w, s, st->cgroup_id);
		if (st->what & SNAP_STACK_FUNC) {
			const char *label = func_label(s, st->what & ~SNAP_STACK_FUNC);
			char id[32];

			snprintf(id, sizeof(id), "probe_%u", st->what & ~SNAP_STACK_FUNC);
			jw_kv_str(w, "function", label ? label : id,
				  label ? SNAP_LABEL_LEN : sizeof(id));
		} else {
			char nbuf[32];
			const char *name = syscall_name_or_nr(st->what, nbuf, sizeof(nbuf));

			jw_kv_str(w, "syscall", name, strlen(name));
		}
		jw_kv_u64(w, "count", st->count);
		jw_kv_u64(w, "count_total", st->count_total);
		jw_kv_u64(w, "max_ns", st->max_ns);
		json_frames(w, "kernel", s, st, 0, st->n_kernel);
		json_frames(w, "user", s, st, st->n_kernel, st->n_user);
		jw_kv_bool(w, "truncated", st->flags & SNAP_STACK_TRUNCATED);
		jw_kv_bool(w, "leaf", st->flags & SNAP_STACK_LEAF);
		jw_kv_bool(w, "repaired", st->flags & SNAP_STACK_REPAIRED);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

int json_write_tick(FILE *out, const struct snapshot *s, const struct json_opts *o)
{
	static const struct json_opts defaults;
	const char *ftext;
	struct jw w = { .f = out, .depth = 0, .first = { true } };
	bool cum;
	int ret;

	if (!o)
		o = &defaults;
	cum = o->cumulative_only;
	ftext = o->filter_text ? o->filter_text : "";
	jw_open(&w, '{');
	jw_kv_u64(&w, "schema", JSON_SCHEMA_VERSION);
	jw_kv_u64(&w, "ts_ns", s->ts_ns);
	jw_kv_u64(&w, "seq", s->seq);
	if (s->final)	/* only on a tick cut short by a stop signal */
		jw_kv_bool(&w, "final", true);
	jw_kv_u64(&w, "interval_ns", s->interval_ns);
	jw_kv_u64(&w, "elapsed_ns", s->elapsed_ns);
	jw_kv_str(&w, "source", s->source, sizeof(s->source));
	jw_kv_bool(&w, "simulated", s->simulated);
	jw_kv_u64(&w, "sample_every", s->sample_every);
	jw_kv_str(&w, "mode", cum ? "cumulative" : "interval", sizeof("cumulative"));
	jw_kv_str(&w, "filter", ftext, strlen(ftext));
	json_counters(&w, "counters", &s->interval);
	json_counters(&w, "counters_total", &s->total);
	jw_key(&w, "syscalls");
	jw_open(&w, '[');
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];

		if (!snap_row_hist(r, cum)->count)
			continue;
		if (o->filter && !filter_match_sys_in(o->filter, s, r))
			continue;
		json_row(&w, s, r, cum);
	}
	jw_close(&w, ']');
	json_clients(&w, s, o);
	jw_kv_bool(&w, "breakdown", s->breakdown);
	json_families(&w, s, o);
	json_hosts(&w, s);
	json_stacks(&w, s, o);
	ret = json_cgroups(&w, s, o);
	if (o->extra)
		o->extra(out, o->extra_ctx);
	jw_close(&w, '}');
	fputc('\n', out);
	if (ret)
		return ret;
	return ferror(out) ? -EIO : 0;
}
