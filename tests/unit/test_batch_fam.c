/*
 * test_batch_fam.c - batch text of the family tables: exact summary lines
 * and block titles (busiest first, parts' sums and p99), keys sanitised,
 * a device without a name as MAJ:MIN, the filter, a table that is off
 * with its note, a table that is on without rows; and the syscall
 * breakdown's columns and sentence.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "core/family.h"
#include "core/filter.h"
#include "core/hist.h"
#include "core/syscall_names.h"
#include "export/batch_fam.h"
#include "export/batch_text.h"

static void put(struct snapshot *s, struct snap_hist *out, uint64_t lat_ns, uint64_t n)
{
	static struct abi_hist h;

	memset(&h, 0, sizeof(h));
	if (n) {
		h.count = h.timed = n;
		h.sum_ns = lat_ns * n;
		h.max_ns = lat_ns;
		h.slots[abi_hist_slot(lat_ns)] = n;
	}
	assert_int_equal(snapshot_put_hist(s, out, &h), 0);
}

static struct snap_fam_row *row(struct snapshot *s, enum snap_family f, uint32_t pid,
				const char *comm, const char *label, uint32_t dev, uint32_t op)
{
	struct snap_fam_row *r = snapshot_add_fam(s, f);

	assert_non_null(r);
	r->key.tgid = pid;
	r->key.a = f == SNAP_FAM_BLOCK ? dev : ABI_FAM_ANY;
	r->key.b = op;
	memcpy(r->key.comm, comm, strnlen(comm, ABI_COMM_LEN));
	if (label)
		strcpy(r->label, label);
	return r;
}

static void build(struct snapshot *s)
{
	struct snap_fam_row *r;

	snapshot_init(s);
	s->seq = 3;
	s->interval_ns = 1000000000;
	s->fam[SNAP_FAM_RUNQ].state = SNAP_FAM_ON;
	r = row(s, SNAP_FAM_RUNQ, 42, "\x1b[31mev", NULL, 0, 0);
	put(s, &r->interval, 10000, 100);	/* 1 ms in all */
	put(s, &r->total, 10000, 1000);	/* 10 ms since start: first in cumulative */
	r = row(s, SNAP_FAM_RUNQ, 7, "nginx", NULL, 0, 0);
	put(s, &r->interval, 50000, 100);	/* 5 ms: first */
	put(s, &r->total, 50000, 100);
	s->fam[SNAP_FAM_BLOCK].state = SNAP_FAM_ON;
	r = row(s, SNAP_FAM_BLOCK, 9, "dd", "", (7u << 20) | 3, ABI_BLOCK_WRITE);
	put(s, &r->interval, 3000000, 10);
	put(s, &r->total, 3000000, 10);
	put(s, &r->part[0], 1000000, 10);
	put(s, &r->part_total[0], 1000000, 10);
	put(s, &r->part[1], 2000000, 10);
	put(s, &r->part_total[1], 2000000, 10);
}

