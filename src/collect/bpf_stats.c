/* bpf_stats.c - run-time statistics of lattop's BPF programs (see bpf_stats.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collect/bpf_stats.h"

void bpf_stats_sum(const struct bpf_object *obj, uint64_t *run_ns, uint64_t *run_cnt)
{
	struct bpf_program *p;

	*run_ns = *run_cnt = 0;
	if (!obj)
		return;
	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;
		uint32_t len = sizeof(info);
		int fd = bpf_program__fd(p);

		if (fd < 0)
			continue;	/* not loaded: another attach flavour */
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		*run_ns += info.run_time_ns;
		*run_cnt += info.run_cnt;
	}
}

bool bpf_stats_sysctl_on(void)
{
	char c = '0';
	int fd = open("/proc/sys/kernel/bpf_stats_enabled", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c == '1';
}

int bpf_stats_hold(int *fd, bool on)
{
	if (on && *fd < 0) {
		/* Kept on while this fd is open; closing it (or exiting) turns them off again. */
		int r = bpf_enable_stats(BPF_STATS_RUN_TIME);

		if (r < 0)
			return r == -1 ? -errno : r;
		*fd = r;
	} else if (!on && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return 0;
}
