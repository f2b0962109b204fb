/*
 * fleet_model.c - Prometheus series of many lattop exporters -> one
 * snapshot (see fleet_model.h).
 *
 * Intervals are exact differences of the cumulative counters between two
 * ticks (as the live collector does with BPF maps), not PromQL increase(),
 * whose extrapolation gives fractional counts.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet_model.h"
#include "core/hist.h"
#include "core/syscall_names.h"

#define KEY_MAX 256
/* Ticks a (host, comm, syscall) may stay unseen before its baseline is dropped. */
#define FLEET_FORGET_TICKS 600

/* One (host, comm, syscall) of one exporter. */
struct fleet_entry {
	char key[KEY_MAX];	/* host \0 comm \0 syscall: the three, NUL-separated */
	size_t key_len;
	const char *host, *comm, *syscall;
	uint64_t gen;		/* tick it was last seen */
	bool have_prev;
	bool have_calls;
	uint64_t calls, errors, sum_ns;
	size_t n_le, cap_le;
	struct le_count { uint64_t le_ns; double cum; } *le;
	struct abi_hist cur, prev;
};

struct fleet_host {
	char name[SNAP_HOST_LEN];
	char instance[128];
	uint64_t gen;		/* tick it was last listed */
	bool up, have_prev_lost, seen_lost;
	uint64_t lost_cur, lost_prev;
};

/* Open addressing over strings: index into an array, or -1. */
struct str_index {
	size_t cap;		/* power of two */
	int64_t *slot;
};

struct fleet_model {
	char host_label[64];
	char selected[FLEET_MAX_SELECT][SNAP_HOST_LEN];
	size_t n_selected;
	uint64_t gen;
	struct fleet_entry **entries;
	size_t n_entries, cap_entries;
	struct str_index entry_idx;
	struct fleet_host *hosts;
	size_t n_hosts, cap_hosts;
};

static const char *const queries[FLEET_Q_NR] = {
	[FLEET_Q_SERIES] = "{__name__=~\"lattop_syscall_latency_seconds_bucket|"
			   "lattop_syscall_latency_seconds_sum|lattop_syscall_calls_total|"
			   "lattop_syscall_errors_total|lattop_lost_events_total\"}",
	[FLEET_Q_INFO] = "max_over_time(lattop_build_info[10m])",
	[FLEET_Q_UP] = "up",
};

const char *fleet_model_query(enum fleet_query q)
{
	return queries[q];
}

static uint64_t hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
	return h;
}

struct fleet_model *fleet_model_new(const char *host_label)
{
	struct fleet_model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	snprintf(m->host_label, sizeof(m->host_label), "%s", host_label ? host_label : "host");
	return m;
}

void fleet_model_free(struct fleet_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_entries; i++) {
		free(m->entries[i]->le);
		free(m->entries[i]);
	}
	free(m->entries);
	free(m->entry_idx.slot);
	free(m->hosts);
	free(m);
}

int fleet_model_select_hosts(struct fleet_model *m, const char *const *names, size_t n)
{
	m->n_selected = 0;
	for (size_t i = 0; i < n && m->n_selected < FLEET_MAX_SELECT; i++)
		if (names[i] && names[i][0])
			snprintf(m->selected[m->n_selected++], SNAP_HOST_LEN, "%s", names[i]);
	return 0;
}

static bool host_selected(const struct fleet_model *m, const char *host)
{
	for (size_t i = 0; i < m->n_selected; i++)
		if (!strncmp(m->selected[i], host, SNAP_HOST_LEN - 1))
			return true;
	return m->n_selected == 0;
}

int fleet_le_ns(const char *le, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0;
	int digits = 0;
	const char *p = le;
	double v;

	if (!strcmp(le, "+Inf") || !strcmp(le, "Inf")) {
		*ns = UINT64_MAX;
		return 0;
	}
	/* Exact decimal: what lattop's exporter writes. */
	while (*p >= '0' && *p <= '9' && whole < 100000000000ull)
		whole = whole * 10 + (uint64_t)(*p++ - '0');
	if (p != le && (*p == '\0' || *p == '.')) {
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9' && digits < 9; digits++)
				frac = frac * 10 + (uint64_t)(*p++ - '0');
		if (*p == '\0' && whole < 18000000000ull) {
			for (; digits < 9; digits++)
				frac *= 10;
			*ns = whole * 1000000000ull + frac;
			return 0;
		}
	}
	/* Anything else Prometheus accepts ("1e-06", long fractions): rounded. */
	if (prom_api_value(le, &v) || !(v >= 0) || v > 1.8e10)
		return -EINVAL;
	*ns = (uint64_t)llround(v * 1e9);
	return 0;
}

