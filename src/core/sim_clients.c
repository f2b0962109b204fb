/*
 * sim_clients.c - simulated TCP clients: a dozen fixed ones (nginx :443/:80
 * over IPv4 and IPv6, postgres :5432, redis :6379, sshd :22, and java's
 * outgoing connections), plus, for many-clients, a stream of short-lived
 * ones in a table of bounded size with least-recently-active eviction.
 *
 * Each client has its own PRNG stream per tick, salted with its id (fixed
 * for its life, whatever its position in the table), so the data depends
 * only on seed, profile, tick numbers and intervals. Per client and tick at
 * most SC_MAX_SAMPLES latencies are drawn, each standing for count / n
 * requests.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "core/client_model.h"
#include "core/sim.h"
#include "core/sim_clients.h"
#include "core/sim_rand.h"

#define SC_MAX_SAMPLES 256
#define SC_MAX_NEW_PER_TICK 1024	/* many-clients: bounds a long tick's work */

/*
 * One client stream: requests per second with a log-normal latency (and a
 * 1 % Pareto tail), connections kept open for lifetime_s on average
 * (pool of them at the start), connect latency (dir OUT), failures and
 * resets per connection, retransmits per second.
 */
struct sc_params {
	const char *comm;
	uint32_t pid;
	const char *addr;		/* fixed clients; NULL for generated ones */
	uint16_t port;
	uint8_t dir;
	double req_per_s;
	double req_median_ns;
	double req_sigma;
	uint32_t pool;			/* connections opened at the first tick */
	double lifetime_s;
	double connect_median_ns;	/* dir OUT */
	double fail_share;		/* dir OUT: connects that fail */
	double reset_share;		/* closes that are resets */
	double retrans_per_s;
	double bytes_in_per_req;
	double bytes_out_per_req;
};

static const struct sc_params sc_fixed[] = {
	{ "nginx", 1201, "10.1.2.3", 443, ABI_DIR_IN, 120, 800000, 0.7, 4, 5, 0, 0, 0.01, 0.2,
	  600, 18000 },
	{ "nginx", 1201, "10.1.7.42", 443, ABI_DIR_IN, 45, 1200000, 0.8, 2, 8, 0, 0, 0.01, 0.1,
	  450, 9000 },
	{ "nginx", 1202, "2001:db8:1::5", 443, ABI_DIR_IN, 60, 900000, 0.7, 3, 6, 0, 0, 0.02,
	  0.1, 500, 12000 },
	{ "nginx", 1202, "203.0.113.9", 80, ABI_DIR_IN, 15, 400000, 0.6, 1, 1, 0, 0, 0.05, 0.05,
	  380, 2400 },
	{ "nginx", 1203, "2001:db8:2::a", 443, ABI_DIR_IN, 30, 2000000, 0.9, 2, 10, 0, 0, 0.01,
	  0.1, 700, 40000 },
	{ "nginx", 1203, "198.51.100.23", 80, ABI_DIR_IN, 8, 500000, 0.6, 1, 2, 0, 0, 0.05, 0.05,
	  350, 1800 },
	{ "postgres", 842, "10.0.5.11", 5432, ABI_DIR_IN, 300, 150000, 0.9, 10, 300, 0, 0, 0,
	  0.02, 220, 900 },
	{ "postgres", 842, "10.0.5.12", 5432, ABI_DIR_IN, 40, 300000, 1.0, 4, 300, 0, 0, 0, 0.01,
	  180, 1500 },
	{ "redis-server", 977, "127.0.0.1", 6379, ABI_DIR_IN, 900, 40000, 0.5, 8, 600, 0, 0, 0, 0,
	  60, 120 },
	{ "sshd", 612, "198.51.100.77", 22, ABI_DIR_IN, 5, 2000000, 0.8, 1, 3600, 0, 0, 0, 0.01,
	  80, 400 },
	{ "java", 2301, "10.0.5.2", 5432, ABI_DIR_OUT, 300, 180000, 0.9, 10, 300, 200000, 0.01,
	  0, 0.02, 900, 220 },
	{ "java", 2301, "127.0.0.1", 6379, ABI_DIR_OUT, 200, 60000, 0.5, 4, 600, 50000, 0, 0, 0,
	  120, 60 },
	{ "java", 2301, "2001:db8:ffff::1", 443, ABI_DIR_OUT, 5, 25000000, 0.8, 1, 20, 2000000,
	  0.05, 0.02, 0.2, 5000, 800 },
};

