/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * clients.bpf.c - connection and request latency per remote address, for
 * any TCP server or client, from socket tracepoints alone.
 *
 * sock:inet_sock_set_state opens and closes a per-connection state (LRU
 * hash keyed by the socket's address). sock:sock_recv_length and
 * sock:sock_send_length (kernel 6.4+) drive a two-phase request machine:
 * on an accepted connection a read starts a request and the first write
 * after it ends it (the server's response time); on an outgoing connection
 * a write starts and the first read after it ends it. Results are added to
 * a per-(address, port, process) LRU hash of counters and histograms.
 * tcp:tcp_retransmit_skb / tcp_send_reset / tcp_receive_reset add
 * retransmits and resets to the connection's row.
 *
 * A connection open before lattop started is adopted on its first read or
 * write: dir IN when its local port has a listener (listen_ports, seeded by
 * user space and kept by the LISTEN transitions), else OUT; the owner is
 * the task of that read or write. It counts as adopted, not as a
 * connection, and has no lifetime (its start was not seen).
 *
 * The -p / -c pre-filter (lib/filter.bpf.h) is judged once per connection,
 * when its owner is known: a connection outside it keeps a state (so the
 * verdict is not recomputed on every read) but never makes a row or a sample.
 *
 * Two attach flavours of the same logic: tp_btf (preferred) and raw_tp.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "abi/lat_abi.h"
#include "lib/cgroup.bpf.h"
#include "lib/filter.bpf.h"
#include "lib/maps.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET		2
#define AF_INET6	10
#define IPPROTO_TCP	6
#define MSG_PEEK	2

/* include/net/tcp_states.h */
enum {
	ST_ESTABLISHED = 1,
	ST_SYN_SENT = 2,
	ST_SYN_RECV = 3,
	ST_FIN_WAIT1 = 4,
	ST_CLOSE = 7,
	ST_LAST_ACK = 9,
	ST_LISTEN = 10,
};

const volatile __u32 cfg_flags = 0;

/* One followed connection. Private to this file: user space never reads it. */
struct conn_state {
	struct abi_client_key key;	/* tgid 0 until a process touches the socket */
	__u64 t_open_ns;		/* IN: established; OUT: SYN sent */
	__u64 t_req_ns;			/* request in flight since; 0: none */
	__u64 req_bytes;		/* bytes of the request in flight */
	__u64 bytes_in;			/* whole connection, for --csv */
	__u64 bytes_out;
	__u64 unflushed_in;		/* not yet added to the row (see flush_bytes) */
	__u64 unflushed_out;
	__u32 pending_resets;		/* seen before the row was known */
	__u32 pending_retransmits;
	__u8 attributed;
	__u8 finished;			/* IN: lifetime recorded */
	__u8 skip;			/* owner outside the -p / -c pre-filter */
	__u8 adopted;			/* open before lattop started: no lifetime */
	__u8 pad[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ABI_SOCKS_DEFAULT);
	__type(key, __u64);		/* struct sock address */
	__type(value, struct conn_state);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, ABI_CLIENTS_DEFAULT);
	__type(key, struct abi_client_key);
	__type(value, struct abi_client_val);
} clients SEC(".maps");

/* Listening sockets per local port (all families and namespaces together). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ABI_PORTS_NR);
	__type(key, __u32);
	__type(value, __u32);
} listen_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ABI_CCNT_NR);
	__type(key, __u32);
	__type(value, __u64);
} client_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, ABI_CLIENT_RB_BYTES);
} samples SEC(".maps");

/* Too big for the BPF stack; the source of every new row. */
static const struct abi_client_val zero_val;

#define counter_inc(idx) counter_inc_in(&client_counters, (idx))

static __always_inline void slot_add(__u32 *slots, __u64 *sum, __u64 *max, __u64 lat_ns)
{
	__u32 slot = abi_hist_slot(lat_ns);

	__sync_fetch_and_add(sum, lat_ns);
	if (lat_ns > *max)
		*max = lat_ns;	/* racy, see hist.bpf.h */
	if (slot < ABI_HIST_SLOTS)
		__sync_fetch_and_add(&slots[slot], 1);
}

/* The name of the current process (its group leader's, as the syscall tables use). */
static __always_inline void current_proc_comm(char *comm)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);

	bpf_core_read_str(comm, ABI_COMM_LEN, &leader->comm);
}

