/*
 * test_rec_rotate.c - the size cap of a recording (rec_writer with
 * rec_rotate): every file of the chain is a whole recording (decoded end to
 * end, END counts checked), at most the cap, the ticks over the files are
 * 1..N each once, samples count towards the size, the oldest file beyond
 * --rotate goes, and nothing that is not ours is ever replaced.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/rec_format.h"
#include "core/syscall_names.h"
#include "export/rec_rotate.h"
#include "export/rec_writer.h"

#define CAP 65536u

static char dir[] = "/tmp/lattop-test-rec-rotate-XXXXXX";

/* A tick of @rows syscall rows (about 30 bytes each, not deflated). */
static void tick(struct snapshot *s, uint64_t seq, int rows)
{
	struct abi_hist h;

	snapshot_reset(s);
	s->seq = seq;
	s->ts_ns = 1795000000000000000ull + seq * 100000000ull;
	s->interval_ns = 100000000ull;
	s->elapsed_ns = seq * 100000000ull;
	s->sample_every = 1;
	snprintf(s->source, sizeof(s->source), "simulate");
	for (int i = 0; i < rows; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);

		assert_non_null(r);
		r->pid = 100 + (uint32_t)i;
		r->nr = (uint32_t)syscall_lookup("read");
		snprintf(r->comm, sizeof(r->comm), "proc%d", i);
		memset(&h, 0, sizeof(h));
		h.slots[abi_hist_slot(1000 + (uint64_t)i)] = seq;
		h.count = h.timed = seq;
		h.sum_ns = seq * (1000 + (uint64_t)i);
		h.max_ns = 1000 + (uint64_t)i;
		assert_int_equal(snapshot_put_hist(s, &r->interval, &h), 0);
		assert_int_equal(snapshot_put_hist(s, &r->total, &h), 0);
	}
}

static void path_of(char *out, size_t len, uint32_t i)
{
	if (i)
		snprintf(out, len, "%s/r.rec.%u", dir, i);
	else
		snprintf(out, len, "%s/r.rec", dir);
}

struct seen {
	uint64_t seq[4096];
	size_t n;
};

static int on_tick(void *ctx, const struct snapshot *s)
{
	struct seen *v = ctx;

	assert_true(v->n < 4096);
	v->seq[v->n++] = s->seq;
	return 0;
}

/* Decode one whole file; its size into *@size. -1 when it does not exist. */
static int check_file(const char *path, struct seen *v, off_t *size)
{
	struct rec_error e = { 0 };
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_NOFOLLOW);

	if (fd < 0) {
		assert_int_equal(errno, ENOENT);
		return -1;
	}
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	if (rec_decode_buffer(buf, (size_t)st.st_size, on_tick, v, &e))
		fail_msg("%s: offset %llu: %s", path, (unsigned long long)e.offset, e.msg);
	free(buf);
	*size = st.st_size;
	return 0;
}

static void cleanup(void)
{
	char p[256];

	for (uint32_t i = 0; i <= 12; i++) {
		path_of(p, sizeof(p), i);
		unlink(p);
	}
}

/* Write @n ticks (with samples when @samples) capped at CAP keeping @keep. */
static struct rec_writer *write_chain(int n, int rows, uint32_t keep, bool samples)
{
	struct abi_client_event ev[200];
	struct rec_writer *w;
	struct snapshot s;
	char p[256], err[512];

	path_of(p, sizeof(p), 0);
	w = rec_writer_create_capped(p, NULL, false, CAP, keep, err, sizeof(err));
	if (!w)
		fail_msg("create: %s", err);
	snapshot_init(&s);
	memset(ev, 0, sizeof(ev));
	for (int t = 1; t <= n; t++) {
		if (samples) {
			for (int i = 0; i < 200; i++) {
				ev[i].kind = ABI_CEV_REQUEST;
				ev[i].ts_ns = (uint64_t)t * 1000000 + (uint64_t)i;
				ev[i].latency_ns = 50000 + (uint64_t)i * 977;
				ev[i].bytes_in = (uint32_t)i;
			}
			assert_int_equal(rec_writer_samples(w, ev, 200, 0), 0);
		}
		tick(&s, (uint64_t)t, rows);
		assert_int_equal(rec_writer_tick(w, &s), 0);
	}
	snapshot_free(&s);
	return w;
}

