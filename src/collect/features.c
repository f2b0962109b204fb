/*
 * features.c - `lattop --features`: try each probe family, attach flavour
 * and kernel feature, and say why what fails fails. Main thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "abi/lat_abi.h"
#include "collect/bpf_stats.h"
#include "collect/families.h"
#include "collect/features.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"
#define PMU_DIR "/sys/bus/event_source/devices"
#define ENOTSUPP_KERNEL 524		/* the kernel's internal ENOTSUPP, seen by user space */
#define CAP_BIT_SYS_ADMIN 21
#define CAP_BIT_PERFMON 38
#define CAP_BIT_BPF 39

/* Where tracefs is for this probe; a mount made here is undone in features_probe. */
struct tracefs {
	char dir[128];
	bool mounted_here;
	bool available;
	char why[HF_TEXT_LEN];
};

static const char *err_str(int err)
{
	if (err == EPERM && geteuid() != 0)
		return "Operation not permitted (run as root, or grant CAP_BPF and CAP_PERFMON)";
	return err == ENOTSUPP_KERNEL ? "not supported by this kernel (ENOTSUPP)" : strerror(err);
}

/*
 * r0 = 0; exit: the smallest program every type takes. The verifier's last
 * line goes into @log (may be NULL) when the load fails.
 */
static int load_trivial_log(enum bpf_prog_type type, enum bpf_attach_type attach, __u32 btf_id,
			    char *log, size_t loglen)
{
	char buf[4096] = "";
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = btf_id, .log_buf = log ? buf : NULL,
		    .log_size = log ? sizeof(buf) : 0, .log_level = log ? 1 : 0);
	int fd = bpf_prog_load(type, "lattop_probe", "GPL", insns, 2, &opts);
	int ret = fd < 0 ? -errno : fd;

	if (fd < 0 && log) {
		size_t n = strlen(buf);
		char *last;

		while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			buf[--n] = '\0';
		last = strrchr(buf, '\n');
		snprintf(log, loglen, "%s", last ? last + 1 : buf);
	}
	return ret;
}

static int load_trivial(enum bpf_prog_type type, enum bpf_attach_type attach, __u32 btf_id)
{
	return load_trivial_log(type, attach, btf_id, NULL, 0);
}

static int perf_open(struct perf_event_attr *attr, int pid)
{
	int fd = (int)syscall(__NR_perf_event_open, attr, pid, pid == -1 ? 0 : -1, -1,
			      PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Attach @prog to the perf event @pfd. 0 or -errno. */
static int perf_set_bpf(int pfd, int prog)
{
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) || ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0))
		return -errno;
	return 0;
}

