/*
 * test_waits.c - the work/wait split: the classification list and the table
 * the kernel side gets, the row flag from the key's nr word, filters and
 * views over work and wait rows, and the flag in JSON and batch text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "core/filter.h"
#include "core/model.h"
#include "core/syscall_names.h"
#include "core/view.h"
#include "core/wait_class.h"
#include "export/batch_text.h"
#include "export/json.h"

static uint32_t nr_of(const char *name)
{
	int nr = syscall_lookup(name);

	assert_true(nr >= 0);
	return (uint32_t)nr;
}

/* Every name of the list is a syscall here (a typo would silently classify nothing). */
static void test_list_names_exist(void **state)
{
	(void)state;
	assert_true(wait_class_list_len >= 20);
	for (size_t i = 0; i < wait_class_list_len; i++) {
		if (syscall_lookup(wait_class_list[i].name) < 0)
			fail_msg("wait list names '%s', not a syscall", wait_class_list[i].name);
		assert_true(wait_class_list[i].cls > ABI_SYS_WORK &&
			    wait_class_list[i].cls < ABI_SYS_CLASS_KINDS);
	}
}

static void test_table(void **state)
{
	static const char *const waits[] = { "nanosleep", "clock_nanosleep", "poll", "ppoll",
					      "select", "pselect6", "epoll_wait", "epoll_pwait",
					      "epoll_pwait2", "wait4", "waitid", "pause",
					      "rt_sigtimedwait", "rt_sigsuspend" };
	static const char *const by_fd[] = { "read", "readv", "recvfrom", "recvmsg", "recvmmsg",
					     "accept", "accept4" };
	static const char *const work[] = { "getppid", "write", "openat", "fsync", "pread64",
					    "close", "sendto", "mmap", "execve", "futex_wake" };
	uint8_t t[ABI_SYS_CLASS_NR];
	size_t classified = 0;

	(void)state;
	memset(t, 0xee, sizeof(t));
	wait_class_fill(t, sizeof(t));
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		assert_int_equal(t[nr_of(waits[i])], ABI_SYS_WAIT);
		assert_true(wait_class_always(nr_of(waits[i])));
	}
	for (size_t i = 0; i < sizeof(by_fd) / sizeof(by_fd[0]); i++) {
		assert_int_equal(t[nr_of(by_fd[i])], ABI_SYS_WAIT_FD0);
		assert_false(wait_class_always(nr_of(by_fd[i])));	/* per call only */
	}
	assert_int_equal(t[nr_of("futex")], ABI_SYS_WAIT_FUTEX);
	assert_false(wait_class_always(nr_of("futex")));
	for (size_t i = 0; i < sizeof(work) / sizeof(work[0]); i++) {
		int nr = syscall_lookup(work[i]);

		if (nr < 0)
			continue;	/* futex_wake is new: not on every kernel's table */
		assert_int_equal(t[nr], ABI_SYS_WORK);
		assert_int_equal(wait_class_of((uint32_t)nr), ABI_SYS_WORK);
	}
	/* Every byte written, and exactly the list's entries are not work. */
	for (size_t i = 0; i < sizeof(t); i++) {
		assert_true(t[i] < ABI_SYS_CLASS_KINDS);
		classified += t[i] != ABI_SYS_WORK;
	}
	assert_int_equal(classified, wait_class_list_len);
	/* A short table gets what fits; numbers past the architecture's are work. */
	memset(t, 0xee, sizeof(t));
	wait_class_fill(t, 8);
	if (nr_of("read") < 8)	/* 0 on x86-64 */
		assert_int_equal(t[nr_of("read")], ABI_SYS_WAIT_FD0);
	assert_int_equal(t[8], 0xee);
	assert_int_equal(wait_class_of(100000), ABI_SYS_WORK);
	assert_false(wait_class_always(UINT32_MAX));
}

static void test_label(void **state)
{
	char buf[40];

	(void)state;
	assert_string_equal(wait_class_label(nr_of("read"), false, buf, sizeof(buf)), "read");
	assert_string_equal(wait_class_label(nr_of("read"), true, buf, sizeof(buf)), "read (wait)");
	assert_string_equal(wait_class_label(100000, true, buf, sizeof(buf)), "sys_100000 (wait)");
	wait_class_label(nr_of("clock_nanosleep"), true, buf, 8);
	assert_string_equal(buf, "clock_n");	/* truncated, terminated */
}

