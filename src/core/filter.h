/*
 * filter.h - what the operator asked to see, parsed from the filter prompt
 * or the command line, applied to snapshot rows (never to the kernel).
 *
 * Syntax: whitespace-separated terms; kinds AND together, values of one kind
 * OR together.
 *   NAME            process name contains NAME (case-sensitive substring)
 *   pid:N[,N...]    process id
 *   sys:NAME[,NAME] syscall name (must exist on this architecture)
 *   ip:ADDR[/BITS]  client address or network, IPv4 or IPv6 (ip:127.0.0.0/8, ip:::1)
 *   port:N[,N...]   client row's port (local port of accepted connections,
 *                   remote port of outgoing ones)
 *   dev:NAME[,NAME] block I/O row's device: its name ("sda", "loop3") or MAJ:MIN
 *   fn:TEXT[,TEXT]  function row's function (or USDT probe) contains TEXT
 *                   (case-sensitive substring: fn:query matches "exec_simple_query")
 *   cg:TEXT[,TEXT]  the row's cgroup: its name or path (in the snapshot's cgroup
 *                   table) contains TEXT (case-sensitive substring: cg:web matches
 *                   "web.service" and "/lattop-test/web.service"); rows with cgroup
 *                   id 0 (not attributed) never match a cg: term
 *   host:NAME[,NAME] the fleet view: merge these hosts only (the source applies it;
 *                   rows carry no host, so it matches every row here)
 * Example: "nginx sys:read,write" = (comm contains nginx) AND syscall in {read, write}.
 * sys: applies to syscall rows only, ip: and port: to client rows only,
 * dev: to block I/O rows only, fn: to function rows only; names, pids and cg: to all.
 * cg: needs the snapshot's cgroup table: the *_in matchers take the snapshot;
 * the plain ones (no snapshot) never match a filter with a cg: term.
 *
 * Next to the text, a filter says which side of the work/wait split of
 * syscall rows it keeps (enum filter_waits): the dashboard's work view and
 * its drill-downs set it on their copy of the operator's filter; the text
 * never does (parse and clear give FILTER_WAITS_ALL).
 */
#ifndef LATTOP_CORE_FILTER_H
#define LATTOP_CORE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/blkdev.h"
#include "core/snapshot.h"

#define FILTER_MAX_TERMS 16
#define FILTER_TEXT_MAX 256
#define FILTER_CG_LEN 65	/* a cg: value: at most 64 bytes and its NUL */

/* An address with a prefix length; bits past the prefix are zero. */
struct filter_net {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t bits;		/* prefix length */
	uint8_t addr[16];	/* network byte order */
};

/* Which syscall rows of the work/wait split (snap_sys_row.wait) a filter keeps. */
enum filter_waits {
	FILTER_WAITS_ALL = 0,	/* both: batch, JSON, the dashboard's waits view */
	FILTER_WAITS_HIDE,	/* work only: the dashboard's default view */
	FILTER_WAITS_ONLY,	/* waits only: a drill-down into a wait row */
};

struct filter {
	size_t n_comm;
	char comm[FILTER_MAX_TERMS][ABI_COMM_LEN];
	size_t n_pid;
	uint32_t pid[FILTER_MAX_TERMS];
	size_t n_sys;
	uint32_t sys_nr[FILTER_MAX_TERMS];
	size_t n_net;
	struct filter_net net[FILTER_MAX_TERMS];
	size_t n_port;
	uint16_t port[FILTER_MAX_TERMS];
	size_t n_dev;
	char dev[FILTER_MAX_TERMS][BLKDEV_NAME_LEN];	/* device name or "MAJ:MIN" */
	size_t n_fn;
	char fn[FILTER_MAX_TERMS][SNAP_LABEL_LEN];	/* substring of a function row's label */
	size_t n_cg;
	char cg[FILTER_MAX_TERMS][FILTER_CG_LEN];	/* substring of a cgroup's name or path */
	size_t n_host;
	char host[FILTER_MAX_TERMS][SNAP_HOST_LEN];	/* fleet view: host label or instance */
	enum filter_waits waits;	/* not part of the text */
	uint32_t hide_pid;		/* not part of the text: rows of this pid (the dashboard's
					 * own) left out unless a pid: term names it; 0: none */
};

/* Empty filter: matches everything (waits = FILTER_WAITS_ALL). */
void filter_clear(struct filter *f);
bool filter_is_empty(const struct filter *f);

/*
 * Parse @text into @f (waits: FILTER_WAITS_ALL). On error returns -EINVAL, leaves @f unchanged and
 * writes a one-line reason into @err (e.g. "unknown syscall 'foo'").
 */
int filter_parse(struct filter *f, const char *text, char *err, size_t errlen);

/* Canonical text of @f (parses back to the same filter); "" when empty. */
void filter_format(const struct filter *f, char *buf, size_t len);

bool filter_match_proc(const struct filter *f, uint32_t pid, const char *comm);

/* Fleet view: is host @name (NUL-terminated) one of the host: terms (true when there are none)? */
bool filter_match_host(const struct filter *f, const char *name);
bool filter_match_sys(const struct filter *f, const struct snap_sys_row *r);
bool filter_match_client(const struct filter *f, const struct snap_client_row *r);
/*
 * A row of family table @fam (run queue, block I/O, functions): its process
 * terms; dev: for block rows, fn: for function rows.
 */
bool filter_match_fam(const struct filter *f, enum snap_family fam, const struct snap_fam_row *r);

/*
 * The same with cg: terms looked up in @s's cgroup table (@s: the snapshot
 * the row is in; NULL: a cg: term matches nothing). Stacks: process and cg: terms.
 */
bool filter_match_sys_in(const struct filter *f, const struct snapshot *s,
			 const struct snap_sys_row *r);
bool filter_match_client_in(const struct filter *f, const struct snapshot *s,
			    const struct snap_client_row *r);
bool filter_match_fam_in(const struct filter *f, const struct snapshot *s, enum snap_family fam,
			 const struct snap_fam_row *r);
bool filter_match_stack_in(const struct filter *f, const struct snapshot *s,
			   const struct snap_stack *st);
/*
 * Is @text part of the name or path of cgroup @id in @s (the cg: match, for
 * run --assert too)? Never for id 0, an id @s does not name, or a NULL @s.
 */
bool filter_cgroup_has(const struct snapshot *s, uint64_t id, const char *text);
/* Does cgroup @id of @s pass the cg: terms (true when there are none; id 0 never does)? */
bool filter_match_cgroup(const struct filter *f, const struct snapshot *s, uint64_t id);

#endif
