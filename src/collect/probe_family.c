/*
 * probe_family.c - the one loader of every probe family: flavour fallback
 * (tp_btf -> raw_tp -> tracepoint), the privilege message, the verifier
 * log. Main thread.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_log.h"
#include "collect/probe_family.h"

#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"

static const char *const flavour_names[PROBE_FLAVOUR_NR] = { "tp_btf", "raw_tp", "tracepoint" };

/* Section prefixes of each flavour, as libbpf spells them. */
static const char *const flavour_sections[PROBE_FLAVOUR_NR][3] = {
	{ "tp_btf/", NULL, NULL },
	{ "raw_tp/", "raw_tracepoint/", NULL },
	{ "tp/", "tracepoint/", NULL },
};

const char *probe_flavour_name(enum probe_flavour f)
{
	return (unsigned int)f < PROBE_FLAVOUR_NR ? flavour_names[f] : "?";
}

/* The flavour of @prog by its section, or -1 for a program of no flavour (always loaded). */
static int program_flavour(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);

	for (int f = 0; f < PROBE_FLAVOUR_NR; f++)
		for (int i = 0; i < 3 && flavour_sections[f][i]; i++)
			if (!strncmp(sec, flavour_sections[f][i], strlen(flavour_sections[f][i])))
				return f;
	return -1;
}

static void set_flavour(struct bpf_object *obj, enum probe_flavour f)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj) {
		int pf = program_flavour(prog);

		if (pf >= 0)
			bpf_program__set_autoload(prog, pf == (int)f);
	}
}

/* Classic tracepoints live in tracefs; mount it if nobody has. */
static void ensure_tracefs(void)
{
	struct stat st;

	if (stat("/sys/kernel/tracing/events", &st) == 0)
		return;
	mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
}

/*
 * After a failed load: is the kernel's BTF itself unreadable (CO-RE needs
 * it)? libbpf then fails with an errno that says nothing about BTF.
 */
static bool vmlinux_btf_parses(char *err, size_t errlen)
{
	struct btf *btf = btf__parse(VMLINUX_BTF_PATH, NULL);
	long e = libbpf_get_error(btf);
	char why[128];

	if (!e) {
		btf__free(btf);
		return true;
	}
	libbpf_strerror((int)e, why, sizeof(why));	/* also libbpf's own codes (4001: format) */
	snprintf(err, errlen, "the kernel's BTF (%s) cannot be read as BTF: %s; live tracing "
		 "needs the kernel's own type information (CONFIG_DEBUG_INFO_BTF); --simulate "
		 "works without it", VMLINUX_BTF_PATH, why);
	return false;
}

static int explain_failure(const struct probe_load_req *req, int ret, char *err, size_t errlen)
{
	char path[256];

	/* As root, EACCES is the verifier refusing a program: its log says why. */
	if (ret == -EPERM || (ret == -EACCES && geteuid() != 0)) {
		snprintf(err, errlen, "cannot load %s: %s - run as root or grant CAP_BPF and "
			 "CAP_PERFMON", req->what, strerror(-ret));
		return ret;
	}
	/*
	 * libbpf retries a map that failed with EMFILE without BTF, and a map
	 * that needs BTF (task storage) then fails with EINVAL: its log still
	 * says what ran out.
	 */
	if (ret != -EMFILE && ret != -ENFILE && bpf_log_says("Too many open files"))
		ret = -EMFILE;
	if (ret == -EMFILE || ret == -ENFILE) {
		struct rlimit rl = { 0 };

		getrlimit(RLIMIT_NOFILE, &rl);
		snprintf(err, errlen, "cannot load %s: %s (ulimit -n is %llu; lattop needs about 64 "
			 "descriptors for its maps and programs: raise it, e.g. ulimit -n 1024)",
			 req->what, strerror(-ret), (unsigned long long)rl.rlim_cur);
		return ret;
	}
	if (!vmlinux_btf_parses(err, errlen))
		return ret;
	if (bpf_log_save(path, sizeof(path)) == 0)
		snprintf(err, errlen, "the kernel refused %s (%s); libbpf and verifier log in %s, "
			 "or run with --verbose", req->what, strerror(-ret), path);
	else
		snprintf(err, errlen, "the kernel refused %s (%s); run with --verbose", req->what,
			 strerror(-ret));
	return ret;
}

struct bpf_object *probe_object(const struct probe_load_req *req, void *skel)
{
	return skel ? *req->skel->skeleton(skel)->obj : NULL;
}

int probe_load(const struct probe_load_req *req, void **skel_out, enum probe_flavour *used,
	       char *err, size_t errlen)
{
	int ret = -ENOENT;

	*skel_out = NULL;
	for (int f = 0; f < PROBE_FLAVOUR_NR; f++) {
		struct bpf_object_skeleton *sk;
		void *skel;

		if (!(req->flavours & PROBE_FLAVOUR_BIT(f)))
			continue;
		bpf_log_reset();
		skel = req->skel->open();
		if (!skel) {
			ret = -errno;
			snprintf(err, errlen, "cannot open %s: %s", req->what, strerror(errno));
			return ret;
		}
		sk = req->skel->skeleton(skel);
		set_flavour(*sk->obj, (enum probe_flavour)f);
		ret = req->configure ? req->configure(skel, (enum probe_flavour)f, req->ctx) : 0;
		if (!ret && f == PROBE_TP)
			ensure_tracefs();
		if (!ret)
			ret = bpf_object__load_skeleton(sk);
		if (!ret && req->loaded)
			ret = req->loaded(skel, req->ctx);
		if (!ret)
			ret = bpf_object__attach_skeleton(sk);
		if (!ret) {
			*skel_out = skel;
			*used = (enum probe_flavour)f;
			return 0;
		}
		req->skel->destroy(skel);
		if (ret == -EPERM || (ret == -EACCES && geteuid() != 0))
			break;	/* no flavour will do better */
	}
	return explain_failure(req, ret, err, errlen);
}

uint32_t probe_set_prefilter(__u32 *cfg_pids, char *cfg_comm, const uint32_t *pids, size_t n_pids,
			     const char *comm, uint32_t pid_flag, uint32_t comm_flag)
{
	uint32_t flags = 0;

	for (size_t i = 0; i < n_pids && i < ABI_MAX_PID_FILTER; i++)
		cfg_pids[i] = pids[i];
	if (n_pids)
		flags |= pid_flag;
	if (comm && *comm) {
		for (size_t i = 0; i < ABI_COMM_LEN - 1 && comm[i]; i++)
			cfg_comm[i] = comm[i];
		flags |= comm_flag;
	}
	return flags;
}

void probe_set_cgroups(__u8 *cfg_ids, __u8 *cfg_filtering, __u64 *cfg_filter, bool ids,
		       const uint64_t *filter, size_t n)
{
	*cfg_ids = ids;
	*cfg_filtering = 0;
	for (size_t i = 0; i < n && i < ABI_MAX_CGROUP_FILTER; i++) {
		cfg_filter[i] = filter[i];
		if (filter[i])
			*cfg_filtering = 1;
	}
}

bool probe_kernel_has_tracepoint(const char *name)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	char type[96];
	bool has;

	if (libbpf_get_error(vmlinux))
		return false;
	snprintf(type, sizeof(type), "btf_trace_%s", name);
	has = btf__find_by_name_kind(vmlinux, type, BTF_KIND_TYPEDEF) > 0;
	btf__free(vmlinux);
	return has;
}
