/* columns.c - the column glossary as data (help screen, `lattop --columns`, README). */
#include <stdio.h>

#include "ui/columns.h"
#include "ui/ui.h"

const struct column_doc column_docs[] = {
	{ "SYSCALL", "syscall name; \"(wait)\" marks its calls that waited for an event (the waits "
		     "view, key w): sleeps, futex waits, poll/epoll/select, wait4, blocking "
		     "reads and accepts of sockets, pipes and terminals" },
	{ "CALLS/s ERR/s", "calls, and calls that returned an error, per second of the tick (of "
			   "the run when cumulative)" },
	{ "P50 P99 MAX", "latency of a call (entry to return): median, 99th percentile (within "
			 "6.25 %) and the slowest" },
	{ "TIME%", "share of the summed latency of the rows shown: where the calls' time went, "
		   "not CPU use (a call that sleeps 1 s counts 1 s)" },
	{ "P99~", "p99 of the last 8 ticks, oldest left, as bars from 0 to the highest of them "
		  "(a replay: up to the tick shown, several ticks a bar); blank: no calls. Off by "
		  "default (F2, hidden columns, shows it: it rewrites its cells every tick); only "
		  "in panes 100 columns wide or more" },
	{ "PID COMMAND", "process id and name (as the kernel has it, sanitised): one name per pid, "
			 "the newest (a process renamed with prctl or exec shows its new name "
			 "everywhere); lattop's own pid is hidden unless O" },
	{ "CMD", "processes: the command line (/proc/PID/cmdline, sanitised, read again every "
		 "10 s); \"-\" when unknown: replay, simulation, kernel threads, gone processes" },
	{ "SLOWEST", "processes: the syscall with the highest p99 in that process (drilled into a "
		     "syscall: that syscall); Containers (g): the syscall of the cgroup's worst p99" },
	{ "CGROUP", "the cgroup v2 of the process (sanitised): a systemd unit (nginx.service), a "
		    "container (docker:<12 hex>, containerd:, crio:, podman:), a Kubernetes pod "
		    "(pod:<uid>/<container>), else its path (\"/\": the root); \"-\": none (a "
		    "run without cgroups, rows not attributed, or no v2 hierarchy: the header "
		    "says so); a long name keeps its head and tail. A process moved to another "
		    "cgroup shows the one with most of its calls. Shown only when the run has "
		    "cgroups" },
	{ "PROCS", "Containers (g): processes with calls (or client rows) in the cgroup; the "
		   "row \"(no cgroup)\" sums the rows not attributed to one. P99 there is the "
		   "worst p99 of its syscall rows, REQ/s the requests its processes answered" },
	{ "WHY", "syscalls: the largest part of the calls' time and its share: cpu (on CPU), runq "
		 "(runnable, waiting for a CPU), io (blocked in I/O wait), blk (blocked otherwise: "
		 "sleep, lock, pipe, socket); \"-\" when the breakdown is off (--no-breakdown, "
		 "replay of an older recording)" },
	{ "WAITS/s CPU", "run queue (f): waits for a CPU per second (runnable -> running), per "
			 "process; CPU: the CPU waited on (--runq-per-cpu), else \"all\"" },
	{ "DEV OP IO/s", "block I/O (f): device (name or MAJ:MIN), read/write/flush/discard, "
			 "requests per second; PID/COMMAND: the task that issued the request" },
	{ "FUNCTION BINARY", "functions (f; -u, --usdt): the function (demangled) or USDT probe "
			     "(provider:probe, provider:start->end) and the file it is in; a "
			     "function's latency is entry to return, a uprobe costs microseconds "
			     "a call" },
	{ "AVG", "run queue, block I/O, functions: mean latency" },
	{ "Q-AVG Q-P99 D-AVG D-P99", "block I/O: queue time (insert -> issue; 0 without an "
				     "I/O scheduler) and device time (issue -> complete)" },
	{ "CLIENT PORT", "clients: remote address; PORT is our local port (we accepted), >PORT "
			 "the remote port of a connection we opened" },
	{ "PROCESS", "clients: pid and name of the process that owns the connections" },
	{ "REQ/s", "clients: requests per second (a read, then the first write of the answer)" },
	{ "CONN/s OPEN", "clients: connections opened per second, and open at the end of the tick" },
	{ "LIFE P99", "clients: p99 connection lifetime, accept to close (>PORT rows: p99 "
		      "connect latency)" },
	{ "IN OUT", "clients: bytes received and sent in the tick" },
	{ "RST RTX", "clients: TCP resets and retransmits" },
};
const size_t column_docs_len = sizeof(column_docs) / sizeof(column_docs[0]);

void ui_columns_markdown(FILE *out)
{
	fputs("| column | meaning |\n| --- | --- |\n", out);
	for (size_t i = 0; i < column_docs_len; i++)
		fprintf(out, "| `%s` | %s |\n", column_docs[i].names, column_docs[i].help);
}
