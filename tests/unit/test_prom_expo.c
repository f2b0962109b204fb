/*
 * test_prom_expo.c - the exposition: exact le bounds (values at 2^k-1, 2^k,
 * 2^k+1 land in the right bucket), escaping, text 0.0.4 vs OpenMetrics 1.0.0,
 * Accept negotiation, deterministic order. With PROM_EXPO_DUMP_DIR set it also
 * writes a full exposition in each format there (tests/cli/test_prom_expo.sh
 * checks them with promtool and the python OpenMetrics parser).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/metrics.h"
#include "core/syscall_names.h"
#include "export/prom_expo.h"
#include "metrics_fixture.h"

static struct metrics *new_metrics(size_t max_series, bool fine)
{
	struct metrics_opts o = { .max_series = max_series, .fine_buckets = fine };
	struct metrics *m = metrics_new(&o);

	assert_non_null(m);
	return m;
}

static char *render(const struct metrics *m, const char *host, enum prom_format f)
{
	struct prom_info info = { .version = "1.2.3", .host_label = host };
	struct prom_buf b = { 0 };

	assert_int_equal(prom_render(m, &info, f, 1, &b), 0);
	assert_non_null(b.data);
	assert_int_equal(strlen(b.data), b.len);
	return b.data;
}

/* "0.000001023" -> 1023 (ns); exact. */
static uint64_t parse_ns(const char *s, const char *end)
{
	uint64_t ip = 0, fp = 0;
	int digits = 0;

	for (; s < end && *s != '.'; s++)
		ip = ip * 10 + (uint64_t)(*s - '0');
	if (s < end && *s == '.')
		for (s++; s < end; s++, digits++)
			fp = fp * 10 + (uint64_t)(*s - '0');
	assert_true(digits <= 9);
	for (; digits < 9; digits++)
		fp *= 10;
	return ip * 1000000000ull + fp;
}

/*
 * Check every bucket line of @name in @text against one sample of @v ns:
 * 1 where v <= le, else 0; +Inf 1; _sum exactly v. Returns the number of finite le.
 */
static size_t check_one_sample(const char *text, const char *name, uint64_t v)
{
	char pfx[128], sum[160];
	size_t n_le = 0, plen;
	const char *p = text;
	uint64_t prev_le = 0;
	bool inf = false;

	snprintf(pfx, sizeof(pfx), "%s_bucket{", name);
	plen = strlen(pfx);
	while ((p = strstr(p, pfx))) {
		const char *le = strstr(p, "le=\"") + 4, *q = strchr(le, '"');
		uint64_t cnt = strtoull(strchr(q, ' ') + 1, NULL, 10);

		if (!strncmp(le, "+Inf", 4)) {
			assert_int_equal(cnt, 1);
			inf = true;
		} else {
			uint64_t le_ns = parse_ns(le, q);

			assert_true(le_ns > prev_le);
			prev_le = le_ns;
			if (cnt != (v <= le_ns ? 1u : 0u))
				fail_msg("%s: %llu ns counted %llu at le=%.*s", name,
					 (unsigned long long)v, (unsigned long long)cnt, (int)(q - le), le);
			n_le++;
		}
		p += plen;
	}
	assert_true(inf);
	{
		char buf[32];
		uint64_t f = v % 1000000000ull;
		int n;

		n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(v / 1000000000ull));
		if (f) {
			snprintf(buf + n, sizeof(buf) - (size_t)n, ".%09llu", (unsigned long long)f);
			for (n = (int)strlen(buf); buf[n - 1] == '0'; n--)
				buf[n - 1] = '\0';
		}
		snprintf(sum, sizeof(sum), "%s_sum{comm=\"x\"} %s\n", name, buf);
		if (!strstr(text, sum))
			fail_msg("no '%s'", sum);
	}
	return n_le;
}

static void boundary(uint64_t v, bool fine, size_t want_le)
{
	struct snapshot s;
	struct metrics *m = new_metrics(100, fine);
	char *text;

	snapshot_init(&s);
	fx_fam(&s, SNAP_FAM_RUNQ, "x", NULL, ABI_FAM_ANY, 0, &v, 1);
	assert_int_equal(metrics_ingest(m, &s), 0);
	text = render(m, NULL, PROM_TEXT_004);
	assert_int_equal(check_one_sample(text, "lattop_runq_latency_seconds", v), want_le);
	free(text);
	metrics_free(m);
	snapshot_free(&s);
}

