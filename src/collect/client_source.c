/* client_source.c - per-client TCP rows from bpf/clients.bpf.c. Collector thread after open. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_log.h"
#include "collect/bpf_stats.h"
#include "collect/client_source.h"
#include "collect/families.h"
#include "core/client_model.h"
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "clients.skel.h"
#pragma GCC diagnostic pop

#define READ_BATCH 64	/* 64 x 2.6 KiB per read */

struct client_source {
	struct clients_bpf *skel;
	struct ring_buffer *rb;
	struct client_model *model;
	int rows_fd;
	int nr_cpus;
	bool requests;			/* sock_*_length attached */
	char note[SNAP_NOTE_LEN];	/* why something is unavailable */
	char features[128];
	struct abi_client_key *keys;	/* READ_BATCH */
	struct abi_client_val *vals;	/* READ_BATCH */
	uint64_t *cpu_vals;
	uint64_t counters_prev[ABI_CCNT_NR];
	uint64_t evicted_total, lost_total;
	uint64_t retired_total;		/* rows deleted by us (removed cgroups): not evictions */
	/* Raw samples: a thread of its own drains the sample ring, so a busy server
	 * fills the ring's 8 MiB in far more than the 100 ms between its polls. */
	struct client_sample_sink sink;
	bool samples;
	int64_t mono_to_real_ns;
	pthread_t csv_thread;
	bool csv_thread_started;
	atomic_bool csv_stop;
	atomic_int csv_err;
};

PROBE_SKEL_OPS(clients);

static int64_t mono_to_real(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000ll + (real.tv_nsec - mono.tv_nsec);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct client_source *cs = ctx;

	if (size < sizeof(struct abi_client_event) || atomic_load(&cs->csv_err))
		return 0;
	atomic_store(&cs->csv_err, cs->sink.write(cs->sink.ctx, data, cs->mono_to_real_ns));
	return 0;
}

/* The samples thread: the only reader of the sample ring and the only caller of the sink. */
static void *csv_main(void *arg)
{
	struct client_source *cs = arg;
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "lattop-csv");
	while (!atomic_load(&cs->csv_stop)) {
		if (ring_buffer__poll(cs->rb, 100) > 0 && !atomic_load(&cs->csv_err) &&
		    cs->sink.flush)
			atomic_store(&cs->csv_err, cs->sink.flush(cs->sink.ctx));
	}
	ring_buffer__consume(cs->rb);	/* what came in before the stop */
	if (!atomic_load(&cs->csv_err) && cs->sink.flush)
		atomic_store(&cs->csv_err, cs->sink.flush(cs->sink.ctx));
	return NULL;
}

void client_source_close(struct client_source *cs)
{
	if (!cs)
		return;
	if (cs->csv_thread_started) {
		atomic_store(&cs->csv_stop, true);
		pthread_join(cs->csv_thread, NULL);
	}
	ring_buffer__free(cs->rb);
	clients_bpf__destroy(cs->skel);
	client_model_free(cs->model);
	free(cs->keys);
	free(cs->vals);
	free(cs->cpu_vals);
	free(cs);
}

/*
 * Count the listening sockets of /proc/net/@file by local port into the
 * listen_ports map, so that a connection accepted before lattop started is
 * adopted as dir IN. Done after load and before attach: from then on the
 * LISTEN transitions keep the counts. Best effort: without it such
 * connections show as dir OUT.
 */
static void seed_listen_ports(int map_fd, const char *file)
{
	char line[512], path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/%s", file);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned int port, state;
		uint32_t key, n = 0;

		/* "  0: 0100007F:1F90 00000000:0000 0A ...": state 0A is TCP_LISTEN. */
		if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", &port, &state) != 2 ||
		    state != 0x0A || port >= ABI_PORTS_NR)
			continue;
		key = port;
		bpf_map_lookup_elem(map_fd, &key, &n);
		n++;
		bpf_map_update_elem(map_fd, &key, &n, BPF_ANY);
	}
	fclose(f);
}