#define SC_N_FIXED (sizeof(sc_fixed) / sizeof(sc_fixed[0]))

struct sc_row {
	uint64_t id;			/* PRNG salt: stable for the client's life */
	struct sc_params p;
	uint64_t quiet_ns;		/* generated: no more activity from here; 0 = never */
	uint64_t last_tick;		/* last activity, for the LRU */
	bool present;			/* the "kernel" has a row: it was active once */
	struct abi_client_key key;
	struct abi_client_val val;	/* cumulative, as the kernel would hold it */
};

struct sim_clients {
	uint64_t seed;
	int profile;
	uint64_t elapsed_ns;
	uint64_t next_id;
	size_t n, cap;			/* cap: the table's limit */
	struct sc_row *rows;
	struct client_model *model;
};

static void sc_key(struct sc_row *r)
{
	struct abi_client_key *k = &r->key;

	memset(k, 0, sizeof(*k));
	if (inet_pton(AF_INET, r->p.addr, k->addr) == 1)
		k->family = AF_INET;
	else if (inet_pton(AF_INET6, r->p.addr, k->addr) == 1)
		k->family = AF_INET6;
	k->port = r->p.port;
	k->tgid = r->p.pid;
	k->dir = r->p.dir;
}

struct sim_clients *sim_clients_new(uint64_t seed, int profile)
{
	struct sim_clients *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->seed = seed;
	c->profile = profile;
	c->cap = profile == SIM_MANY_CLIENTS ? SIM_MANY_CLIENTS_MAX : SC_N_FIXED;
	c->rows = calloc(c->cap, sizeof(*c->rows));
	c->model = client_model_new();
	if (!c->rows || !c->model) {
		sim_clients_free(c);
		errno = ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < SC_N_FIXED; i++) {
		struct sc_row *r = &c->rows[c->n++];

		r->id = c->next_id++;
		r->p = sc_fixed[i];
		sc_key(r);
		strncpy(r->val.comm, r->p.comm, sizeof(r->val.comm) - 1);
	}
	return c;
}

void sim_clients_free(struct sim_clients *c)
{
	if (!c)
		return;
	client_model_free(c->model);
	free(c->rows);
	free(c);
}

/* @n draws of one distribution standing for @count samples, into 32-bit slots. */
static void sc_draw(uint64_t *state, uint64_t count, double median_ns, double sigma,
		    bool regress, __u32 *slots, __u64 *sum_ns, __u64 *max_ns)
{
	uint64_t n = count < SC_MAX_SAMPLES ? count : SC_MAX_SAMPLES, base, extra;

	if (!n)
		return;
	base = count / n;
	extra = count % n;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w = base + (i < extra), v;
		double lat = sim_lat_draw(state, median_ns, sigma, 0.01, 1.5);

		if (regress)
			lat = sim_regress(lat, median_ns, sigma);
		if (lat > SIM_MAX_LAT_NS)
			lat = SIM_MAX_LAT_NS;
		v = lat < 1.0 ? 1 : (uint64_t)lat;
		slots[abi_hist_slot(v)] += (uint32_t)w;
		*sum_ns += v * w;
		if (v > *max_ns)
			*max_ns = v;
	}
}

/* Up to @n Bernoulli(@share) trials, approximated by Poisson above a few hundred. */
static uint64_t sc_binomial(uint64_t *state, uint64_t n, double share)
{
	uint64_t k = 0;

	if (n > SC_MAX_SAMPLES) {
		k = sim_poisson(state, (double)n * share);
		return k < n ? k : n;
	}
	for (uint64_t i = 0; i < n; i++)
		k += sim_uniform(state) < share;
	return k;
}