/* 2^k-1, 2^k, 2^k+1 for every power in range and past it, pow2 and fine; every fine bound and +1. */
static void test_boundaries(void **state)
{
	(void)state;
	for (int k = 1; k <= 37; k++) {
		uint64_t p = 1ull << k;

		for (int fine = 0; fine <= 1; fine++) {
			size_t want = fine ? 29 * 8 : 29;

			boundary(p - 1, fine, want);
			boundary(p, fine, want);
			boundary(p + 1, fine, want);
		}
	}
	for (int k = 7; k <= 35; k++)
		for (uint64_t sub = 1; sub <= 8; sub++) {
			uint64_t up = (1ull << k) + (sub << (k - 3)) - 1;

			boundary(up, true, 29 * 8);
			boundary(up + 1, true, 29 * 8);
		}
	boundary(0, false, 29);
}

/* le text is exact decimal, first and last bounds as documented. */
static void test_le_text(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(100, false);
	uint64_t v = 1023;
	char *text;

	(void)state;
	snapshot_init(&s);
	fx_fam(&s, SNAP_FAM_RUNQ, "x", NULL, ABI_FAM_ANY, 0, &v, 1);
	assert_int_equal(metrics_ingest(m, &s), 0);
	text = render(m, NULL, PROM_TEXT_004);
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_bucket{comm=\"x\",le=\"0.000000255\"} 0\n"));
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_bucket{comm=\"x\",le=\"0.000001023\"} 1\n"));
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_bucket{comm=\"x\",le=\"68.719476735\"} 1\n"));
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_bucket{comm=\"x\",le=\"+Inf\"} 1\n"));
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_sum{comm=\"x\"} 0.000001023\n"));
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_count{comm=\"x\"} 1\n"));
	free(text);
	metrics_free(m);
	snapshot_free(&s);
}

static void test_escaping(void **state)
{
	struct snapshot s;
	struct metrics *m = new_metrics(100, false);
	uint64_t v = 1000;
	char *text;

	(void)state;
	snapshot_init(&s);
	fx_fam(&s, SNAP_FAM_RUNQ, "a\"b\\c\nd\xff", NULL, ABI_FAM_ANY, 0, &v, 1);
	assert_int_equal(metrics_ingest(m, &s), 0);
	for (int f = 0; f <= 1; f++) {
		text = render(m, "h\"o\\st\nx\xfe", (enum prom_format)f);
		assert_non_null(strstr(text, "lattop_runq_latency_seconds_count{host=\"h\\\"o\\\\st\\nx\\\\xfe\","
					     "comm=\"a\\\"b\\\\c\\\\x0ad\\\\xff\"} 1\n"));
		/* No raw newline inside a label, no byte that is not UTF-8. */
		assert_null(strstr(text, "st\nx"));
		assert_null(strchr(text, '\xff'));
		assert_null(strchr(text, '\xfe'));
		free(text);
	}
	metrics_free(m);
	snapshot_free(&s);
}

/* A registry with every group and state, for the format tests and the dump. */
static struct metrics *full_metrics(bool fine, struct snapshot *s)
{
	/* Room for all but the last block row: it folds into block's "other". */
	struct metrics *m = new_metrics(METRICS_GROUP_NR + 7, fine);
	const uint64_t lat[] = { 100, 1023, 1024, 70000, 3000000, 2000000000 };
	int rd = syscall_lookup("read"), ns = syscall_lookup("clock_nanosleep");

