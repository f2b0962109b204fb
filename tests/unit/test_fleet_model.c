/* test_fleet_model.c - Prometheus series of two exporters -> merged rows, exact buckets, hosts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/fleet_model.h"
#include "core/hist.h"
#include "core/syscall_names.h"

static char body[16384];
static size_t body_len;

static void body_start(void)
{
	body_len = (size_t)snprintf(body, sizeof(body),
				    "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
				    "\"result\":[");
}

static void body_series(const char *labels, double v)
{
	body_len += (size_t)snprintf(body + body_len, sizeof(body) - body_len,
				     "%s{\"metric\":{%s},\"value\":[1,\"%.17g\"]}",
				     body[body_len - 1] == '[' ? "" : ",", labels, v);
}

static void body_parse(struct prom_result *r)
{
	char err[200];

	body_len += (size_t)snprintf(body + body_len, sizeof(body) - body_len, "]}}");
	assert_int_equal(prom_api_parse(body, body_len, r, err, sizeof(err)), 0);
}

/*
 * Host @host: @n calls of clock_nanosleep by "sleeper", @in_1023 of them at
 * <= 1023 ns, the rest <= 2047 ns... as lattop's exporter writes them (pow2
 * bounds, cumulative).
 */
static void add_host(const char *host, const char *inst, uint64_t small, uint64_t big,
		     uint64_t lost)
{
	char l[512];
	const char *les[] = { "0.000000255", "0.000001023", "0.000002047", "+Inf" };
	uint64_t cum[] = { 0, small, small + big, small + big };

	for (int i = 0; i < 4; i++) {
		snprintf(l, sizeof(l), "\"__name__\":\"lattop_syscall_latency_seconds_bucket\","
			 "\"host\":\"%s\",\"instance\":\"%s\",\"comm\":\"sleeper\","
			 "\"syscall\":\"clock_nanosleep\",\"le\":\"%s\"", host, inst, les[i]);
		body_series(l, (double)cum[i]);
	}
	snprintf(l, sizeof(l), "\"__name__\":\"lattop_syscall_calls_total\",\"host\":\"%s\","
		 "\"instance\":\"%s\",\"comm\":\"sleeper\",\"syscall\":\"clock_nanosleep\"",
		 host, inst);
	body_series(l, (double)(small + big));
	snprintf(l, sizeof(l), "\"__name__\":\"lattop_syscall_errors_total\",\"host\":\"%s\","
		 "\"instance\":\"%s\",\"comm\":\"sleeper\",\"syscall\":\"clock_nanosleep\"",
		 host, inst);
	body_series(l, 1);
	snprintf(l, sizeof(l), "\"__name__\":\"lattop_lost_events_total\",\"host\":\"%s\","
		 "\"instance\":\"%s\",\"family\":\"syscalls\"", host, inst);
	body_series(l, (double)lost);
}

static void tick(struct fleet_model *m, struct snapshot *s, uint64_t a_small, uint64_t a_big,
		 uint64_t b_small, uint64_t b_big, bool b_up)
{
	struct prom_result series, info, up;
	const struct prom_result *res[FLEET_Q_NR] = { &series, &info, &up };

	body_start();
	add_host("a", "127.0.0.1:1", a_small, a_big, 3);
	if (b_up)
		add_host("b", "127.0.0.1:2", b_small, b_big, 5 + b_small);
	body_parse(&series);
	body_start();
	body_series("\"__name__\":\"lattop_build_info\",\"host\":\"a\",\"instance\":\"127.0.0.1:1\"", 1);
	body_series("\"__name__\":\"lattop_build_info\",\"host\":\"b\",\"instance\":\"127.0.0.1:2\"", 1);
	body_parse(&info);
	body_start();
	body_series("\"__name__\":\"up\",\"instance\":\"127.0.0.1:1\"", 1);
	body_series("\"__name__\":\"up\",\"instance\":\"127.0.0.1:2\"", b_up ? 1 : 0);
	body_series("\"__name__\":\"up\",\"instance\":\"127.0.0.1:9090\"", 1);
	body_parse(&up);
	snapshot_reset(s);
	assert_int_equal(fleet_model_update(m, res, s), 0);
	prom_result_free(&series);
	prom_result_free(&info);
	prom_result_free(&up);
}

static void test_le_ns(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(fleet_le_ns("0.000001023", &ns), 0);
	assert_int_equal(ns, 1023);
	assert_int_equal(fleet_le_ns("34.359738367", &ns), 0);
	assert_int_equal(ns, 34359738367ull);
	assert_int_equal(fleet_le_ns("1e-06", &ns), 0);
	assert_int_equal(ns, 1000);
	assert_int_equal(fleet_le_ns("+Inf", &ns), 0);
	assert_true(ns == UINT64_MAX);
	assert_int_equal(fleet_le_ns("2", &ns), 0);
	assert_int_equal(ns, 2000000000ull);
	assert_int_equal(fleet_le_ns("-1", &ns), -EINVAL);
	assert_int_equal(fleet_le_ns("abc", &ns), -EINVAL);
	assert_int_equal(fleet_le_ns("", &ns), -EINVAL);
	/* Every lattop slot's upper bound, written in seconds, names that slot again. */
	for (uint32_t slot = 0; slot < ABI_HIST_SLOTS - 1; slot++) {
		uint64_t up = hist_slot_upper_ns(slot);
		char text[40];

		snprintf(text, sizeof(text), "%llu.%09llu", (unsigned long long)(up / 1000000000ull),
			 (unsigned long long)(up % 1000000000ull));
		assert_int_equal(fleet_le_ns(text, &ns), 0);
		assert_true(ns == up);
		assert_int_equal(abi_hist_slot(ns), slot);
	}
}