/* One tick of one client's cumulative row. */
static void sc_row_tick(const struct sim_clients *c, struct sc_row *r, uint64_t tick,
			uint64_t interval_ns)
{
	const struct sc_params *p = &r->p;
	struct abi_client_val *v = &r->val;
	uint64_t state = sim_stream(c->seed, tick, 0xc11e47000000ull + r->id);
	uint64_t start_ns = c->elapsed_ns - interval_ns;	/* of this tick */
	double dt = (double)interval_ns / 1e9;
	double load = (1.0 + 0.3 * sin((double)tick / 40.0 + (double)r->id)) *
		      exp(0.1 * sim_gauss(&state));
	bool regress = c->profile == SIM_REGRESSION;
	bool quiet = r->quiet_ns && start_ns >= r->quiet_ns;

	/* a generated client is active only for the part of the tick it still lives */
	if (!quiet && r->quiet_ns && r->quiet_ns - start_ns < interval_ns)
		dt = (double)(r->quiet_ns - start_ns) / 1e9;
	uint64_t open = v->connections - v->closed, opened, failed = 0, closes, req;

	if (quiet) {
		/* A generated client's last tick closes its connection: lifetime recorded. */
		if (open) {
			uint64_t life_ns = (uint64_t)(p->lifetime_s * 1e9);

			v->closed += open;
			v->conn_slots[abi_hist_slot(life_ns)] += (uint32_t)open;
			v->conn_count += open;
			v->conn_sum_ns += life_ns * open;
			if (life_ns > v->conn_max_ns)
				v->conn_max_ns = life_ns;
			r->last_tick = tick;
		}
		return;
	}
	if (!interval_ns)
		return;
	opened = sim_poisson(&state, (double)p->pool / p->lifetime_s * dt);
	if (!r->present)
		opened += p->pool;
	if (p->dir == ABI_DIR_OUT) {
		failed = sc_binomial(&state, opened, p->fail_share);
		opened -= failed;
		v->failed += failed;
		/* OUT: the connection histogram is the connect latency */
		sc_draw(&state, opened, p->connect_median_ns, 0.5, false, v->conn_slots,
			&v->conn_sum_ns, &v->conn_max_ns);
		v->conn_count += opened;
	}
	v->connections += opened;
	closes = sim_poisson(&state, (double)open * (dt < p->lifetime_s ? dt / p->lifetime_s : 1));
	if (closes > open)
		closes = open;
	v->closed += closes;
	v->resets += sc_binomial(&state, closes + failed, p->reset_share);
	if (p->dir == ABI_DIR_IN) {
		/* IN: the lifetimes of the connections that closed */
		sc_draw(&state, closes, p->lifetime_s * 1e9, 0.6, false, v->conn_slots,
			&v->conn_sum_ns, &v->conn_max_ns);
		v->conn_count += closes;
	}
	req = open + opened ? sim_poisson(&state, p->req_per_s * dt * load) : 0;
	sc_draw(&state, req, p->req_median_ns, p->req_sigma, regress, v->req_slots, &v->req_sum_ns,
		&v->req_max_ns);
	v->requests += req;
	v->bytes_in += (uint64_t)((double)req * p->bytes_in_per_req);
	v->bytes_out += (uint64_t)((double)req * p->bytes_out_per_req);
	v->retransmits += sim_poisson(&state, p->retrans_per_s * dt);
	if (opened || closes || failed || req) {
		r->last_tick = tick;
		r->present = true;
	}
}

/* The least recently active row, never a fixed client's: its slot is reused. */
static size_t sc_lru(const struct sim_clients *c)
{
	size_t best = SC_N_FIXED;

	for (size_t i = SC_N_FIXED + 1; i < c->n; i++)
		if (c->rows[i].last_tick < c->rows[best].last_tick)
			best = i;
	return best;
}

/*
 * A new short-lived client of nginx: 70 % from 10.0.0.0/8, 30 % from
 * 2001:db8::/32; addresses are bijections of the id, so unique per family
 * for 2^24 (IPv4) / 2^64 (IPv6) ids.
 */