static int read_int_file(const char *path, long *v)
{
	FILE *f = fopen(path, "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	if (fscanf(f, "%ld", v) == 1)
		ret = 0;
	fclose(f);
	return ret;
}

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

static void tracefs_find(struct tracefs *t, struct hf_report *r)
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

static void tracefs_release(struct tracefs *t)
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

/* --- attach flavours --------------------------------------------------------- */

static void flavour_result(struct hf_report *r, const char *name, int stage_ret,
			   const char *stage, const char *detail)
{
	if (!stage_ret)
		hf_add(r, HF_ATTACH, name, true, "%s", detail);
	else
		hf_add(r, HF_ATTACH, name, false, "%s failed: %s", stage, err_str(-stage_ret));
}

/* tp_btf: a BTF tracepoint program on sched_switch, loaded and attached. */
static void probe_tp_btf(struct hf_report *r, const struct btf *vmlinux)
{
	int id = vmlinux ? btf__find_by_name_kind(vmlinux, "btf_trace_sched_switch",
						  BTF_KIND_TYPEDEF) : -ENOENT;
	int fd, link;

	if (id <= 0) {
		hf_add(r, HF_ATTACH, "tp_btf", false, "no btf_trace_sched_switch in the kernel's "
		       "BTF (%s)", vmlinux ? "no such type" : "BTF unreadable");
		return;
	}
	fd = load_trivial(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, (__u32)id);
	if (fd < 0) {
		flavour_result(r, "tp_btf", fd, "loading a BPF_TRACE_RAW_TP program", NULL);
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	flavour_result(r, "tp_btf", link < 0 ? -errno : 0, "attaching to sched_switch",
		       "BTF tracepoints (attached to sched_switch)");
	if (link >= 0)
		close(link);
	close(fd);
}

static void probe_raw_tp(struct hf_report *r)
{
	int fd = load_trivial(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0), link;

	if (fd < 0) {
		flavour_result(r, "raw_tp", fd, "loading a raw tracepoint program", NULL);
		return;
	}
	link = bpf_raw_tracepoint_open("sched_switch", fd);
	flavour_result(r, "raw_tp", link < 0 ? -errno : 0, "attaching to sched_switch",
		       "raw tracepoints (attached to sched_switch)");
	if (link >= 0)
		close(link);
	close(fd);
}

static void probe_tracepoint(struct hf_report *r, const struct tracefs *t)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr),
					 .sample_period = 1, .wakeup_events = 1 };
	char path[192];
	long id;
	int fd, pfd, ret;

	if (!t->available) {
		hf_add(r, HF_ATTACH, "tracepoint", false, "%s", t->why);
		return;
	}
	snprintf(path, sizeof(path), "%s/events/sched/sched_switch/id", t->dir);
	ret = read_int_file(path, &id);
	if (ret) {
		hf_add(r, HF_ATTACH, "tracepoint", false, "%s: %s", path, strerror(-ret));
		return;
	}
	attr.config = (__u64)id;
	fd = load_trivial(BPF_PROG_TYPE_TRACEPOINT, 0, 0);
	if (fd < 0) {
		flavour_result(r, "tracepoint", fd, "loading a tracepoint program", NULL);
		return;
	}
	pfd = perf_open(&attr, -1);
	ret = pfd < 0 ? pfd : perf_set_bpf(pfd, fd);
	flavour_result(r, "tracepoint", ret, pfd < 0 ? "perf_event_open(sched:sched_switch)" :
		       "attaching to sched:sched_switch", "classic tracepoints (tracefs events)");
	if (pfd >= 0)
		close(pfd);
	close(fd);
}

/* kprobe: the kprobe PMU (or the legacy kprobe_events file), then a real attach. */
static void probe_kprobe(struct hf_report *r, const struct tracefs *t)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1,
					 .wakeup_events = 1 };
	char legacy[192];
	long type;
	int fd, pfd, ret;
	bool has_legacy;

	snprintf(legacy, sizeof(legacy), "%s/kprobe_events", t->dir[0] ? t->dir :
		 "/sys/kernel/tracing");
	has_legacy = access(legacy, F_OK) == 0;
	if (read_int_file(PMU_DIR "/kprobe/type", &type)) {
		hf_add(r, HF_ATTACH, "kprobe", false, "no kprobe PMU (%s/kprobe) and %s: the "
		       "kernel is built without kprobes (CONFIG_KPROBES, CONFIG_KPROBE_EVENTS); "
		       "lattop uses tracepoints instead", PMU_DIR,
		       has_legacy ? "only the legacy kprobe_events file" :
				    "no kprobe_events in tracefs");
		return;
	}
	attr.type = (__u32)type;
	attr.config1 = (__u64)(uintptr_t)"do_nanosleep";	/* kprobe_func */
	fd = load_trivial(BPF_PROG_TYPE_KPROBE, 0, 0);
	if (fd < 0) {
		flavour_result(r, "kprobe", fd, "loading a kprobe program", NULL);
		return;
	}
	pfd = perf_open(&attr, -1);
	ret = pfd < 0 ? pfd : perf_set_bpf(pfd, fd);
	flavour_result(r, "kprobe", ret, "attaching a kprobe to do_nanosleep",
		       "kprobes (attached to do_nanosleep)");
	if (pfd >= 0)
		close(pfd);
	close(fd);
}