/* The key's nr word carries the flag; rows get it split off. */
static void test_key_nr_word(void **state)
{
	struct snap_sys_row r;

	(void)state;
	memset(&r, 0, sizeof(r));
	snap_sys_set_key_nr(&r, nr_of("read") | ABI_SYS_NR_WAIT);
	assert_int_equal(r.nr, nr_of("read"));
	assert_true(r.wait);
	assert_int_equal(snap_sys_key_nr(&r), nr_of("read") | ABI_SYS_NR_WAIT);
	snap_sys_set_key_nr(&r, nr_of("read"));
	assert_false(r.wait);
	assert_int_equal(snap_sys_key_nr(&r), nr_of("read"));
}

/* The model keeps a syscall's work and wait keys apart and emits flagged rows. */
static void test_model_rows(void **state)
{
	struct model *m = model_new(16, 3);
	struct abi_sys_key k = { .tgid = 5, .pstart_ns = 9 };
	static struct abi_hist h;
	struct snapshot s;
	int found = 0;

	(void)state;
	assert_non_null(m);
	snapshot_init(&s);
	memcpy(k.comm, "srv", 4);
	model_begin(m);
	h.count = h.timed = 3;
	h.slots[abi_hist_slot(1000)] = 3;
	h.sum_ns = 3000;
	h.max_ns = 1000;
	k.nr = nr_of("read");
	assert_int_equal(model_update(m, &k, &h), 0);
	h.count = h.timed = 1;
	h.slots[abi_hist_slot(1000)] = 1;
	h.sum_ns = h.max_ns = 1000;
	k.nr = nr_of("read") | ABI_SYS_NR_WAIT;
	assert_int_equal(model_update(m, &k, &h), 0);
	assert_int_equal(model_size(m), 2);
	assert_int_equal(model_emit(m, &s, NULL, NULL, NULL), 0);
	assert_int_equal(s.n_sys, 2);
	for (size_t i = 0; i < s.n_sys; i++) {
		assert_int_equal(s.sys[i].nr, nr_of("read"));
		assert_int_equal(s.sys[i].interval.count, s.sys[i].wait ? 1 : 3);
		found |= 1 << s.sys[i].wait;
	}
	assert_int_equal(found, 3);
	snapshot_free(&s);
	model_free(m);
}

static void put(struct snapshot *s, uint32_t pid, const char *comm, const char *sys, bool wait,
		uint64_t count, uint64_t lat_ns)
{
	struct snap_sys_row *r = snapshot_add_sys(s);
	struct abi_hist h;

	assert_non_null(r);
	r->pid = pid;
	r->pstart_ns = pid * 10ull;
	strncpy(r->comm, comm, sizeof(r->comm) - 1);
	r->nr = nr_of(sys);
	r->wait = wait;
	memset(&h, 0, sizeof(h));
	h.count = h.timed = count;
	h.sum_ns = count * lat_ns;
	h.max_ns = lat_ns;
	h.slots[abi_hist_slot(lat_ns)] = count;
	assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
	assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
}

/* A server reading a file (work) and a socket (wait) in one process, and a sleeper. */
static void build(struct snapshot *s)
{
	snapshot_init(s);
	s->seq = 1;
	s->interval_ns = 1000000000ull;
	snprintf(s->source, sizeof(s->source), "bpf");
	put(s, 10, "server", "read", false, 100, 4000);
	put(s, 10, "server", "read", true, 7, 50000000);
	put(s, 10, "server", "write", false, 50, 6000);
	put(s, 20, "other", "read", false, 30, 2000);
	put(s, 30, "sleeper", "clock_nanosleep", true, 20, 50000000);
}

static const struct view_row *find(const struct view *v, const char *sys, bool wait, uint32_t pid)
{
	for (size_t i = 0; i < v->n; i++)
		if ((sys ? v->rows[i].nr == nr_of(sys) && v->rows[i].wait == wait : true) &&
		    v->rows[i].pid == pid)
			return &v->rows[i];
	return NULL;
}

