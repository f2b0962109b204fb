/*
 * test_mountinfo.c - mountinfo lines: fields, optional fields, escapes,
 * and malformed or hostile lines refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/mountinfo.h"

static struct mountinfo_entry e;

static int parse(const char *line)
{
	memset(&e, 'X', sizeof(e));
	return mountinfo_parse_line(line, strlen(line), &e);
}

static void test_fields(void **state)
{
	(void)state;
	assert_int_equal(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root "
			       "rw,errors=continue\n"), 0);
	assert_string_equal(e.root, "/mnt1");
	assert_string_equal(e.mount_point, "/mnt2");
	assert_string_equal(e.fstype, "ext3");
	/* no optional field; several */
	assert_int_equal(parse("40 31 0:35 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw"), 0);
	assert_string_equal(e.mount_point, "/sys/fs/cgroup/unified");
	assert_string_equal(e.fstype, "cgroup2");
	assert_int_equal(parse("40 31 0:35 / /sys/fs/cgroup rw shared:9 master:2 propagate_from:3 - "
			       "cgroup2 none rw,nsdelegate"), 0);
	assert_string_equal(e.mount_point, "/sys/fs/cgroup");
	assert_string_equal(e.fstype, "cgroup2");
	/* a cgroup namespace's view: root is not "/" */
	assert_int_equal(parse("1 0 0:35 /kubepods/pod1 /sys/fs/cgroup ro - cgroup2 cgroup rw"), 0);
	assert_string_equal(e.root, "/kubepods/pod1");
}

static void test_escapes(void **state)
{
	(void)state;
	assert_int_equal(parse("1 0 0:1 / /mnt/my\\040cg\\011x\\134y\\012z rw - cgroup2 c rw"), 0);
	assert_string_equal(e.mount_point, "/mnt/my cg\tx\\y\nz");
	/* a fake " - " inside an escaped path is no separator */
	assert_int_equal(parse("1 0 0:1 / /a\\040-\\040tmpfs rw - cgroup2 c rw"), 0);
	assert_string_equal(e.mount_point, "/a - tmpfs");
	assert_string_equal(e.fstype, "cgroup2");
	/* bad escapes: short, not octal, NUL, past the byte */
	assert_int_equal(parse("1 0 0:1 / /a\\04 rw - cgroup2 c rw"), -EINVAL);
	assert_int_equal(parse("1 0 0:1 / /a\\0 rw - cgroup2 c rw"), -EINVAL);
	assert_int_equal(parse("1 0 0:1 / /a\\ rw - cgroup2 c rw"), -EINVAL);
	assert_int_equal(parse("1 0 0:1 / /a\\08x rw - cgroup2 c rw"), -EINVAL);
	assert_int_equal(parse("1 0 0:1 / /a\\000 rw - cgroup2 c rw"), -EINVAL);
	assert_int_equal(parse("1 0 0:1 / /a\\777 rw - cgroup2 c rw"), -EINVAL);
}

static void test_malformed(void **state)
{
	char big[2 * MOUNTINFO_PATH_LEN];
	int n;

	(void)state;
	assert_int_equal(parse(""), -EINVAL);
	assert_int_equal(parse("1 0 0:1 / /mnt rw"), -EINVAL);			/* no separator */
	assert_int_equal(parse("1 0 0:1 / /mnt rw -"), -EINVAL);		/* no fstype */
	assert_int_equal(parse("1 0 0:1 / mnt rw - cgroup2 c rw"), -EINVAL);	/* relative */
	assert_int_equal(parse("1 0 0:1 / /mnt rw x-y - cgroup2 c rw"), 0);	/* "x-y" is no "-" */
	assert_string_equal(e.fstype, "cgroup2");
	/* a NUL or newline ends the line */
	assert_int_equal(mountinfo_parse_line("1 0 0:1 / /m rw - cgroup2\0 c", 27, &e), 0);
	assert_string_equal(e.fstype, "cgroup2");
	assert_int_equal(parse("1 0 0:1 / /m rw\n- cgroup2 c rw"), -EINVAL);
	/* fields too long for their buffers */
	n = snprintf(big, sizeof(big), "1 0 0:1 / /");
	memset(big + n, 'a', MOUNTINFO_PATH_LEN);
	snprintf(big + n + MOUNTINFO_PATH_LEN, sizeof(big) - (size_t)n - MOUNTINFO_PATH_LEN,
		 " rw - cgroup2 c rw");
	assert_int_equal(parse(big), -ENAMETOOLONG);
	memset(big, 'x', 200);
	memcpy(big, "1 0 0:1 / /m rw - ", 18);
	big[200] = '\0';
	assert_int_equal(parse(big), -ENAMETOOLONG);
	/* a line within bounds exactly: 4095 bytes of mount point */
	n = snprintf(big, sizeof(big), "1 0 0:1 / /");
	memset(big + n, 'b', MOUNTINFO_PATH_LEN - 2);
	snprintf(big + n + MOUNTINFO_PATH_LEN - 2, sizeof(big) - (size_t)n - MOUNTINFO_PATH_LEN + 2,
		 " rw - cgroup2 c rw");
	assert_int_equal(parse(big), 0);
	assert_int_equal(strlen(e.mount_point), MOUNTINFO_PATH_LEN - 1);
}

static void test_find(void **state)
{
	static const char hybrid[] =
		"25 30 0:23 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
		"garbage line\n"
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"40 31 0:35 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw\n"
		"41 31 0:36 / /other rw - cgroup2 cgroup2 rw";
	static const char none[] = "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
				   "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu";

	(void)state;
	assert_int_equal(mountinfo_find(hybrid, sizeof(hybrid) - 1, "cgroup2", &e), 0);
	assert_string_equal(e.mount_point, "/sys/fs/cgroup/unified");
	assert_int_equal(mountinfo_find(hybrid, sizeof(hybrid) - 1, "cgroup", &e), 0);
	assert_string_equal(e.mount_point, "/sys/fs/cgroup/cpu");
	assert_int_equal(mountinfo_find(none, sizeof(none) - 1, "cgroup2", &e), -ENOENT);
	assert_int_equal(mountinfo_find("", 0, "cgroup2", &e), -ENOENT);
	/* the last line without a newline; a cut buffer */
	assert_int_equal(mountinfo_find(hybrid, sizeof(hybrid) - 20, "cgroup2", &e), 0);
	assert_int_equal(mountinfo_find(hybrid, 40, "sysfs", &e), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
