/*
 * test_cgroup_name.c - cgroup paths to the names an operator recognises:
 * every kind, nested layouts of the systemd and cgroupfs drivers, and the
 * near misses that must stay paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/cgroup_name.h"

#define ID64 "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"
#define ID63 "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2"
#define UID "5f1c2d3e-1111-2222-3333-444455556666"
#define UID_ "5f1c2d3e_1111_2222_3333_444455556666"

static char name[SNAP_CGROUP_NAME_LEN];

static enum snap_cgroup_kind of(const char *path)
{
	memset(name, 'X', sizeof(name));
	return cgroup_name_of(path, name, sizeof(name));
}

#define expect(path, kind, want)                              \
	do {                                                  \
		assert_int_equal(of(path), (kind));           \
		assert_string_equal(name, (want));            \
	} while (0)

/* A path too long for a name: "..." and its tail. */
static void expect_tail(const char *path, enum snap_cgroup_kind kind)
{
	size_t keep = sizeof(name) - 4;

	assert_true(strlen(path) > keep);
	assert_int_equal(of(path), kind);
	assert_memory_equal(name, "...", 3);
	assert_string_equal(name + 3, path + strlen(path) - keep);
}

static void test_root_and_empty(void **state)
{
	(void)state;
	expect("/", SNAP_CG_ROOT, "/");
	expect("//", SNAP_CG_ROOT, "/");
	expect("", SNAP_CG_UNRESOLVED, "");
	expect(NULL, SNAP_CG_UNRESOLVED, "");
}

static void test_systemd(void **state)
{
	(void)state;
	expect("/system.slice/nginx.service", SNAP_CG_SYSTEMD, "nginx.service");
	expect("/user.slice/user-1000.slice/user@1000.service", SNAP_CG_SYSTEMD,
	       "user@1000.service");
	expect("/user.slice/user-1000.slice/session-3.scope", SNAP_CG_SYSTEMD, "session-3.scope");
	expect("/system.slice", SNAP_CG_SYSTEMD, "system.slice");
	expect("/system.slice/system-getty.slice/getty@tty1.service/", SNAP_CG_SYSTEMD,
	       "getty@tty1.service");
	expect("lattop-test/web.service", SNAP_CG_SYSTEMD, "web.service");
	/* near misses: no unit name, a character systemd does not allow, another suffix */
	expect("/.service", SNAP_CG_PATH, "/.service");
	expect("/a/.scope", SNAP_CG_PATH, "/a/.scope");
	expect("/we b.service", SNAP_CG_PATH, "/we b.service");
	expect("/evil\x1b[2J.service", SNAP_CG_PATH, "/evil\x1b[2J.service");
	expect("/x.services", SNAP_CG_PATH, "/x.services");
	expect("/lattop-test/plain", SNAP_CG_PATH, "/lattop-test/plain");
}

static void test_containers(void **state)
{
	(void)state;
	expect("/system.slice/docker-" ID64 ".scope", SNAP_CG_DOCKER, "docker:3f2a1b0c9d8e");
	expect("/docker/" ID64, SNAP_CG_DOCKER, "docker:3f2a1b0c9d8e");
	expect("/docker/" ID64 "/docker/" ID64, SNAP_CG_DOCKER, "docker:3f2a1b0c9d8e");
	expect("lattop-test/docker-" ID64 ".scope", SNAP_CG_DOCKER, "docker:3f2a1b0c9d8e");
	expect("/system.slice/cri-containerd-" ID64 ".scope", SNAP_CG_CONTAINERD,
	       "containerd:3f2a1b0c9d8e");
	expect("/machine.slice/crio-" ID64 ".scope", SNAP_CG_CRIO, "crio:3f2a1b0c9d8e");
	expect("/machine.slice/libpod-" ID64 ".scope", SNAP_CG_PODMAN, "podman:3f2a1b0c9d8e");
	expect("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID64 ".scope",
	       SNAP_CG_PODMAN, "podman:3f2a1b0c9d8e");
	/* near misses: 63 or 65 hex, a non-hex digit, upper case, no .scope */
	expect("/system.slice/docker-" ID63 ".scope", SNAP_CG_SYSTEMD, "docker-" ID63 ".scope");
	expect("/system.slice/docker-" ID64 "0.scope", SNAP_CG_SYSTEMD,
	       "docker-" ID64 "0.scope");
	expect("/docker/" ID63 "g", SNAP_CG_PATH, "/docker/" ID63 "g");
	expect("/docker/" ID63, SNAP_CG_PATH, "/docker/" ID63);
	expect("/docker/3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4E3F2A",
	       SNAP_CG_PATH, "/docker/3F2A1B0C9D8E7F6A5B4C3D2E1F0A9B8C7D6E5F4A3B2C1D0E9F8A7B6C5D4E3F2A");
	expect("/system.slice/docker-" ID64, SNAP_CG_PATH, "/system.slice/docker-" ID64);
	/* a bare id elsewhere is a path: only docker/ and pods use them */
	expect("/other/" ID64, SNAP_CG_PATH, "/other/" ID64);
}

