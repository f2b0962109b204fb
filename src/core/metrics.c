/*
 * metrics.c - the Prometheus registry: snapshots' interval values summed
 * into cumulative series per label set, bounded, sticky, with catch-alls.
 *
 * Label sets are found through an open-addressing hash table of series
 * indices (thousands of rows per tick: no scans). Series never leave, so
 * the table never deletes and counters never go back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/family.h"
#include "core/metrics.h"
#include "core/sanitize.h"
#include "core/syscall_names.h"

/* Distinct folded label sets of one group, as 64-bit hashes (0 marks empty). */
struct folded_set {
	uint64_t *h;
	size_t n, cap;		/* cap: a power of two, or 0 */
	bool saturated;
};

struct metrics {
	size_t max_series;
	bool fine;
	bool cg;			/* the cgroup label (metrics_opts.cgroup_label) */
	struct metrics_series *s;	/* every series, in admission order */
	uint64_t *hash;			/* hash of s[i]'s label set */
	size_t n, cap;
	size_t n_regular;		/* series that are not catch-alls */
	uint32_t *tab;			/* index + 1 into s; 0: empty */
	size_t tab_mask;
	uint32_t *order[METRICS_GROUP_NR];	/* indices into s, sorted by labels */
	size_t n_order[METRICS_GROUP_NR], cap_order[METRICS_GROUP_NR];
	bool dirty[METRICS_GROUP_NR];	/* series added since the last sort */
	struct folded_set folded[METRICS_GROUP_NR];
	struct metrics_process proc;
};

/* Each group's labels, then "cgroup" (exported with --metrics-cgroup only). */
static const char *const labels_sys[] = { "comm", "syscall", "cgroup" };
static const char *const labels_cli[] = { "client", "port", "dir", "comm", "cgroup" };
static const char *const labels_runq[] = { "comm", "cgroup" };
static const char *const labels_block[] = { "device", "op", "comm", "cgroup" };

static const struct {
	const char *const *names;
	size_t n;
	const char *family;
} groups[METRICS_GROUP_NR] = {
	[METRICS_SYSCALLS] = { labels_sys, 2, "syscalls" },
	[METRICS_CLIENTS] = { labels_cli, 4, "clients" },
	[METRICS_RUNQ] = { labels_runq, 1, "runq" },
	[METRICS_BLOCK] = { labels_block, 3, "block" },
};

const char *const *metrics_group_labels(enum metrics_group g, size_t *n)
{
	*n = groups[g].n;
	return groups[g].names;
}

const char *const *metrics_labels(const struct metrics *m, enum metrics_group g, size_t *n)
{
	*n = groups[g].n + m->cg;
	return groups[g].names;
}

const char *metrics_group_family(enum metrics_group g)
{
	return groups[g].family;
}

/* One label set being looked up. */
struct series_key {
	enum metrics_group g;
	char l[METRICS_LABELS_MAX][METRICS_LABEL_LEN];
};

static uint64_t key_hash(const struct series_key *k)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)k->g;

	/* + 1: the cgroup slot, "" in every key when the label is off */
	for (size_t i = 0; i < groups[k->g].n + 1; i++) {
		for (const unsigned char *p = (const unsigned char *)k->l[i];; p++) {
			h = (h ^ *p) * 1099511628211ull;
			if (!*p)
				break;	/* the NUL separates labels: ("ab","c") != ("a","bc") */
		}
	}
	return h ^ (h >> 29);
}

static bool key_equal(const struct series_key *k, const struct metrics_series *s)
{
	if (k->g != s->group)
		return false;
	for (size_t i = 0; i < groups[k->g].n + 1; i++)
		if (strcmp(k->l[i], s->label[i]))
			return false;
	return true;
}

static bool key_is_other(const struct series_key *k)
{
	const char *cg = k->l[groups[k->g].n];

	for (size_t i = 0; i < groups[k->g].n; i++)
		if (strcmp(k->l[i], METRICS_OTHER))
			return false;
	return !cg[0] || !strcmp(cg, METRICS_OTHER);
}

