/*
 * nspid.h - pids across PID namespaces, the pure part: the NSpid line of
 * /proc/PID/status ("NSpid:\t4711\t12\t1": the pid in the process's own
 * namespace and every ancestor's, outermost first) and a kernel pid -> pid
 * table. No I/O: src/collect/pidns.c reads /proc and feeds this.
 */
#ifndef LATTOP_CORE_NSPID_H
#define LATTOP_CORE_NSPID_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse the NSpid line of a /proc/PID/status text (@text, @len bytes, not
 * necessarily NUL-terminated) into @nums (at most @max): the process's pid
 * in the namespace of the /proc mount first, then in every namespace below
 * it down to its own. *@levels: how many numbers the line has (more than
 * fit are counted, not stored). 0, -ENOENT (no NSpid line: kernel < 4.1)
 * or -EINVAL.
 */
int nspid_parse(const char *text, size_t len, uint32_t *nums, unsigned max, unsigned *levels);

struct nspid_pair {
	uint32_t kernel_pid;		/* as the BPF programs see it (initial namespace) */
	uint32_t ns_pid;		/* in the namespace lattop runs in */
};

/* kernel pid -> namespace pid, sorted for lookup after nspid_map_sort. */
struct nspid_map {
	size_t n, cap;
	struct nspid_pair *pairs;
	size_t sorted;			/* pairs[0..sorted) are sorted and unique */
};

/* Add a pair (unsorted until nspid_map_sort). 0 or -ENOMEM. */
int nspid_map_put(struct nspid_map *m, uint32_t kernel_pid, uint32_t ns_pid);
/* Sort for lookup; of pairs with one kernel pid one is kept (put each once). */
void nspid_map_sort(struct nspid_map *m);
/* The namespace pid of @kernel_pid (sorted map), 0 if unknown. */
uint32_t nspid_map_ns(const struct nspid_map *m, uint32_t kernel_pid);
/* The kernel pid of namespace pid @ns_pid (linear: for -p, rare), 0 if unknown. */
uint32_t nspid_map_kernel(const struct nspid_map *m, uint32_t ns_pid);
void nspid_map_clear(struct nspid_map *m);
/*
 * Add the pairs of @text (@len bytes): lines "KERNEL_PID NS_PID" (the task
 * iterator's output, bpf/pidns.bpf.c). Malformed lines are skipped and
 * counted in *@bad. 0 or -ENOMEM.
 */
int nspid_map_parse_pairs(struct nspid_map *m, const char *text, size_t len, size_t *bad);
void nspid_map_free(struct nspid_map *m);

#endif
