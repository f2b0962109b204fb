/*
 * test_settings.c - lattoprc: every key, bad lines reported as file:line and
 * skipped while the rest applies, the interval ladder, serialise -> parse
 * round trips, and the file on disk: 0600, never read or written through a
 * symlink, refused when not ours.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/client_view.h"
#include "core/view.h"
#include "ui/settings.h"
#include "ui/settings_file.h"

static const char *const themes[] = { "default", "basic", "mono", "high-contrast" };
static const char *const sys_cols[] = { "SYSCALL", "CALLS/s", "ERR/s", "P50", "P99", "MAX", "TIME%" };
static const char *const proc_cols[] = { "PID", "COMMAND", "CALLS/s", "P99", "SLOWEST" };
static const char *const client_cols[] = { "CLIENT", "PORT", "PROCESS", "REQ/s", "LIFE P99" };

static const struct settings_schema schema = {
	.themes = themes,
	.n_themes = 4,
	.cols = { sys_cols, proc_cols, client_cols },
	.n_cols = { 7, 5, 5 },
};

static size_t parse(struct ui_settings *s, const char *text, struct settings_problems *p)
{
	settings_defaults(s);
	return settings_parse(s, &schema, text, strlen(text), "/h/.config/lattop/lattoprc", p);
}

static void test_defaults(void **state)
{
	struct ui_settings s;
	struct settings_problems p;

	(void)state;
	assert_int_equal(parse(&s, "", &p), 0);
	assert_string_equal(s.theme, "default");
	assert_int_equal(s.interval_ms, 1000);
	assert_int_equal(s.sort[SETTINGS_SYSCALLS], VIEW_SORT_TIME);
	assert_int_equal(s.sort[SETTINGS_CLIENTS], CLIENT_SORT_REQUESTS);
	assert_false(s.waits);
	assert_int_equal(s.n_slo, 0);
	assert_int_equal(p.n, 0);
}

static void test_every_key(void **state)
{
	struct ui_settings s;
	struct settings_problems p;

	(void)state;
	assert_int_equal(parse(&s, "# my settings\n"
				   "\n"
				   "  theme = mono  \n"
				   "interval=0.5\n"
				   "sort.syscalls = p99\n"
				   "sort.processes = name asc\n"
				   "sort.clients = address asc\n"
				   "hide.syscalls = err/s, TIME%\n"
				   "hide.processes =\n"
				   "hide.clients = LIFE P99,PORT\n"
				   "waits = on\n"
				   "slo = p99(read) < 10ms\n"
				   "slo=errors(openat) == 0\n",
			       &p),
			 0);
	assert_string_equal(s.theme, "mono");
	assert_int_equal(s.interval_ms, 500);
	assert_int_equal(s.sort[SETTINGS_SYSCALLS], VIEW_SORT_P99);
	assert_false(s.sort_asc[SETTINGS_SYSCALLS]);
	assert_int_equal(s.sort[SETTINGS_PROCESSES], VIEW_SORT_NAME);
	assert_true(s.sort_asc[SETTINGS_PROCESSES]);
	assert_int_equal(s.sort[SETTINGS_CLIENTS], CLIENT_SORT_ADDR);
	assert_true(s.sort_asc[SETTINGS_CLIENTS]);
	assert_int_equal(s.hidden[SETTINGS_SYSCALLS], (1u << 2) | (1u << 6));
	assert_int_equal(s.hidden[SETTINGS_PROCESSES], 0);
	assert_int_equal(s.hidden[SETTINGS_CLIENTS], (1u << 4) | (1u << 1));
	assert_true(s.waits);
	assert_int_equal(s.n_slo, 2);
	assert_string_equal(s.slo[0], "p99(read) < 10ms");
	assert_string_equal(s.slo[1], "errors(openat) == 0");
	/* An absolute path is a theme file; "1s" is an interval too; the "nr" sort exists. */
	assert_int_equal(parse(&s, "theme = /etc/lattop/mine.theme\ninterval = 2s\n"
				   "sort.syscalls = nr\nwaits = off\n", &p), 0);
	assert_string_equal(s.theme, "/etc/lattop/mine.theme");
	assert_int_equal(s.interval_ms, 2000);
	assert_int_equal(s.sort[SETTINGS_SYSCALLS], VIEW_SORT_NR);
	assert_false(s.waits);
}