static void test_pods(void **state)
{
	(void)state;
	/* systemd driver */
	expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	       ".slice/cri-containerd-" ID64 ".scope",
	       SNAP_CG_POD, "pod:5f1c2d3e/3f2a1b0c9d8e");
	expect("/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_
	       ".slice/crio-" ID64 ".scope",
	       SNAP_CG_POD, "pod:5f1c2d3e/3f2a1b0c9d8e");
	expect("/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" ID64 ".scope", SNAP_CG_POD,
	       "pod:5f1c2d3e/3f2a1b0c9d8e");
	expect("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice",
	       SNAP_CG_POD, "pod:5f1c2d3e");
	/* cgroupfs driver */
	expect("/kubepods/burstable/pod" UID "/" ID64, SNAP_CG_POD, "pod:5f1c2d3e/3f2a1b0c9d8e");
	expect("/kubepods/pod" UID "/" ID64, SNAP_CG_POD, "pod:5f1c2d3e/3f2a1b0c9d8e");
	expect("/kubepods/besteffort/pod" UID, SNAP_CG_POD, "pod:5f1c2d3e");
	/* the tests' layout, below a test cgroup */
	expect("lattop-test/kubepods/pod" UID "/" ID64, SNAP_CG_POD, "pod:5f1c2d3e/3f2a1b0c9d8e");
	expect("/lattop-test-77/kubepods/pod" UID_ "/" ID64, SNAP_CG_POD,
	       "pod:5f1c2d3e/3f2a1b0c9d8e");
	/* near misses: pod<uid> not below kubepods, a short uid, a bad separator */
	expect_tail("/other/pod" UID "/" ID64, SNAP_CG_PATH);
	expect_tail("/kubepods/pod5f1c2d3e-1111-2222-3333-44445555666/" ID64, SNAP_CG_PATH);
	expect("/kubepods/pod5f1c2d3e+1111-2222-3333-444455556666", SNAP_CG_PATH,
	       "/kubepods/pod5f1c2d3e+1111-2222-3333-444455556666");
	expect("/kubepods/pod", SNAP_CG_PATH, "/kubepods/pod");
	expect("/kubepods.slice/kubepods-burstable-pod.slice", SNAP_CG_SYSTEMD,
	       "kubepods-burstable-pod.slice");
	/* a pod's non-container child falls back to what it looks like */
	expect_tail("/kubepods/pod" UID "/" ID63, SNAP_CG_PATH);
}

static void test_bounds(void **state)
{
	char big[4096], small[8];

	(void)state;
	/* a long path: its tail, marked, cut to the buffer */
	memset(big, 'a', sizeof(big));
	big[0] = '/';
	memcpy(big + sizeof(big) - 6, "/tail", 6);
	assert_int_equal(of(big), SNAP_CG_PATH);
	assert_int_equal(strlen(name), sizeof(name) - 1);
	assert_memory_equal(name, "...", 3);
	assert_string_equal(name + strlen(name) - 5, "/tail");
	/* a long last component that is a unit, into a small buffer: cut, terminated */
	memset(big, 'u', sizeof(big));
	big[0] = '/';
	memcpy(big + sizeof(big) - 9, ".service", 9);
	assert_int_equal(cgroup_name_of(big, small, sizeof(small)), SNAP_CG_SYSTEMD);
	assert_string_equal(small, "uuuuuuu");
	assert_int_equal(cgroup_name_of("/system.slice/docker-" ID64 ".scope", small, sizeof(small)),
			 SNAP_CG_DOCKER);
	assert_string_equal(small, "docker:");
	assert_int_equal(cgroup_name_of("/", small, 1), SNAP_CG_ROOT);
	assert_string_equal(small, "");
	assert_int_equal(cgroup_name_of("/a/b/c/long/path", small, sizeof(small)), SNAP_CG_PATH);
	assert_string_equal(small, "...path");
	/* no room at all: nothing written */
	small[0] = 'Z';
	assert_int_equal(cgroup_name_of("/x.service", small, 0), SNAP_CG_SYSTEMD);
	assert_int_equal(small[0], 'Z');
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(cgroup_kind_name(SNAP_CG_UNRESOLVED), "unresolved");
	assert_string_equal(cgroup_kind_name(SNAP_CG_ROOT), "root");
	assert_string_equal(cgroup_kind_name(SNAP_CG_PATH), "path");
	assert_string_equal(cgroup_kind_name(SNAP_CG_SYSTEMD), "systemd");
	assert_string_equal(cgroup_kind_name(SNAP_CG_DOCKER), "docker");
	assert_string_equal(cgroup_kind_name(SNAP_CG_CONTAINERD), "containerd");
	assert_string_equal(cgroup_kind_name(SNAP_CG_CRIO), "crio");
	assert_string_equal(cgroup_kind_name(SNAP_CG_PODMAN), "podman");
	assert_string_equal(cgroup_kind_name(SNAP_CG_POD), "pod");
	assert_string_equal(cgroup_kind_name(SNAP_CG_KINDS), "?");
	assert_string_equal(cgroup_kind_name((enum snap_cgroup_kind)-1), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_empty),
		cmocka_unit_test(test_systemd),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_pods),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_kind_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
