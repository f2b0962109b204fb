/*
 * test_compare_rec.c - recordings as comparison input, through the real
 * writer and reader: fake ticks (syscall rows of two processes, a client
 * row) and raw samples are written, read back by compare_input_recording
 * and compared; a truncated recording is bad input naming the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/compare.h"
#include "core/syscall_names.h"
#include "export/compare_input.h"
#include "export/rec_writer.h"

static char dir[] = "/tmp/lattop-test-compare-rec-XXXXXX";

/* 400 calls of read per process, [lo, lo + 400 * step) ns; a client with 200 requests. */
static void tick(struct snapshot *s, uint64_t seq, double scale)
{
	struct snap_client_row *c;
	struct abi_hist h;

	snapshot_reset(s);
	s->seq = seq;
	s->ts_ns = 1795000000000000000ull + seq * 100000000ull;
	s->interval_ns = 100000000ull;
	s->elapsed_ns = seq * 100000000ull;
	s->sample_every = 1;
	snprintf(s->source, sizeof(s->source), "simulate");
	s->clients_state = SNAP_CLIENTS_ON;
	for (uint32_t pid = 10; pid < 12; pid++) {
		struct snap_sys_row *r = snapshot_add_sys(s);

		assert_non_null(r);
		r->pid = pid;
		r->nr = (uint32_t)syscall_lookup("read");
		snprintf(r->comm, sizeof(r->comm), "proc%u", pid);
		memset(&h, 0, sizeof(h));
		for (int i = 0; i < 400; i++) {
			uint64_t v = (uint64_t)((20000.0 + 50.0 * i) * scale);

			h.slots[abi_hist_slot(v)]++;
			h.count++;
			h.timed++;
			h.sum_ns += v;
			if (v > h.max_ns)
				h.max_ns = v;
		}
		assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
		assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
	}
	c = snapshot_add_client(s);
	assert_non_null(c);
	c->key.family = AF_INET;
	memcpy(c->key.addr, "\x0a\x00\x00\x07", 4);
	c->key.port = 443;
	c->key.tgid = 10;
	c->key.dir = ABI_DIR_IN;
	c->interval.requests = c->req.count = 200;
	c->req.max_ns = (uint64_t)(90000 * scale);
	c->req.sum_ns = 200 * c->req.max_ns;
	assert_int_equal(snapshot_reserve_buckets(s, 1), 0);
	c->req.first = (uint32_t)s->n_buckets;
	c->req.n = 1;
	s->buckets[s->n_buckets].slot = abi_hist_slot(c->req.max_ns);
	s->buckets[s->n_buckets].count = 200;
	s->n_buckets++;
	c->req_total = c->req;
}

static void write_recording(const char *path, double scale, int ticks)
{
	struct rec_meta meta = { 0 };
	struct rec_writer *w;
	struct snapshot s;
	struct abi_client_event ev[50];
	char err[256];

	assert_int_equal(rec_meta_set(&meta, "source", "simulate"), 0);
	w = rec_writer_create(path, &meta, true, err, sizeof(err));
	if (!w)
		fail_msg("rec_writer_create: %s", err);
	snapshot_init(&s);
	for (int t = 1; t <= ticks; t++) {
		tick(&s, (uint64_t)t, scale);
		assert_int_equal(rec_writer_tick(w, &s), 0);
		memset(ev, 0, sizeof(ev));
		for (int i = 0; i < 50; i++) {
			ev[i].kind = ABI_CEV_REQUEST;
			ev[i].ts_ns = (uint64_t)(t * 1000 + i);
			ev[i].latency_ns = (uint64_t)((50000.0 + 1000.0 * i) * scale);
			ev[i].key = s.clients[0].key;
		}
		assert_int_equal(rec_writer_samples(w, ev, 50, 0), 0);
	}
	assert_int_equal(rec_writer_close(w), 0);
	snapshot_free(&s);
	rec_meta_free(&meta);
}

static void test_recordings(void **state)
{
	char base[128], same[128], slow[128], cut[128], err[512];
	struct cmp_set set;
	struct cmp_opts o;
	struct cmp_result *res;
	struct cmp_summary sum;
	size_t dropped = 0;

	(void)state;
	snprintf(base, sizeof(base), "%s/base.rec", dir);
	snprintf(same, sizeof(same), "%s/same.rec", dir);
	snprintf(slow, sizeof(slow), "%s/slow.rec", dir);
	write_recording(base, 1.0, 5);
	write_recording(same, 1.0, 5);
	write_recording(slow, 1.4, 5);
	compare_opts_default(&o);

	/* the same data twice: every series ok, ratio exactly 1 */
	cmp_set_init(&set);
	assert_int_equal(compare_input_recording(&set, CMP_BASELINE, base, &dropped, err,
						 sizeof(err)), 0);
	assert_int_equal(compare_input_recording(&set, CMP_CURRENT, same, &dropped, err,
						 sizeof(err)), 0);
	assert_int_equal(compare_all(&set, &o, &res, &sum), 0);
	assert_int_equal(set.n, 3);
	assert_string_equal(res[0].series->name, "request");	/* raw samples */
	assert_true(res[0].st[0].exact);
	assert_int_equal(res[0].st[0].count, 250);
	assert_string_equal(res[1].series->name, "read");
	assert_int_equal(res[1].st[0].count, 2 * 400 * 5);
	assert_string_equal(res[2].series->name, "10.0.0.7:443 in");
	assert_int_equal(res[2].st[1].count, 1000);
	for (size_t i = 0; i < set.n; i++) {
		assert_int_equal(res[i].verdict, CMP_OK);
		assert_true(res[i].p99.est == 1.0);
	}
	free(res);
	cmp_set_free(&set);

	/* 40 % slower: every series regresses */
	cmp_set_init(&set);
	assert_int_equal(compare_input_recording(&set, CMP_BASELINE, base, &dropped, err,
						 sizeof(err)), 0);
	assert_int_equal(compare_input_recording(&set, CMP_CURRENT, slow, &dropped, err,
						 sizeof(err)), 0);
	assert_int_equal(compare_all(&set, &o, &res, &sum), 0);
	assert_int_equal(sum.regressions, 3);
	/* histogram estimates: the read p99 ratio is 1.4 within twice the 6.25 % bucket error */
	assert_true(fabs(res[1].p99.est - 1.4) < 1.4 * 0.13);
	free(res);
	cmp_set_free(&set);

	/* a recording cut short: bad input, the message names the file */
	snprintf(cut, sizeof(cut), "%s/cut.rec", dir);
	{
		FILE *in = fopen(base, "rb"), *out = fopen(cut, "wb");
		char buf[4096];
		size_t n;
		long size;

		assert_non_null(in);
		assert_non_null(out);
		fseek(in, 0, SEEK_END);
		size = ftell(in);
		fseek(in, 0, SEEK_SET);
		for (long left = size * 2 / 3; left > 0; left -= (long)n) {
			n = fread(buf, 1, (size_t)(left < 4096 ? left : 4096), in);
			assert_true(n > 0);
			assert_int_equal(fwrite(buf, 1, n, out), n);
		}
		fclose(in);
		fclose(out);
	}
	cmp_set_init(&set);
	assert_true(compare_input_recording(&set, CMP_BASELINE, cut, &dropped, err,
					    sizeof(err)) < 0);
	assert_non_null(strstr(err, cut));
	cmp_set_free(&set);
	assert_int_equal(dropped, 0);
	unlink(base);
	unlink(same);
	unlink(slow);
	unlink(cut);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recordings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