static void test_bad_lines(void **state)
{
	struct ui_settings s;
	struct settings_problems p;

	(void)state;
	/* Bad lines are reported with file:line and skipped; good lines around them apply. */
	assert_int_equal(parse(&s, "theme = basic\n"
				   "colour = red\n"
				   "interval = 0\n"
				   "waits = on\n"
				   "interval = fast\n"
				   "sort.syscalls = speed\n"
				   "hide.processes = PID, NOPE\n"
				   "no equals sign here\n"
				   "slo = p99(read) < 10\n"
				   "theme = neon\n"
				   "sort.syscalls = p50 desc\n"
				   "interval = 3600\n"
				   "sort.nothing = p99\n"
				   "waits = maybe\n"
				   "interval = 10\n",
			       &p),
			 12);
	assert_int_equal(p.n, 12);
	assert_string_equal(p.msg[0], "/h/.config/lattop/lattoprc:2: unknown key 'colour'");
	assert_string_equal(p.msg[1], "/h/.config/lattop/lattoprc:3: interval '0': want seconds "
				      "from 0.1 to 60");
	assert_string_equal(p.msg[2], "/h/.config/lattop/lattoprc:5: interval 'fast': want "
				      "seconds from 0.1 to 60");
	assert_non_null(strstr(p.msg[3], "lattoprc:6: sort.syscalls: unknown key 'speed': want "
					 "one of time calls errors p50 p99 max name pid cgroup nr"));
	assert_string_equal(p.msg[4], "/h/.config/lattop/lattoprc:7: hide.processes: no column "
				      "'NOPE' in that table");
	assert_string_equal(p.msg[5], "/h/.config/lattop/lattoprc:8: 'no equals sign here': want "
				      "key = value");
	assert_non_null(strstr(p.msg[6], "lattoprc:9: slo 'p99(read) < 10': "));
	assert_string_equal(p.msg[7], "/h/.config/lattop/lattoprc:10: unknown theme 'neon': want "
				      "default, basic, mono, high-contrast, an absolute path");
	/* The rest still applied; a bad hide line leaves the table's columns alone. */
	assert_string_equal(s.theme, "basic");
	assert_true(s.waits);
	assert_int_equal(s.interval_ms, 10000);
	assert_int_equal(s.sort[SETTINGS_SYSCALLS], VIEW_SORT_TIME);
	assert_int_equal(s.hidden[SETTINGS_PROCESSES], 0);
	assert_int_equal(s.n_slo, 0);
	/* Without a problem list the count still comes back. */
	settings_defaults(&s);
	assert_int_equal(settings_parse(&s, &schema, "x = 1\n", 6, "f", NULL), 1);
}

static void test_hostile_lines(void **state)
{
	struct ui_settings s;
	struct settings_problems p;
	char text[2048];

	(void)state;
	/* A NUL or an escape byte makes its line bad; the next line still counts. */
	assert_int_equal(settings_parse(&s, &schema, "waits = o\0n\ninterval = 5\n", 24, "f", &p),
			 1);
	assert_string_equal(p.msg[0], "f:1: control character in the line");
	assert_int_equal(s.interval_ms, 5000);
	assert_int_equal(parse(&s, "theme = \033[31mred\n", &p), 1);
	assert_non_null(strstr(p.msg[0], ":1: control character in the line"));
	/* A key with terminal escapes never reaches the message raw (the status line shows it). */
	assert_int_equal(parse(&s, "k\xe2\x80\xae = 1\n", &p), 1);
	assert_null(strstr(p.msg[0], "\xe2\x80\xae"));
	/* CRLF line ends are fine. */
	assert_int_equal(parse(&s, "waits = on\r\ninterval = 0.2\r\n", &p), 0);
	assert_true(s.waits);
	assert_int_equal(s.interval_ms, 200);
	/* Over-long lines are bad, and cut values in messages stay short. */
	memset(text, 'a', sizeof(text));
	memcpy(text, "theme = ", 8);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(parse(&s, text, &p), 1);
	assert_non_null(strstr(p.msg[0], ":1: line longer than 511 bytes"));
	snprintf(text, sizeof(text), "k%0200d = 1\n", 7);
	assert_int_equal(parse(&s, text, &p), 1);
	assert_non_null(strstr(p.msg[0], "...'"));
	snprintf(text, sizeof(text), "theme = /%0200d\n", 7);
	assert_int_equal(parse(&s, text, &p), 1);
	assert_non_null(strstr(p.msg[0], ":1: theme: longer than 127 bytes"));
	assert_true(strlen(p.msg[0]) < 200);
	/* More bad lines than kept messages: all counted. */
	assert_int_equal(parse(&s, "a=1\nb=1\nc=1\nd=1\ne=1\nf=1\ng=1\nh=1\ni=1\nj=1\n", &p), 10);
	assert_int_equal(p.n, 10);
	assert_non_null(strstr(p.msg[SETTINGS_PROBLEMS_MAX - 1], ":8: unknown key 'h'"));
	/* At most SETTINGS_SLO_MAX thresholds. */
	text[0] = '\0';
	for (int i = 0; i < SETTINGS_SLO_MAX + 1; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "slo = count(read) > %d\n",
			 i);
	assert_int_equal(parse(&s, text, &p), 1);
	assert_int_equal(s.n_slo, SETTINGS_SLO_MAX);
	assert_non_null(strstr(p.msg[0], ":17: slo: more than 16 thresholds"));
}