/* Every file decodes, is <= CAP; returns the number of files, ticks' seqs in @v. */
static uint32_t check_chain(struct seen *v)
{
	char p[256];
	uint32_t files = 0;
	off_t size;

	v->n = 0;
	/* Oldest first, so that the seqs come in order. */
	for (int i = 12; i >= 0; i--) {
		path_of(p, sizeof(p), (uint32_t)i);
		if (check_file(p, v, &size) == 0) {
			files++;
			assert_true(size <= CAP);
		}
	}
	return files;
}

static void test_cap_no_tick_lost(void **state)
{
	struct rec_writer *w;
	struct seen v;
	uint32_t rot;

	(void)state;
	/* 100 rows: a few KB a tick, 100 ticks: several rotations, none removed. */
	w = write_chain(100, 100, 10, false);
	rot = rec_writer_rotations(w);
	assert_true(rot >= 3 && rot < 10);
	assert_int_equal(rec_writer_ticks(w), 100);
	assert_int_equal(rec_writer_close(w), 0);
	assert_int_equal(check_chain(&v), rot + 1);
	assert_int_equal(v.n, 100);
	for (size_t i = 0; i < v.n; i++)
		assert_int_equal(v.seq[i], i + 1);
	cleanup();
}

static void test_samples_count(void **state)
{
	struct rec_writer *w;
	struct seen v;
	uint32_t files, rot;

	(void)state;
	/* Tiny ticks, 200 samples (~2.5 KB) each: the samples alone must rotate. */
	w = write_chain(100, 1, 100, true);
	rot = rec_writer_rotations(w);
	assert_true(rot >= 3);
	assert_int_equal(rec_writer_close(w), 0);
	files = check_chain(&v);
	assert_int_equal(files, rot + 1);
	assert_int_equal(v.n, 100);
	for (size_t i = 0; i < v.n; i++)
		assert_int_equal(v.seq[i], i + 1);
	cleanup();
}

static void test_keep_removes_oldest(void **state)
{
	struct rec_writer *w;
	struct seen v;
	char p[256];
	off_t size;

	(void)state;
	w = write_chain(200, 100, 2, false);
	assert_true(rec_writer_rotations(w) >= 5);
	assert_int_equal(rec_writer_close(w), 0);
	assert_int_equal(check_chain(&v), 3);
	path_of(p, sizeof(p), 3);
	assert_int_equal(check_file(p, &v, &size), -1);
	/* The newest ticks, contiguous, ending at 200. */
	assert_int_equal(v.seq[v.n - 1], 200);
	for (size_t i = 1; i < v.n; i++)
		assert_int_equal(v.seq[i], v.seq[i - 1] + 1);
	cleanup();
}

/* A tick larger than the cap: its file holds it alone (the only way past the cap). */
static void test_one_tick_over_cap(void **state)
{
	struct rec_writer *w;
	struct snapshot s;
	struct seen v = { .n = 0 };
	char p[256], err[512];
	off_t size;

	(void)state;
	path_of(p, sizeof(p), 0);
	w = rec_writer_create_capped(p, NULL, false, CAP, 3, err, sizeof(err));
	assert_non_null(w);
	snapshot_init(&s);
	tick(&s, 1, 10);
	assert_int_equal(rec_writer_tick(w, &s), 0);
	tick(&s, 2, 3000);	/* ~90 KB */
	assert_int_equal(rec_writer_tick(w, &s), 0);
	tick(&s, 3, 10);
	assert_int_equal(rec_writer_tick(w, &s), 0);
	snapshot_free(&s);
	assert_int_equal(rec_writer_rotations(w), 2);
	assert_int_equal(rec_writer_close(w), 0);
	path_of(p, sizeof(p), 1);
	assert_int_equal(check_file(p, &v, &size), 0);
	assert_true(size > CAP);
	assert_int_equal(v.n, 1);
	assert_int_equal(v.seq[0], 2);
	cleanup();
}

/*
 * The END still to come counts: a cap one byte short of head + 4 ticks + END
 * takes 3 ticks a file, although the fourth tick alone would still fit.
 */
