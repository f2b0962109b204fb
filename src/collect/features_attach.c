/*
 * features_attach.c - can this kernel attach each flavour? A trivial
 * program (r0 = 0; exit) is loaded and attached, then closed: tp_btf and
 * raw_tp on sched_switch, a classic tracepoint through perf, a kprobe
 * through the kprobe PMU, an fentry trampoline, a uprobe on lattop itself.
 */
#include <errno.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "collect/features_attach.h"

#define PMU_DIR "/sys/bus/event_source/devices"
#define ENOTSUPP_KERNEL 524		/* the kernel's internal ENOTSUPP, seen by user space */

const char *features_err_str(int err)
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

static void flavour_result(struct hf_report *r, const char *name, int stage_ret,
			   const char *stage, const char *detail)
{
	if (!stage_ret)
		hf_add(r, HF_ATTACH, name, true, "%s", detail);
	else
		hf_add(r, HF_ATTACH, name, false, "%s failed: %s", stage, features_err_str(-stage_ret));
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

static void probe_tracepoint(struct hf_report *r, const struct feat_tracefs *t)
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
static void probe_kprobe(struct hf_report *r, const struct feat_tracefs *t)
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
		       "failed: %s%s%s%s%s", func, features_err_str(-fd), log[0] ? " (verifier: " : "", log,
		       log[0] ? ")" : "",
		       refused ? " although root: this kernel has no BPF trampolines (e.g. built "
				 "without CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS)" : "");
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link < 0)
		hf_add(r, HF_ATTACH, "fentry", false, "attaching fentry to %s failed: %s", func,
		       features_err_str(errno));
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

void features_probe_attach(struct hf_report *r, const struct btf *vmlinux,
			   const struct feat_tracefs *t)
{
	probe_tp_btf(r, vmlinux);
	probe_raw_tp(r);
	probe_tracepoint(r, t);
	probe_kprobe(r, t);
	probe_fentry(r, vmlinux);
	probe_uprobe(r);
}
