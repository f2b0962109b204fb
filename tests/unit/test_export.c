/*
 * test_export.c - batch text goldens (DTrace quantize layout, summary table),
 * duration formatting, JSON validity and values, and that untrusted process
 * names never reach either output raw.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit/capture.h"

#include "core/filter.h"
#include "core/hist.h"
#include "core/snapshot.h"
#include "core/syscall_names.h"
#include "export/batch_text.h"
#include "export/fmt_duration.h"
#include "export/json.h"

#define EVIL_COMM "\x1b[31mev\r\til\b"

/* Captures a writer's output in memory. */
/* @n calls of exactly @lat_ns each, @errors of them failed. */
static void hist_fill(struct abi_hist *h, uint64_t n, uint64_t lat_ns, uint64_t errors)
{
	memset(h, 0, sizeof(*h));
	h->count = n;
	h->timed = n;
	h->errors = errors;
	h->sum_ns = n * lat_ns;
	h->max_ns = n ? lat_ns : 0;
	h->slots[abi_hist_slot(lat_ns)] = n;
}

/* hist_fill, stored sparse in @s as *@out. */
static void put_fill(struct snapshot *s, struct snap_hist *out, uint64_t n, uint64_t lat_ns,
		     uint64_t errors)
{
	struct abi_hist h;

	hist_fill(&h, n, lat_ns, errors);
	assert_int_equal(snapshot_put_hist(s, out, &h), 0);
}

static struct snap_sys_row *add_row(struct snapshot *s, uint32_t pid, const char *comm,
				    const char *sys)
{
	struct snap_sys_row *r = snapshot_add_sys(s);
	int nr = syscall_lookup(sys);

	assert_non_null(r);
	assert_true(nr >= 0);
	r->pid = pid;
	r->nr = (uint32_t)nr;
	r->pstart_ns = 1000 + pid;
	memcpy(r->comm, comm, strnlen(comm, sizeof(r->comm)));
	return r;
}

/*
 * Tick 7: nginx read (busiest), postgres write (5 calls, all at 960 ns, one
 * error), and a process whose name carries ESC, CR, TAB and BS.
 */
static void build_snapshot(struct snapshot *s)
{
	struct snap_sys_row *r;
	struct abi_hist h;

	snapshot_init(s);
	s->seq = 7;
	s->ts_ns = 1700000000ull * 1000000000ull;
	s->interval_ns = 1000000000ull;
	s->elapsed_ns = 7000000000ull;
	s->simulated = true;
	s->sample_every = 4;
	snprintf(s->source, sizeof(s->source), "bpf");
	s->interval = (struct snap_counters){ .events = 37, .lost = 2, .evicted = 1,
					     .dropped_snapshots = 3 };
	s->total = (struct snap_counters){ .events = 370, .lost = 20, .evicted = 10,
					  .dropped_snapshots = 30 };

	r = add_row(s, 1201, "nginx", "read");
	memset(&h, 0, sizeof(h));
	h.count = h.timed = 30;
	h.slots[abi_hist_slot(2048)] = 12;
	h.slots[abi_hist_slot(4096)] = 18;
	h.sum_ns = 12 * 2048 + 18 * 4096;
	h.max_ns = 4096;
	h.errors = 3;
	assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
	put_fill(s, &r->total, 300, 4096, 30);

	r = add_row(s, 842, "postgres", "write");
	put_fill(s, &r->interval, 5, 960, 1);
	put_fill(s, &r->total, 50, 960, 10);

	r = add_row(s, 666, EVIL_COMM, "openat");
	put_fill(s, &r->interval, 2, 12288, 0);
	put_fill(s, &r->total, 2, 12288, 0);

	/* idle this interval: only in cumulative views */
	r = add_row(s, 612, "sshd", "close");
	put_fill(s, &r->interval, 0, 0, 0);
	put_fill(s, &r->total, 9, 1500, 0);
}

static void test_fmt_duration(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} cases[] = {
		{ 0, "0ns" },		{ 812, "812ns" },	{ 999, "999ns" },
		{ 1000, "1.00us" },	{ 1005, "1.01us" },	{ 9996, "10.0us" },
		{ 12400, "12.4us" },	{ 99950, "100us" },	{ 999499, "999us" },
		{ 999500, "1.00ms" },	{ 3210000, "3.21ms" },	{ 1500000000, "1.50s" },
		{ 1234567890123ull, "1235s" },
	};
	char buf[FMT_DURATION_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = fmt_duration_ns(buf, sizeof(buf), cases[i].ns);

		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
	fmt_duration_ns(buf, sizeof(buf), UINT64_MAX);
	assert_string_equal(buf, "18446744074s");
	/* truncates safely */
	fmt_duration_ns(buf, 4, 3210000);
	assert_string_equal(buf, "3.2");
}

