/*
 * test_csv_file.c - --csv FILE keeps whole rows only: when writes fail (a
 * file size limit stands in for a full filesystem), the file is cut back to
 * its last complete row, the error is kept and reported once by name, and
 * later rows are dropped. New files only, never through a symlink.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "export/csv_file.h"

static char dir[] = "/tmp/test_csv_file_XXXXXX";

static struct abi_client_event event(uint64_t i)
{
	struct abi_client_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = ABI_CEV_REQUEST;
	ev.ts_ns = 1000 + i;
	ev.latency_ns = 5000 + i;
	ev.key.tgid = 4242;
	ev.key.family = 2;	/* AF_INET */
	ev.key.addr[0] = 127;
	ev.key.addr[3] = 2;
	ev.key.port = 8080;
	memcpy(ev.comm, "server", 6);
	return ev;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);

	assert_non_null(f);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

/* Every line ends in '\n' and has 10 cells (no quoted commas in these rows). */
static size_t count_whole_rows(const char *buf, size_t len)
{
	size_t rows = 0, cells = 1;

	assert_true(len == 0 || buf[len - 1] == '\n');
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == ',')
			cells++;
		if (buf[i] == '\n') {
			assert_int_equal(cells, 10);
			rows++;
			cells = 1;
		}
	}
	return rows;
}

static void test_rows_and_refusals(void **state)
{
	char path[64], link[64], err[256];
	struct csv_file *cf;
	size_t len;
	char *buf;

	(void)state;
	snprintf(path, sizeof(path), "%s/ok.csv", dir);
	cf = csv_file_create(path, err, sizeof(err));
	assert_non_null(cf);
	for (uint64_t i = 0; i < 2000; i++) {
		struct abi_client_event ev = event(i);

		assert_int_equal(csv_file_sink_write(cf, &ev, 0), 0);
	}
	assert_int_equal(csv_file_sink_flush(cf), 0);
	assert_int_equal(csv_file_close(cf, err, sizeof(err)), 0);
	buf = slurp(path, &len);
	assert_int_equal(count_whole_rows(buf, len), 2001);	/* and the header */
	assert_non_null(strstr(buf, "\n2999,6999,request,4242,\"server\",127.0.0.2,8080,in,0,0\n"));
	free(buf);

	/* an existing file and a symlink are refused, and left alone */
	assert_null(csv_file_create(path, err, sizeof(err)));
	assert_int_equal(errno, EEXIST);
	assert_non_null(strstr(err, "never overwrites"));
	snprintf(link, sizeof(link), "%s/link.csv", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_null(csv_file_create(link, err, sizeof(err)));
	assert_non_null(strstr(err, link));
	unlink(link);
	unlink(path);
}

static void test_full_file(void **state)
{
	struct rlimit old, small;
	char path[64], err[256];
	struct csv_file *cf;
	size_t len, rows;
	int first = 0;
	char *buf;

	(void)state;
	snprintf(path, sizeof(path), "%s/full.csv", dir);
	signal(SIGXFSZ, SIG_IGN);	/* past the limit write() fails with EFBIG instead */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	cf = csv_file_create(path, err, sizeof(err));
	assert_non_null(cf);
	small = old;
	small.rlim_cur = 100000;	/* not a multiple of a row: the last write is cut mid-row */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	for (uint64_t i = 0; i < 5000 && !first; i++) {
		struct abi_client_event ev = event(i);

		first = csv_file_sink_write(cf, &ev, 0);
	}
	assert_int_equal(first, -EFBIG);
	/* Later rows are dropped with the same error; nothing more is written. */
	struct abi_client_event ev = event(1);

	assert_int_equal(csv_file_sink_write(cf, &ev, 0), -EFBIG);
	assert_int_equal(csv_file_sink_flush(cf), -EFBIG);
	assert_int_equal(csv_file_close(cf, err, sizeof(err)), -EFBIG);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "File too large"));
	buf = slurp(path, &len);
	assert_true(len <= 100000);
	rows = count_whole_rows(buf, len);
	assert_true(rows > 1);
	/* The message counts the rows that were kept (the header is not one). */
	char want[64];

	snprintf(want, sizeof(want), "(%zu rows)", rows - 1);
	assert_non_null(strstr(err, want));
	free(buf);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_and_refusals),
		cmocka_unit_test(test_full_file),
	};
	int ret;

	if (!mkdtemp(dir))
		return 1;
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return ret;
}