static void test_interval_ladder(void **state)
{
	static const struct {
		double secs;
		uint32_t ms;
	} cases[] = {
		{ 0.1, 100 }, { 0.15, 200 }, { 0.3, 200 }, { 0.4, 500 }, { 0.7, 500 },
		{ 1, 1000 }, { 1.2, 1000 }, { 3, 2000 }, { 4, 5000 }, { 20, 30000 },
		{ 45, 60000 }, { 60, 60000 }, { 0.09, 0 }, { 61, 0 }, { -1, 0 }, { 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(settings_interval_snap_ms(cases[i].secs), cases[i].ms);
	assert_int_equal(settings_interval_step_ms(1000, 1), 2000);
	assert_int_equal(settings_interval_step_ms(1000, -1), 500);
	assert_int_equal(settings_interval_step_ms(60000, 1), 60000);
	assert_int_equal(settings_interval_step_ms(100, -1), 100);
	assert_int_equal(settings_interval_step_ms(300, 0), 200);
	assert_int_equal(settings_interval_step_ms(3600000, 0), 60000);
	assert_int_equal(settings_interval_step_ms(10, 0), 100);
	/* Every step round-trips through the file's "%g" text. */
	for (int i = 0; i < SETTINGS_INTERVAL_STEPS; i++) {
		struct ui_settings s;
		char line[64];

		snprintf(line, sizeof(line), "interval = %g\n", settings_interval_ladder_ms(i) / 1000.0);
		assert_int_equal(parse(&s, line, NULL), 0);
		assert_int_equal(s.interval_ms, settings_interval_ladder_ms(i));
	}
}

static void test_round_trip(void **state)
{
	struct ui_settings a, b;
	struct settings_problems p;
	char text[16384], again[16384];
	int n;

	(void)state;
	settings_defaults(&a);
	/* The defaults round-trip too. */
	n = settings_format(&a, &schema, text, sizeof(text));
	assert_true(n > 0);
	assert_int_equal(parse(&b, text, &p), 0);
	assert_true(settings_equal(&a, &b));
	snprintf(a.theme, sizeof(a.theme), "high-contrast");
	a.interval_ms = 30000;
	a.sort[SETTINGS_SYSCALLS] = VIEW_SORT_MAX;
	a.sort_asc[SETTINGS_SYSCALLS] = true;
	a.sort[SETTINGS_PROCESSES] = VIEW_SORT_PID;
	a.sort[SETTINGS_CLIENTS] = CLIENT_SORT_RESETS;
	a.hidden[SETTINGS_SYSCALLS] = 0x7f;
	a.hidden[SETTINGS_CLIENTS] = 1u << 4;
	a.waits = true;
	a.n_slo = SETTINGS_SLO_MAX;
	for (size_t i = 0; i < a.n_slo; i++)
		snprintf(a.slo[i], SETTINGS_SLO_LEN, "p99(read) < %zums", i + 1);
	n = settings_format(&a, &schema, text, sizeof(text));
	assert_true(n > 0 && (size_t)n == strlen(text));
	assert_non_null(strstr(text, "\nhide.clients = LIFE P99\n"));
	assert_non_null(strstr(text, "\nhide.syscalls = SYSCALL,CALLS/s,ERR/s,P50,P99,MAX,TIME%\n"));
	assert_non_null(strstr(text, "\nsort.syscalls = max asc\n"));
	assert_non_null(strstr(text, "\ninterval = 30\n"));
	assert_non_null(strstr(text, "\nwaits = on\n"));
	assert_int_equal(parse(&b, text, &p), 0);
	assert_true(settings_equal(&a, &b));
	assert_int_equal(settings_format(&b, &schema, again, sizeof(again)), n);
	assert_string_equal(text, again);
	/* Too small a buffer: -ENOSPC, never a cut file. */
	assert_int_equal(settings_format(&a, &schema, text, 100), -ENOSPC);
	/* equal() looks at every field. */
	b.hidden[SETTINGS_CLIENTS] = 0;
	assert_false(settings_equal(&a, &b));
	b = a;
	snprintf(b.slo[3], SETTINGS_SLO_LEN, "p99(read) < 1s");
	assert_false(settings_equal(&a, &b));
}

/* --- the file on disk ------------------------------------------------------ */

static char dir[64];

static int make_tmp(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_settings.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_tmp(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void test_path(void **state)
{
	char path[256], err[160];

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(settings_file_path(path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/x/cfg/lattop/lattoprc");
	/* A relative XDG_CONFIG_HOME is invalid by the spec: $HOME/.config. */
	setenv("XDG_CONFIG_HOME", "cfg", 1);
	assert_int_equal(settings_file_path(path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/home/u/.config/lattop/lattoprc");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(settings_file_path(path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(path, "/home/u/.config/lattop/lattoprc");
	unsetenv("HOME");
	assert_int_equal(settings_file_path(path, sizeof(path), err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "$HOME"));
	setenv("HOME", "/home/u", 1);
	assert_int_equal(settings_file_path(path, 10, err, sizeof(err)), -ENAMETOOLONG);
}

static void test_write_read(void **state)
{
	char path[128], buf[256], err[256];
	struct stat st;
	size_t len;

	(void)state;
	/* Neither the directory nor its parent exists: both are made, 0700. */
	snprintf(path, sizeof(path), "%s/cfg/lattop/lattoprc", dir);
	assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)),
			 -ENOENT);
	umask(0);	/* the modes below must not depend on the umask */
	assert_int_equal(settings_file_write(path, "waits = on\n", 11, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(buf, sizeof(buf), "%s/cfg/lattop", dir);
	assert_int_equal(stat(buf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	umask(022);
	assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)), 0);
	assert_int_equal(len, 11);
	assert_memory_equal(buf, "waits = on\n", 11);
	/* Replaced, not appended; no temporary file left behind. */
	assert_int_equal(settings_file_write(path, "waits = off\n", 12, err, sizeof(err)), 0);
	read_file(path, buf, sizeof(buf));
	assert_string_equal(buf, "waits = off\n");
	snprintf(buf, sizeof(buf), "ls -A '%s/cfg/lattop' | grep -vx lattoprc", dir);
	assert_int_not_equal(system(buf), 0);
	/* Too big to read. */
	assert_int_equal(settings_file_read(path, buf, 4, &len, err, sizeof(err)), -EFBIG);
}

static void test_symlink_refused(void **state)
{
	char path[128], target[128], buf[256], err[256];
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/l/lattoprc", dir);
	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(buf, sizeof(buf), "%s/l", dir);
	assert_int_equal(mkdir(buf, 0700), 0);
	read_file("/dev/null", buf, sizeof(buf));
	{
		FILE *f = fopen(target, "w");

		assert_non_null(f);
		fputs("precious\n", f);
		fclose(f);
	}
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)),
			 -ELOOP);
	assert_non_null(strstr(err, "symbolic link"));
	assert_int_equal(len, 0);
	assert_int_equal(settings_file_write(path, "waits = on\n", 11, err, sizeof(err)), -ELOOP);
	assert_non_null(strstr(err, "symbolic link"));
	read_file(target, buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	/* A dangling link is refused too: it would create the target. */
	assert_int_equal(unlink(target), 0);
	assert_int_equal(settings_file_write(path, "waits = on\n", 11, err, sizeof(err)), -ELOOP);
	assert_int_equal(access(target, F_OK), -1);
}

static void test_untrusted_file_refused(void **state)
{
	char path[128], buf[256], err[256];
	size_t len;
	int fd;

	(void)state;
	snprintf(buf, sizeof(buf), "%s/g", dir);
	assert_int_equal(mkdir(buf, 0700), 0);
	snprintf(path, sizeof(path), "%s/g/lattoprc", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "waits = on\n", 11), 11);
	assert_int_equal(fchmod(fd, 0664), 0);
	close(fd);
	assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)),
			 -EPERM);
	assert_non_null(strstr(err, "writable by group or others (mode 0664)"));
	assert_int_equal(settings_file_write(path, "x\n", 2, err, sizeof(err)), -EPERM);
	/* Owned by someone else (root can hand it over): refused, whatever the mode. */
	assert_int_equal(chmod(path, 0600), 0);
	if (geteuid() == 0 && chown(path, 12345, 12345) == 0) {
		assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)),
				 -EPERM);
		assert_non_null(strstr(err, "owned by uid 12345"));
		assert_int_equal(settings_file_write(path, "x\n", 2, err, sizeof(err)), -EPERM);
	}
	/* Not a regular file. */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(settings_file_write(path, "x\n", 2, err, sizeof(err)), -EINVAL);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(settings_file_read(path, buf, sizeof(buf), &len, err, sizeof(err)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_interval_ladder),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_untrusted_file_refused),
	};

	return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