static void test_quantize_golden(void **state)
{
	static const char want[] =
		"           value  ------------- Distribution ------------- count\n"
		"            1024 |                                         0\n"
		"            2048 |@@@@@@@@@@@@@@@@                         12\n"
		"            4096 |@@@@@@@@@@@@@@@@@@@@@@@@                 18\n"
		"            8192 |                                         0\n";
	struct snapshot s;
	struct capture c;
	struct abi_hist h;
	char *out;

	(void)state;
	build_snapshot(&s);
	capture_open(&c);
	snapshot_hist_expand(&s, &s.sys[0].interval, &h);
	assert_int_equal(batch_text_quantize(c.f, &h), 0);
	out = capture_close(&c);
	assert_string_equal(out, want);
	free(out);

	/* rounding as DTrace: 1 of 3 -> 13.33 -> 13, 2 of 3 -> 26.67 -> 27 */
	memset(&h, 0, sizeof(h));
	h.count = h.timed = 3;
	h.slots[abi_hist_slot(0)] = 1;
	h.slots[abi_hist_slot(1)] = 2;
	capture_open(&c);
	assert_int_equal(batch_text_quantize(c.f, &h), 0);
	out = capture_close(&c);
	assert_string_equal(out,
		"           value  ------------- Distribution ------------- count\n"
		"               0 |@@@@@@@@@@@@@                            1\n"
		"               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@              2\n"
		"               2 |                                         0\n");
	free(out);

	/* empty histogram: nothing */
	memset(&h, 0, sizeof(h));
	capture_open(&c);
	assert_int_equal(batch_text_quantize(c.f, &h), 0);
	out = capture_close(&c);
	assert_string_equal(out, "");
	free(out);
	snapshot_free(&s);
}

/* Every line of @text: no byte below 0x20 other than '\n', no DEL. */
static void assert_no_controls(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p != '\n')
			assert_true(*p >= 0x20 && *p != 0x7f);
}

static void test_batch_text(void **state)
{
	struct batch_text_opts o = { .top_n = 2 };
	struct snapshot s;
	struct capture c;
	char *out, *read_blk, *open_blk, *write_blk, *table;

	(void)state;
	build_snapshot(&s);
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, &o), 0);
	out = capture_close(&c);

	/* header: local time, tick, interval, SIMULATED, sampling, interval counters */
	assert_non_null(strstr(out, "  tick 7  interval 1.00s  SIMULATED  timing 1 in 4  "
				    "interval view  events 37 lost 2 evicted 1 dropped 3\n"));
	assert_int_equal(strcspn(out, "\n"), strlen("2023-11-14 22:13:20") +
			 strlen("  tick 7  interval 1.00s  SIMULATED  timing 1 in 4  "
				"interval view  events 37 lost 2 evicted 1 dropped 3"));

	/* top 2 syscalls by time: read (135 us), then write? no: openat 24.6 us > write 4.8 us */
	read_blk = strstr(out, "\n  read (ns)  [30 calls, 3 errors, p50 ");
	open_blk = strstr(out, "\n  openat (ns)  [2 calls, 0 errors, p50 12.3us, p99 12.3us, "
			       "max 12.3us]\n");
	write_blk = strstr(out, "\n  write (ns)");
	assert_non_null(read_blk);
	assert_non_null(open_blk);
	assert_null(write_blk);
	assert_true(read_blk < open_blk);
	assert_non_null(strstr(read_blk,
		"]\n           value  ------------- Distribution ------------- count\n"
		"            1024 |                                         0\n"
		"            2048 |@@@@@@@@@@@@@@@@                         12\n"
		"            4096 |@@@@@@@@@@@@@@@@@@@@@@@@                 18\n"
		"            8192 |                                         0\n"));

	/* summary: header, rows by time, names sanitised, idle rows left out */
	table = strstr(out, "\n  SYSCALL          PROCESS                      CALLS   ERRORS"
			    "      P50      P90      P99    P99.9      MAX\n");
	assert_non_null(table);
	assert_non_null(strstr(table, "\n  openat           ?[31mev??il?[666]                2"
				      "        0   12.3us   12.3us   12.3us   12.3us   12.3us\n"));
	assert_non_null(strstr(table, "\n  write            postgres[842]                    5"
				      "        1    960ns    960ns    960ns    960ns    960ns\n"));
	assert_true(strstr(table, "nginx[1201]") < strstr(table, "[666]"));
	assert_true(strstr(table, "[666]") < strstr(table, "postgres[842]"));
	assert_null(strstr(out, "sshd"));
	assert_no_controls(out);
	free(out);

	/* the final tick (cut short by a signal) is marked in its header */
	s.final = true;
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "  tick 7  interval 1.00s  FINAL (cut short by a signal)"));
	free(out);
	s.final = false;

	/* cumulative: totals, idle rows back, default top_n */
	o.cumulative = true;
	o.top_n = 0;
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "  cumulative  events 370 lost 20 evicted 10 dropped 30\n"));
	assert_non_null(strstr(out, "\n  read (ns)  [300 calls, 30 errors, "));
	assert_non_null(strstr(out, "\n  close (ns)  [9 calls, 0 errors, "));
	assert_non_null(strstr(out, "sshd[612]"));
	assert_no_controls(out);
	free(out);

	/* filter */
	struct filter f;
	char err[128];

	assert_int_equal(filter_parse(&f, "postgres", err, sizeof(err)), 0);
	o.cumulative = false;
	o.filter = &f;
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "\n  write (ns)  [5 calls, 1 errors, p50 960ns, p99 960ns, "
				    "max 960ns]\n"));
	assert_null(strstr(out, "read"));
	assert_null(strstr(out, "nginx"));
	free(out);

	/* nothing matches */
	assert_int_equal(filter_parse(&f, "nosuchprocess", err, sizeof(err)), 0);
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "(no syscalls in this view)"));
	free(out);
	snapshot_free(&s);
}

