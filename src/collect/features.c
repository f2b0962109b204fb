/*
 * features.c - `lattop --features`: try each probe family, attach flavour
 * and kernel feature, and say why what fails fails. Main thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_stats.h"
#include "collect/families.h"
#include "collect/features.h"
#include "collect/features_attach.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define CAP_BIT_SYS_ADMIN 21
#define CAP_BIT_PERFMON 38
#define CAP_BIT_BPF 39

/* --- tracefs --------------------------------------------------------------- */

static bool dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool fs_known(const char *fstype)
{
	char line[128];
	FILE *f = fopen("/proc/filesystems", "re");
	bool found = false;

	while (f && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, '\t');

		name = name ? name + 1 : line;
		name[strcspn(name, "\n")] = '\0';
		if (!strcmp(name, fstype))
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* The first tracefs mount point in /proc/self/mountinfo into @out; false: none. */
static bool tracefs_mount(char *out, size_t len)
{
	char line[1024], mnt[128], fstype[64];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		if (sep && sscanf(line, "%*s %*s %*s %*s %127s", mnt) == 1 &&
		    sscanf(sep + 3, "%63s", fstype) == 1 && !strcmp(fstype, "tracefs")) {
			snprintf(out, len, "%s", mnt);
			found = true;
		}
	}
	if (f)
		fclose(f);
	return found;
}

static void tracefs_find(struct feat_tracefs *t, struct hf_report *r)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char events[160], where[128];
	struct hf_item *it;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(events, sizeof(events), "%s/events", dirs[i]);
		if (dir_exists(events)) {
			snprintf(t->dir, sizeof(t->dir), "%s", dirs[i]);
			t->available = true;
			it = hf_add(r, HF_KERNEL, "tracefs", true, "mounted");
			if (it)
				snprintf(it->path, sizeof(it->path), "%s", t->dir);
			return;
		}
	}
	if (tracefs_mount(where, sizeof(where))) {
		/* Mounted, but its events are not ours to read (tracefs is 0700 root). */
		snprintf(t->dir, sizeof(t->dir), "%s", where);
		snprintf(events, sizeof(events), "%s/events", where);
		int e = access(events, R_OK) ? errno : ENOTDIR;

		snprintf(t->why, sizeof(t->why), "mounted at %s, but its events are not readable: "
			 "%s%s", where, strerror(e), e == EACCES ? " (run as root)" : "");
		it = hf_add(r, HF_KERNEL, "tracefs", false, "%s", t->why);
		if (it)
			snprintf(it->path, sizeof(it->path), "%s", where);
		return;
	}
	if (!fs_known("tracefs")) {
		snprintf(t->why, sizeof(t->why), "no tracefs in /proc/filesystems "
			 "(CONFIG_TRACING off): classic tracepoints are unavailable, raw "
			 "tracepoints still work");
		hf_add(r, HF_KERNEL, "tracefs", false, "%s", t->why);
		return;
	}
	/* Not mounted: mount it privately for the probe, as lattop would (then unmounted). */
	snprintf(t->dir, sizeof(t->dir), "/tmp/lattop-tracefs.XXXXXX");
	if (!mkdtemp(t->dir) || mount("tracefs", t->dir, "tracefs", 0, NULL)) {
		snprintf(t->why, sizeof(t->why), "not mounted, and mounting it failed (%s): mount "
			 "tracefs at /sys/kernel/tracing, or classic tracepoints are unavailable",
			 strerror(errno));
		if (t->dir[0])
			rmdir(t->dir);
		t->dir[0] = '\0';
		hf_add(r, HF_KERNEL, "tracefs", false, "%s", t->why);
		return;
	}
	t->mounted_here = true;
	t->available = true;
	it = hf_add(r, HF_KERNEL, "tracefs", true, "not mounted; mountable (lattop mounts it "
		    "at /sys/kernel/tracing when it needs classic tracepoints)");
	if (it)
		snprintf(it->path, sizeof(it->path), "/sys/kernel/tracing");
}

static void tracefs_release(struct feat_tracefs *t)
{
	if (!t->mounted_here)
		return;
	umount2(t->dir, MNT_DETACH);
	rmdir(t->dir);
}

/* --- probe families --------------------------------------------------------- */