/* Is the current process outside the -p / -c / --cgroup pre-filter? */
static __noinline bool current_excluded(void)
{
	bool by_pid = cfg_flags & ABI_CCFG_FILTER_PID, by_comm = cfg_flags & ABI_CCFG_FILTER_COMM;
	char comm[ABI_COMM_LEN] = {};

	if (cgroup_excluded(bpf_get_current_task_btf(), cgroup_filter_current(cgroup_key_current()),
			    true))
		return true;
	if (!by_pid && !by_comm)
		return false;
	if (by_comm)
		current_proc_comm(comm);
	return filter_excludes(bpf_get_current_pid_tgid() >> 32, comm, by_pid, by_comm);
}

/* The row of @key, created when missing; NULL when the map refused it. */
static __always_inline struct abi_client_val *row_get(const struct abi_client_key *key)
{
	bool created;
	struct abi_client_val *v = map_lookup_or_init(&clients, key, &zero_val, &created);

	if (!v) {
		counter_inc(ABI_CCNT_CLIENT_FULL);
		return NULL;
	}
	if (created)
		counter_inc(ABI_CCNT_ROWS_CREATED);
	/* Only the owner's context knows its name (not softirq, not tgid 0). */
	if (v && !v->comm[0] && key->tgid && key->tgid == bpf_get_current_pid_tgid() >> 32)
		current_proc_comm(v->comm);
	return v;
}

/* ::ffff:a.b.c.d, or :: (a dual-stack socket carrying IPv4 may leave it unset). */
static __always_inline bool is_v4_in_v6(const __u8 *a)
{
	for (int i = 0; i < 10; i++)
		if (a[i])
			return false;
	if (a[10] == 0xff && a[11] == 0xff)
		return true;
	return !a[10] && !a[11] && !a[12] && !a[13] && !a[14] && !a[15];
}

/* Remote address of @sk into @key; false for non-TCP or non-IP sockets. */
static __always_inline bool key_from_sock(struct abi_client_key *key, const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 proto = BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
	__u32 daddr;

	if (proto != IPPROTO_TCP || (family != AF_INET && family != AF_INET6))
		return false;
	if (family == AF_INET6) {
		/* Explicit size: BPF_CORE_READ_INTO on an array copies one element. */
		bpf_core_read(key->addr, sizeof(key->addr), &sk->__sk_common.skc_v6_daddr);
		if (!is_v4_in_v6(key->addr)) {
			key->family = AF_INET6;
			return true;
		}
		__builtin_memset(key->addr, 0, sizeof(key->addr));
	}
	/* IPv4, also when carried by an IPv6 socket: skc_daddr holds it. */
	daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	__builtin_memcpy(key->addr, &daddr, 4);
	key->family = AF_INET;
	return true;
}

static __always_inline void emit(__u32 kind, const struct conn_state *st,
				 const struct abi_client_val *row, __u64 now, __u64 lat_ns,
				 __u64 bytes_in, __u64 bytes_out)
{
	struct abi_client_event *ev;

	if (!(cfg_flags & ABI_CCFG_SAMPLES))
		return;
	ev = bpf_ringbuf_reserve(&samples, sizeof(*ev), 0);
	if (!ev) {
		counter_inc(ABI_CCNT_RB_DROPPED);
		return;
	}
	ev->kind = kind;
	ev->pad = 0;
	ev->ts_ns = now;
	ev->latency_ns = lat_ns;
	ev->bytes_in = bytes_in;
	ev->bytes_out = bytes_out;
	ev->key = st->key;
	__builtin_memcpy(ev->comm, row->comm, ABI_COMM_LEN);
	bpf_ringbuf_submit(ev, 0);
}

/*
 * An accepted connection is established in softirq context, where the
 * current task is whoever was interrupted; the owner is the first process
 * that reads or writes it (or closes it). Counted as a connection then.
 */