/*
 * Validate with python3's json module and check values there. Returns the
 * script's exit status; 77 when python3 is missing.
 */
static int python_check(const char *json, const char *script)
{
	char path[] = "/tmp/test_export_XXXXXX", cmd[4096];
	FILE *f;
	int fd, st;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(json, f);
	assert_int_equal(fclose(f), 0);
	snprintf(cmd, sizeof(cmd), "python3 -c '%s' %s", script, path);
	st = system(cmd);
	unlink(path);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char py_interval[] =
	"import json, sys\n"
	"lines = open(sys.argv[1]).read().split(\"\\n\")\n"
	"assert len(lines) == 2 and lines[1] == \"\", lines\n"
	"o = json.loads(lines[0])\n"
	"assert o[\"seq\"] == 7 and o[\"interval_ns\"] == 10**9\n"
	"assert o[\"elapsed_ns\"] == 7 * 10**9\n"
	"assert o[\"ts_ns\"] == 1700000000 * 10**9\n"
	"assert o[\"source\"] == \"bpf\" and o[\"simulated\"] is True\n"
	"assert \"final\" not in o\n"
	"assert o[\"sample_every\"] == 4\n"
	"assert o[\"mode\"] == \"interval\" and o[\"filter\"] == \"a\\\"b\\\\c?\"\n"
	"assert o[\"counters\"] == {\"events\": 37, \"lost\": 2, \"evicted\": 1, "
	"\"dropped_snapshots\": 3, \"client_evicted\": 0, \"client_lost\": 0}\n"
	"assert o[\"clients_state\"] == \"off\" and o[\"clients\"] == []\n"
	"assert o[\"counters_total\"][\"events\"] == 370\n"
	"rows = {r[\"syscall\"]: r for r in o[\"syscalls\"]}\n"
	"assert sorted(rows) == [\"openat\", \"read\", \"write\"], rows.keys()\n"
	"r = rows[\"read\"]\n"
	"assert r[\"pid\"] == 1201 and r[\"comm\"] == \"nginx\" and r[\"nr\"] == 0\n"
	"assert r[\"count\"] == 30 and r[\"errors\"] == 3 and r[\"timed\"] == 30\n"
	"assert r[\"sum_ns\"] == 12 * 2048 + 18 * 4096 and r[\"max_ns\"] == 4096\n"
	"assert r[\"buckets\"] == [[2303, 12], [4607, 18]], r[\"buckets\"]\n"
	"assert 2048 <= r[\"p50_ns\"] <= 4096 and r[\"p99_ns\"] <= 4096\n"
	"assert r[\"total\"] == {\"count\": 300, \"errors\": 30, \"sum_ns\": 300 * 4096, "
	"\"max_ns\": 4096}\n"
	"w = rows[\"write\"]\n"
	"assert [w[k] for k in (\"p50_ns\", \"p90_ns\", \"p99_ns\", \"p999_ns\")] == [960] * 4\n"
	"e = rows[\"openat\"][\"comm\"]\n"
	"assert e == \"?[31mev??il?\", repr(e)\n"
	"assert all(ord(ch) >= 32 for r in o[\"syscalls\"] for ch in r[\"comm\"])\n";

static const char py_cumulative[] =
	"import json, sys\n"
	"o = json.loads(open(sys.argv[1]).read())\n"
	"assert o[\"mode\"] == \"cumulative\" and o[\"filter\"] == \"\"\n"
	"rows = {r[\"syscall\"]: r for r in o[\"syscalls\"]}\n"
	"assert sorted(rows) == [\"close\", \"openat\", \"read\", \"write\"], rows.keys()\n"
	"assert rows[\"read\"][\"count\"] == 300 and \"total\" not in rows[\"read\"]\n"
	"assert rows[\"close\"][\"buckets\"] == [[1535, 9]], rows[\"close\"][\"buckets\"]\n";

static const char py_filtered[] =
	"import json, sys\n"
	"o = json.loads(open(sys.argv[1]).read())\n"
	"assert [r[\"syscall\"] for r in o[\"syscalls\"]] == [\"read\"]\n";

static const char py_empty[] =
	"import json, sys\n"
	"o = json.loads(open(sys.argv[1]).read())\n"
	"assert o[\"syscalls\"] == [] and o[\"source\"] == \"\"\n";

static void test_json(void **state)
{
	struct json_opts o = { .filter_text = "a\"b\\c\x1b" };
	struct snapshot s;
	struct capture c;
	struct filter f;
	char err[128], *out;
	int rc;

	(void)state;
	if (system("python3 -c pass >/dev/null 2>&1") != 0)
		skip();
	build_snapshot(&s);
	capture_open(&c);
	assert_int_equal(json_write_tick(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_no_controls(out);
	assert_null(strchr(out, '\x1b'));
	/* exact spelling of a few fields */
	assert_non_null(strstr(out, "{\"schema\":2,\"ts_ns\":1700000000000000000,\"seq\":7,"));
	assert_non_null(strstr(out, "\"buckets\":[[2303,12],[4607,18]]"));
	rc = python_check(out, py_interval);
	if (rc)
		print_message("%s\n", out);
	assert_int_equal(rc, 0);
	free(out);

	o = (struct json_opts){ .cumulative_only = true };
	capture_open(&c);
	assert_int_equal(json_write_tick(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_int_equal(python_check(out, py_cumulative), 0);
	free(out);

	/* the tick cut short by a stop signal, and only it, says so */
	s.final = true;
	capture_open(&c);
	assert_int_equal(json_write_tick(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "\"seq\":7,\"final\":true,\"interval_ns\":1000000000,"));
	free(out);
	s.final = false;

	assert_int_equal(filter_parse(&f, "sys:read", err, sizeof(err)), 0);
	o = (struct json_opts){ .filter = &f, .filter_text = "sys:read" };
	capture_open(&c);
	assert_int_equal(json_write_tick(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_int_equal(python_check(out, py_filtered), 0);
	free(out);

	/* an empty snapshot is still one valid object */
	snapshot_free(&s);
	snapshot_init(&s);
	capture_open(&c);
	assert_int_equal(json_write_tick(c.f, &s, NULL), 0);
	out = capture_close(&c);
	assert_int_equal(python_check(out, py_empty), 0);
	free(out);
	snapshot_free(&s);
}

/* A stream that fails reports -EIO. */
static void test_write_error(void **state)
{
	struct snapshot s;
	FILE *f;

	(void)state;
	f = fopen("/dev/full", "w");
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	build_snapshot(&s);
	assert_int_equal(json_write_tick(f, &s, NULL), -EIO);
	clearerr(f);
	assert_int_equal(batch_text_write(f, &s, NULL), -EIO);
	fclose(f);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_duration),
		cmocka_unit_test(test_quantize_golden),
		cmocka_unit_test(test_batch_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_write_error),
	};

	/* the header's timestamp is local time: pin the zone */
	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
