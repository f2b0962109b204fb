/*
 * test_blkdev.c - device names from uevent text, the active scheduler from
 * queue/scheduler text, the bounded cache by dev_t and the table note.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/blkdev.h"

static int uevent(const char *text, char *name, size_t namelen)
{
	return blkdev_uevent_name(text, strlen(text), name, namelen);
}

static void test_uevent(void **state)
{
	char name[BLKDEV_NAME_LEN];

	(void)state;
	assert_int_equal(uevent("MAJOR=7\nMINOR=3\nDEVNAME=loop3\nDEVTYPE=disk\nDISKSEQ=12\n",
				name, sizeof(name)), 0);
	assert_string_equal(name, "loop3");
	/* Last line without a newline. */
	assert_int_equal(uevent("MAJOR=254\nDEVNAME=vda", name, sizeof(name)), 0);
	assert_string_equal(name, "vda");
	/* A key that only ends in DEVNAME= is not it. */
	assert_int_equal(uevent("XDEVNAME=bad\n", name, sizeof(name)), -ENOENT);
	assert_string_equal(name, "");
	assert_int_equal(uevent("MAJOR=7\n", name, sizeof(name)), -ENOENT);
	assert_int_equal(uevent("", name, sizeof(name)), -ENOENT);
	/* Empty value: no name. */
	assert_int_equal(uevent("DEVNAME=\n", name, sizeof(name)), -ENOENT);
	/* 15 bytes fit a 16-byte label, 16 do not. */
	assert_int_equal(uevent("DEVNAME=nvme10n12p1234\n", name, sizeof(name)), 0);
	assert_string_equal(name, "nvme10n12p1234");
	assert_int_equal(uevent("DEVNAME=nvme10n12p12345\n", name, sizeof(name)), 0);
	assert_string_equal(name, "nvme10n12p12345");
	assert_int_equal(uevent("DEVNAME=nvme10n12p123456\n", name, sizeof(name)), -ENAMETOOLONG);
	assert_string_equal(name, "");
	/* An embedded NUL is not a name. */
	assert_int_equal(blkdev_uevent_name("DEVNAME=a\0b\n", 12, name, sizeof(name)),
			 -ENAMETOOLONG);
}

static int sched(const char *text, char *name, size_t namelen)
{
	return blkdev_scheduler_parse(text, strlen(text), name, namelen);
}

static void test_scheduler(void **state)
{
	char name[16];

	(void)state;
	assert_int_equal(sched("[none] mq-deadline kyber bfq \n", name, sizeof(name)), 0);
	assert_string_equal(name, "none");
	assert_int_equal(sched("none [mq-deadline] kyber bfq \n", name, sizeof(name)), 0);
	assert_string_equal(name, "mq-deadline");
	assert_int_equal(sched("none\n", name, sizeof(name)), 0);
	assert_string_equal(name, "none");
	assert_int_equal(sched("none mq-deadline\n", name, sizeof(name)), -ENOENT);
	assert_int_equal(sched("[none mq-deadline\n", name, sizeof(name)), -ENOENT);
	assert_int_equal(sched("[]\n", name, sizeof(name)), -ENOENT);
	assert_int_equal(sched("", name, sizeof(name)), -ENOENT);
	/* The bracket on a later line does not count. */
	assert_int_equal(sched("none mq\n[x]\n", name, sizeof(name)), -ENOENT);
	/* Too long for the buffer. */
	assert_int_equal(sched("[mq-deadline]\n", name, 5), -ENOENT);
}

static void test_dev_t(void **state)
{
	(void)state;
	assert_int_equal(blkdev_major((7u << 20) | 3), 7);
	assert_int_equal(blkdev_minor((7u << 20) | 3), 3);
	assert_int_equal(blkdev_minor((259u << 20) | 0xfffff), 0xfffff);
}

static void test_cache(void **state)
{
	struct blkdev_cache c;
	struct blkdev_entry *e;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_null(blkdev_cache_find(&c, 1));
	e = blkdev_cache_put(&c, 1, 5);
	strcpy(e->name, "loop0");
	e->named = true;
	assert_ptr_equal(blkdev_cache_find(&c, 1), e);
	/* Put again refreshes the same entry, cleared. */
	assert_ptr_equal(blkdev_cache_put(&c, 1, 6), e);
	assert_false(e->named);
	for (uint32_t d = 2; d <= BLKDEV_CACHE_MAX; d++)
		blkdev_cache_put(&c, d, 10 + d);
	assert_int_equal(c.n, BLKDEV_CACHE_MAX);
	/* Full: the least recently used (dev 1, tick 6) makes room. */
	e = blkdev_cache_put(&c, 1000, 200);
	assert_int_equal(c.n, BLKDEV_CACHE_MAX);
	assert_null(blkdev_cache_find(&c, 1));
	assert_ptr_equal(blkdev_cache_find(&c, 1000), e);
	assert_non_null(blkdev_cache_find(&c, 2));
}

static void test_note(void **state)
{
	const char *names[] = { "loop0", "vda", "nvme0n1" };
	char buf[120], small[72];

	(void)state;
	assert_string_equal(blkdev_note_no_scheduler(names, 0, buf, sizeof(buf)), "");
	assert_string_equal(blkdev_note_no_scheduler(names, 2, buf, sizeof(buf)),
			    "no I/O scheduler on loop0, vda: issued without insert, queue time 0");
	/* Too narrow for all names: cut with ", ...", the tail kept. */
	blkdev_note_no_scheduler(names, 3, small, sizeof(small));
	assert_true(strlen(small) < sizeof(small));
	assert_string_equal(small, "no I/O scheduler on loop0, ...: issued without insert, queue time 0");
	assert_non_null(strstr(small, ": issued without insert, queue time 0"));
	/* Far too narrow: nothing rather than a broken sentence. */
	assert_string_equal(blkdev_note_no_scheduler(names, 1, small, 20), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uevent),
		cmocka_unit_test(test_scheduler),
		cmocka_unit_test(test_dev_t),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_note),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
