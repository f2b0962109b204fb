/*
 * test_cgroup_resolver_v2.c - the resolver on this host's real cgroup v2
 * mount: found in mountinfo, ids equal to the kernel's own cgroup ids
 * (the file handle name_to_handle_at gives, what bpf_get_current_cgroup_id
 * returns), paths equal to what /proc/PID/cgroup says of a process moved
 * into them, names, hostile names kept raw, removal seen as gone.
 * Needs root (creates cgroups under the mount); skips with 77 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "collect/cgroup_resolver.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define EVIL "evil\x1b[2J\x07name"

static char mnt[4096], top[4200];
static const char *const subs[] = { "web.service", "docker-" ID64 ".scope", EVIL };
#define N_SUBS (sizeof(subs) / sizeof(subs[0]))

/* The v2 mount, read here without the code under test. */
static int find_v2(void)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int found = 0;

	while (f && !found && fgets(line, sizeof(line), f)) {
		char m[4096], t[64];
		const char *sep = strstr(line, " - ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", m) == 1 &&
		    sscanf(sep + 3, "%63s", t) == 1 && !strcmp(t, "cgroup2")) {
			snprintf(mnt, sizeof(mnt), "%s", m);
			found = 1;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* The kernel's id of cgroup directory @path: its kernfs file handle. */
static uint64_t kernel_id(const char *path)
{
	union {
		struct file_handle fh;
		char room[sizeof(struct file_handle) + 64];
	} h;
	uint64_t id;
	int mount_id;

	h.fh.handle_bytes = 64;
	assert_int_equal(name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0), 0);
	assert_int_equal(h.fh.handle_bytes, sizeof(uint64_t));
	memcpy(&id, h.fh.f_handle, sizeof(id));
	return id;
}

static void cleanup(void)
{
	char p[4500];

	for (size_t i = 0; i < N_SUBS; i++) {
		snprintf(p, sizeof(p), "%s/%s", top, subs[i]);
		rmdir(p);
	}
	rmdir(top);
}

static int setup(void **state)
{
	char p[4500];

	(void)state;
	snprintf(top, sizeof(top), "%s/lattop-cg-test-%d", mnt, (int)getpid());
	cleanup();
	if (mkdir(top, 0755))
		return -1;
	for (size_t i = 0; i < N_SUBS; i++) {
		snprintf(p, sizeof(p), "%s/%s", top, subs[i]);
		if (mkdir(p, 0755))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	cleanup();
	return 0;
}

/* A child moved into cgroup @dir; what its /proc/PID/cgroup says. */
static pid_t child_in(const char *dir, char *says, size_t len)
{
	char p[4600], line[4500];
	pid_t pid = fork();
	FILE *f;

	assert_true(pid >= 0);
	if (!pid) {
		pause();
		_exit(0);
	}
	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "%d\n", (int)pid);
	assert_int_equal(fclose(f), 0);
	snprintf(p, sizeof(p), "/proc/%d/cgroup", (int)pid);
	f = fopen(p, "r");
	assert_non_null(f);
	says[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(says, len, "%s", line + 3);
		}
	fclose(f);
	return pid;
}

static void test_real_mount(void **state)
{
	struct cgroup_resolver *r;
	struct snapshot s;
	char dir[4500], says[4500], rel[4500];
	uint64_t ids[N_SUBS + 1], id;
	const struct snap_cgroup *cg;
	pid_t pid;

	(void)state;
	assert_int_equal(cgroup_resolver_new(NULL, &r), 0);
	assert_non_null(cgroup_resolver_mount(r));
	assert_string_equal(cgroup_resolver_mount(r), mnt);
	/* the root: the kernel's id (1) */
	assert_int_equal(cgroup_resolver_id_of(r, "/", &ids[N_SUBS]), 0);
	assert_int_equal(ids[N_SUBS], kernel_id(mnt));
	for (size_t i = 0; i < N_SUBS; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", top, subs[i]);
		snprintf(rel, sizeof(rel), "%s/%s", top + strlen(mnt) + 1, subs[i]);
		assert_int_equal(cgroup_resolver_id_of(r, rel, &ids[i]), 0);
		assert_int_equal(ids[i], kernel_id(dir));
		assert_int_equal(cgroup_resolver_id_of(r, dir, &id), 0);	/* absolute */
		assert_int_equal(id, ids[i]);
	}
	/* a process moved into web.service: the kernel's path is the resolver's */
	snprintf(dir, sizeof(dir), "%s/%s", top, subs[0]);
	pid = child_in(dir, says, sizeof(says));
	snapshot_init(&s);
	for (size_t i = 0; i <= N_SUBS; i++) {
		struct snap_sys_row *row = snapshot_add_sys(&s);

		assert_non_null(row);
		row->cgroup_id = ids[i];
	}
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_int_equal(s.cgroups_state, SNAP_CGROUPS_ON);
	assert_int_equal(s.n_cgroups, N_SUBS + 1);
	assert_int_equal(cgroup_resolver_walks(r), 1);
	cg = snapshot_cgroup(&s, ids[0]);
	assert_non_null(cg);
	assert_string_equal(cg->path, says);
	assert_string_equal(cg->name, "web.service");
	assert_int_equal(cg->kind, SNAP_CG_SYSTEMD);
	cg = snapshot_cgroup(&s, ids[1]);
	assert_string_equal(cg->name, "docker:0123456789ab");
	cg = snapshot_cgroup(&s, ids[2]);
	assert_int_equal(cg->kind, SNAP_CG_PATH);
	assert_non_null(strstr(cg->name, EVIL));	/* raw: outputs sanitise */
	cg = snapshot_cgroup(&s, ids[N_SUBS]);
	assert_int_equal(cg->kind, SNAP_CG_ROOT);
	assert_string_equal(cg->name, "/");
	/* the process leaves, the cgroup is removed: gone, no walk */
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	assert_int_equal(rmdir(dir), 0);
	snapshot_reset(&s);
	for (size_t i = 0; i <= N_SUBS; i++)
		snapshot_add_sys(&s)->cgroup_id = ids[i];
	assert_int_equal(cgroup_resolver_fill(r, &s), 0);
	assert_true(snapshot_cgroup(&s, ids[0])->gone);
	assert_string_equal(snapshot_cgroup(&s, ids[0])->name, "web.service");
	assert_false(snapshot_cgroup(&s, ids[1])->gone);
	assert_int_equal(cgroup_resolver_walks(r), 1);
	snapshot_free(&s);
	cgroup_resolver_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_real_mount, setup, teardown),
	};

	if (geteuid()) {
		printf("skip: needs root (creates cgroups under the v2 mount)\n");
		return 77;
	}
	if (!find_v2()) {
		printf("skip: no cgroup v2 hierarchy mounted\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