struct metrics *metrics_new(const struct metrics_opts *o)
{
	struct metrics *m;
	size_t tab = 16;

	if (!o || o->max_series < METRICS_GROUP_NR + 1 || o->max_series > METRICS_MAX_SERIES_MAX) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->max_series = o->max_series;
	m->fine = o->fine_buckets;
	m->cg = o->cgroup_label;
	/* At most half full: every series the limit allows, without rehashing. */
	while (tab < 2 * o->max_series)
		tab *= 2;
	m->tab = calloc(tab, sizeof(*m->tab));
	if (!m->tab) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	m->tab_mask = tab - 1;
	for (int g = 0; g < METRICS_GROUP_NR; g++)
		m->proc.up[g] = g == METRICS_SYSCALLS;
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->s[i].lat.b);
	for (int g = 0; g < METRICS_GROUP_NR; g++) {
		free(m->order[g]);
		free(m->folded[g].h);
	}
	free(m->s);
	free(m->hash);
	free(m->tab);
	free(m);
}

/* Slot of the table where @k is, or the empty slot where it would go. */
static size_t tab_find(const struct metrics *m, const struct series_key *k, uint64_t h)
{
	size_t i = (size_t)h & m->tab_mask;

	while (m->tab[i]) {
		uint32_t idx = m->tab[i] - 1;

		if (m->hash[idx] == h && key_equal(k, &m->s[idx]))
			return i;
		i = (i + 1) & m->tab_mask;
	}
	return i;
}

/* Append a series for @k at table slot @slot. NULL on ENOMEM. */
static struct metrics_series *series_add(struct metrics *m, const struct series_key *k,
					 uint64_t h, size_t slot, bool other)
{
	struct metrics_series *s;
	enum metrics_group g = k->g;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct metrics_series *ns;
		uint64_t *nh;

		if (cap > m->max_series)
			cap = m->max_series;
		ns = realloc(m->s, cap * sizeof(*ns));
		if (!ns)
			return NULL;
		m->s = ns;
		nh = realloc(m->hash, cap * sizeof(*nh));
		if (!nh)
			return NULL;
		m->hash = nh;
		m->cap = cap;
	}
	if (m->n_order[g] == m->cap_order[g]) {
		size_t cap = m->cap_order[g] ? m->cap_order[g] * 2 : 16;
		uint32_t *no = realloc(m->order[g], cap * sizeof(*no));

		if (!no)
			return NULL;
		m->order[g] = no;
		m->cap_order[g] = cap;
	}
	s = &m->s[m->n];
	memset(s, 0, sizeof(*s));
	s->group = g;
	s->other = other;
	memcpy(s->label, k->l, sizeof(s->label));
	m->hash[m->n] = h;
	m->tab[slot] = (uint32_t)m->n + 1;
	m->order[g][m->n_order[g]++] = (uint32_t)m->n;
	m->dirty[g] = true;
	m->n++;
	if (!other)
		m->n_regular++;
	return s;
}

/* Remember @h as folded into @g's catch-all; saturates at METRICS_FOLDED_TRACK_MAX. */
static void folded_note(struct folded_set *f, uint64_t h)
{
	size_t i;

	h = h ? h : 1;
	if (f->n * 2 >= f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		uint64_t *nh;

		if (f->n >= METRICS_FOLDED_TRACK_MAX || !(nh = calloc(cap, sizeof(*nh)))) {
			/* Full (or no memory): known sets are still recognised, new ones not counted. */
			for (i = (size_t)h & (f->cap - 1); f->cap && f->h[i]; i = (i + 1) & (f->cap - 1))
				if (f->h[i] == h)
					return;
			f->saturated = true;
			return;
		}
		for (size_t j = 0; j < f->cap; j++) {
			if (!f->h[j])
				continue;
			for (i = (size_t)f->h[j] & (cap - 1); nh[i]; i = (i + 1) & (cap - 1))
				;
			nh[i] = f->h[j];
		}
		free(f->h);
		f->h = nh;
		f->cap = cap;
	}
	for (i = (size_t)h & (f->cap - 1); f->h[i]; i = (i + 1) & (f->cap - 1))
		if (f->h[i] == h)
			return;
	f->h[i] = h;
	f->n++;
}