	snapshot_init(s);
	s->breakdown = true;
	s->clients_state = SNAP_CLIENTS_CONN_ONLY;
	s->fam[SNAP_FAM_RUNQ].state = SNAP_FAM_ON;
	snprintf(s->fam[SNAP_FAM_BLOCK].note, sizeof(s->fam[0].note), "no \"tp\" \\ here\n");
	s->interval.events = 9;
	s->interval.lost = 1;
	s->interval.client_evicted = 2;
	fx_sys(s, 1, "web", (uint32_t)rd, false, 4, 1, lat, 3);
	fx_sys(s, 2, "sl\"ee\\p\n\xff", (uint32_t)ns, true, 6, 0, lat, 6);
	fx_sys(s, 3, "late1", (uint32_t)rd, false, 1, 0, lat, 1);
	fx_sys(s, 4, "late2", (uint32_t)rd, false, 1, 0, lat, 1);
	fx_client(s, "curl", 9, 443, ABI_DIR_OUT, lat, 4);
	fx_fam(s, SNAP_FAM_RUNQ, "web", NULL, ABI_FAM_ANY, 0, lat, 6);
	fx_fam(s, SNAP_FAM_BLOCK, "dd", "loop3", 7u << 20 | 3, ABI_BLOCK_WRITE, lat, 2);
	fx_fam(s, SNAP_FAM_BLOCK, "dd", NULL, 8u << 20 | 1, ABI_BLOCK_READ, lat, 2);
	assert_int_equal(metrics_ingest(m, s), 0);
	return m;
}

static void test_text_vs_openmetrics(void **state)
{
	struct snapshot s;
	struct metrics *m = full_metrics(false, &s);
	char *text = render(m, "h1", PROM_TEXT_004), *om = render(m, "h1", PROM_OPENMETRICS_1);

	(void)state;
	/* Counters: _total in the family name in text, not in OpenMetrics; samples end in _total in both. */
	assert_non_null(strstr(text, "# TYPE lattop_syscall_calls_total counter\n"));
	assert_non_null(strstr(om, "# TYPE lattop_syscall_calls counter\n"));
	assert_null(strstr(om, "# TYPE lattop_syscall_calls_total"));
	assert_non_null(strstr(text, "\nlattop_syscall_calls_total{host=\"h1\",comm=\"web\",syscall=\"read\"} 4\n"));
	assert_non_null(strstr(om, "\nlattop_syscall_calls_total{host=\"h1\",comm=\"web\",syscall=\"read\"} 4\n"));
	/* UNIT only in OpenMetrics; info type only there. */
	assert_non_null(strstr(om, "# UNIT lattop_syscall_latency_seconds seconds\n"));
	assert_non_null(strstr(om, "# UNIT lattop_client_sent_bytes bytes\n"));
	assert_null(strstr(text, "# UNIT"));
	assert_non_null(strstr(om, "# TYPE lattop_build info\n"));
	assert_non_null(strstr(text, "# TYPE lattop_build_info gauge\n"));
	assert_non_null(strstr(text, "lattop_build_info{host=\"h1\",version=\"1.2.3\"} 1\n"));
	/* # EOF ends OpenMetrics only. */
	assert_int_equal(strcmp(om + strlen(om) - 6, "# EOF\n"), 0);
	assert_null(strstr(text, "# EOF"));
	/* The breakdown, folded count, states, process-wide counters. */
	assert_non_null(strstr(text, "lattop_syscall_time_seconds_total{host=\"h1\",comm=\"web\",syscall=\"read\",state=\"oncpu\"}"));
	assert_non_null(strstr(text, "lattop_metrics_folded_label_sets{host=\"h1\",group=\"block\"} 1\n"));
	assert_non_null(strstr(text, "lattop_metrics_folded_label_sets{host=\"h1\",group=\"syscalls\"} 0\n"));
	assert_non_null(strstr(text, "lattop_metrics_max_series{host=\"h1\"} 11\n"));
	assert_non_null(strstr(text, "lattop_metrics_series{host=\"h1\"} 8\n"));
	assert_non_null(strstr(text, "lattop_probe_family_up{host=\"h1\",family=\"clients\",reason=\"\"} 1\n"));
	assert_non_null(strstr(text, "lattop_probe_family_up{host=\"h1\",family=\"block\","
				     "reason=\"no \\\"tp\\\" \\\\ here\\\\x0a\"} 0\n"));
	assert_non_null(strstr(text, "lattop_lost_events_total{host=\"h1\",family=\"syscalls\"} 1\n"));
	assert_non_null(strstr(text, "lattop_evicted_keys_total{host=\"h1\",family=\"clients\"} 2\n"));
	assert_non_null(strstr(text, "lattop_events_total{host=\"h1\"} 9\n"));
	assert_non_null(strstr(text, "lattop_ticks_total{host=\"h1\"} 1\n"));
	assert_non_null(strstr(text, "lattop_dropped_snapshots_total{host=\"h1\"} 0\n"));
	assert_non_null(strstr(text, "\nlattop_scrape_duration_seconds{host=\"h1\"} "));
	assert_non_null(strstr(text, "lattop_block_latency_seconds_count{host=\"h1\",device=\"other\",op=\"other\",comm=\"other\"} 2\n"));
	assert_non_null(strstr(text, "lattop_block_latency_seconds_count{host=\"h1\",device=\"loop3\",op=\"write\",comm=\"dd\"} 2\n"));
	assert_non_null(strstr(text, "lattop_client_request_latency_seconds_count{host=\"h1\",client=\"127.0.0.9\","
				     "port=\"443\",dir=\"out\",comm=\"curl\"} 4\n"));
	free(text);
	free(om);
	metrics_free(m);
	snapshot_free(&s);
}