static void probe_families(struct hf_report *r)
{
	static const struct probe_family *const fams[] = {
		&probe_family_syscalls, &probe_family_clients, &probe_family_runq,
		&probe_family_block,
	};
	struct bpf_source_opts o = {
		.sample_every = 1,
		.max_keys = 1024,
		.breakdown = true,
		.clients = true,
		.max_clients = 1024,	/* a live run's default preallocates ~42 MiB: not for a check */
		.runq = true,
		.block = true,
		.max_fam_keys = 1024,
	};

	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		const struct probe_family *pf = fams[i];
		/* The metric and issue name of the run-queue family is "runq". */
		const char *name = strcmp(pf->name, "runqueue") ? pf->name : "runq";
		char note[HF_TEXT_LEN] = "";
		void *ctx = NULL;
		struct hf_item *it;
		int ret = pf->open(&ctx, &o, note, sizeof(note));

		if (ret) {
			it = hf_add(r, HF_FAMILY, name, false, "%s",
				    note[0] ? note : strerror(-ret));
		} else {
			it = hf_add(r, HF_FAMILY, name, true, "%s", pf->features(ctx));
			pf->close(ctx);
		}
		if (it)
			it->required = !pf->off_option;
	}
}

/* --- kernel features ------------------------------------------------------- */

static struct btf *probe_btf(struct hf_report *r)
{
	struct btf *btf = btf__parse(VMLINUX_BTF, NULL);
	long e = libbpf_get_error(btf);
	struct hf_item *it;
	char why[128];

	if (e) {
		libbpf_strerror((int)e, why, sizeof(why));
		it = hf_add(r, HF_KERNEL, "btf", false, "%s: %s: live tracing needs the kernel's "
			    "type information (CONFIG_DEBUG_INFO_BTF); --simulate works without it",
			    VMLINUX_BTF, why);
		btf = NULL;
	} else {
		it = hf_add(r, HF_KERNEL, "btf", true, "%u types", btf__type_cnt(btf));
	}
	if (it) {
		it->required = true;
		snprintf(it->path, sizeof(it->path), "%s", VMLINUX_BTF);
	}
	return btf;
}

static void probe_ringbuf(struct hf_report *r)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "lattop_probe", 0, 0, 4096, NULL);

	if (fd < 0) {
		hf_add(r, HF_KERNEL, "ringbuf", false, "creating a BPF ring buffer failed: %s%s",
		       features_err_str(errno), errno == EINVAL ? " (Linux 5.8 or later)" : "");
		return;
	}
	hf_add(r, HF_KERNEL, "ringbuf", true, "BPF ring buffer");
	close(fd);
}

static void probe_bpf_stats(struct hf_report *r)
{
	bool was_on = bpf_stats_sysctl_on();
	int fd = -1, ret = bpf_stats_hold(&fd, true);

	if (ret) {
		hf_add(r, HF_KERNEL, "bpf_stats", false, "BPF_ENABLE_STATS failed: %s (lattop "
		       "cannot show what its own programs cost)", features_err_str(-ret));
		return;
	}
	bpf_stats_hold(&fd, false);
	hf_add(r, HF_KERNEL, "bpf_stats", true, "BPF run-time statistics (kernel.bpf_stats_enabled "
	       "is %s; lattop turns them on while it runs)", was_on ? "on" : "off");
}