static void test_merge_two_hosts(void **state)
{
	struct fleet_model *m = fleet_model_new("host");
	struct snapshot s;
	struct abi_hist h;
	uint32_t s1023 = abi_hist_slot(1023), s2047 = abi_hist_slot(2047);

	(void)state;
	snapshot_init(&s);
	assert_non_null(m);
	/* First tick: the baseline; cumulative rows, an empty interval. */
	tick(m, &s, 10, 5, 100, 0, true);
	assert_int_equal(s.n_sys, 1);
	assert_int_equal(s.sys[0].nr, syscall_lookup("clock_nanosleep"));
	assert_string_equal(s.sys[0].comm, "sleeper");
	assert_int_equal(s.sys[0].total.count, 115);
	assert_int_equal(s.sys[0].total.errors, 2);
	assert_int_equal(s.sys[0].interval.count, 0);
	assert_int_equal(s.n_hosts, 2);
	assert_string_equal(s.hosts[0].name, "a");
	assert_string_equal(s.hosts[1].name, "b");
	assert_true(s.hosts[0].up && s.hosts[1].up);
	assert_int_equal(s.hosts[0].calls_total, 15);
	assert_int_equal(s.hosts[1].calls_total, 100);
	assert_int_equal(s.total.lost, 3 + 105);
	assert_string_equal(s.source, "fleet");

	/* Second tick: a +1 small +2 big, b +7 small: exact interval rows, merged. */
	tick(m, &s, 11, 7, 107, 0, true);
	assert_int_equal(s.n_sys, 1);
	assert_int_equal(s.sys[0].interval.count, 10);
	assert_int_equal(s.sys[0].interval.timed, 10);
	snapshot_hist_expand(&s, &s.sys[0].interval, &h);
	assert_int_equal(h.slots[s1023], 8);
	assert_int_equal(h.slots[s2047], 2);
	snapshot_hist_expand(&s, &s.sys[0].total, &h);
	assert_int_equal(h.slots[s1023], 118);
	assert_int_equal(h.slots[s2047], 7);
	assert_int_equal(s.hosts[0].calls, 3);
	assert_int_equal(s.hosts[1].calls, 7);
	assert_int_equal(s.hosts[1].lost, 7);
	assert_int_equal(s.hosts[0].lost, 0);
	assert_int_equal(s.interval.events, 10);
	/* a's worst p99 is in the 2047 slot, b's in the 1023 slot. */
	assert_true(s.hosts[0].worst_p99_ns > 1023 && s.hosts[0].worst_p99_ns <= 2047);
	assert_true(s.hosts[1].worst_p99_ns <= 1023);

	/* Only host b selected. */
	{
		const char *b[] = { "b" };

		fleet_model_select_hosts(m, b, 1);
	}
	tick(m, &s, 12, 7, 110, 0, true);
	assert_int_equal(s.sys[0].interval.count, 3);
	assert_int_equal(s.sys[0].total.count, 110);
	fleet_model_select_hosts(m, NULL, 0);

	/* b goes down: listed (from build_info), down, no rows of its own. */
	tick(m, &s, 13, 7, 0, 0, false);
	assert_int_equal(s.n_hosts, 2);
	assert_true(s.hosts[0].up);
	assert_false(s.hosts[1].up);
	assert_int_equal(s.hosts[1].n_rows, 0);
	assert_int_equal(s.sys[0].total.count, 20);
	assert_int_equal(s.sys[0].interval.count, 1);

	/* b comes back restarted (counters from 0): counted from 0, never negative. */
	tick(m, &s, 13, 7, 4, 0, true);
	assert_int_equal(s.hosts[1].calls, 4);
	assert_int_equal(s.sys[0].interval.count, 4);
	snapshot_free(&s);
	fleet_model_free(m);
}

/* A key unseen for more than 600 ticks is forgotten: back, it counts from zero. */
static void test_forget(void **state)
{
	struct fleet_model *m = fleet_model_new("host");
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	tick(m, &s, 1, 0, 100, 0, true);
	tick(m, &s, 1, 0, 110, 0, true);
	for (int i = 0; i < 64; i++)	/* b down for a while, not yet forgotten */
		tick(m, &s, 1, 0, 0, 0, false);
	tick(m, &s, 1, 0, 115, 0, true);
	assert_int_equal(s.hosts[1].calls, 5);
	for (int i = 0; i < 700; i++)
		tick(m, &s, 1, 0, 0, 0, false);
	tick(m, &s, 1, 0, 120, 0, true);
	assert_int_equal(s.hosts[1].calls, 120);
	assert_int_equal(s.hosts[0].calls, 0);	/* a, seen all along, is not affected */
	assert_int_equal(s.hosts[0].calls_total, 1);
	tick(m, &s, 1, 0, 121, 0, true);
	assert_int_equal(s.hosts[1].calls, 1);
	snapshot_free(&s);
	fleet_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_le_ns),
		cmocka_unit_test(test_merge_two_hosts),
		cmocka_unit_test(test_forget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