struct clients_load_ctx {
	struct client_source *cs;
	const struct client_source_opts *o;
};

static int configure(void *skel_v, enum probe_flavour f, void *ctx_v)
{
	struct clients_bpf *skel = skel_v;
	struct clients_load_ctx *ctx = ctx_v;
	const struct client_source_opts *o = ctx->o;

	(void)f;
	skel->rodata->cfg_flags = (o->samples ? ABI_CCFG_SAMPLES : 0) |
		probe_set_prefilter(skel->rodata->cfg_pids, skel->rodata->cfg_comm, o->pids,
				    o->n_pids, o->comm, ABI_CCFG_FILTER_PID, ABI_CCFG_FILTER_COMM);
	probe_set_cgroups(&skel->rodata->cfg_cgroup_ids, &skel->rodata->cfg_cgroup_filtering,
			  skel->rodata->cfg_cgroup_filter, o->cgroup_ids, o->cgroup_filter,
			  o->n_cgroup_filter);
	bpf_map__set_max_entries(skel->maps.clients, o->max_clients);
	/* A connection per client at least; more for keep-alive pools. */
	bpf_map__set_max_entries(skel->maps.conns, o->max_clients * 4 > ABI_SOCKS_DEFAULT ?
				 o->max_clients * 4 : ABI_SOCKS_DEFAULT);
	if (!o->samples)	/* the map must exist; keep it at the minimum */
		bpf_map__set_max_entries(skel->maps.samples, 4096);
	/* Without sock_*_length the request programs are simply not loaded. */
	if (!ctx->cs->requests) {
		bpf_program__set_autoload(skel->progs.btf_recv, false);
		bpf_program__set_autoload(skel->progs.btf_send, false);
		bpf_program__set_autoload(skel->progs.raw_recv, false);
		bpf_program__set_autoload(skel->progs.raw_send, false);
	}
	return 0;
}

static int loaded(void *skel_v, void *ctx)
{
	struct clients_bpf *skel = skel_v;
	int ports_fd = bpf_map__fd(skel->maps.listen_ports);

	(void)ctx;
	seed_listen_ports(ports_fd, "tcp");
	seed_listen_ports(ports_fd, "tcp6");
	return 0;
}