/* cgroup v2: where it is mounted, and whether v1 hierarchies sit next to it (hybrid). */
static void probe_cgroup2(struct hf_report *r)
{
	char line[1024], where[HF_PATH_LEN] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	unsigned int v1 = 0;
	struct hf_item *it;

	while (f && fgets(line, sizeof(line), f)) {
		char mnt[HF_PATH_LEN], fstype[64];
		const char *sep = strstr(line, " - ");

		if (!sep || sscanf(line, "%*s %*s %*s %*s %127s", mnt) != 1 ||
		    sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		if (!strcmp(fstype, "cgroup2") && !where[0])
			snprintf(where, sizeof(where), "%s", mnt);
		else if (!strcmp(fstype, "cgroup"))
			v1++;
	}
	if (f)
		fclose(f);
	if (!where[0]) {
		hf_add(r, HF_KERNEL, "cgroup_v2", false, "no cgroup2 mount in /proc/self/mountinfo "
		       "(%u cgroup v1 hierarchies): mount -t cgroup2 none /sys/fs/cgroup/unified",
		       v1);
		return;
	}
	if (v1)
		it = hf_add(r, HF_KERNEL, "cgroup_v2", true, "hybrid: %u cgroup v1 hierarchies "
			    "next to it", v1);
	else
		it = hf_add(r, HF_KERNEL, "cgroup_v2", true, "unified");
	if (it)
		snprintf(it->path, sizeof(it->path), "%s", where);
}

/* Tracepoints @tps (NULL-terminated) by the kernel's BTF; the missing ones into @missing. */
static bool have_tracepoints(const struct btf *vmlinux, const char *const *tps, char *missing,
			     size_t len)
{
	char type[96];
	size_t n = 0;

	missing[0] = '\0';
	for (; *tps; tps++) {
		snprintf(type, sizeof(type), "btf_trace_%s", *tps);
		if (vmlinux && btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0)
			continue;
		n += (size_t)snprintf(missing + n, n < len ? len - n : 0, "%s%s", n ? ", " : "",
				      *tps);
	}
	return !missing[0];
}

static void probe_tracepoints(struct hf_report *r, const struct btf *vmlinux)
{
	static const char *const sock[] = { "sock_recv_length", "sock_send_length",
					    "inet_sock_set_state", NULL };
	static const char *const block[] = { "block_rq_issue", "block_rq_complete", NULL };
	static const char *const sched[] = { "sched_switch", "sched_wakeup", NULL };
	char missing[160];

	if (have_tracepoints(vmlinux, sock, missing, sizeof(missing)))
		hf_add(r, HF_KERNEL, "sock_tracepoints", true, "sock:sock_recv_length, "
		       "sock:sock_send_length, sock:inet_sock_set_state (request latency)");
	else
		hf_add(r, HF_KERNEL, "sock_tracepoints", false, "missing %s: request latency "
		       "needs sock_recv_length/sock_send_length (Linux 6.4 or later)%s", missing,
		       strstr(missing, "inet_sock_set_state") ? "" : "; connections are still counted");
	if (have_tracepoints(vmlinux, block, missing, sizeof(missing)))
		hf_add(r, HF_KERNEL, "block_tracepoints", true, "block:block_rq_issue, "
		       "block:block_rq_complete");
	else
		hf_add(r, HF_KERNEL, "block_tracepoints", false, "missing %s: no block I/O latency",
		       missing);
	if (have_tracepoints(vmlinux, sched, missing, sizeof(missing)))
		hf_add(r, HF_KERNEL, "sched_tracepoints", true, "sched:sched_switch, "
		       "sched:sched_wakeup (run-queue latency)");
	else
		hf_add(r, HF_KERNEL, "sched_tracepoints", false, "missing %s: no run-queue latency",
		       missing);
}

/* --- privileges --------------------------------------------------------------- */

static void probe_privileges(struct hf_report *r)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	uint64_t eff = 0;
	bool have_caps = false;
	static const struct {
		const char *name, *cap, *why;
		int bit;
	} caps[] = {
		{ "cap_bpf", "CAP_BPF", "loading BPF programs and maps (Linux 5.8+)", CAP_BIT_BPF },
		{ "cap_perfmon", "CAP_PERFMON", "attaching tracing programs, reading kernel memory",
		  CAP_BIT_PERFMON },
		{ "cap_sys_admin", "CAP_SYS_ADMIN", "BPF on kernels before 5.8, and mounting "
		  "tracefs", CAP_BIT_SYS_ADMIN },
	};

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %" SCNx64, &eff) == 1)
			have_caps = true;
	if (f)
		fclose(f);
	if (geteuid() == 0)
		hf_add(r, HF_PRIV, "root", true, "effective uid 0");
	else
		hf_add(r, HF_PRIV, "root", false, "effective uid %u: run as root, or grant "
		       "CAP_BPF and CAP_PERFMON", (unsigned int)geteuid());
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (have_caps && (eff >> caps[i].bit) & 1)
			hf_add(r, HF_PRIV, caps[i].name, true, "%s", caps[i].why);
		else
			hf_add(r, HF_PRIV, caps[i].name, false, "%s is not in the effective set "
			       "(needed for %s)", caps[i].cap, caps[i].why);
	}
}

void features_probe(struct hf_report *r)
{
	struct feat_tracefs t = { 0 };
	struct utsname un;
	struct btf *vmlinux;

	memset(r, 0, sizeof(*r));
	snprintf(r->version, sizeof(r->version), "%s", LATTOP_VERSION);
	if (uname(&un) == 0) {
		snprintf(r->host, sizeof(r->host), "%s", un.nodename);
		snprintf(r->kernel, sizeof(r->kernel), "%s", un.release);
	}
	probe_families(r);
	vmlinux = probe_btf(r);
	tracefs_find(&t, r);
	features_probe_attach(r, vmlinux, &t);
	probe_ringbuf(r);
	probe_bpf_stats(r);
	probe_cgroup2(r);
	probe_tracepoints(r, vmlinux);
	probe_privileges(r);
	tracefs_release(&t);
	btf__free(vmlinux);
}