static void sc_generate(struct sim_clients *c, struct sc_row *r, uint64_t tick,
			uint64_t start_ns)
{
	uint64_t id = c->next_id++, h = sim_mix(c->seed ^ (id * 0x9e3779b97f4a7c15ull));
	struct abi_client_key *k = &r->key;
	uint64_t lo;
	uint32_t v4;

	memset(r, 0, sizeof(*r));
	r->id = id;
	r->p = (struct sc_params){ .comm = "nginx", .pid = 1201 + (uint32_t)(h % 3),
				   .port = h & 8 ? 443 : 80, .dir = ABI_DIR_IN,
				   .req_per_s = 2.0 + (double)((h >> 8) % 19),
				   .req_median_ns = 300000.0 * (double)(1 + (h >> 16) % 10),
				   .req_sigma = 0.7, .pool = 1,
				   .lifetime_s = 1.0 + (double)((h >> 24) % 8),
				   .reset_share = 0.05, .bytes_in_per_req = 500,
				   .bytes_out_per_req = 8000 };
	r->quiet_ns = start_ns + (uint64_t)(r->p.lifetime_s * 1e9);
	r->last_tick = tick;
	strncpy(r->val.comm, r->p.comm, sizeof(r->val.comm) - 1);
	if (id % 10 < 7) {
		v4 = (uint32_t)(((id + c->seed) * 0x9e3779b1ull) & 0xffffff);
		k->family = AF_INET;
		k->addr[0] = 10;
		k->addr[1] = (uint8_t)(v4 >> 16);
		k->addr[2] = (uint8_t)(v4 >> 8);
		k->addr[3] = (uint8_t)v4;
	} else {
		lo = sim_mix(id + c->seed);
		k->family = AF_INET6;
		k->addr[0] = 0x20;
		k->addr[1] = 0x01;
		k->addr[2] = 0x0d;
		k->addr[3] = 0xb8;
		k->addr[4] = (uint8_t)(h >> 40);
		k->addr[5] = (uint8_t)(h >> 48);
		for (int i = 0; i < 8; i++)
			k->addr[8 + i] = (uint8_t)(lo >> (8 * i));
	}
	k->port = r->p.port;
	k->tgid = r->p.pid;
	k->dir = r->p.dir;
}

/* many-clients: this tick's new clients, evicting the least recently active at the limit. */
static uint64_t sc_arrivals(struct sim_clients *c, uint64_t tick, uint64_t interval_ns)
{
	uint64_t state = sim_stream(c->seed, tick, 0xa77e1ull);
	uint64_t n = sim_poisson(&state, SIM_MANY_NEW_PER_S * (double)interval_ns / 1e9);
	uint64_t evicted = 0;

	if (n > SC_MAX_NEW_PER_TICK)
		n = SC_MAX_NEW_PER_TICK;
	for (uint64_t i = 0; i < n; i++) {
		struct sc_row *r;

		if (c->n < c->cap) {
			r = &c->rows[c->n++];
		} else {
			r = &c->rows[sc_lru(c)];
			evicted++;
		}
		sc_generate(c, r, tick, c->elapsed_ns - interval_ns);
	}
	return evicted;
}

int sim_clients_tick(struct sim_clients *c, uint64_t tick, uint64_t interval_ns,
		     struct snapshot *out)
{
	uint64_t evicted = 0;
	int ret;

	c->elapsed_ns += interval_ns;
	if (c->profile == SIM_MANY_CLIENTS)
		evicted = sc_arrivals(c, tick, interval_ns);
	client_model_begin(c->model);
	for (size_t i = 0; i < c->n; i++) {
		struct sc_row *r = &c->rows[i];

		sc_row_tick(c, r, tick, interval_ns);
		if (!r->present)
			continue;	/* no connection yet: the kernel would have no row */
		ret = client_model_update(c->model, &r->key, &r->val, out);
		if (ret)
			return ret;
	}
	/* The model forgets evicted rows; the count is ours, exact, as the live source's. */
	client_model_end(c->model);
	out->interval.client_evicted = evicted;
	out->clients_state = SNAP_CLIENTS_ON;
	out->clients_note[0] = '\0';
	return 0;
}
