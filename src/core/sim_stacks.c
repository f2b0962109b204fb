/* sim_stacks.c - the simulation's stacks of slow calls (see sim_stacks.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "core/sim_stacks.h"
#include "core/syscall_names.h"

#define SIM_STACK_FRAMES 10
#define SIM_STACK_ENTRIES 64	/* (process, row, stack) entries, as the kernel's map is bounded */

/* One stack of a row: what it matches (comm and syscall or function), its frames. */
struct stack_tmpl {
	const char *comm;
	const char *what;		/* syscall name, or the function row's label */
	bool func;
	unsigned int share;		/* of the row's slow calls, in percent */
	uint32_t flags;			/* enum snap_stack_flags */
	const char *kernel[SIM_STACK_FRAMES];	/* innermost first, NULL-terminated */
	const char *user[SIM_STACK_FRAMES];
};

#define SYS_ENTRY "do_syscall_64", "entry_SYSCALL_64_after_hwframe"

static const struct stack_tmpl tmpls[] = {
	{ "postgres", "fsync", false, 70, SNAP_STACK_LEAF,
	  { "schedule", "io_schedule", "folio_wait_bit_common", "__filemap_fdatawait_range",
	    "file_write_and_wait_range", "ext4_sync_file", "__x64_sys_fsync", SYS_ENTRY },
	  { "fsync", "issue_xlog_fsync", "XLogWrite", "XLogBackgroundFlush", "WalWriterMain",
	    "AuxiliaryProcessMain", "main" } },
	{ "postgres", "fsync", false, 30, SNAP_STACK_LEAF,
	  { "schedule", "jbd2_log_wait_commit", "ext4_sync_file", "__x64_sys_fsync", SYS_ENTRY },
	  { "fsync", "issue_xlog_fsync", "XLogWrite", "XLogFlush", "RecordTransactionCommit",
	    "CommitTransaction", "main" } },
	{ "postgres", "read", false, 100, SNAP_STACK_LEAF | SNAP_STACK_REPAIRED,
	  { "schedule", "io_schedule", "folio_wait_bit_common", "filemap_get_pages",
	    "filemap_read", "ext4_file_read_iter", "vfs_read", "ksys_read", SYS_ENTRY },
	  { "__libc_pread64", "FileRead", "mdread", "ReadBuffer_common", "heapgetpage",
	    "SeqNext", "ExecScan", "exec_simple_query", "PostgresMain", "main" } },
	{ "java", "futex", false, 80, SNAP_STACK_TRUNCATED,
	  { "schedule", "futex_wait_queue", "futex_wait", "do_futex", "__x64_sys_futex",
	    SYS_ENTRY },
	  { "[unknown]", "[unknown]" } },
	{ "java", "futex", false, 20, SNAP_STACK_TRUNCATED,
	  { "schedule", "futex_wait_queue", "futex_wait", "do_futex", "__x64_sys_futex",
	    SYS_ENTRY },
	  { "Unsafe_Park", "[unknown]" } },
	{ "sleeper", "clock_nanosleep", false, 100, SNAP_STACK_LEAF,
	  { "schedule", "do_nanosleep", "hrtimer_nanosleep", "__x64_sys_clock_nanosleep",
	    SYS_ENTRY },
	  { "clock_nanosleep", "nanosleep", "sleep_loop", "main" } },
	{ "nginx", "epoll_wait", false, 100, SNAP_STACK_LEAF,
	  { "schedule", "schedule_hrtimeout_range", "ep_poll", "do_epoll_wait",
	    "__x64_sys_epoll_wait", SYS_ENTRY },
	  { "epoll_wait", "ngx_epoll_process_events", "ngx_process_events_and_timers",
	    "ngx_worker_process_cycle", "ngx_spawn_process", "main" } },
	{ "postgres", "exec_simple_query", true, 65, 0, { NULL },
	  { "exec_simple_query", "PostgresMain", "BackendRun", "BackendStartup", "ServerLoop",
	    "PostmasterMain", "main" } },
	{ "postgres", "exec_simple_query", true, 35, 0, { NULL },
	  { "exec_simple_query", "PostgresMain", "BackendRun", "ServerLoop", "PostmasterMain",
	    "main" } },
	{ "postgres", "postgresql:query__start->query__done", true, 100, 0, { NULL },
	  { "exec_simple_query", "PostgresMain", "BackendRun", "BackendStartup", "ServerLoop",
	    "PostmasterMain", "main" } },
	{ "nginx", "ngx_http_process_request", true, 100, 0, { NULL },
	  { "ngx_http_process_request", "ngx_http_process_request_headers",
	    "ngx_http_wait_request_handler", "ngx_epoll_process_events",
	    "ngx_process_events_and_timers", "ngx_worker_process_cycle", "main" } },
};

#define N_TMPLS (sizeof(tmpls) / sizeof(tmpls[0]))

/* A stack the "kernel" has seen: its row, template, totals. */
struct stack_entry {
	uint32_t pid, what;
	uint64_t pstart_ns;
	char comm[ABI_COMM_LEN];
	size_t tmpl;
	uint64_t count, count_total, max_ns;
};

struct sim_stacks {
	int nr[N_TMPLS];		/* syscall number of a syscall template, or -1 */
	size_t n;
	struct stack_entry e[SIM_STACK_ENTRIES];
	struct abi_hist h;		/* scratch: 2.4 KiB, not on the stack */
};

struct sim_stacks *sim_stacks_new(void)
{
	struct sim_stacks *ss = calloc(1, sizeof(*ss));

	if (!ss) {
		errno = ENOMEM;
		return NULL;
	}
	for (size_t t = 0; t < N_TMPLS; t++)
		ss->nr[t] = tmpls[t].func ? -1 : syscall_lookup(tmpls[t].what);
	return ss;
}