/* Two renders of one state differ only in the scrape duration; series come sorted. */
static void test_deterministic(void **state)
{
	struct snapshot s;
	struct metrics *m = full_metrics(true, &s);
	char *a = render(m, NULL, PROM_TEXT_004), *b = render(m, NULL, PROM_TEXT_004);
	char *da = strstr(a, "\nlattop_scrape_duration_seconds "), *db = strstr(b, "\nlattop_scrape_duration_seconds ");

	(void)state;
	assert_non_null(da);
	assert_non_null(db);
	assert_int_equal(da - a, db - b);
	assert_memory_equal(a, b, (size_t)(da - a));
	assert_true(strstr(a, "comm=\"late1\",syscall=\"read\",le=") < strstr(a, "comm=\"late2\",syscall=\"read\",le="));
	assert_true(strstr(a, "comm=\"late2\",syscall=\"read\",le=") < strstr(a, "comm=\"web\",syscall=\"read\",le="));
	free(a);
	free(b);
	metrics_free(m);
	snapshot_free(&s);
}

static void test_negotiate(void **state)
{
	(void)state;
	assert_int_equal(prom_negotiate(NULL), PROM_TEXT_004);
	assert_int_equal(prom_negotiate(""), PROM_TEXT_004);
	assert_int_equal(prom_negotiate("text/plain"), PROM_TEXT_004);
	assert_int_equal(prom_negotiate("*/*"), PROM_TEXT_004);
	assert_int_equal(prom_negotiate("application/json"), PROM_TEXT_004);
	assert_int_equal(prom_negotiate("application/openmetrics-text"), PROM_OPENMETRICS_1);
	assert_int_equal(prom_negotiate("application/openmetrics-text;version=1.0.0"), PROM_OPENMETRICS_1);
	assert_int_equal(prom_negotiate("APPLICATION/OpenMetrics-Text ; Version = 1.0.0"), PROM_OPENMETRICS_1);
	/* Prometheus 2.42's default scrape Accept. */
	assert_int_equal(prom_negotiate("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
					"version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
			 PROM_OPENMETRICS_1);
	/* Only 1.0.0 is written; q=0 refuses; text preferred by q wins. */
	assert_int_equal(prom_negotiate("application/openmetrics-text;version=0.0.1"), PROM_TEXT_004);
	assert_int_equal(prom_negotiate("application/openmetrics-text;q=0"), PROM_TEXT_004);
	assert_int_equal(prom_negotiate("application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.9"),
			 PROM_TEXT_004);
	assert_int_equal(prom_negotiate("text/plain;q=0.3, application/openmetrics-text;q=0.4"),
			 PROM_OPENMETRICS_1);
	assert_int_equal(prom_negotiate("application/openmetrics-text;q=bogus"), PROM_TEXT_004);
	assert_int_equal(prom_negotiate(";;,,;=,application/openmetrics-text;;q"), PROM_OPENMETRICS_1);
	assert_string_equal(prom_content_type(PROM_TEXT_004), "text/plain; version=0.0.4; charset=utf-8");
	assert_string_equal(prom_content_type(PROM_OPENMETRICS_1),
			    "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

static void dump(const char *dir, const char *name, const char *text)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static struct metrics *cgroup_metrics(struct snapshot *s);

/* Full expositions to $PROM_EXPO_DUMP_DIR for promtool and the python parser. */
static void test_dump(void **state)
{
	const char *dir = getenv("PROM_EXPO_DUMP_DIR");

	(void)state;
	for (int fine = 0; fine <= 1; fine++) {
		struct snapshot s;
		struct metrics *m = full_metrics(fine, &s);
		char *text = render(m, "host-a", PROM_TEXT_004), *om = render(m, "host-a", PROM_OPENMETRICS_1);

		if (dir) {
			dump(dir, fine ? "fine.prom" : "pow2.prom", text);
			dump(dir, fine ? "fine.om" : "pow2.om", om);
		}
		free(text);
		free(om);
		metrics_free(m);
		snapshot_free(&s);
	}
	if (dir) {	/* --metrics-cgroup's labels, hostile name included */
		struct snapshot s;
		struct metrics *m = cgroup_metrics(&s);
		char *text = render(m, "host-a", PROM_TEXT_004), *om = render(m, "host-a",
									   PROM_OPENMETRICS_1);

		dump(dir, "cgroup.prom", text);
		dump(dir, "cgroup.om", om);
		free(text);
		free(om);
		metrics_free(m);
		snapshot_free(&s);
	}
}

/*
 * --metrics-cgroup: a cgroup label on every series, label sets of different
 * cgroups apart, hostile names escaped, id 0 as "", and the label sets
 * bounded by max_series (past it: comm, syscall and cgroup all "other").
 */
static struct metrics *cgroup_metrics(struct snapshot *s)
{
	struct metrics_opts o = { .max_series = METRICS_GROUP_NR + 4, .cgroup_label = true };
	struct metrics *m = metrics_new(&o);
	const uint64_t lat[] = { 1000, 2000 };
	int rd = syscall_lookup("read");
	struct snap_cgroup *cg;

	assert_non_null(m);
	snapshot_init(s);
	cg = snapshot_add_cgroup(s);
	cg->id = 7;
	strcpy(cg->name, "web.service");
	cg = snapshot_add_cgroup(s);
	cg->id = 9;
	strcpy(cg->name, "ev\"il\n\xff");
	s->cgroups_state = SNAP_CGROUPS_ON;
	fx_sys(s, 1, "web", (uint32_t)rd, false, 4, 0, lat, 2)->cgroup_id = 7;
	fx_sys(s, 2, "web", (uint32_t)rd, false, 3, 0, lat, 2)->cgroup_id = 9;
	fx_sys(s, 3, "web", (uint32_t)rd, false, 2, 0, lat, 2)->cgroup_id = 0;
	fx_client(s, "web", 9, 443, ABI_DIR_IN, lat, 2)->key.cgid = 7;
	fx_fam(s, SNAP_FAM_RUNQ, "web", NULL, ABI_FAM_ANY, 0, lat, 2)->key.cgid = 7;	/* 5th: folded */
	assert_int_equal(metrics_ingest(m, s), 0);
	return m;
}

static void test_cgroup_label(void **state)
{
	struct snapshot s;
	struct metrics *m = cgroup_metrics(&s);
	char *text;

	(void)state;
	assert_true(metrics_series(m) <= METRICS_GROUP_NR + 4);
	text = render(m, NULL, PROM_TEXT_004);
	assert_non_null(strstr(text, "lattop_syscall_calls_total{comm=\"web\",syscall=\"read\","
				     "cgroup=\"web.service\"} 4\n"));
	assert_non_null(strstr(text, "lattop_syscall_calls_total{comm=\"web\",syscall=\"read\","
				     "cgroup=\"ev\\\"il\\\\x0a\\\\xff\"} 3\n"));
	assert_non_null(strstr(text, "lattop_syscall_calls_total{comm=\"web\",syscall=\"read\","
				     "cgroup=\"\"} 2\n"));
	assert_non_null(strstr(text, "lattop_client_connections_total{client=\"127.0.0.9\","
				     "port=\"443\",dir=\"in\",comm=\"web\",cgroup=\"web.service\"}"));
	/* the runq row found no room: its group's catch-all, cgroup "other" too */
	assert_non_null(strstr(text, "lattop_runq_latency_seconds_count{comm=\"other\","
				     "cgroup=\"other\"} 2\n"));
	assert_int_equal(metrics_folded(m, METRICS_RUNQ), 1);
	assert_null(strchr(text, '\xff'));
	free(text);
	metrics_free(m);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_le_text),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_text_vs_openmetrics),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_dump),
		cmocka_unit_test(test_cgroup_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