/*
 * The series of @k: found, admitted while there is room, or the group's
 * catch-all (created on first use; its place was reserved by metrics_new).
 */
static struct metrics_series *series_get(struct metrics *m, struct series_key *k)
{
	uint64_t h = key_hash(k);
	size_t slot = tab_find(m, k, h);
	bool other;

	if (m->tab[slot])
		return &m->s[m->tab[slot] - 1];
	other = key_is_other(k);
	if (!other && m->n_regular < m->max_series - METRICS_GROUP_NR)
		return series_add(m, k, h, slot, false);
	if (!other) {
		folded_note(&m->folded[k->g], h);
		for (size_t i = 0; i < groups[k->g].n + m->cg; i++)
			snprintf(k->l[i], sizeof(k->l[i]), "%s", METRICS_OTHER);
		h = key_hash(k);
		slot = tab_find(m, k, h);
		if (m->tab[slot])
			return &m->s[m->tab[slot] - 1];
	}
	return series_add(m, k, h, slot, true);
}

/* dst += @n sparse buckets (both ascending by slot). 0 or -ENOMEM. */
static int hist_add(struct metrics_hist *dst, const struct hist_bucket *b, size_t n,
		    uint64_t sum_ns)
{
	size_t add = 0, i = 0, j = 0, w;

	for (; j < n; j++) {
		while (i < dst->n && dst->b[i].slot < b[j].slot)
			i++;
		if (i == dst->n || dst->b[i].slot != b[j].slot)
			add++;
	}
	if (dst->n + add > dst->cap) {
		size_t cap = dst->n + add + 4;
		struct hist_bucket *nb = realloc(dst->b, cap * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		dst->b = nb;
		dst->cap = cap;
	}
	/* Merge from the back, in place. */
	i = dst->n;
	j = n;
	w = dst->n + add;
	while (j > 0) {
		if (i > 0 && dst->b[i - 1].slot > b[j - 1].slot) {
			dst->b[--w] = dst->b[--i];
		} else if (i > 0 && dst->b[i - 1].slot == b[j - 1].slot) {
			dst->b[--w] = dst->b[--i];
			dst->b[w].count += b[--j].count;
			dst->count += b[j].count;
		} else {
			dst->b[--w] = b[--j];
			dst->b[w].pad = 0;
			dst->count += b[j].count;
		}
	}
	dst->n += add;
	dst->sum_ns += sum_ns;
	return 0;
}

/* Process names: aggregated per sanitised name, bytes a terminal must not get as \xNN. */
static void label_comm(char *dst, const char *comm)
{
	sanitize_text_hex(dst, METRICS_LABEL_LEN, comm, ABI_COMM_LEN);
}

/* The cgroup label of a row: its cgroup's name, \xNN-escaped like comm; "" for none. */
static void label_cgroup(const struct metrics *m, struct series_key *k, const struct snapshot *s,
			 uint64_t id)
{
	const struct snap_cgroup *cg = m->cg && id ? snapshot_cgroup(s, id) : NULL;

	if (cg)
		sanitize_text_hex(k->l[groups[k->g].n], METRICS_LABEL_LEN, cg->name,
				  strnlen(cg->name, sizeof(cg->name)));
}

static int ingest_sys(struct metrics *m, const struct snapshot *s)
{
	struct series_key k;

	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];
		const struct snap_hist *h = &r->interval;
		struct metrics_series *se;

		if (!h->count && !h->errors && !h->n)
			continue;	/* idle this tick: never admit a label set for nothing */
		memset(&k, 0, sizeof(k));
		k.g = METRICS_SYSCALLS;
		label_comm(k.l[0], r->comm);
		syscall_name_or_nr(r->nr, k.l[1], METRICS_LABEL_LEN);
		label_cgroup(m, &k, s, r->cgroup_id);
		se = series_get(m, &k);
		if (!se)
			return -ENOMEM;
		se->calls += h->count;
		se->errors += h->errors;
		if (s->breakdown)
			for (int p = 0; p < ABI_PARTS; p++)
				se->part_ns[p] += h->part_ns[p];
		if (hist_add(&se->lat, snap_hist_buckets(s, h), h->n, h->sum_ns))
			return -ENOMEM;
	}
	return 0;
}