void sim_stacks_free(struct sim_stacks *ss)
{
	free(ss);
}

/* Calls of @sh at or above @slow_ns (slots whose lower bound is), and their max. */
static uint64_t slow_calls(struct sim_stacks *ss, const struct snapshot *s,
			   const struct snap_hist *sh, uint64_t slow_ns)
{
	uint64_t n = 0;

	if (!sh->count || sh->max_ns < slow_ns)
		return 0;
	snapshot_hist_expand(s, sh, &ss->h);
	for (uint32_t i = 0; i < ABI_HIST_SLOTS; i++)
		if (ss->h.slots[i] && hist_slot_lower_ns(i) >= slow_ns)
			n += ss->h.slots[i];
	return n;
}

static struct stack_entry *entry(struct sim_stacks *ss, uint32_t pid, uint32_t what, size_t t)
{
	for (size_t i = 0; i < ss->n; i++)
		if (ss->e[i].pid == pid && ss->e[i].what == what && ss->e[i].tmpl == t)
			return &ss->e[i];
	if (ss->n == SIM_STACK_ENTRIES)
		return NULL;
	memset(&ss->e[ss->n], 0, sizeof(ss->e[0]));
	ss->e[ss->n].pid = pid;
	ss->e[ss->n].what = what;
	ss->e[ss->n].tmpl = t;
	return &ss->e[ss->n++];
}

/* Split @slow calls of one row (max @max_ns) over the templates matching it; they add up. */
static void spread(struct sim_stacks *ss, uint32_t pid, uint64_t pstart_ns, const char *comm,
		   uint32_t what, bool func, const char *name, int nr, uint64_t slow,
		   uint64_t max_ns, uint64_t slow_ns)
{
	size_t match[N_TMPLS], n_match = 0;
	uint64_t left = slow;

	for (size_t t = 0; t < N_TMPLS; t++)
		if (tmpls[t].func == func && !strncmp(comm, tmpls[t].comm, ABI_COMM_LEN) &&
		    (func ? !strcmp(name, tmpls[t].what) : nr == ss->nr[t]))
			match[n_match++] = t;
	for (size_t k = 0; k < n_match; k++) {
		/* the last one takes the rest of the rounding */
		uint64_t n = k + 1 == n_match ? left : slow * tmpls[match[k]].share / 100, m;
		struct stack_entry *e;

		if (n > left)
			n = left;
		left -= n;
		e = n ? entry(ss, pid, what, match[k]) : NULL;
		if (!e)
			continue;	/* none this tick, or the bounded table is full */
		e->pstart_ns = pstart_ns;
		memcpy(e->comm, comm, ABI_COMM_LEN);
		e->count += n;
		m = max_ns - max_ns / 8 * k;	/* the first stack has the slowest call */
		if (m < slow_ns)
			m = slow_ns;
		if (m > e->max_ns)
			e->max_ns = m;
	}
}

static int emit(struct snapshot *out, const struct stack_entry *e)
{
	const struct stack_tmpl *tp = &tmpls[e->tmpl];
	struct snap_stack *st = snapshot_add_stack(out);

	if (!st)
		return -ENOMEM;
	st->pid = e->pid;
	st->what = e->what;
	st->pstart_ns = e->pstart_ns;
	memcpy(st->comm, e->comm, sizeof(st->comm));
	st->count = e->count;
	st->count_total = e->count_total;
	st->max_ns = e->max_ns;
	st->flags = tp->flags;
	for (unsigned int i = 0; i < SIM_STACK_FRAMES && tp->kernel[i]; i++, st->n_kernel++)
		if (snapshot_add_frame(out, tp->kernel[i]))
			return -ENOMEM;
	for (unsigned int i = 0; i < SIM_STACK_FRAMES && tp->user[i]; i++, st->n_user++)
		if (snapshot_add_frame(out, tp->user[i]))
			return -ENOMEM;
	return 0;
}

int sim_stacks_tick(struct sim_stacks *ss, uint64_t slow_ns, struct snapshot *out)
{
	const struct snap_table *ft = &out->fam[SNAP_FAM_FUNC];

	out->slow_ns = slow_ns;
	for (size_t i = 0; i < ss->n; i++)
		ss->e[i].count = 0;
	if (slow_ns) {
		for (size_t i = 0; i < out->n_sys; i++) {
			const struct snap_sys_row *r = &out->sys[i];
			uint64_t n = slow_calls(ss, out, &r->interval, slow_ns);
			char comm[ABI_COMM_LEN] = "";

			if (!n)
				continue;
			memcpy(comm, r->comm, sizeof(comm) - 1);
			spread(ss, r->pid, r->pstart_ns, comm, r->nr, false, NULL, (int)r->nr, n,
			       r->interval.max_ns, slow_ns);
		}
		for (size_t i = 0; ft->state == SNAP_FAM_ON && i < ft->n; i++) {
			const struct snap_fam_row *r = &ft->rows[i];
			uint64_t n = slow_calls(ss, out, &r->interval, slow_ns);
			char comm[ABI_COMM_LEN] = "", label[SNAP_LABEL_LEN] = "";

			if (!n)
				continue;
			memcpy(comm, r->key.comm, sizeof(comm) - 1);
			memcpy(label, r->label, sizeof(label) - 1);
			spread(ss, r->key.tgid, 0, comm, SNAP_STACK_FUNC | r->key.a, true, label, -1,
			       n, r->interval.max_ns, slow_ns);
		}
	}
	for (size_t i = 0; i < ss->n; i++) {
		ss->e[i].count_total += ss->e[i].count;
		if (ss->e[i].count_total && emit(out, &ss->e[i]))
			return -ENOMEM;
	}
	return 0;
}