/* fentry: a BPF trampoline on a kernel function, loaded and attached. */
static void probe_fentry(struct hf_report *r, const struct btf *vmlinux)
{
	static const char *const funcs[] = { "do_nanosleep", "hrtimer_nanosleep", "vfs_read" };
	const char *func = NULL;
	char log[160] = "";
	int id = -ENOENT, fd, link;

	for (size_t i = 0; vmlinux && i < sizeof(funcs) / sizeof(funcs[0]) && id <= 0; i++) {
		id = btf__find_by_name_kind(vmlinux, funcs[i], BTF_KIND_FUNC);
		func = funcs[i];
	}
	if (id <= 0) {
		hf_add(r, HF_ATTACH, "fentry", false, "no kernel function to try in the kernel's BTF");
		return;
	}
	fd = load_trivial_log(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, (__u32)id, log,
			      sizeof(log));
	if (fd < 0) {
		bool refused = fd == -EPERM && geteuid() == 0;

		hf_add(r, HF_ATTACH, "fentry", false, "loading a BPF_TRACE_FENTRY program for %s "
		       "failed: %s%s%s%s%s", func, err_str(-fd), log[0] ? " (verifier: " : "", log,
		       log[0] ? ")" : "",
		       refused ? " although root: this kernel has no BPF trampolines (e.g. built "
				 "without CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS)" : "");
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0)
		hf_add(r, HF_ATTACH, "fentry", false, "attaching fentry to %s failed: %s", func,
		       err_str(errno));
	else
		hf_add(r, HF_ATTACH, "fentry", true, "BPF trampolines (attached to %s)", func);
	if (link >= 0)
		close(link);
	close(fd);
}

/* A function of ours for the uprobe to attach to (never called while attached). */
__attribute__((noinline, used)) void features_uprobe_target(void);
__attribute__((noinline, used)) void features_uprobe_target(void)
{
	__asm__ volatile("");
}

/* The file offset of @addr in the executable mapping of /proc/self/maps; 0 = not found. */
static uint64_t self_file_offset(uintptr_t addr, char *path, size_t pathlen)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	uint64_t off = 0;

	while (f && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, pgoff;
		char perms[8];
		int n = 0;

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &lo, &hi, perms, &pgoff, &n) < 4)
			continue;
		if (addr < lo || addr >= hi || !n)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, pathlen, "%s", line + n);
		off = addr - lo + pgoff;
		break;
	}
	if (f)
		fclose(f);
	return off;
}

static void probe_uprobe(struct hf_report *r)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .sample_period = 1,
					 .wakeup_events = 1 };
	char path[256] = "";
	uint64_t off;
	long type;
	int fd, pfd, ret;

	if (read_int_file(PMU_DIR "/uprobe/type", &type)) {
		hf_add(r, HF_ATTACH, "uprobe", false, "no uprobe PMU (%s/uprobe): the kernel is "
		       "built without CONFIG_UPROBE_EVENTS", PMU_DIR);
		return;
	}
	off = self_file_offset((uintptr_t)&features_uprobe_target, path, sizeof(path));
	if (!off || path[0] != '/') {
		hf_add(r, HF_ATTACH, "uprobe", false, "cannot find lattop's own code in "
		       "/proc/self/maps to try a uprobe on");
		return;
	}
	attr.type = (__u32)type;
	attr.config1 = (__u64)(uintptr_t)path;	/* uprobe_path */
	attr.config2 = off;			/* probe_offset */
	fd = load_trivial(BPF_PROG_TYPE_KPROBE, 0, 0);
	if (fd < 0) {
		flavour_result(r, "uprobe", fd, "loading a uprobe program", NULL);
		return;
	}
	pfd = perf_open(&attr, 0);
	ret = pfd < 0 ? pfd : perf_set_bpf(pfd, fd);
	flavour_result(r, "uprobe", ret, "attaching a uprobe to lattop itself",
		       "uprobes (attached to a function of lattop)");
	if (pfd >= 0)
		close(pfd);
	close(fd);
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
		       err_str(errno), errno == EINVAL ? " (Linux 5.8 or later)" : "");
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
		       "cannot show what its own programs cost)", err_str(-ret));
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
	struct tracefs t = { 0 };
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
	probe_tp_btf(r, vmlinux);
	probe_raw_tp(r);
	probe_tracepoint(r, &t);
	probe_kprobe(r, &t);
	probe_fentry(r, vmlinux);
	probe_uprobe(r);
	probe_ringbuf(r);
	probe_bpf_stats(r);
	probe_cgroup2(r);
	probe_tracepoints(r, vmlinux);
	probe_privileges(r);
	tracefs_release(&t);
	btf__free(vmlinux);
}
