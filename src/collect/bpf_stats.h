/*
 * bpf_stats.h - what lattop's own BPF programs cost: the kernel's run-time
 * statistics (run_time_ns, run_cnt of each program, counted only while
 * kernel.bpf_stats_enabled is on or someone holds a BPF_ENABLE_STATS fd).
 * Collector side only: the UI sees the sums in the snapshot.
 */
#ifndef LATTOP_COLLECT_BPF_STATS_H
#define LATTOP_COLLECT_BPF_STATS_H

#include <stdbool.h>
#include <stdint.h>

struct bpf_object;

/* Any thread. Cumulative run time and runs summed over @obj's loaded programs. */
void bpf_stats_sum(const struct bpf_object *obj, uint64_t *run_ns, uint64_t *run_cnt);

/* Any thread. Is kernel.bpf_stats_enabled set (by the sysctl, or any holder of a stats fd)? */
bool bpf_stats_sysctl_on(void);

/*
 * Main thread. Turn statistics on (hold a BPF_ENABLE_STATS fd in *@fd) or
 * off (close it). 0 or -errno.
 */
int bpf_stats_hold(int *fd, bool on);

#endif