static void test_tables(void **state)
{
	struct batch_text_opts o = { .top_n = 1 };
	struct snapshot s;
	struct capture c;
	char *out;

	(void)state;
	build(&s);
	capture_open(&c);
	assert_int_equal(batch_fam_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_null(strchr(out, '\x1b'));
	/* one block per table (--top 1): the busiest row */
	assert_non_null(strstr(out, "\n  run-queue latency: runnable (woken or preempted) -> running\n"
				   "\n  runqueue nginx[7] (ns)  [100 events, 0 errors, p50 "));
	assert_null(strstr(out, "runqueue ?[31mev[42] (ns)"));
	assert_non_null(strstr(out, "  PID     COMM             CPU      COUNT   ERRORS      P50"));
	assert_non_null(strstr(out, "\n  7       nginx            all        100        0 "));
	assert_non_null(strstr(out, "\n  42      ?[31mev          all        100        0 "));
	assert_true(strstr(out, "\n  7       nginx") < strstr(out, "\n  42      ?[31mev"));
	/* block: no device name -> MAJ:MIN; the parts' sums and p99 */
	assert_non_null(strstr(out, "  block 7:3 dd[9] write (ns)  [10 events, 0 errors, p50 "));
	assert_non_null(strstr(out, "QUEUE SUM  QUEUE P99 DEVICE SUM DEVICE P99\n"));
	assert_non_null(strstr(out, "     10.0ms"));
	assert_non_null(strstr(out, "     20.0ms"));
	assert_non_null(strstr(out, "           value  ------------- Distribution ------------- count\n"));
	free(out);

	/* cumulative: the ev row (1000 waits, 10 ms) goes first */
	o.cumulative = true;
	capture_open(&c);
	assert_int_equal(batch_fam_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	if (!strstr(out, "runqueue ?[31mev[42] (ns)  [1000 events"))
		fail_msg("%s", out);
	free(out);
	snapshot_free(&s);
}

static void test_filter_and_states(void **state)
{
	struct batch_text_opts o = { .top_n = 5 };
	struct snapshot s;
	struct capture c;
	struct filter f;
	char err[128], *out;

	(void)state;
	build(&s);
	assert_int_equal(filter_parse(&f, "comm:nginx", err, sizeof(err)), 0);
	o.filter = &f;
	s.fam[SNAP_FAM_BLOCK].state = SNAP_FAM_OFF;
	strcpy(s.fam[SNAP_FAM_BLOCK].note, "block_rq_issue: tracepoint missing");
	capture_open(&c);
	assert_int_equal(batch_fam_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "nginx[7]"));
	assert_null(strstr(out, "ev[42]"));
	assert_non_null(strstr(out, "  block: off, block_rq_issue: tracepoint missing\n"));
	assert_null(strstr(out, "block I/O latency"));
	free(out);
	/* on, but nothing in the view */
	s.fam[SNAP_FAM_BLOCK].state = SNAP_FAM_ON;
	s.fam[SNAP_FAM_BLOCK].note[0] = '\0';
	assert_int_equal(filter_parse(&f, "comm:nothing", err, sizeof(err)), 0);
	capture_open(&c);
	assert_int_equal(batch_fam_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "(no run-queue latency rows in this view)"));
	assert_non_null(strstr(out, "(no block I/O latency rows in this view)"));
	free(out);
	/* off without a note: nothing at all */
	s.fam[SNAP_FAM_RUNQ].state = s.fam[SNAP_FAM_BLOCK].state = SNAP_FAM_OFF;
	capture_open(&c);
	assert_int_equal(batch_fam_write(c.f, &s, &o), 0);
	out = capture_close(&c);
	assert_string_equal(out, "");
	free(out);
	snapshot_free(&s);
}

/* A syscall row with the breakdown: its columns and its sentence. */
static void test_breakdown(void **state)
{
	struct snapshot s;
	struct snap_sys_row *r;
	struct capture c;
	char *out;

	(void)state;
	snapshot_init(&s);
	s.breakdown = true;
	r = snapshot_add_sys(&s);
	r->pid = 5;
	r->nr = (uint32_t)syscall_lookup("read");
	strcpy(r->comm, "pg");
	put(&s, &r->interval, 12000000, 10);	/* 120 ms: 80 % I/O, 15 % run queue, 5 % CPU */
	r->interval.part_ns[ABI_PART_IO] = 96000000;
	r->interval.part_ns[ABI_PART_RUNQ] = 18000000;
	r->interval.part_ns[ABI_PART_ONCPU] = 6000000;
	put(&s, &r->total, 12000000, 10);
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, NULL), 0);
	out = capture_close(&c);
	if (!strstr(out, "]\n  read p99 12.0ms - 80% waiting for I/O, 15% waiting for a CPU, 5% on CPU\n"))
		fail_msg("%s", out);
	assert_non_null(strstr(out, "    MAX  CPU% RUNQ%   IO%  BLK%\n"));
	assert_non_null(strstr(out, "   12.0ms    5%   15%   80%    0%\n"));
	free(out);
	s.breakdown = false;
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, NULL), 0);
	out = capture_close(&c);
	assert_null(strstr(out, "CPU%"));
	assert_null(strstr(out, "waiting for I/O"));
	free(out);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_filter_and_states),
		cmocka_unit_test(test_breakdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
