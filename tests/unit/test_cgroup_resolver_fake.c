/*
 * test_cgroup_resolver_fake.c - the resolver over a fake hierarchy (plain
 * directories in a temp dir: ids are their inode numbers): names, one walk
 * per miss and no more, cgroups created and removed between fills, ids no
 * walk finds, symlinks not followed, depth bounded, long paths, docker's
 * names, path -> id, and no v2 hierarchy at all.
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

#include "collect/cgroup_resolver.h"

#define ID64 "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a"
#define UID "5f1c2d3e-1111-2222-3333-444455556666"

static char root[256];

static void mkdirs(const char *rel)
{
	char p[4096];
	int n = snprintf(p, sizeof(p), "%s/%s", root, rel);

	assert_true(!mkdir(root, 0755) || errno == EEXIST);
	for (int i = (int)strlen(root) + 1; i <= n; i++) {
		if (p[i] != '/' && p[i])
			continue;
		p[i] = '\0';
		assert_true(!mkdir(p, 0755) || errno == EEXIST);
		if (i < n)
			p[i] = '/';
	}
}

static uint64_t ino(const char *rel)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_int_equal(stat(p, &st), 0);
	return (uint64_t)st.st_ino;
}

static void rm_rf(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/lattop-cgres-%d", (int)getpid());
	rm_rf();
	mkdirs("system.slice/nginx.service");
	mkdirs("system.slice/docker-" ID64 ".scope");
	mkdirs("kubepods/burstable/pod" UID "/" ID64);
	mkdirs("lattop-test/plain");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf();
	return 0;
}

/* A snapshot whose syscall rows use @ids (n of them). */
static void rows(struct snapshot *s, const uint64_t *ids, size_t n)
{
	snapshot_reset(s);
	for (size_t i = 0; i < n; i++) {
		struct snap_sys_row *r = snapshot_add_sys(s);

		assert_non_null(r);
		r->pid = 100 + (uint32_t)i;
		r->cgroup_id = ids[i];
	}
}

static const struct snap_cgroup *cg(const struct snapshot *s, uint64_t id)
{
	const struct snap_cgroup *c = snapshot_cgroup(s, id);

	assert_non_null(c);
	return c;
}

static void test_names(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	uint64_t ids[] = { ino("system.slice/nginx.service"), ino("system.slice/docker-" ID64 ".scope"),
			   ino("kubepods/burstable/pod" UID "/" ID64), ino("lattop-test/plain"),
			   ino(""), ino("system.slice/nginx.service"), 0 };

	(void)state;
	snapshot_init(&s);
	assert_int_equal(cgroup_resolver_new(root, &r), 0);
	assert_string_equal(cgroup_resolver_mount(r), root);
	cgroup_resolver_set_docker_dir(r, NULL);
	rows(&s, ids, 7);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(s.cgroups_state, SNAP_CGROUPS_ON);
	assert_string_equal(s.cgroups_note, "");
	assert_int_equal(s.n_cgroups, 5);		/* once each; 0 is not in the table */
	assert_int_equal(cgroup_resolver_walks(r), 1);
	assert_string_equal(cg(&s, ids[0])->name, "nginx.service");
	assert_string_equal(cg(&s, ids[0])->path, "/system.slice/nginx.service");
	assert_int_equal(cg(&s, ids[0])->kind, SNAP_CG_SYSTEMD);
	assert_string_equal(cg(&s, ids[1])->name, "docker:3f2a1b0c9d8e");
	assert_int_equal(cg(&s, ids[1])->kind, SNAP_CG_DOCKER);
	assert_string_equal(cg(&s, ids[2])->name, "pod:5f1c2d3e/3f2a1b0c9d8e");
	assert_int_equal(cg(&s, ids[2])->kind, SNAP_CG_POD);
	assert_string_equal(cg(&s, ids[3])->name, "/lattop-test/plain");
	assert_string_equal(cg(&s, ids[4])->name, "/");
	assert_int_equal(cg(&s, ids[4])->kind, SNAP_CG_ROOT);
	assert_false(cg(&s, ids[0])->gone);
	for (size_t i = 1; i < s.n_cgroups; i++)
		assert_true(s.cgroups[i - 1].id < s.cgroups[i].id);
	/* the same ids again: no walk */
	for (int t = 0; t < 5; t++) {
		rows(&s, ids, 7);
		assert_int_equal(cgroup_resolver_fill(r, &s), 0);
		assert_int_equal(s.n_cgroups, 5);
	}
	assert_int_equal(cgroup_resolver_walks(r), 1);
	cgroup_resolver_free(r);
	snapshot_free(&s);
}