static struct fleet_host *host_get(struct fleet_model *m, const char *name)
{
	struct fleet_host *h;

	for (size_t i = 0; i < m->n_hosts; i++)
		if (!strncmp(m->hosts[i].name, name, SNAP_HOST_LEN - 1))
			return &m->hosts[i];
	if (m->n_hosts == m->cap_hosts) {
		size_t cap = m->cap_hosts ? 2 * m->cap_hosts : 16;
		void *p = realloc(m->hosts, cap * sizeof(*m->hosts));

		if (!p)
			return NULL;
		m->hosts = p;
		m->cap_hosts = cap;
	}
	h = &m->hosts[m->n_hosts++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	return h;
}

/*
 * Rebuild the index at capacity @cap (a power of two, > 2 * entries); at
 * the same capacity the array is reused, so that cannot fail. 0 or -ENOMEM.
 */
static int index_build(struct fleet_model *m, size_t cap)
{
	int64_t *slot = cap == m->entry_idx.cap ? m->entry_idx.slot : malloc(cap * sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < cap; i++)
		slot[i] = -1;
	for (size_t i = 0; i < m->n_entries; i++) {
		size_t j = hash_bytes(m->entries[i]->key, m->entries[i]->key_len) & (cap - 1);

		while (slot[j] >= 0)
			j = (j + 1) & (cap - 1);
		slot[j] = (int64_t)i;
	}
	if (slot != m->entry_idx.slot)
		free(m->entry_idx.slot);
	m->entry_idx.slot = slot;
	m->entry_idx.cap = cap;
	return 0;
}

static int index_grow(struct fleet_model *m)
{
	size_t cap = m->entry_idx.cap ? 2 * m->entry_idx.cap : 256;

	while (cap < 2 * (m->n_entries + 1))
		cap *= 2;
	return index_build(m, cap);
}

/*
 * Forget keys unseen for FLEET_FORGET_TICKS ticks (processes long gone, a
 * host removed), so that a fleet view left running stays bounded. Were one
 * to come back, it is new again (its interval counts from zero).
 */
static void forget_old(struct fleet_model *m)
{
	size_t kept = 0;

	if (m->gen <= FLEET_FORGET_TICKS || m->gen % 64)
		return;	/* checked now and then: a rebuild costs a pass over the keys */
	for (size_t i = 0; i < m->n_entries; i++) {
		struct fleet_entry *e = m->entries[i];

		if (m->gen - e->gen > FLEET_FORGET_TICKS) {
			free(e->le);
			free(e);
			continue;
		}
		m->entries[kept++] = e;
	}
	if (kept == m->n_entries)
		return;
	m->n_entries = kept;
	/* Same capacity, same array: enough for fewer keys, and nothing to fail. */
	(void)index_build(m, m->entry_idx.cap);
}

static struct fleet_entry *entry_get(struct fleet_model *m, const char *host, const char *comm,
				     const char *syscall)
{
	char key[KEY_MAX];
	size_t hl = strlen(host), cl = strlen(comm), sl = strlen(syscall), len, j;
	struct fleet_entry *e;

	if (hl + cl + sl + 3 > KEY_MAX)
		return NULL;	/* longer than any real label set: ignored */
	memcpy(key, host, hl + 1);
	memcpy(key + hl + 1, comm, cl + 1);
	memcpy(key + hl + cl + 2, syscall, sl + 1);
	len = hl + cl + sl + 3;
	if ((m->n_entries + 1) * 2 > m->entry_idx.cap && index_grow(m))
		return NULL;
	j = hash_bytes(key, len) & (m->entry_idx.cap - 1);
	for (; m->entry_idx.slot[j] >= 0; j = (j + 1) & (m->entry_idx.cap - 1)) {
		e = m->entries[m->entry_idx.slot[j]];
		if (e->key_len == len && !memcmp(e->key, key, len))
			return e;
	}
	if (m->n_entries == m->cap_entries) {
		size_t cap = m->cap_entries ? 2 * m->cap_entries : 64;
		void *p = realloc(m->entries, cap * sizeof(*m->entries));

		if (!p)
			return NULL;
		m->entries = p;
		m->cap_entries = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	memcpy(e->key, key, len);
	e->key_len = len;
	e->host = e->key;
	e->comm = e->key + hl + 1;
	e->syscall = e->key + hl + cl + 2;
	m->entry_idx.slot[j] = (int64_t)m->n_entries;
	m->entries[m->n_entries++] = e;
	return e;
}

static const char *host_of(const struct fleet_model *m, const struct prom_series *s)
{
	const char *h = prom_series_label(s, m->host_label);

	if (!h || !*h)
		h = prom_series_label(s, "instance");
	return h && *h ? h : "?";
}

/* A counter's value as an integer count (Prometheus keeps floats). */
static uint64_t count_of(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 1.8e19)
		return UINT64_MAX;
	return (uint64_t)llround(v);
}

static int take_series(struct fleet_model *m, const struct prom_series *s)
{
	const char *name = prom_series_label(s, "__name__");
	const char *comm, *sys;
	struct fleet_entry *e;
	double v = s->n_points ? s->points[s->n_points - 1].value : NAN;
	uint64_t le_ns;

	if (!name)
		return 0;
	if (!strcmp(name, "lattop_lost_events_total")) {
		struct fleet_host *h = host_get(m, host_of(m, s));

		if (!h)
			return -ENOMEM;
		if (h->gen != m->gen + 1 || !h->seen_lost)
			h->lost_cur = 0;
		h->seen_lost = true;
		h->gen = m->gen + 1;
		h->lost_cur += count_of(v);
		return 0;
	}
	comm = prom_series_label(s, "comm");
	sys = prom_series_label(s, "syscall");
	if (!comm || !sys)
		return 0;
	e = entry_get(m, host_of(m, s), comm, sys);
	if (!e)
		return 0;	/* over-long labels, or out of memory: the row is left out */
	if (e->gen != m->gen + 1) {
		e->gen = m->gen + 1;
		e->n_le = 0;
		e->have_calls = false;
		e->calls = e->errors = e->sum_ns = 0;
	}
	if (!strcmp(name, "lattop_syscall_latency_seconds_bucket")) {
		const char *le = prom_series_label(s, "le");

		if (!le || fleet_le_ns(le, &le_ns) || !(v >= 0))
			return 0;
		if (e->n_le == e->cap_le) {
			size_t cap = e->cap_le ? 2 * e->cap_le : 64;
			void *p = realloc(e->le, cap * sizeof(*e->le));

			if (!p)
				return -ENOMEM;
			e->le = p;
			e->cap_le = cap;
		}
		e->le[e->n_le].le_ns = le_ns;
		e->le[e->n_le++].cum = v;
	} else if (!strcmp(name, "lattop_syscall_latency_seconds_sum")) {
		e->sum_ns = v > 0 ? count_of(v * 1e9) : 0;
	} else if (!strcmp(name, "lattop_syscall_calls_total")) {
		e->calls = count_of(v);
		e->have_calls = true;
	} else if (!strcmp(name, "lattop_syscall_errors_total")) {
		e->errors = count_of(v);
	}
	return 0;
}

static int le_cmp(const void *a, const void *b)
{
	const struct le_count *x = a, *y = b;

	return x->le_ns < y->le_ns ? -1 : x->le_ns > y->le_ns;
}

/*
 * The entry's cumulative histogram from its `le` buckets: each le is an
 * upper bound in ns; the count between two consecutive bounds lands in the
 * slot holding the upper one (exactly lattop's slot when le is one of its
 * bounds, as lattop's exporter writes them).
 */
static void entry_build(struct fleet_entry *e)
{
	struct abi_hist *h = &e->cur;
	uint64_t below = 0, top = 0;

	memset(h, 0, sizeof(*h));
	qsort(e->le, e->n_le, sizeof(*e->le), le_cmp);
	for (size_t i = 0; i < e->n_le; i++) {
		uint64_t cum = count_of(e->le[i].cum);
		uint32_t slot = e->le[i].le_ns == UINT64_MAX ? ABI_HIST_SLOTS - 1 :
							       abi_hist_slot(e->le[i].le_ns);

		/* Cumulative counts never fall; a scrape race that says so adds nothing. */
		if (cum <= below)
			continue;
		/* +Inf past the last finite bound: above it, in the next slot up. */
		if (e->le[i].le_ns == UINT64_MAX && i > 0) {
			slot = abi_hist_slot(e->le[i - 1].le_ns) + 1;
			if (slot >= ABI_HIST_SLOTS)
				slot = ABI_HIST_SLOTS - 1;
		}
		h->slots[slot] += cum - below;
		below = cum;
		top = slot;
	}
	h->timed = below;
	h->count = e->have_calls && e->calls >= below ? e->calls : below;
	h->errors = e->errors;
	h->sum_ns = e->sum_ns;
	h->max_ns = below ? hist_slot_upper_ns((uint32_t)top) : 0;
}

/* True when any counter of @cur fell below @prev: the exporter restarted. */
static bool went_back(const struct abi_hist *cur, const struct abi_hist *prev)
{
	if (cur->count < prev->count || cur->timed < prev->timed || cur->errors < prev->errors)
		return true;
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		if (cur->slots[i] < prev->slots[i])
			return true;
	return false;
}

/* One merged (comm, syscall) row under construction. */
struct merged {
	const char *comm, *syscall;
	struct abi_hist iv, total;
};

static int merged_cmp(const void *a, const void *b)
{
	const struct fleet_entry *const *x = a, *const *y = b;
	int c = strcmp((*x)->comm, (*y)->comm);

	return c ? c : strcmp((*x)->syscall, (*y)->syscall);
}

static int host_cmp(const void *a, const void *b)
{
	return strcmp(((const struct snap_host *)a)->name, ((const struct snap_host *)b)->name);
}

static int emit_row(struct snapshot *out, const struct merged *r)
{
	struct snap_sys_row *row;
	int nr = syscall_lookup(r->syscall);
	size_t n = strlen(r->comm);

	/* A syscall name this build does not know cannot be a row (rows carry numbers). */
	if (nr < 0)
		return 0;
	row = snapshot_add_sys(out);
	if (!row)
		return -ENOMEM;
	row->nr = (uint32_t)nr;
	memcpy(row->comm, r->comm, n < ABI_COMM_LEN - 1 ? n : ABI_COMM_LEN - 1);
	if (snapshot_put_hist(out, &row->interval, &r->iv) ||
	    snapshot_put_hist(out, &row->total, &r->total))
		return -ENOMEM;
	return 0;
}

static int emit_rows(struct fleet_model *m, struct snapshot *out, struct fleet_entry **seen,
		     size_t n_seen)
{
	struct merged *r = malloc(sizeof(*r));
	int ret = 0;

	if (!r)
		return -ENOMEM;
	qsort(seen, n_seen, sizeof(*seen), merged_cmp);
	for (size_t i = 0; i < n_seen && !ret;) {
		memset(r, 0, sizeof(*r));
		r->comm = seen[i]->comm;
		r->syscall = seen[i]->syscall;
		for (; i < n_seen && !strcmp(seen[i]->comm, r->comm) &&
		       !strcmp(seen[i]->syscall, r->syscall); i++) {
			struct abi_hist d;

			if (!host_selected(m, seen[i]->host))
				continue;
			hist_delta(&d, &seen[i]->cur, &seen[i]->prev);
			hist_merge(&r->iv, &d);
			hist_merge(&r->total, &seen[i]->cur);
		}
		if (r->total.count)
			ret = emit_row(out, r);
	}
	free(r);
	return ret;
}

static int emit_hosts(struct fleet_model *m, struct snapshot *out, struct fleet_entry **seen,
		      size_t n_seen)
{
	for (size_t i = 0; i < m->n_hosts; i++) {
		struct fleet_host *fh = &m->hosts[i];
		struct snap_host *h;

		if (fh->gen != m->gen)
			continue;
		h = snapshot_add_host(out);
		if (!h)
			return -ENOMEM;
		memcpy(h->name, fh->name, sizeof(h->name));
		h->up = fh->up;
		h->lost_total = fh->lost_cur;
		h->lost = fh->have_prev_lost && fh->lost_cur >= fh->lost_prev ?
				  fh->lost_cur - fh->lost_prev : 0;
		for (size_t j = 0; j < n_seen; j++) {
			struct abi_hist d;
			uint64_t p99;

			if (strcmp(seen[j]->host, fh->name))
				continue;
			hist_delta(&d, &seen[j]->cur, &seen[j]->prev);
			h->n_rows++;
			h->calls += d.count;
			h->errors += d.errors;
			h->calls_total += seen[j]->cur.count;
			h->errors_total += seen[j]->cur.errors;
			p99 = hist_percentile_ns(&d, 99.0);
			if (p99 > h->worst_p99_ns)
				h->worst_p99_ns = p99;
		}
		out->interval.events += h->calls;
		out->total.events += h->calls_total;
		out->interval.lost += h->lost;
		out->total.lost += h->lost_total;
	}
	qsort(out->hosts, out->n_hosts, sizeof(*out->hosts), host_cmp);
	return 0;
}

/* Hosts from lattop_build_info, and their `up` by (instance, job). */
static int take_hosts(struct fleet_model *m, const struct prom_result *info,
		      const struct prom_result *up)
{
	for (size_t i = 0; info && i < info->n; i++) {
		const struct prom_series *s = &info->series[i];
		struct fleet_host *h = host_get(m, host_of(m, s));
		const char *inst = prom_series_label(s, "instance");

		if (!h)
			return -ENOMEM;
		if (h->gen != m->gen + 1)
			h->seen_lost = false;
		h->gen = m->gen + 1;
		snprintf(h->instance, sizeof(h->instance), "%s", inst ? inst : "");
		h->up = false;
	}
	for (size_t i = 0; up && i < up->n; i++) {
		const struct prom_series *s = &up->series[i];
		const char *inst = prom_series_label(s, "instance");

		for (size_t j = 0; inst && j < m->n_hosts; j++)
			if (m->hosts[j].gen == m->gen + 1 && !strcmp(m->hosts[j].instance, inst))
				m->hosts[j].up = s->n_points && s->points[0].value == 1.0;
	}
	return 0;
}

int fleet_model_update(struct fleet_model *m, const struct prom_result *res[FLEET_Q_NR],
		       struct snapshot *out)
{
	struct fleet_entry **seen;
	size_t n_seen = 0;
	bool first = m->gen == 0;
	int ret;