struct client_source *client_source_open(const struct client_source_opts *o, char *note,
					 size_t note_len)
{
	struct client_source *cs = calloc(1, sizeof(*cs));
	struct clients_load_ctx lctx = { cs, o };
	struct probe_load_req req = {
		.skel = &clients_skel_ops,
		.flavours = PROBE_FLAVOUR_BIT(PROBE_TP_BTF) | PROBE_FLAVOUR_BIT(PROBE_RAW_TP),
		.what = "the socket tracing programs",
		.configure = configure,
		.loaded = loaded,
		.ctx = &lctx,
	};
	enum probe_flavour used = PROBE_TP_BTF;
	char why[SNAP_NOTE_LEN];
	void *skel = NULL;
	int ret;

	snprintf(note, note_len, "clients: out of memory");
	if (!cs)
		return NULL;
	if (!probe_kernel_has_tracepoint("inet_sock_set_state")) {
		snprintf(note, note_len, "clients unavailable: the kernel has no "
			 "sock:inet_sock_set_state tracepoint (Linux 4.16+)");
		goto fail;
	}
	cs->requests = probe_kernel_has_tracepoint("sock_recv_length") &&
		       probe_kernel_has_tracepoint("sock_send_length") &&
		       !getenv("LATTOP_NO_SOCK_LENGTH");	/* to test the fallback */
	if (!cs->requests)
		snprintf(cs->note, sizeof(cs->note), "request latency unavailable: the kernel has "
			 "no sock:sock_recv_length/sock_send_length (Linux 6.4+); connections only");
	cs->nr_cpus = libbpf_num_possible_cpus();
	cs->keys = calloc(READ_BATCH, sizeof(*cs->keys));
	cs->vals = calloc(READ_BATCH, sizeof(*cs->vals));
	cs->cpu_vals = calloc(cs->nr_cpus > 0 ? (size_t)cs->nr_cpus : 1, sizeof(*cs->cpu_vals));
	cs->model = client_model_new();
	if (cs->nr_cpus <= 0 || !cs->keys || !cs->vals || !cs->cpu_vals || !cs->model)
		goto fail;
	ret = probe_load(&req, &skel, &used, why, sizeof(why));
	if (ret) {
		snprintf(note, note_len, "clients unavailable: %s", why);
		goto fail;
	}
	cs->skel = skel;
	cs->rows_fd = bpf_map__fd(cs->skel->maps.clients);
	if (o->samples) {
		cs->sink = *o->samples;
		cs->samples = true;
		cs->mono_to_real_ns = mono_to_real();
		cs->rb = ring_buffer__new(bpf_map__fd(cs->skel->maps.samples), on_sample, cs, NULL);
		if (!cs->rb) {
			snprintf(note, note_len, "clients: cannot read the sample ring buffer: %s",
				 strerror(errno));
			goto fail;
		}
		ret = pthread_create(&cs->csv_thread, NULL, csv_main, cs);
		if (ret) {
			snprintf(note, note_len, "clients: cannot start the samples writer: %s",
				 strerror(ret));
			goto fail;
		}
		cs->csv_thread_started = true;
	}
	snprintf(cs->features, sizeof(cs->features), "clients: %s%s, %u rows max (LRU)",
		 probe_flavour_name(used), cs->requests ? " + sock_*_length" : ", connections only",
		 o->max_clients);
	snprintf(note, note_len, "%s", cs->note);
	return cs;
fail:
	client_source_close(cs);
	return NULL;
}

void client_source_run_time(const struct client_source *cs, uint64_t *run_ns, uint64_t *run_cnt)
{
	bpf_stats_sum(cs && cs->skel ? cs->skel->obj : NULL, run_ns, run_cnt);
}

const char *client_source_features(const struct client_source *cs)
{
	return cs->features;
}

static int read_rows(struct client_source *cs, struct snapshot *out)
{
	struct abi_client_key token;
	void *in = NULL;
	uint32_t count;
	int ret;

	for (;;) {
		count = READ_BATCH;
		ret = bpf_map_lookup_batch(cs->rows_fd, in, &token, cs->keys, cs->vals, &count, NULL);
		if (ret && errno != ENOENT)
			return -errno;
		for (uint32_t i = 0; i < count; i++) {
			int uret = client_model_update(cs->model, &cs->keys[i], &cs->vals[i], out);

			if (uret)
				return uret;
		}
		if (ret)
			return 0;	/* ENOENT: that was the last batch */
		in = &token;
	}
}

/*
 * This tick's kernel counters, then the rows. The LRU drops rows silently,
 * so evictions are derived: rows ever created minus rows present now. The
 * counters are read first, so a row created in between is never taken
 * for an eviction; the total only grows.
 */
static int read_counters_then_rows(struct client_source *cs, struct snapshot *out,
				   uint64_t *lost, uint64_t *evicted)
{
	int fd = bpf_map__fd(cs->skel->maps.client_counters);
	uint64_t now[ABI_CCNT_NR] = { 0 }, d[ABI_CCNT_NR], rows, gone;
	size_t first = out->n_clients;
	int ret;

	for (uint32_t idx = 0; idx < ABI_CCNT_NR; idx++) {
		if (!bpf_map_lookup_elem(fd, &idx, cs->cpu_vals))
			for (int c = 0; c < cs->nr_cpus; c++)
				now[idx] += cs->cpu_vals[c];
		d[idx] = now[idx] - cs->counters_prev[idx];
	}
	memcpy(cs->counters_prev, now, sizeof(now));
	*lost = d[ABI_CCNT_CLIENT_FULL] + d[ABI_CCNT_SOCK_FULL] + d[ABI_CCNT_RB_DROPPED];
	ret = read_rows(cs, out);
	if (ret)
		return ret;
	rows = out->n_clients - first;
	rows += cs->retired_total;
	gone = now[ABI_CCNT_ROWS_CREATED] > rows ? now[ABI_CCNT_ROWS_CREATED] - rows : 0;
	*evicted = gone > cs->evicted_total ? gone - cs->evicted_total : 0;
	return 0;
}