static int ingest_clients(struct metrics *m, const struct snapshot *s)
{
	struct series_key k;

	for (size_t i = 0; i < s->n_clients; i++) {
		const struct snap_client_row *r = &s->clients[i];
		const struct snap_client_counts *c = &r->interval;
		struct metrics_series *se;
		int af = r->key.family == AF_INET ? AF_INET : r->key.family == AF_INET6 ? AF_INET6 : -1;

		if (!c->connections && !c->resets && !c->retransmits && !c->bytes_in &&
		    !c->bytes_out && !r->req.n && !r->req.count)
			continue;
		memset(&k, 0, sizeof(k));
		k.g = METRICS_CLIENTS;
		if (af < 0 || !inet_ntop(af, r->key.addr, k.l[0], METRICS_LABEL_LEN))
			snprintf(k.l[0], METRICS_LABEL_LEN, "?");
		snprintf(k.l[1], METRICS_LABEL_LEN, "%u", (unsigned int)r->key.port);
		snprintf(k.l[2], METRICS_LABEL_LEN, "%s", r->key.dir == ABI_DIR_OUT ? "out" : "in");
		label_comm(k.l[3], r->comm);
		label_cgroup(m, &k, s, r->key.cgid);
		se = series_get(m, &k);
		if (!se)
			return -ENOMEM;
		se->connections += c->connections;
		se->resets += c->resets;
		se->retransmits += c->retransmits;
		se->rx_bytes += c->bytes_in;
		se->tx_bytes += c->bytes_out;
		if (hist_add(&se->lat, snap_lat_buckets(s, &r->req), r->req.n, r->req.sum_ns))
			return -ENOMEM;
	}
	return 0;
}

static int ingest_fam(struct metrics *m, const struct snapshot *s, enum snap_family f)
{
	const struct snap_table *t = &s->fam[f];
	struct series_key k;

	for (size_t i = 0; i < t->n; i++) {
		const struct snap_fam_row *r = &t->rows[i];
		const struct snap_hist *h = &r->interval;
		struct metrics_series *se;

		if (!h->n && !h->count)
			continue;
		memset(&k, 0, sizeof(k));
		if (f == SNAP_FAM_RUNQ) {
			k.g = METRICS_RUNQ;
			label_comm(k.l[0], r->key.comm);
		} else {
			k.g = METRICS_BLOCK;
			if (r->label[0])
				sanitize_text_hex(k.l[0], METRICS_LABEL_LEN, r->label, SNAP_LABEL_LEN);
			else
				snprintf(k.l[0], METRICS_LABEL_LEN, "%u:%u", r->key.a >> 20,
					 r->key.a & 0xfffff);
			snprintf(k.l[1], METRICS_LABEL_LEN, "%s", family_block_op_name(r->key.b));
			label_comm(k.l[2], r->key.comm);
		}
		label_cgroup(m, &k, s, r->key.cgid);
		se = series_get(m, &k);
		if (!se)
			return -ENOMEM;
		if (hist_add(&se->lat, snap_hist_buckets(s, h), h->n, h->sum_ns))
			return -ENOMEM;
	}
	return 0;
}