	ret = take_hosts(m, res[FLEET_Q_INFO], res[FLEET_Q_UP]);
	for (size_t i = 0; !ret && res[FLEET_Q_SERIES] && i < res[FLEET_Q_SERIES]->n; i++)
		ret = take_series(m, &res[FLEET_Q_SERIES]->series[i]);
	if (ret)
		return ret;
	m->gen++;
	seen = malloc((m->n_entries ? m->n_entries : 1) * sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_entries; i++) {
		struct fleet_entry *e = m->entries[i];
		struct fleet_host *h;

		if (e->gen != m->gen)
			continue;
		entry_build(e);
		/* First tick: a baseline. A new key later, or a restarted exporter: all new. */
		if (first)
			e->prev = e->cur;
		else if (!e->have_prev || went_back(&e->cur, &e->prev))
			memset(&e->prev, 0, sizeof(e->prev));
		e->have_prev = true;
		seen[n_seen++] = e;
		/* A host with series but no build_info (an older exporter) is listed too. */
		h = host_get(m, e->host);
		if (!h) {
			free(seen);
			return -ENOMEM;
		}
		if (h->gen != m->gen) {
			h->gen = m->gen;
			h->up = true;
		}
	}
	for (size_t i = 0; i < m->n_hosts; i++) {
		struct fleet_host *h = &m->hosts[i];

		if (h->gen == m->gen && first)
			h->lost_prev = h->lost_cur;
	}
	snprintf(out->source, sizeof(out->source), "fleet");
	out->sample_every = 1;
	ret = emit_rows(m, out, seen, n_seen);
	if (!ret)
		ret = emit_hosts(m, out, seen, n_seen);
	/* This tick's values become the next tick's baseline. */
	for (size_t i = 0; i < n_seen; i++)
		seen[i]->prev = seen[i]->cur;
	for (size_t i = 0; i < m->n_hosts; i++) {
		struct fleet_host *h = &m->hosts[i];

		if (h->gen == m->gen) {
			h->lost_prev = h->lost_cur;
			h->have_prev_lost = true;
		}
	}
	free(seen);
	forget_old(m);
	return ret;
}