static void test_filter_and_view(void **state)
{
	struct snapshot s;
	struct filter f;
	struct view v;
	char err[64];
	const struct view_row *r;

	(void)state;
	build(&s);
	view_init(&v);
	filter_clear(&f);
	assert_true(filter_is_empty(&f));
	assert_int_equal(f.waits, FILTER_WAITS_ALL);

	/* All: read is two rows by syscall (work 130 calls, wait 7), merged over processes. */
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_SYSCALL, false), 0);
	assert_int_equal(v.n, 4);
	assert_int_equal(find(&v, "read", false, 0)->hist.count, 130);
	assert_int_equal(find(&v, "read", true, 0)->hist.count, 7);
	assert_int_equal(find(&v, "clock_nanosleep", true, 0)->hist.count, 20);
	view_sort(&v, VIEW_SORT_TIME, true);
	assert_true(v.rows[0].wait);	/* summed waiting dwarfs the work */

	/* Work only: no wait rows, the sleeper's process gone, TIME% over work alone. */
	f.waits = FILTER_WAITS_HIDE;
	assert_false(filter_is_empty(&f));
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_SYSCALL, false), 0);
	assert_int_equal(v.n, 2);
	assert_null(find(&v, "read", true, 0));
	assert_int_equal(find(&v, "read", false, 0)->hist.count, 130);
	assert_int_equal(v.total_sum_ns, 100 * 4000 + 50 * 6000 + 30 * 2000);
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_PROCESS, false), 0);
	assert_int_equal(v.n, 2);
	r = find(&v, NULL, false, 10);
	assert_non_null(r);
	assert_int_equal(r->hist.count, 150);	/* the server's work only */
	assert_false(r->wait);
	assert_null(find(&v, NULL, false, 30));
	/* Waits only (a drill-down into a wait row). */
	f.waits = FILTER_WAITS_ONLY;
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_PROC_SYSCALL, false), 0);
	assert_int_equal(v.n, 2);
	assert_non_null(find(&v, "read", true, 10));
	assert_non_null(find(&v, "clock_nanosleep", true, 30));
	/* Per (process, syscall): the server's read is a work row and a wait row. */
	f.waits = FILTER_WAITS_ALL;
	assert_int_equal(view_build(&v, &s, &f, VIEW_BY_PROC_SYSCALL, false), 0);
	assert_int_equal(v.n, 5);
	assert_int_equal(find(&v, "read", false, 10)->hist.count, 100);
	assert_int_equal(find(&v, "read", true, 10)->hist.count, 7);
	/* By name and pid the two sort next to each other, work first. */
	view_sort(&v, VIEW_SORT_PID, false);
	assert_int_equal(v.rows[0].nr, nr_of("read"));
	assert_false(v.rows[0].wait);
	assert_true(v.rows[1].wait);

	/* The text never carries the choice: parsing gives ALL; terms combine with it. */
	f.waits = FILTER_WAITS_HIDE;
	assert_int_equal(filter_parse(&f, "server sys:read", err, sizeof(err)), 0);
	assert_int_equal(f.waits, FILTER_WAITS_ALL);
	f.waits = FILTER_WAITS_HIDE;
	assert_true(filter_match_sys(&f, &s.sys[0]));
	assert_false(filter_match_sys(&f, &s.sys[1]));	/* the wait read */
	assert_false(filter_match_sys(&f, &s.sys[3]));	/* another process */
	view_free(&v);
	snapshot_free(&s);
}

static void test_outputs(void **state)
{
	struct snapshot s;
	struct capture c;
	char *out;
	const char *p;

	(void)state;
	build(&s);
	/* JSON: every row, with a boolean wait flag. */
	capture_open(&c);
	assert_int_equal(json_write_tick(c.f, &s, NULL), 0);
	out = capture_close(&c);
	p = strstr(out, "\"pid\":10,\"comm\":\"server\",\"syscall\":\"read\"");
	assert_non_null(p);
	assert_non_null(strstr(p, "\"exited\":false,\"wait\":false,\"count\":100,"));
	p = strstr(p + 1, "\"pid\":10,\"comm\":\"server\",\"syscall\":\"read\"");
	assert_non_null(p);
	assert_non_null(strstr(p, "\"exited\":false,\"wait\":true,\"count\":7,"));
	assert_non_null(strstr(out, "\"syscall\":\"clock_nanosleep\",\"nr\":"));
	{
		size_t n = 0;

		for (p = out; (p = strstr(p, "\"wait\":")); p++)
			n++;
		assert_int_equal(n, 5);
	}
	free(out);
	/* Batch text: every row; the wait rows marked. */
	capture_open(&c);
	assert_int_equal(batch_text_write(c.f, &s, NULL), 0);
	out = capture_close(&c);
	assert_non_null(strstr(out, "read (wait)"));
	assert_non_null(strstr(out, "clock_nanosleep (wait)"));
	assert_non_null(strstr(out, "  read "));
	assert_null(strstr(out, "write (wait)"));
	free(out);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_names_exist), cmocka_unit_test(test_table),
		cmocka_unit_test(test_label),		 cmocka_unit_test(test_key_nr_word),
		cmocka_unit_test(test_model_rows),
		cmocka_unit_test(test_filter_and_view),	 cmocka_unit_test(test_outputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