static __always_inline struct abi_client_val *attribute(struct conn_state *st, bool process_ctx)
{
	struct abi_client_val *row;

	if (!st->attributed && process_ctx) {
		st->key.tgid = bpf_get_current_pid_tgid() >> 32;
		st->key.cgid = cgroup_key_current();
		st->attributed = 1;
		st->skip = current_excluded();
		if (st->skip)
			return NULL;
		row = row_get(&st->key);
		if (!row)
			return NULL;
		__sync_fetch_and_add(&row->connections, 1);
		if (st->pending_resets)
			__sync_fetch_and_add(&row->resets, st->pending_resets);
		if (st->pending_retransmits)
			__sync_fetch_and_add(&row->retransmits, st->pending_retransmits);
		st->pending_resets = st->pending_retransmits = 0;
		return row;
	}
	return st->attributed && !st->skip ? row_get(&st->key) : NULL;
}

/*
 * Bytes reach the row when a request completes or the connection ends, not
 * on every read and write: one row lookup per request instead of per call.
 */
static __always_inline void flush_bytes(struct conn_state *st, struct abi_client_val *row)
{
	if (st->unflushed_in)
		__sync_fetch_and_add(&row->bytes_in, st->unflushed_in);
	if (st->unflushed_out)
		__sync_fetch_and_add(&row->bytes_out, st->unflushed_out);
	st->unflushed_in = st->unflushed_out = 0;
}

static __always_inline void request_done(struct conn_state *st, struct abi_client_val *row,
					 __u64 now, __u64 first_reply_bytes)
{
	__u64 lat_ns = now - st->t_req_ns;

	flush_bytes(st, row);
	__sync_fetch_and_add(&row->requests, 1);
	slot_add(row->req_slots, &row->req_sum_ns, &row->req_max_ns, lat_ns);
	emit(ABI_CEV_REQUEST, st, row, now, lat_ns, st->req_bytes, first_reply_bytes);
	st->t_req_ns = 0;
}

/*
 * A connection open before lattop started, first seen through a read or
 * write by the current task: followed from now on. Its requests are timed
 * from the next request boundary (the state machine starts idle: a server
 * caught mid-response times the next request, not the tail of this one).
 */
static __always_inline struct conn_state *adopt(const struct sock *sk, __u64 skp)
{
	struct conn_state fresh = {};
	struct abi_client_val *row;
	struct conn_state *st;
	__u32 port, *listeners;
	__u8 state;
	long ret;

	/* Not TCP over IP (most reads and writes of a host: pipes, UNIX sockets) first. */
	if (!key_from_sock(&fresh.key, sk))
		return NULL;
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (state == ST_LISTEN || state == ST_CLOSE || state == ST_SYN_SENT)
		return NULL;
	port = BPF_CORE_READ(sk, __sk_common.skc_num);
	listeners = bpf_map_lookup_elem(&listen_ports, &port);
	if (listeners && *listeners) {
		fresh.key.dir = ABI_DIR_IN;
		fresh.key.port = port;
	} else {
		fresh.key.dir = ABI_DIR_OUT;
		fresh.key.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	}
	fresh.key.tgid = bpf_get_current_pid_tgid() >> 32;
	fresh.key.cgid = cgroup_key_current();
	fresh.attributed = 1;
	fresh.adopted = 1;
	fresh.skip = current_excluded();
	fresh.t_open_ns = bpf_ktime_get_ns();
	/* Two threads may adopt it at once: one insert wins, one adoption counts. */
	ret = bpf_map_update_elem(&conns, &skp, &fresh, BPF_NOEXIST);
	st = bpf_map_lookup_elem(&conns, &skp);
	if (!st) {
		counter_inc(ABI_CCNT_SOCK_FULL);
		return NULL;
	}
	if (!ret && !st->skip) {
		row = row_get(&st->key);
		if (row)
			__sync_fetch_and_add(&row->adopted, 1);
	}
	return st;
}