static void ingest_state(struct metrics *m, enum metrics_group g, bool up, const char *note)
{
	m->proc.up[g] = up;
	if (up)
		m->proc.reason[g][0] = '\0';
	else
		sanitize_text_hex(m->proc.reason[g], SNAP_NOTE_LEN, note[0] ? note : "off",
				  SNAP_NOTE_LEN);
}

static int cmp_series(const void *a, const void *b, void *arg)
{
	const struct metrics *m = arg;
	const struct metrics_series *x = &m->s[*(const uint32_t *)a];
	const struct metrics_series *y = &m->s[*(const uint32_t *)b];

	for (size_t i = 0; i < groups[x->group].n + m->cg; i++) {
		int c = strcmp(x->label[i], y->label[i]);

		if (c)
			return c;
	}
	return 0;
}

int metrics_ingest(struct metrics *m, const struct snapshot *s)
{
	struct metrics_process *p = &m->proc;
	int err;

	p->ticks++;
	p->events += s->interval.events;
	p->lost[METRICS_SYSCALLS] += s->interval.lost;
	p->lost[METRICS_CLIENTS] += s->interval.client_lost;
	p->lost[METRICS_RUNQ] += s->fam[SNAP_FAM_RUNQ].lost;
	p->lost[METRICS_BLOCK] += s->fam[SNAP_FAM_BLOCK].lost;
	p->evicted[METRICS_SYSCALLS] += s->interval.evicted;
	p->evicted[METRICS_CLIENTS] += s->interval.client_evicted;
	p->evicted[METRICS_RUNQ] += s->fam[SNAP_FAM_RUNQ].evicted;
	p->evicted[METRICS_BLOCK] += s->fam[SNAP_FAM_BLOCK].evicted;
	p->dropped_snapshots += s->interval.dropped_snapshots;
	p->breakdown |= s->breakdown;
	ingest_state(m, METRICS_SYSCALLS, true, "");
	ingest_state(m, METRICS_CLIENTS, s->clients_state != SNAP_CLIENTS_OFF, s->clients_note);
	ingest_state(m, METRICS_RUNQ, s->fam[SNAP_FAM_RUNQ].state == SNAP_FAM_ON,
		     s->fam[SNAP_FAM_RUNQ].note);
	ingest_state(m, METRICS_BLOCK, s->fam[SNAP_FAM_BLOCK].state == SNAP_FAM_ON,
		     s->fam[SNAP_FAM_BLOCK].note);

	err = ingest_sys(m, s);
	if (!err)
		err = ingest_clients(m, s);
	if (!err)
		err = ingest_fam(m, s, SNAP_FAM_RUNQ);
	if (!err)
		err = ingest_fam(m, s, SNAP_FAM_BLOCK);
	/* Sorted once per new label set, not per scrape: sets are sticky, so this is rare. */
	for (int g = 0; g < METRICS_GROUP_NR; g++) {
		if (!m->dirty[g])
			continue;
		qsort_r(m->order[g], m->n_order[g], sizeof(uint32_t), cmp_series, m);
		m->dirty[g] = false;
	}
	return err;
}

size_t metrics_series(const struct metrics *m)
{
	return m->n;
}

uint64_t metrics_folded(const struct metrics *m, enum metrics_group g)
{
	return m->folded[g].n;
}

bool metrics_folded_saturated(const struct metrics *m, enum metrics_group g)
{
	return m->folded[g].saturated;
}

size_t metrics_group_size(const struct metrics *m, enum metrics_group g)
{
	return m->n_order[g];
}

const struct metrics_series *metrics_group_series(const struct metrics *m, enum metrics_group g,
						  size_t i)
{
	return i < m->n_order[g] ? &m->s[m->order[g][i]] : NULL;
}

const struct metrics_process *metrics_process(const struct metrics *m)
{
	return &m->proc;
}

size_t metrics_max_series(const struct metrics *m)
{
	return m->max_series;
}

bool metrics_fine_buckets(const struct metrics *m)
{
	return m->fine;
}
