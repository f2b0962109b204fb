/*
 * sim_rand.h - internals shared by sim.c and sim_clients.c: the PRNG
 * streams and distributions, and the regression profile's latency factor.
 * Not a public interface: static inline, included by the sim files only.
 */
#ifndef LATTOP_CORE_SIM_RAND_H
#define LATTOP_CORE_SIM_RAND_H

#include <math.h>
#include <stdint.h>

#define SIM_MAX_LAT_NS 10000000000.0	/* 10 s: the Pareto tail stops here */

/* splitmix64: seeds streams; good avalanche for nearby inputs. */
static inline uint64_t sim_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* xorshift64* stream; state never 0. */
static inline uint64_t sim_next(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static inline uint64_t sim_stream(uint64_t seed, uint64_t tick, uint64_t salt)
{
	uint64_t s = sim_mix(sim_mix(sim_mix(seed) ^ tick) ^ salt);

	return s ? s : 0x853c49e6748fea9bull;
}

/* Uniform in (0, 1): never 0, so log() is safe. */
static inline double sim_uniform(uint64_t *state)
{
	return ((double)(sim_next(state) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Standard normal, Box-Muller (one of the pair is enough here). */
static inline double sim_gauss(uint64_t *state)
{
	double u1 = sim_uniform(state), u2 = sim_uniform(state);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Poisson(lambda): exact for small lambda, normal approximation above. */
static inline uint64_t sim_poisson(uint64_t *state, double lambda)
{
	double v;

	if (lambda <= 0)
		return 0;
	if (lambda < 30) {
		double limit = exp(-lambda), p = 1.0;
		uint64_t k = 0;

		for (;;) {
			p *= sim_uniform(state);
			if (p <= limit)
				return k;
			k++;
		}
	}
	v = lambda + sqrt(lambda) * sim_gauss(state) + 0.5;
	return v < 0 ? 0 : (uint64_t)v;
}

/* Log-normal body (median, sigma) with a Pareto tail (share, shape; scale 4x median). */
static inline double sim_lat_draw(uint64_t *state, double median_ns, double sigma,
				  double tail_share, double tail_alpha)
{
	if (sim_uniform(state) < tail_share)
		return 4.0 * median_ns / pow(sim_uniform(state), 1.0 / tail_alpha);
	return median_ns * exp(sigma * sim_gauss(state));
}

/*
 * The regression profile's slowdown of a latency @v of a stream with body
 * (median, sigma): x SIM_REGRESS_P50 up to the median, x SIM_REGRESS_TAIL
 * from median * e^(2 sigma) (the body's 97.7th percentile) up, log-linear
 * in between. v * factor(v) grows with v, so every quantile q maps to
 * q * factor(q): p50 ~1.1x, and p99 (always above e^(2 sigma) * median,
 * since more than 2 % of the calls are) exactly 1.5x.
 */
#define SIM_REGRESS_P50 1.1
#define SIM_REGRESS_TAIL 1.5

static inline double sim_regress(double v, double median_ns, double sigma)
{
	double r, w;

	if (v <= median_ns)
		return v * SIM_REGRESS_P50;
	r = log(v / median_ns) / (2.0 * sigma);
	w = r >= 1.0 ? 1.0 : r;
	return v * (SIM_REGRESS_P50 + (SIM_REGRESS_TAIL - SIM_REGRESS_P50) * w);
}

#endif
