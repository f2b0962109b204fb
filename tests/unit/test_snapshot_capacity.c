/* test_snapshot_capacity.c - the bytes a snapshot's arrays hold (the collector frees big released slots). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/snapshot.h"

static void test_counts_every_array_by_capacity(void **state)
{
	struct snapshot s;
	size_t sys_bytes, want;

	(void)state;
	snapshot_init(&s);
	assert_int_equal(snapshot_capacity_bytes(&s), 0);
	assert_non_null(snapshot_add_sys(&s));
	sys_bytes = s.cap_sys * sizeof(*s.sys);
	assert_true(s.cap_sys >= 1);
	assert_int_equal(snapshot_capacity_bytes(&s), sys_bytes);
	/* Capacity, not rows: a second row in the same capacity adds nothing. */
	assert_non_null(snapshot_add_sys(&s));
	assert_int_equal(snapshot_capacity_bytes(&s), sys_bytes);
	assert_non_null(snapshot_add_fam(&s, SNAP_FAM_RUNQ));
	assert_non_null(snapshot_add_fam(&s, SNAP_FAM_FUNC));
	assert_int_equal(snapshot_reserve_buckets(&s, 1000), 0);
	assert_non_null(snapshot_add_client(&s));
	assert_non_null(snapshot_add_cgroup(&s));
	assert_non_null(snapshot_add_host(&s));
	assert_non_null(snapshot_add_stack(&s));
	assert_int_equal(snapshot_add_frame(&s, "do_sys_openat2"), 0);
	want = sys_bytes + s.fam[SNAP_FAM_RUNQ].cap * sizeof(struct snap_fam_row) +
	       s.fam[SNAP_FAM_FUNC].cap * sizeof(struct snap_fam_row) +
	       s.cap_buckets * sizeof(*s.buckets) + s.cap_clients * sizeof(*s.clients) +
	       s.cap_cgroups * sizeof(*s.cgroups) + s.cap_hosts * sizeof(*s.hosts) + s.cap_stacks * sizeof(*s.stacks) +
	       s.cap_frames * sizeof(*s.frames) + s.cap_frame_text;
	assert_true(s.cap_buckets >= 1000);
	assert_int_equal(snapshot_capacity_bytes(&s), want);
	/* A reset keeps the arrays (and their bytes); a free gives them back. */
	snapshot_reset(&s);
	assert_int_equal(snapshot_capacity_bytes(&s), want);
	snapshot_free(&s);
	assert_int_equal(snapshot_capacity_bytes(&s), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_every_array_by_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
