/*
 * prom_expo.c - struct metrics as Prometheus text 0.0.4 or OpenMetrics
 * 1.0.0. Series come sorted from the registry, so two scrapes of the same
 * state are byte-identical except for the scrape duration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hist.h"
#include "core/sanitize.h"
#include "export/prom_expo.h"

#define LE_POW_MIN 7	/* first le: 2^8 - 1 ns */
#define LE_POW_MAX 35	/* last le: 2^36 - 1 ns (~69 s); then +Inf */
#define LE_MAX (((LE_POW_MAX - LE_POW_MIN) + 1) * ABI_HIST_SUB)

/* --- output buffer ------------------------------------------------------------ */

void prom_buf_free(struct prom_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static int buf_reserve(struct prom_buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	return 0;
}

/* Writes that cannot fail: the caller reserved room. */
static void put(struct prom_buf *b, const char *s, size_t n)
{
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

#define PUTS(b, lit) put(b, lit, sizeof(lit) - 1)

static void put_str(struct prom_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void put_u64(struct prom_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(b, tmp + i, sizeof(tmp) - i);
}

/* @ns in seconds, exact: "0.000001023", "68.719476735", "2". */
static void put_seconds(struct prom_buf *b, uint64_t ns)
{
	char frac[10];
	uint64_t f = ns % 1000000000ull;
	int n = 9;

	put_u64(b, ns / 1000000000ull);
	if (!f)
		return;
	for (int i = 8; i >= 0; i--, f /= 10)
		frac[i] = (char)('0' + f % 10);
	while (n > 0 && frac[n - 1] == '0')
		n--;
	PUTS(b, ".");
	put(b, frac, (size_t)n);
}

/* Worst case of an escaped label value: every byte as \\xNN. */
#define ESC_MAX(len) ((len) * 5)

/* A label value: \\ \" \n escaped, bytes the sanitiser rejects as the text \xNN. */
static void put_escaped(struct prom_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);

	for (size_t i = 0; i < n;) {
		size_t len;

		if (s[i] == '\\' || s[i] == '"') {
			char e[2] = { '\\', s[i] };

			put(b, e, 2);
			i++;
			continue;
		}
		if (s[i] == '\n') {
			PUTS(b, "\\n");
			i++;
			continue;
		}
		len = sanitize_safe_len(s + i, n - i);
		if (len) {
			put(b, s + i, len);
			i += len;
			continue;
		}
		char e[5] = { '\\', '\\', 'x', hex[(unsigned char)s[i] >> 4],
			      hex[(unsigned char)s[i] & 15] };

		put(b, e, 5);
		i++;
	}
}

/* --- metric families ---------------------------------------------------------- */

enum mtype { M_COUNTER, M_GAUGE, M_HISTOGRAM, M_INFO };

struct mdef {
	const char *name;	/* family name: counters without _total, info without _info */
	enum mtype type;
	const char *unit;	/* OpenMetrics UNIT, or NULL */
	const char *help;
};

struct render {
	struct prom_buf *out;
	enum prom_format f;
	const struct prom_info *info;
	const struct metrics *m;
	uint64_t le_ns[LE_MAX];
	char le_txt[LE_MAX][24];
	size_t n_le;
	char *prefix;		/* the current series' labels, escaped: host="h",comm="x" */
	size_t prefix_len, prefix_cap;
};

static int family_head(struct render *r, const struct mdef *d)
{
	struct prom_buf *b = r->out;
	static const char *const tnames[] = { "counter", "gauge", "histogram", "info" };
	bool om = r->f == PROM_OPENMETRICS_1;
	const char *suffix = "";
	const char *type = tnames[d->type];

	if (buf_reserve(b, 3 * strlen(d->name) + strlen(d->help) + 64))
		return -ENOMEM;
	if (!om && d->type == M_COUNTER)
		suffix = "_total";
	if (!om && d->type == M_INFO) {
		suffix = "_info";
		type = "gauge";	/* text 0.0.4 has no info type */
	}
	if (om) {
		PUTS(b, "# TYPE ");
		put_str(b, d->name);
		PUTS(b, " ");
		put_str(b, type);
		PUTS(b, "\n");
		if (d->unit) {
			PUTS(b, "# UNIT ");
			put_str(b, d->name);
			PUTS(b, " ");
			put_str(b, d->unit);
			PUTS(b, "\n");
		}
	}
	PUTS(b, "# HELP ");
	put_str(b, d->name);
	put_str(b, suffix);
	PUTS(b, " ");
	put_str(b, d->help);
	PUTS(b, "\n");
	if (!om) {
		PUTS(b, "# TYPE ");
		put_str(b, d->name);
		put_str(b, suffix);
		PUTS(b, " ");
		put_str(b, type);
		PUTS(b, "\n");
	}
	return 0;
}

/* r->prefix = host and the label pairs given (names[i]=values[i]), escaped. */
static int set_prefix(struct render *r, const char *const *names, const char *const *values,
		      size_t n)
{
	size_t need = 1, len = 0;
	const char *host = r->info ? r->info->host_label : NULL;
	struct prom_buf tmp;

	if (host)
		need += 8 + ESC_MAX(strlen(host));
	for (size_t i = 0; i < n; i++)
		need += strlen(names[i]) + 4 + ESC_MAX(strlen(values[i]));
	if (need > r->prefix_cap) {
		char *p = realloc(r->prefix, need);

		if (!p)
			return -ENOMEM;
		r->prefix = p;
		r->prefix_cap = need;
	}
	tmp.data = r->prefix;
	tmp.len = 0;
	tmp.cap = r->prefix_cap;
	if (host) {
		PUTS(&tmp, "host=\"");
		put_escaped(&tmp, host);
		PUTS(&tmp, "\"");
	}
	for (size_t i = 0; i < n; i++) {
		if (tmp.len)
			PUTS(&tmp, ",");
		put_str(&tmp, names[i]);
		PUTS(&tmp, "=\"");
		put_escaped(&tmp, values[i]);
		PUTS(&tmp, "\"");
	}
	len = tmp.len;
	r->prefix_len = len;
	if (!len)
		r->prefix[0] = '\0';
	return 0;
}

/* name+suffix{prefix[,extra="v"]} */
static void put_series_name(struct render *r, const char *name, const char *suffix,
			    const char *extra, const char *extra_val)
{
	struct prom_buf *b = r->out;

	put_str(b, name);
	put_str(b, suffix);
	if (!r->prefix_len && !extra)
		return;
	PUTS(b, "{");
	put(b, r->prefix, r->prefix_len);
	if (extra) {
		if (r->prefix_len)
			PUTS(b, ",");
		put_str(b, extra);
		PUTS(b, "=\"");
		put_str(b, extra_val);	/* our own constants and le text: nothing to escape */
		PUTS(b, "\"");
	}
	PUTS(b, "}");
}

/* One sample line with an integer value; extra_val must not need escaping. */
static int sample_u64(struct render *r, const char *name, const char *suffix, const char *extra,
		      const char *extra_val, uint64_t v)
{
	if (buf_reserve(r->out, strlen(name) + r->prefix_len + 96))
		return -ENOMEM;
	put_series_name(r, name, suffix, extra, extra_val);
	PUTS(r->out, " ");
	put_u64(r->out, v);
	PUTS(r->out, "\n");
	return 0;
}

static int sample_seconds(struct render *r, const char *name, const char *suffix,
			  const char *extra, const char *extra_val, uint64_t ns)
{
	if (buf_reserve(r->out, strlen(name) + r->prefix_len + 96))
		return -ENOMEM;
	put_series_name(r, name, suffix, extra, extra_val);
	PUTS(r->out, " ");
	put_seconds(r->out, ns);
	PUTS(r->out, "\n");
	return 0;
}

static const char *counter_suffix = "_total";

/* The le bounds of this registry: pow2, or every log-linear slot's upper bound. */
static void le_init(struct render *r)
{
	bool fine = metrics_fine_buckets(r->m);
	struct prom_buf tb;

	r->n_le = 0;
	for (uint32_t k = LE_POW_MIN; k <= LE_POW_MAX; k++) {
		for (uint32_t sub = 0; sub < ABI_HIST_SUB; sub++) {
			if (!fine && sub != ABI_HIST_SUB - 1)
				continue;
			/* Upper bound of sub-bucket @sub of [2^k, 2^(k+1)). */
			uint64_t ns = (1ull << k) + ((uint64_t)(sub + 1) << (k - ABI_HIST_SUB_BITS)) - 1;

			r->le_ns[r->n_le] = ns;
			tb.data = r->le_txt[r->n_le];
			tb.len = 0;
			tb.cap = sizeof(r->le_txt[0]);
			put_seconds(&tb, ns);
			r->n_le++;
		}
	}
}

static int histogram(struct render *r, const char *name, const struct metrics_hist *h)
{
	size_t j = 0;
	uint64_t cum = 0;

	for (size_t i = 0; i < r->n_le; i++) {
		while (j < h->n && hist_slot_upper_ns(h->b[j].slot) <= r->le_ns[i])
			cum += h->b[j++].count;
		if (sample_u64(r, name, "_bucket", "le", r->le_txt[i], cum))
			return -ENOMEM;
	}
	if (sample_u64(r, name, "_bucket", "le", "+Inf", h->count) ||
	    sample_seconds(r, name, "_sum", NULL, NULL, h->sum_ns) ||
	    sample_u64(r, name, "_count", NULL, NULL, h->count))
		return -ENOMEM;
	return 0;
}

/* Which value of a series a group family shows. */
enum sval { V_LAT, V_CALLS, V_ERRORS, V_PARTS, V_CONN, V_RESETS, V_RETRANS, V_RX, V_TX };

struct gdef {
	struct mdef d;
	enum metrics_group g;
	enum sval v;
};

static const struct gdef gdefs[] = {
	{ { "lattop_syscall_latency_seconds", M_HISTOGRAM, "seconds",
	    "Latency of timed syscalls per process name and syscall (with --sample N only the timed ones)." },
	  METRICS_SYSCALLS, V_LAT },
	{ { "lattop_syscall_calls", M_COUNTER, NULL, "Syscalls per process name and syscall, every call." },
	  METRICS_SYSCALLS, V_CALLS },
	{ { "lattop_syscall_errors", M_COUNTER, NULL, "Syscalls that returned an error." },
	  METRICS_SYSCALLS, V_ERRORS },
	{ { "lattop_syscall_time_seconds", M_COUNTER, "seconds",
	    "Time of timed syscalls by state: oncpu, runq (runnable), io (I/O wait), blocked." },
	  METRICS_SYSCALLS, V_PARTS },
	{ { "lattop_client_request_latency_seconds", M_HISTOGRAM, "seconds",
	    "Request to first response byte per client address, port, direction and process name." },
	  METRICS_CLIENTS, V_LAT },
	{ { "lattop_client_connections", M_COUNTER, NULL, "TCP connections opened." },
	  METRICS_CLIENTS, V_CONN },
	{ { "lattop_client_resets", M_COUNTER, NULL, "TCP resets sent or received." },
	  METRICS_CLIENTS, V_RESETS },
	{ { "lattop_client_retransmits", M_COUNTER, NULL, "TCP retransmits." },
	  METRICS_CLIENTS, V_RETRANS },
	{ { "lattop_client_received_bytes", M_COUNTER, "bytes", "Bytes received." },
	  METRICS_CLIENTS, V_RX },
	{ { "lattop_client_sent_bytes", M_COUNTER, "bytes", "Bytes sent." },
	  METRICS_CLIENTS, V_TX },
	{ { "lattop_runq_latency_seconds", M_HISTOGRAM, "seconds",
	    "Run-queue latency (runnable to running) per process name." },
	  METRICS_RUNQ, V_LAT },
	{ { "lattop_block_latency_seconds", M_HISTOGRAM, "seconds",
	    "Block I/O request latency per device, operation and issuing process name." },
	  METRICS_BLOCK, V_LAT },
};

static const char *const part_names[ABI_PARTS] = { "oncpu", "runq", "io", "blocked" };

static int group_family(struct render *r, const struct gdef *gd)
{
	const struct metrics *m = r->m;
	const char *const *names;
	const char *values[METRICS_LABELS_MAX];
	size_t nl, ns = metrics_group_size(m, gd->g);
	const char *name = gd->d.name;
	uint64_t v;
	int err = 0;

	if (gd->v == V_PARTS && !metrics_process(m)->breakdown)
		return 0;
	if (family_head(r, &gd->d))
		return -ENOMEM;
	names = metrics_labels(m, gd->g, &nl);
	for (size_t i = 0; i < ns && !err; i++) {
		const struct metrics_series *s = metrics_group_series(m, gd->g, i);

		for (size_t l = 0; l < nl; l++)
			values[l] = s->label[l];
		if (set_prefix(r, names, values, nl))
			return -ENOMEM;
		switch (gd->v) {
		case V_LAT:
			err = histogram(r, name, &s->lat);
			continue;
		case V_PARTS:
			for (int p = 0; p < ABI_PARTS && !err; p++)
				err = sample_seconds(r, name, counter_suffix, "state", part_names[p],
						     s->part_ns[p]);
			continue;
		case V_CALLS: v = s->calls; break;
		case V_ERRORS: v = s->errors; break;
		case V_CONN: v = s->connections; break;
		case V_RESETS: v = s->resets; break;
		case V_RETRANS: v = s->retransmits; break;
		case V_RX: v = s->rx_bytes; break;
		default: v = s->tx_bytes; break;
		}
		err = sample_u64(r, name, counter_suffix, NULL, NULL, v);
	}
	return err;
}

/* A family of one series per group value ({family=...} or {group=...}). */
static int per_group(struct render *r, const struct mdef *d, const char *label,
		     const uint64_t *v)
{
	const char *suffix = d->type == M_COUNTER ? counter_suffix : "";

	if (family_head(r, d) || set_prefix(r, NULL, NULL, 0))
		return -ENOMEM;
	for (int g = 0; g < METRICS_GROUP_NR; g++)
		if (sample_u64(r, d->name, suffix, label, metrics_group_family(g), v[g]))
			return -ENOMEM;
	return 0;
}

static int single(struct render *r, const struct mdef *d, uint64_t v)
{
	if (family_head(r, d) || set_prefix(r, NULL, NULL, 0))
		return -ENOMEM;
	return sample_u64(r, d->name, d->type == M_COUNTER ? counter_suffix : "", NULL, NULL, v);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const struct mdef d_events = { "lattop_events", M_COUNTER, NULL, "Syscalls counted." };
static const struct mdef d_lost = { "lattop_lost_events", M_COUNTER, NULL,
				    "Events the kernel side could not count, per probe family." };
static const struct mdef d_evicted = { "lattop_evicted_keys", M_COUNTER, NULL,
				       "Keys dropped to stay within limits, per probe family." };
static const struct mdef d_dropped = { "lattop_dropped_snapshots", M_COUNTER, NULL,
				       "Snapshots the collector's ring had no room for." };
static const struct mdef d_ticks = { "lattop_ticks", M_COUNTER, NULL, "Snapshots ingested." };
static const struct mdef d_series = { "lattop_metrics_series", M_GAUGE, NULL,
				      "Label sets exported (catch-alls included once used)." };
static const struct mdef d_max = { "lattop_metrics_max_series", M_GAUGE, NULL,
				   "Limit on label sets (--metrics-max-series)." };
static const struct mdef d_folded = { "lattop_metrics_folded_label_sets", M_GAUGE, NULL,
				      "Distinct label sets summed into the group's \"other\" set." };
static const struct mdef d_up = { "lattop_probe_family_up", M_GAUGE, NULL,
				  "1 when the probe family collects, 0 with the reason when not." };
static const struct mdef d_build = { "lattop_build", M_INFO, NULL, "lattop's version." };
static const struct mdef d_scrape = { "lattop_scrape_duration_seconds", M_GAUGE, "seconds",
				      "Time this scrape's rendering took until this line." };

static int process_wide(struct render *r)
{
	const struct metrics_process *p = metrics_process(r->m);
	uint64_t folded[METRICS_GROUP_NR];
	int err;

	for (int g = 0; g < METRICS_GROUP_NR; g++)
		folded[g] = metrics_folded(r->m, g);
	err = single(r, &d_events, p->events);
	if (!err)
		err = per_group(r, &d_lost, "family", p->lost);
	if (!err)
		err = per_group(r, &d_evicted, "family", p->evicted);
	if (!err)
		err = single(r, &d_dropped, p->dropped_snapshots);
	if (!err)
		err = single(r, &d_ticks, p->ticks);
	if (!err)
		err = single(r, &d_series, metrics_series(r->m));
	if (!err)
		err = single(r, &d_max, metrics_max_series(r->m));
	if (!err)
		err = per_group(r, &d_folded, "group", folded);
	if (err || family_head(r, &d_up))
		return -ENOMEM;
	for (int g = 0; g < METRICS_GROUP_NR; g++) {
		static const char *const names[] = { "family", "reason" };
		const char *values[] = { metrics_group_family(g), p->reason[g] };

		if (set_prefix(r, names, values, 2) ||
		    sample_u64(r, d_up.name, "", NULL, NULL, p->up[g]))
			return -ENOMEM;
	}
	{
		static const char *const names[] = { "version" };
		const char *values[] = { r->info && r->info->version ? r->info->version : "" };

		if (family_head(r, &d_build) || set_prefix(r, names, values, 1) ||
		    sample_u64(r, d_build.name, "_info", NULL, NULL, 1))
			return -ENOMEM;
	}
	return 0;
}

int prom_render(const struct metrics *m, const struct prom_info *info, enum prom_format f,
		uint64_t scrape_start_ns, struct prom_buf *out)
{
	struct render *r = calloc(1, sizeof(*r));
	uint64_t now;
	int err = 0;

	if (!r)
		return -ENOMEM;
	r->out = out;
	r->f = f;
	r->info = info;
	r->m = m;
	le_init(r);
	for (size_t i = 0; i < sizeof(gdefs) / sizeof(gdefs[0]) && !err; i++)
		err = group_family(r, &gdefs[i]);
	if (!err)
		err = process_wide(r);
	if (!err && !(err = family_head(r, &d_scrape)) && !(err = set_prefix(r, NULL, NULL, 0))) {
		now = mono_ns();
		err = sample_seconds(r, d_scrape.name, "", NULL, NULL,
				     scrape_start_ns && now > scrape_start_ns ? now - scrape_start_ns : 0);
	}
	if (!err && f == PROM_OPENMETRICS_1) {
		if (buf_reserve(out, 8))
			err = -ENOMEM;
		else
			PUTS(out, "# EOF\n");
	}
	free(r->prefix);
	free(r);
	return err;
}
