/*
 * test_stacks.c - --slow stacks downstream of the collector: folded lines
 * (outermost first, counts summed across ticks, ';' in names escaped), the
 * batch text block, and the recording section round trip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "core/rec_format.h"
#include "export/batch_stacks.h"
#include "export/folded.h"

/* One stack: kernel frames @k (innermost first), user frames @u, @count calls this tick. */
static void add(struct snapshot *s, uint32_t pid, uint32_t what, const char *comm,
		const char *const *k, int nk, const char *const *u, int nu, uint64_t count)
{
	struct snap_stack *st = snapshot_add_stack(s);

	assert_non_null(st);
	st->pid = pid;
	st->what = what;
	st->pstart_ns = 1000 + pid;
	memcpy(st->comm, comm, strlen(comm) + 1);
	st->count = count;
	st->count_total = count * 2;
	st->max_ns = 21000000;
	for (int i = 0; i < nk; i++)
		assert_int_equal(snapshot_add_frame(s, k[i]), 0);
	for (int i = 0; i < nu; i++)
		assert_int_equal(snapshot_add_frame(s, u[i]), 0);
	st->n_kernel = (uint16_t)nk;
	st->n_user = (uint16_t)nu;
}

static const char *const kern[] = { "__schedule", "schedule", "do_nanosleep" };
static const char *const user[] = { "slow_path", "handle", "serve", "main" };
static const char *const odd[] = { "ns::f(int;x)", "evil\x1b[31m" };

static void build(struct snapshot *s)
{
	snapshot_init(s);
	s->slow_ns = 5000000;
	s->stacks_dropped = 2;
	s->stacks_dropped_total = 7;
	add(s, 42, 230, "fn_target", kern, 3, user, 4, 10);
	add(s, 43, 0, "cat", kern, 1, odd, 2, 3);
	add(s, 44, 0, "idle", kern, 1, user, 1, 0);	/* no calls this tick */
}

static void test_folded(void **state)
{
	struct snapshot s;
	struct folded *fd = folded_new();
	struct capture c;
	char *text;

	(void)state;
	build(&s);
	assert_non_null(fd);
	/* Two ticks of the same stacks: counts summed. */
	assert_int_equal(folded_add(fd, &s, NULL), 0);
	assert_int_equal(folded_add(fd, &s, NULL), 0);
	capture_open(&c);
	assert_int_equal(folded_write(fd, c.f), 0);
	text = capture_close(&c);
	assert_string_equal(text,
			    "cat;evil?[31m;ns::f(int:x);__schedule 6\n"
			    "fn_target;main;serve;handle;slow_path;do_nanosleep;schedule;__schedule 20\n");
	free(text);
	folded_free(fd);
	snapshot_free(&s);
}

static void test_batch(void **state)
{
	struct snapshot s;
	struct capture c;
	char *text;

	(void)state;
	build(&s);
	capture_open(&c);
	batch_stacks_write(c.f, &s, 230, "clock_nanosleep", false, NULL, 3);
	batch_stacks_write(c.f, &s, 999, "none", false, NULL, 3);	/* no stacks: nothing */
	text = capture_close(&c);
	assert_string_equal(text, "\n  slow stacks of clock_nanosleep (>= 5.00ms): 1 distinct, 2 dropped\n"
				  "    fn_target[42]  count 10  max 21.0ms\n"
				  "              __schedule\n"
				  "              schedule\n"
				  "              do_nanosleep\n"
				  "              --\n"
				  "              slow_path\n"
				  "              handle\n"
				  "              serve\n"
				  "              main\n");
	free(text);
	/* --slow off: nothing at all. */
	s.slow_ns = 0;
	capture_open(&c);
	batch_stacks_write(c.f, &s, 230, "clock_nanosleep", false, NULL, 3);
	text = capture_close(&c);
	assert_string_equal(text, "");
	free(text);
	snapshot_free(&s);
}

/* The recording keeps the stacks with calls this tick, frames as text. */
static void test_rec_round_trip(void **state)
{
	struct snapshot a, b;
	struct rec_buf buf = { 0 };
	struct rec_error e = { 0 };

	(void)state;
	build(&a);
	snapshot_init(&b);
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_int_equal(b.slow_ns, 5000000);
	assert_int_equal(b.stacks_dropped, 2);
	assert_int_equal(b.stacks_dropped_total, 7);
	assert_int_equal(b.n_stacks, 2);	/* the idle one is not recorded */
	for (size_t i = 0; i < 2; i++) {
		const struct snap_stack *x = &a.stacks[i], *y = &b.stacks[i];

		assert_int_equal(x->pid, y->pid);
		assert_int_equal(x->what, y->what);
		assert_int_equal(x->pstart_ns, y->pstart_ns);
		assert_string_equal(x->comm, y->comm);
		assert_int_equal(x->count, y->count);
		assert_int_equal(x->count_total, y->count_total);
		assert_int_equal(x->max_ns, y->max_ns);
		assert_int_equal(x->n_kernel, y->n_kernel);
		assert_int_equal(x->n_user, y->n_user);
		for (unsigned int f = 0; f < (unsigned int)x->n_kernel + x->n_user; f++)
			assert_string_equal(snap_stack_frame(&a, x, f), snap_stack_frame(&b, y, f));
	}
	/* Without --slow there is no stacks section: a tick as before. */
	a.slow_ns = 0;
	buf.len = 0;
	assert_int_equal(rec_encode_tick(&buf, &a), 0);
	assert_int_equal(rec_decode_tick(buf.data, buf.len, &b, &e), 0);
	assert_int_equal(b.slow_ns, 0);
	assert_int_equal(b.n_stacks, 0);
	snapshot_free(&a);
	snapshot_free(&b);
	rec_buf_free(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_folded),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_rec_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