static void test_created_and_removed(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	uint64_t ids[3] = { ino("lattop-test/plain"), 0, 0 };
	char p[512];

	(void)state;
	snapshot_init(&s);
	assert_int_equal(cgroup_resolver_new(root, &r), 0);
	rows(&s, ids, 1);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cgroup_resolver_walks(r), 1);
	/* created after the first walk: a miss, one walk, named */
	mkdirs("lattop-test/web.service");
	ids[1] = ino("lattop-test/web.service");
	rows(&s, ids, 2);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cgroup_resolver_walks(r), 2);
	assert_string_equal(cg(&s, ids[1])->name, "web.service");
	assert_false(cg(&s, ids[1])->gone);
	/* (made now: tmpfs would give a later directory the removed one's inode;
	 * kernfs ids are never reused) */
	mkdirs("lattop-test/other.service");
	/* removed: gone from the next fill on, no walk, name kept */
	snprintf(p, sizeof(p), "%s/lattop-test/web.service", root);
	assert_int_equal(rmdir(p), 0);
	rows(&s, ids, 2);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cgroup_resolver_walks(r), 2);
	assert_true(cg(&s, ids[1])->gone);
	assert_string_equal(cg(&s, ids[1])->name, "web.service");
	assert_false(cg(&s, ids[0])->gone);
	/* a later walk (another miss) keeps it, gone */
	ids[2] = ino("lattop-test/other.service");
	rows(&s, ids, 3);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cgroup_resolver_walks(r), 3);
	assert_true(cg(&s, ids[1])->gone);
	assert_string_equal(cg(&s, ids[1])->name, "web.service");
	assert_string_equal(cg(&s, ids[2])->name, "other.service");
	cgroup_resolver_free(r);
	snapshot_free(&s);
}

static void test_unknown_id(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	uint64_t ids[] = { 987654321987ull, ino("lattop-test/plain") };

	(void)state;
	snapshot_init(&s);
	assert_int_equal(cgroup_resolver_new(root, &r), 0);
	rows(&s, ids, 2);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cgroup_resolver_walks(r), 1);
	assert_int_equal(cg(&s, ids[0])->kind, SNAP_CG_UNRESOLVED);
	assert_string_equal(cg(&s, ids[0])->name, "id:987654321987");
	assert_string_equal(cg(&s, ids[0])->path, "");
	assert_string_equal(cg(&s, ids[1])->name, "/lattop-test/plain");
	/* not a walk every fill: again only after 10 */
	for (int t = 0; t < 9; t++) {
		rows(&s, ids, 2);
		assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	}
	assert_int_equal(cgroup_resolver_walks(r), 1);
	rows(&s, ids, 2);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cgroup_resolver_walks(r), 2);
	cgroup_resolver_free(r);
	snapshot_free(&s);
}

static void test_symlink_depth_long(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	char deep[1024] = "", target[300], link[300], lng[600];
	uint64_t ids[3];
	size_t n = 0;

	(void)state;
	/* a symlink to a directory outside: not followed, its inode not found */
	snprintf(target, sizeof(target), "%s-outside", root);
	assert_true(!mkdir(target, 0755) || errno == EEXIST);
	snprintf(link, sizeof(link), "%s/lattop-test/link", root);
	assert_int_equal(symlink(target, link), 0);
	ids[0] = ino("lattop-test/link");	/* stat follows: the outside dir's inode */
	/* 40 levels: the walk stops at 32 */
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "%sd", i ? "/" : "");
	mkdirs(deep);
	ids[1] = ino(deep);
	/* a path longer than SNAP_CGROUP_PATH_LEN: its tail */
	memset(lng, 0, sizeof(lng));
	strcpy(lng, "lattop-test/");
	for (int i = 0; i < 3; i++)
		strcat(lng, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/");
	strcat(lng, "deep.service");
	mkdirs(lng);
	ids[2] = ino(lng);
	snapshot_init(&s);
	assert_int_equal(cgroup_resolver_new(root, &r), 0);
	rows(&s, ids, 3);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(cg(&s, ids[0])->kind, SNAP_CG_UNRESOLVED);
	assert_int_equal(cg(&s, ids[1])->kind, SNAP_CG_UNRESOLVED);
	assert_int_equal(cg(&s, ids[2])->kind, SNAP_CG_SYSTEMD);
	assert_string_equal(cg(&s, ids[2])->name, "deep.service");
	assert_int_equal(strlen(cg(&s, ids[2])->path), SNAP_CGROUP_PATH_LEN - 1);
	assert_string_equal(cg(&s, ids[2])->path + SNAP_CGROUP_PATH_LEN - 1 - 13, "/deep.service");
	/* path -> id: never through the symlink, nor out of the hierarchy */
	{
		uint64_t id = 0;

		assert_int_equal(cgroup_resolver_id_of(r, "lattop-test/link", &id), -ENOTDIR);
		assert_int_equal(cgroup_resolver_id_of(r, "lattop-test/../..", &id), -ENOENT);
		assert_int_equal(cgroup_resolver_id_of(r, "..", &id), -ENOENT);
	}
	cgroup_resolver_free(r);
	snapshot_free(&s);
	assert_int_equal(rmdir(target), 0);
}