int client_source_tick(struct client_source *cs, struct snapshot *out)
{
	uint64_t evicted, lost;
	int ret;

	client_model_begin(cs->model);
	ret = read_counters_then_rows(cs, out, &lost, &evicted);
	if (ret)
		return ret;
	client_model_end(cs->model);
	cs->evicted_total += evicted;
	cs->lost_total += lost;
	out->interval.client_evicted = evicted;
	out->total.client_evicted = cs->evicted_total;
	out->interval.client_lost = lost;
	out->total.client_lost = cs->lost_total;
	out->clients_state = cs->requests ? SNAP_CLIENTS_ON : SNAP_CLIENTS_CONN_ONLY;
	snprintf(out->clients_note, sizeof(out->clients_note), "%s",
		 atomic_load(&cs->csv_err) ? "samples: write error, no longer written" :
		 cs->note);
	return 0;
}

/* The clients probe family (collect/probe_family.h) over this source. */
static int fam_open(void **ctx, const struct bpf_source_opts *o, char *note, size_t notelen)
{
	struct client_source_opts co = { .max_clients = o->max_clients, .pids = o->pids,
					 .n_pids = o->n_pids, .comm = o->comm,
					 .samples = o->samples, .cgroup_ids = o->cgroup_ids,
					 .cgroup_filter = o->cgroup_filter,
					 .n_cgroup_filter = o->n_cgroup_filter };
	struct client_source *cs = client_source_open(&co, note, notelen);

	if (!cs)
		return -ENOENT;
	*ctx = cs;
	return 0;
}

static int fam_tick(void *ctx, struct snapshot *out)
{
	return client_source_tick(ctx, out);
}

static const char *fam_features(void *ctx)
{
	return client_source_features(ctx);
}

static void fam_run_time(void *ctx, uint64_t *run_ns, uint64_t *run_cnt)
{
	client_source_run_time(ctx, run_ns, run_cnt);
}

static void fam_close(void *ctx)
{
	client_source_close(ctx);
}

static bool fam_wanted(const struct bpf_source_opts *o)
{
	return o->clients;
}

static void fam_off(struct snapshot *out, const char *note)
{
	out->clients_state = SNAP_CLIENTS_OFF;
	snprintf(out->clients_note, sizeof(out->clients_note), "%s", note);
}

/*
 * Collector thread: the rows of removed cgroup @cgid leave the kernel table
 * (their last counts were in this tick's snapshot), so they are gone from
 * the next tick on without counting as evictions. No task can be in a
 * removed cgroup, so nothing re-creates them (a late close from softirq
 * at most, which then counts as a row of its own).
 */
static void fam_cgroup_gone(void *ctx, uint64_t cgid)
{
	struct client_source *cs = ctx;
	struct abi_client_key key, next;
	void *prev = NULL;

	if (!cgid)
		return;
	while (!bpf_map_get_next_key(cs->rows_fd, prev, &next)) {
		if (next.cgid == cgid && !bpf_map_delete_elem(cs->rows_fd, &next)) {
			cs->retired_total++;
			continue;	/* restart after the deleted key's predecessor */
		}
		key = next;
		prev = &key;
	}
}

const struct probe_family probe_family_clients = {
	.name = "clients",
	.cost = SNAP_PROBE_CLIENTS,
	.off_option = "--no-clients",
	.wanted = fam_wanted,
	.off = fam_off,
	.open = fam_open,
	.tick = fam_tick,
	.features = fam_features,
	.run_time = fam_run_time,
	.cgroup_gone = fam_cgroup_gone,
	.close = fam_close,
};