/* A read (@is_recv) or write of @len bytes on @sk by the current process. */
static __always_inline int on_io(const struct sock *sk, int len, int flags, bool is_recv)
{
	__u64 skp = (__u64)(unsigned long)sk;
	struct abi_client_val *row;
	struct conn_state *st;
	bool starts, ends;
	__u64 now;

	if (len <= 0 || (is_recv && (flags & MSG_PEEK)))
		return 0;
	st = bpf_map_lookup_elem(&conns, &skp);
	if (!st)
		st = adopt(sk, skp);
	if (!st || st->skip)
		return 0;	/* not TCP, or outside the pre-filter */
	if (!st->attributed && !attribute(st, true))
		return 0;
	/* The owner moved to another cgroup: its rows there from this call. */
	if (cfg_cgroup_ids && st->key.tgid == bpf_get_current_pid_tgid() >> 32)
		st->key.cgid = bpf_get_current_cgroup_id();
	if (is_recv) {
		st->unflushed_in += len;
		st->bytes_in += len;
	} else {
		st->unflushed_out += len;
		st->bytes_out += len;
	}
	/* IN: read starts, write ends. OUT: write starts, read ends. */
	starts = is_recv == (st->key.dir == ABI_DIR_IN);
	ends = !starts;
	if (starts) {
		if (!st->t_req_ns) {
			st->t_req_ns = bpf_ktime_get_ns();
			st->req_bytes = 0;
		}
		st->req_bytes += len;
	} else if (ends && st->t_req_ns) {
		now = bpf_ktime_get_ns();
		row = row_get(&st->key);
		if (row)
			request_done(st, row, now, len);
	}
	return 0;
}

static __always_inline void conn_record(struct conn_state *st, struct abi_client_val *row, __u64 now)
{
	__u64 lat_ns = now - st->t_open_ns;

	flush_bytes(st, row);
	__sync_fetch_and_add(&row->conn_count, 1);
	slot_add(row->conn_slots, &row->conn_sum_ns, &row->conn_max_ns, lat_ns);
	emit(ABI_CEV_CONN, st, row, now, lat_ns, st->bytes_in, st->bytes_out);
}

static __always_inline void conn_open(const struct sock *sk, __u64 skp, __u8 dir)
{
	struct conn_state st = {};

	if (!key_from_sock(&st.key, sk))
		return;
	st.key.dir = dir;
	if (dir == ABI_DIR_IN) {
		st.key.port = BPF_CORE_READ(sk, __sk_common.skc_num);
	} else {
		/* connect() runs in the owner's context. */
		st.key.port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		st.key.tgid = bpf_get_current_pid_tgid() >> 32;
		st.key.cgid = cgroup_key_current();
		st.attributed = 1;
		st.skip = current_excluded();
	}
	st.t_open_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&conns, &skp, &st, BPF_ANY))
		counter_inc(ABI_CCNT_SOCK_FULL);
}

/* A listener on @sk's local port appears (@up) or goes. */
static __always_inline void port_listen(const struct sock *sk, bool up)
{
	__u32 port = BPF_CORE_READ(sk, __sk_common.skc_num);
	__u32 *n = bpf_map_lookup_elem(&listen_ports, &port);

	if (!n)
		return;
	if (up)
		__sync_fetch_and_add(n, 1);
	else if (*n)	/* one seeded by user space may go before it is counted */
		__sync_fetch_and_add(n, -1);
}