static void test_id_of(void **state)
{
	struct cgroup_resolver *r;
	uint64_t id = 0;
	char abs[512];

	(void)state;
	assert_int_equal(cgroup_resolver_new(root, &r), 0);
	assert_int_equal(cgroup_resolver_id_of(r, "system.slice/nginx.service", &id), 0);
	assert_int_equal(id, ino("system.slice/nginx.service"));
	id = 0;
	assert_int_equal(cgroup_resolver_id_of(r, "/system.slice/nginx.service/", &id), 0);
	assert_int_equal(id, ino("system.slice/nginx.service"));
	snprintf(abs, sizeof(abs), "%s/lattop-test/plain", root);
	assert_int_equal(cgroup_resolver_id_of(r, abs, &id), 0);
	assert_int_equal(id, ino("lattop-test/plain"));
	assert_int_equal(cgroup_resolver_id_of(r, root, &id), 0);
	assert_int_equal(id, ino(""));
	assert_int_equal(cgroup_resolver_id_of(r, "/", &id), 0);
	assert_int_equal(id, ino(""));
	assert_int_equal(cgroup_resolver_id_of(r, "no/such", &id), -ENOENT);
	snprintf(abs, sizeof(abs), "%s/lattop-test/file", root);
	close(open(abs, O_CREAT | O_WRONLY | O_EXCL, 0600));
	assert_int_equal(cgroup_resolver_id_of(r, "lattop-test/file", &id), -ENOTDIR);
	cgroup_resolver_free(r);
}

static void test_docker_name(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	char dir[300], file[500];
	uint64_t ids[] = { ino("system.slice/docker-" ID64 ".scope") };
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s-docker", root);
	snprintf(file, sizeof(file), "%s/" ID64, dir);
	assert_true(!mkdir(dir, 0755) || errno == EEXIST);
	assert_true(!mkdir(file, 0755) || errno == EEXIST);
	snprintf(file, sizeof(file), "%s/" ID64 "/config.v2.json", dir);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("{\"ID\":\"" ID64 "\",\"Created\":\"x\",\"Name\":\"/web-1\",\"Driver\":\"overlay2\"}", f);
	fclose(f);
	snapshot_init(&s);
	assert_int_equal(cgroup_resolver_new(root, &r), 0);
	cgroup_resolver_set_docker_dir(r, dir);
	rows(&s, ids, 1);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_string_equal(cg(&s, ids[0])->name, "docker:web-1");
	assert_int_equal(cg(&s, ids[0])->kind, SNAP_CG_DOCKER);
	cgroup_resolver_free(r);
	snapshot_free(&s);
	unlink(file);
	snprintf(file, sizeof(file), "%s/" ID64, dir);
	rmdir(file);
	rmdir(dir);
}

static void test_no_v2(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	uint64_t ids[] = { 1, 4242 }, id;

	(void)state;
	snapshot_init(&s);
	assert_int_equal(cgroup_resolver_new("/nonexistent/lattop-no-v2", &r), 0);
	assert_null(cgroup_resolver_mount(r));
	rows(&s, ids, 2);
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(s.cgroups_state, SNAP_CGROUPS_NO_V2);
	assert_non_null(strstr(s.cgroups_note, "no cgroup v2"));
	assert_int_equal(s.n_cgroups, 2);
	assert_int_equal(cg(&s, 4242)->kind, SNAP_CG_UNRESOLVED);
	assert_string_equal(cg(&s, 4242)->name, "id:4242");
	assert_int_equal(cgroup_resolver_walks(r), 0);
	assert_int_equal(cgroup_resolver_id_of(r, "web", &id), -ENODEV);
	cgroup_resolver_free(r);
	snapshot_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_created_and_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_depth_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_of, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker_name, setup, teardown),
		cmocka_unit_test(test_no_v2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