static void test_end_counts(void **state)
{
	struct rec_writer *w;
	struct snapshot s;
	struct seen v = { .n = 0 };
	char p[256], err[512];
	uint64_t head, tick_len, cap;
	off_t size;

	(void)state;
	path_of(p, sizeof(p), 0);
	snapshot_init(&s);
	tick(&s, 1, 20);	/* the same size at every seq below 128: seq is not in the rows */
	w = rec_writer_create_capped(p, NULL, false, 1ull << 40, 1, err, sizeof(err));
	assert_non_null(w);
	head = rec_writer_bytes(w);
	assert_int_equal(rec_writer_tick(w, &s), 0);
	tick_len = rec_writer_bytes(w) - head;
	assert_int_equal(rec_writer_close(w), 0);
	cleanup();
	/* END of a file of 3 ticks: header, two one-byte varints, CRC. */
	cap = head + 4 * tick_len + (REC_HDR_LEN + 2 + REC_CRC_LEN) - 1;
	w = rec_writer_create_capped(p, NULL, false, cap, 5, err, sizeof(err));
	assert_non_null(w);
	for (uint64_t t = 1; t <= 8; t++) {
		s.seq = t;
		assert_int_equal(rec_writer_tick(w, &s), 0);
	}
	assert_int_equal(rec_writer_close(w), 0);
	for (uint32_t i = 0; i <= 3; i++) {
		path_of(p, sizeof(p), i);
		if (check_file(p, &v, &size))
			break;
		assert_true((uint64_t)size <= cap);
	}
	/* 8 ticks at 3 a file: 3 + 3 + 2 in 3 files. */
	assert_int_equal(v.n, 8);
	snapshot_free(&s);
	cleanup();
}

static void test_never_replaces(void **state)
{
	struct rec_writer *w;
	struct snapshot s;
	char p[256], p1[256], p2[256], err[512];
	struct stat st;
	int ret = 0;

	(void)state;
	/* An old FILE.2 before the start: refused, named. */
	path_of(p, sizeof(p), 0);
	path_of(p2, sizeof(p2), 2);
	close(open(p2, O_WRONLY | O_CREAT | O_EXCL, 0600));
	w = rec_writer_create_capped(p, NULL, false, CAP, 3, err, sizeof(err));
	assert_null(w);
	assert_int_equal(errno, EEXIST);
	assert_non_null(strstr(err, "r.rec.2 exists"));
	assert_int_equal(stat(p, &st), -1);	/* FILE not created either */
	unlink(p2);

	/* A symlink planted as FILE.1 while recording: the rotation stops, the link stays. */
	w = rec_writer_create_capped(p, NULL, false, CAP, 3, err, sizeof(err));
	assert_non_null(w);
	path_of(p1, sizeof(p1), 1);
	assert_int_equal(symlink("/etc/passwd", p1), 0);
	snapshot_init(&s);
	for (int t = 1; t <= 100 && !ret; t++) {
		tick(&s, (uint64_t)t, 100);
		ret = rec_writer_tick(w, &s);
	}
	snapshot_free(&s);
	assert_int_equal(ret, -EEXIST);
	assert_int_equal(rec_writer_tick(w, &s), -EEXIST);	/* sticky */
	assert_int_equal(rec_writer_finish(w, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "r.rec -> "));
	assert_non_null(strstr(err, "r.rec.1: File exists"));
	assert_int_equal(lstat(p1, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	cleanup();
}

static void test_shift_names(void **state)
{
	char name[64], err[256];
	int dfd;

	(void)state;
	assert_int_equal(rec_rotate_name(name, sizeof(name), "a.rec", 0), 0);
	assert_string_equal(name, "a.rec");
	assert_int_equal(rec_rotate_name(name, sizeof(name), "a.rec", 1000), 0);
	assert_string_equal(name, "a.rec.1000");
	assert_int_equal(rec_rotate_name(name, 8, "a.rec", 10), -ENAMETOOLONG);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(rec_rotate_shift(dfd, "x", "r.rec", 0, 0, err, sizeof(err)), -EINVAL);
	assert_int_equal(rec_rotate_shift(dfd, "x", "r.rec", 2, 3, err, sizeof(err)), -EINVAL);
	/* No FILE to shift: said with both names. */
	assert_int_equal(rec_rotate_shift(dfd, "x", "r.rec", 2, 0, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "x -> x.1: No such file or directory");
	close(dfd);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	cleanup();
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_no_tick_lost),
		cmocka_unit_test(test_samples_count),
		cmocka_unit_test(test_keep_removes_oldest),
		cmocka_unit_test(test_one_tick_over_cap),
		cmocka_unit_test(test_end_counts),
		cmocka_unit_test(test_never_replaces),
		cmocka_unit_test(test_shift_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