static __always_inline int on_state(const struct sock *sk, int old, int new)
{
	__u64 skp = (__u64)(unsigned long)sk;
	struct abi_client_val *row;
	struct conn_state *st;

	if (new == ST_LISTEN || old == ST_LISTEN) {
		port_listen(sk, new == ST_LISTEN);
		return 0;
	}
	if (new == ST_ESTABLISHED && old == ST_SYN_RECV) {
		conn_open(sk, skp, ABI_DIR_IN);
		return 0;
	}
	if (new == ST_SYN_SENT) {
		conn_open(sk, skp, ABI_DIR_OUT);
		return 0;
	}
	st = bpf_map_lookup_elem(&conns, &skp);
	if (!st)
		return 0;
	if (st->skip)
		goto out;
	if (st->key.dir == ABI_DIR_OUT) {
		row = row_get(&st->key);
		if (!row)
			goto out;
		if (old == ST_SYN_SENT && new == ST_ESTABLISHED) {
			__sync_fetch_and_add(&row->connections, 1);
			conn_record(st, row, bpf_ktime_get_ns());
		} else if (new == ST_CLOSE) {
			__sync_fetch_and_add(old == ST_SYN_SENT ? &row->failed : &row->closed, 1);
			flush_bytes(st, row);
		}
		goto out;
	}
	/*
	 * IN: our close() (-> FIN_WAIT1 or LAST_ACK) ends the lifetime, as the
	 * recipes' accept -> close; an abort (-> CLOSE) when that never came.
	 * close() runs in the owner's context; CLOSE may come from softirq.
	 */
	if (!st->finished && (new == ST_FIN_WAIT1 || new == ST_LAST_ACK || new == ST_CLOSE)) {
		row = attribute(st, new != ST_CLOSE);
		if (!row && !st->attributed) {
			st->attributed = 1;	/* nobody ever touched it: tgid 0 */
			/* No process to match: outside any -p / -c pre-filter. */
			st->skip = !!(cfg_flags & (ABI_CCFG_FILTER_PID | ABI_CCFG_FILTER_COMM));
			row = st->skip ? NULL : row_get(&st->key);
			if (row)
				__sync_fetch_and_add(&row->connections, 1);
		}
		st->finished = 1;
		if (row) {
			__sync_fetch_and_add(&row->closed, 1);
			if (st->adopted)
				flush_bytes(st, row);	/* its start was not seen: no lifetime */
			else
				conn_record(st, row, bpf_ktime_get_ns());
		}
	}
out:
	if (new == ST_CLOSE)
		bpf_map_delete_elem(&conns, &skp);
	return 0;
}

static __always_inline int on_tcp_event(const struct sock *sk, bool reset)
{
	__u64 skp = (__u64)(unsigned long)sk;
	struct abi_client_val *row;
	struct conn_state *st;

	if (!sk)
		return 0;
	st = bpf_map_lookup_elem(&conns, &skp);
	if (!st || st->skip)
		return 0;
	if (!st->attributed) {
		if (reset)
			st->pending_resets++;
		else
			st->pending_retransmits++;
		return 0;
	}
	row = row_get(&st->key);
	if (row)
		__sync_fetch_and_add(reset ? &row->resets : &row->retransmits, 1);
	return 0;
}

/* tp_btf: BTF-typed raw tracepoints, preferred. */
SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(btf_state, const struct sock *sk, int old, int new)
{
	return on_state(sk, old, new);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(btf_recv, struct sock *sk, int ret, int flags)
{
	return on_io(sk, ret, flags, true);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(btf_send, struct sock *sk, int ret, int flags)
{
	return on_io(sk, ret, flags, false);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(btf_retransmit, const struct sock *sk)
{
	return on_tcp_event(sk, false);
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(btf_send_reset, const struct sock *sk)
{
	return on_tcp_event(sk, true);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(btf_receive_reset, const struct sock *sk)
{
	return on_tcp_event(sk, true);
}

/* raw_tp: the same without BTF typing. */
SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(raw_state, const struct sock *sk, int old, int new)
{
	return on_state(sk, old, new);
}

SEC("raw_tp/sock_recv_length")
int BPF_PROG(raw_recv, struct sock *sk, int ret, int flags)
{
	return on_io(sk, ret, flags, true);
}

SEC("raw_tp/sock_send_length")
int BPF_PROG(raw_send, struct sock *sk, int ret, int flags)
{
	return on_io(sk, ret, flags, false);
}

SEC("raw_tp/tcp_retransmit_skb")
int BPF_PROG(raw_retransmit, const struct sock *sk)
{
	return on_tcp_event(sk, false);
}

SEC("raw_tp/tcp_send_reset")
int BPF_PROG(raw_send_reset, const struct sock *sk)
{
	return on_tcp_event(sk, true);
}

SEC("raw_tp/tcp_receive_reset")
int BPF_PROG(raw_receive_reset, const struct sock *sk)
{
	return on_tcp_event(sk, true);
}
