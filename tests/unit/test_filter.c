/* test_filter.c - filter syntax, errors, round trip and matching. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "core/filter.h"
#include "core/syscall_names.h"

static struct snap_sys_row row(uint32_t pid, const char *comm, const char *sys)
{
	struct snap_sys_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	strncpy(r.comm, comm, sizeof(r.comm) - 1);
	r.nr = (uint32_t)syscall_lookup(sys);
	return r;
}

static void test_parse_and_match(void **state)
{
	struct filter f;
	char err[128];
	struct snap_sys_row a = row(10, "nginx: worker", "read"), b = row(11, "postgres", "read"),
			    c = row(10, "nginx: worker", "fsync");

	(void)state;
	assert_int_equal(filter_parse(&f, "nginx sys:read,write", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(f.n_comm, 1);
	assert_int_equal(f.n_sys, 2);
	assert_int_equal(f.sys_nr[1], syscall_lookup("write"));
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b)); /* name does not match */
	assert_false(filter_match_sys(&f, &c)); /* syscall does not match */
	assert_int_equal(filter_parse(&f, "pid:11,12", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &b));
	assert_false(filter_match_sys(&f, &a));
	assert_true(filter_match_proc(&f, 12, "anything"));
	assert_false(filter_match_proc(&f, 13, "anything"));
	/* Names OR together, kinds AND together. */
	assert_int_equal(filter_parse(&f, "post ngin  pid:10", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b));
	assert_int_equal(filter_parse(&f, "\tpost\nngin pid:10 pid:11 ", err, sizeof(err)), 0);
	assert_int_equal(f.n_comm, 2);
	assert_int_equal(f.n_pid, 2);
	assert_true(filter_match_sys(&f, &a));
	assert_true(filter_match_sys(&f, &b));
	/* Case-sensitive substring. */
	assert_int_equal(filter_parse(&f, "NGINX", err, sizeof(err)), 0);
	assert_false(filter_match_sys(&f, &a));
	/* Syscalls by "sys_" alias and by number. */
	assert_int_equal(filter_parse(&f, "sys:sys_fsync", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &c));
	assert_false(filter_match_sys(&f, &a));
	assert_int_equal(filter_parse(&f, "sys:sys_0", err, sizeof(err)), 0);
	assert_int_equal(f.sys_nr[0], 0);
	/* Explicit comm: form. */
	assert_int_equal(filter_parse(&f, "comm:nginx:", err, sizeof(err)), 0);
	assert_string_equal(f.comm[0], "nginx:");
	assert_true(filter_match_sys(&f, &a));
	assert_false(filter_match_sys(&f, &b));
	/* A 15-byte name is the longest the kernel keeps. */
	assert_int_equal(filter_parse(&f, "abcdefghijklmno", err, sizeof(err)), 0);
	assert_int_equal(filter_parse(&f, "", err, sizeof(err)), 0);
	assert_true(filter_is_empty(&f));
	assert_true(filter_match_sys(&f, &b));
	assert_int_equal(filter_parse(&f, "  \t ", err, sizeof(err)), 0);
	assert_true(filter_is_empty(&f));
	/* A comm with no terminator (16 bytes from the kernel) is handled. */
	memset(a.comm, 'x', sizeof(a.comm));
	assert_int_equal(filter_parse(&f, "xxxx", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
	/* Clear. */
	assert_int_equal(filter_parse(&f, "pid:1", err, sizeof(err)), 0);
	assert_false(filter_is_empty(&f));
	filter_clear(&f);
	assert_true(filter_is_empty(&f));
}

/* Each bad input fails with -EINVAL, a message containing @msg, and @f untouched. */
static void expect_error(const char *text, const char *msg)
{
	struct filter f, before;
	char err[128];

	assert_int_equal(filter_parse(&f, "web pid:5", err, sizeof(err)), 0);
	before = f;
	err[0] = '\0';
	if (filter_parse(&f, text, err, sizeof(err)) != -EINVAL)
		fail_msg("accepted '%s'", text);
	if (!strstr(err, msg))
		fail_msg("'%s': got error '%s', want '%s'", text, err, msg);
	assert_null(strchr(err, '\n'));
	assert_memory_equal(&f, &before, sizeof(f));
}

static void test_errors(void **state)
{
	char many[FILTER_TEXT_MAX], big[FILTER_TEXT_MAX + 10], err[8];
	struct filter f;

	(void)state;
	expect_error("sys:nosuchcall", "unknown syscall 'nosuchcall'");
	expect_error("sys:read,nosuch", "unknown syscall 'nosuch'");
	expect_error("sys:READ", "unknown syscall");
	expect_error("sys:sys_+5", "unknown syscall");
	expect_error("sys:sys_99999", "unknown syscall");
	expect_error("pid:abc", "bad pid 'abc'");
	expect_error("pid:0", "bad pid '0'");
	expect_error("pid:-1", "bad pid");
	expect_error("pid:+1", "bad pid");
	expect_error("pid:01", "bad pid");
	expect_error("pid:1x", "bad pid");
	expect_error("pid:2147483648", "bad pid");	/* one past INT_MAX */
	expect_error("pid:4294967297", "bad pid");	/* would wrap to 1 in 32 bits */
	expect_error("pid:99999999999999999999999", "bad pid");
	expect_error("pid:", "'pid:' needs a value");
	expect_error("sys:", "'sys:' needs a value");
	expect_error("comm:", "'comm:' needs a value");
	expect_error("pid:1,,2", "needs a value");
	expect_error("pid:1,", "needs a value");
	expect_error("sys:,read", "needs a value");
	expect_error("foo:bar", "unknown filter 'foo:'");
	expect_error("node:10.0.0.1", "unknown filter 'node:'");
	expect_error("host:", "'host:' needs a value");
	expect_error("host:a;b", "bad host");
	expect_error("host:0123456789012345678901234567890123456789012345678901234567890123",
		     "bad host");
	expect_error("a:b", "unknown filter 'a:'");
	expect_error(":x", "unknown filter ':'");
	expect_error("PID:1", "unknown filter 'PID:'");
	expect_error("abcdefghijklmnop", "longer than 15 bytes");
	expect_error("comm:abcdefghijklmnop", "longer than 15 bytes");
	expect_error("pid:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "too many pids");
	expect_error("a b c d e f g h i j k l m n o p q", "too many process names");
	expect_error("sys:read sys:read sys:read sys:read sys:read sys:read sys:read sys:read "
		     "sys:read sys:read sys:read sys:read sys:read sys:read sys:read sys:read "
		     "sys:write", "too many syscalls");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	expect_error(big, "filter longer than 255 bytes");
	/* Short input whose canonical text would not fit the prompt. */
	snprintf(many, sizeof(many), "sys:%s", "sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,"
		 "sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13,sys_13");
	assert_true(strlen(many) < 120);
	assert_int_equal(filter_parse(&f, many, err, 0), 0);	/* 16 x rt_sigaction fits */
	/* sys_146 is sched_get_priority_max on x86_64: 131 bytes in, 371 out. */
	if (syscall_lookup("sched_get_priority_max") == 146) {
		snprintf(many, sizeof(many), "sys:sys_146");
		for (int i = 1; i < FILTER_MAX_TERMS; i++)
			strcat(many, ",sys_146");
		assert_true(strlen(many) < FILTER_TEXT_MAX);
		expect_error(many, "filter longer than 255 bytes once written out");
	}
	/* A short or absent error buffer is fine. */
	assert_int_equal(filter_parse(&f, "sys:nosuchcall", err, sizeof(err)), -EINVAL);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	assert_int_equal(filter_parse(&f, "sys:nosuchcall", NULL, 0), -EINVAL);
}

static void round_trip(const char *text, const char *want)
{
	struct filter f, g;
	char err[128], out[FILTER_TEXT_MAX], again[FILTER_TEXT_MAX];

	if (filter_parse(&f, text, err, sizeof(err)))
		fail_msg("'%s': %s", text, err);
	filter_format(&f, out, sizeof(out));
	if (want)
		assert_string_equal(out, want);
	if (filter_parse(&g, out, err, sizeof(err)))
		fail_msg("'%s' -> '%s': %s", text, out, err);
	assert_memory_equal(&f, &g, sizeof(f));
	filter_format(&g, again, sizeof(again));
	assert_string_equal(out, again);	/* canonical: a fixed point */
}

static void test_round_trip(void **state)
{
	char small[12];
	struct filter f;
	char err[64];

	(void)state;
	round_trip("", "");
	round_trip("nginx", "nginx");
	round_trip("sys:read,write pid:3 web", "web pid:3 sys:read,write");
	round_trip("pid:1 pid:2  sys:sys_read", "pid:1,2 sys:read");
	round_trip("a b sys:write,fsync pid:7", "a b pid:7 sys:write,fsync");
	round_trip("comm:odd:name", "comm:odd:name");
	/* Names keep their order; ':' names need comm:, ',' names must stay bare. */
	round_trip("comm:a:b x", "comm:a:b,x");
	round_trip("x comm:a:b y,z w", "x comm:a:b y,z w");
	round_trip("comm:a:b,c,d:e f,g", "comm:a:b,c,d:e f,g");
	round_trip("comm:plain", "plain");
	round_trip("sys:sys_13", "sys:rt_sigaction");
	round_trip("pid:2147483647", "pid:2147483647");
	round_trip("x x pid:4,4", "x x pid:4,4");	/* duplicates are kept, harmlessly */
	/* A buffer too small holds whole terms only. */
	assert_int_equal(filter_parse(&f, "web pid:3 sys:read", err, sizeof(err)), 0);
	filter_format(&f, small, sizeof(small));
	assert_string_equal(small, "web pid:3");
	filter_format(&f, small, 1);
	assert_string_equal(small, "");
	filter_format(&f, small, 0);	/* writes nothing */
}

/* A client row: @addr is IPv4 or IPv6 text. */
static struct snap_client_row client(const char *addr, uint16_t port, uint32_t pid,
				     const char *comm)
{
	struct snap_client_row r;

	memset(&r, 0, sizeof(r));
	if (inet_pton(AF_INET, addr, r.key.addr) == 1) {
		r.key.family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, addr, r.key.addr), 1);
		r.key.family = AF_INET6;
	}
	r.key.port = port;
	r.key.tgid = pid;
	strncpy(r.comm, comm, sizeof(r.comm) - 1);
	return r;
}

/* @text parses to one network of @family, @bits, address @want (text); canonical @canon. */
static void expect_net(const char *text, uint16_t family, uint8_t bits, const char *want,
		       const char *canon)
{
	struct filter f;
	uint8_t addr[16] = { 0 };
	char err[128];

	if (filter_parse(&f, text, err, sizeof(err)))
		fail_msg("'%s': %s", text, err);
	assert_int_equal(f.n_net, 1);
	assert_int_equal(f.net[0].family, family);
	assert_int_equal(f.net[0].bits, bits);
	assert_int_equal(inet_pton(family, want, addr), 1);
	assert_memory_equal(f.net[0].addr, addr, 16);
	round_trip(text, canon);
}

static void test_ip_port_parse(void **state)
{
	struct filter f;
	char err[128];

	(void)state;
	expect_net("ip:127.0.0.2", AF_INET, 32, "127.0.0.2", "ip:127.0.0.2");
	expect_net("ip:127.0.0.0/8", AF_INET, 8, "127.0.0.0", "ip:127.0.0.0/8");
	expect_net("ip:127.1.2.3/8", AF_INET, 8, "127.0.0.0", "ip:127.0.0.0/8");
	expect_net("ip:::1", AF_INET6, 128, "::1", "ip:::1");
	expect_net("ip:fe80::/10", AF_INET6, 10, "fe80::", "ip:fe80::/10");
	expect_net("ip:febf:ffff::1/10", AF_INET6, 10, "fe80::", "ip:fe80::/10");
	expect_net("ip:10.1.2.3/16", AF_INET, 16, "10.1.0.0", "ip:10.1.0.0/16");
	expect_net("ip:10.1.2.3/32", AF_INET, 32, "10.1.2.3", "ip:10.1.2.3");
	expect_net("ip:10.1.2.3/0", AF_INET, 0, "0.0.0.0", "ip:0.0.0.0/0");
	expect_net("ip:10.1.2.255/31", AF_INET, 31, "10.1.2.254", "ip:10.1.2.254/31");
	expect_net("ip:2001:DB8::1/128", AF_INET6, 128, "2001:db8::1", "ip:2001:db8::1");
	expect_net("ip:2001:db8:ffff::/33", AF_INET6, 33, "2001:db8:8000::", "ip:2001:db8:8000::/33");
	expect_net("ip:::/0", AF_INET6, 0, "::", "ip:::/0");

	assert_int_equal(filter_parse(&f, "port:80,443", err, sizeof(err)), 0);
	assert_int_equal(f.n_port, 2);
	assert_int_equal(f.port[0], 80);
	assert_int_equal(f.port[1], 443);
	assert_int_equal(filter_parse(&f, "port:1,65535", err, sizeof(err)), 0);
	assert_int_equal(f.port[1], 65535);

	/* Every kind at once, out of order: one canonical text, stable. */
	round_trip("port:80,443", "port:80,443");
	round_trip("port:443 ip:::1,10.0.0.0/8 web pid:3 sys:read ip:fe80::/10 port:22",
		   "web pid:3 sys:read ip:::1,10.0.0.0/8,fe80::/10 port:443,22");
	round_trip("ip:10.1.2.3/16 ip:10.1.0.0/16", "ip:10.1.0.0/16,10.1.0.0/16");
	/* v4-mapped is IPv4, as the kernel side stores those clients. */
	round_trip("ip:::ffff:1.2.3.4", "ip:1.2.3.4");
	round_trip("ip:::ffff:10.0.0.0/104", "ip:10.0.0.0/8");
	round_trip("ip:1:2:3:4:5:6:7:8/127", "ip:1:2:3:4:5:6:7:8/127");
}

static void test_ip_port_errors(void **state)
{
	(void)state;
	expect_error("ip:", "'ip:' needs a value");
	expect_error("port:", "'port:' needs a value");
	expect_error("ip:1.2.3", "bad address '1.2.3'");
	expect_error("ip:1.2.3.4/33", "bad address");
	expect_error("ip:::1/129", "bad address");
	expect_error("ip:1.2.3.4/-1", "bad address");
	expect_error("ip:1.2.3.4/08", "bad address");
	expect_error("ip:1.2.3.4/", "bad address");
	expect_error("ip:1.2.3.4/00", "bad address");
	expect_error("ip:1.2.3.4/+8", "bad address");
	expect_error("ip:1.2.3.4/8/8", "bad address");
	expect_error("ip:/8", "bad address");
	expect_error("ip:1.2.3.256", "bad address");
	expect_error("ip:localhost", "bad address");
	expect_error("ip:1.2.3.4,", "needs a value");
	expect_error("ip:1.2.3.4/4294967304", "bad address");	/* 2^32 + 8 must not wrap to 8 */
	expect_error("port:0", "bad port '0'");
	expect_error("port:65536", "bad port '65536'");
	expect_error("port:abc", "bad port 'abc'");
	expect_error("port:-1", "bad port");
	expect_error("port:080", "bad port");
	expect_error("port:4294967376", "bad port");	/* 2^32 + 80 */
	expect_error("port:80,,443", "needs a value");
	expect_error("port:1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", "too many ports");
	expect_error("ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 "
		     "ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1 ip:::1", "too many addresses");
	expect_error("IP:::1", "unknown filter 'IP:'");
}

static void test_match_client(void **state)
{
	struct filter f;
	char err[128];
	struct snap_client_row lo = client("127.5.6.7", 80, 10, "nginx"),
			       out = client("128.0.0.1", 80, 10, "nginx"),
			       v6lo = client("::1", 80, 10, "nginx"),
			       ll = client("fe80::1", 443, 11, "curl"),
			       ll_edge = client("febf:ffff::9", 443, 11, "curl"),
			       not_ll = client("fec0::1", 443, 11, "curl"),
			       v4 = client("10.9.8.7", 443, 12, "postgres");

	(void)state;
	/* Empty filter: every row. */
	filter_clear(&f);
	assert_true(filter_match_client(&f, &lo));
	assert_true(filter_match_client(&f, &ll));
	/* /8 */
	assert_int_equal(filter_parse(&f, "ip:127.0.0.0/8", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	assert_false(filter_match_client(&f, &out));
	assert_false(filter_match_client(&f, &v6lo));
	/* A single address */
	assert_int_equal(filter_parse(&f, "ip:127.5.6.7", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	lo.key.addr[3] = 8;
	assert_false(filter_match_client(&f, &lo));
	lo.key.addr[3] = 7;
	/* /0: every address of the family, no other. */
	assert_int_equal(filter_parse(&f, "ip:0.0.0.0/0", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	assert_true(filter_match_client(&f, &out));
	assert_true(filter_match_client(&f, &v4));
	assert_false(filter_match_client(&f, &v6lo));
	assert_false(filter_match_client(&f, &ll));
	assert_int_equal(filter_parse(&f, "ip:::/0", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &v6lo));
	assert_true(filter_match_client(&f, &ll));
	assert_false(filter_match_client(&f, &lo));
	assert_false(filter_match_client(&f, &v4));
	/* An IPv4 address is not matched by an IPv6 filter of the same bytes, nor the reverse. */
	assert_int_equal(filter_parse(&f, "ip:::/8", err, sizeof(err)), 0);
	assert_false(filter_match_client(&f, &v4));
	/* A v6 prefix ending inside a byte: fe80::/10 is fe80:: to febf:ffff:... */
	assert_int_equal(filter_parse(&f, "ip:fe80::/10", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &ll));
	assert_true(filter_match_client(&f, &ll_edge));
	assert_false(filter_match_client(&f, &not_ll));
	assert_false(filter_match_client(&f, &v6lo));
	/* A v4 prefix ending inside a byte. */
	assert_int_equal(filter_parse(&f, "ip:10.8.0.0/14", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &v4));	/* 10.9 is in 10.8/14 */
	v4.key.addr[1] = 12;
	assert_false(filter_match_client(&f, &v4));
	v4.key.addr[1] = 9;
	/* Addresses OR together. */
	assert_int_equal(filter_parse(&f, "ip:::1,127.0.0.0/8", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &v6lo));
	assert_true(filter_match_client(&f, &lo));
	assert_false(filter_match_client(&f, &out));
	/* Ports: the row's key.port. */
	assert_int_equal(filter_parse(&f, "port:80,8080", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	assert_true(filter_match_client(&f, &v6lo));
	assert_false(filter_match_client(&f, &ll));
	/* Kinds AND together. */
	assert_int_equal(filter_parse(&f, "ip:fe80::/10 port:80", err, sizeof(err)), 0);
	assert_false(filter_match_client(&f, &ll));
	assert_false(filter_match_client(&f, &lo));
	assert_int_equal(filter_parse(&f, "ip:fe80::/10 port:443", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &ll));
	/* pid and comm still apply to client rows (pid is key.tgid). */
	assert_int_equal(filter_parse(&f, "pid:11", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &ll));
	assert_false(filter_match_client(&f, &lo));
	assert_int_equal(filter_parse(&f, "ngin", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	assert_false(filter_match_client(&f, &ll));
	assert_int_equal(filter_parse(&f, "ngin port:443", err, sizeof(err)), 0);
	assert_false(filter_match_client(&f, &lo));
	assert_false(filter_match_client(&f, &ll));
	/* A comm with no terminator. */
	memset(ll.comm, 'c', sizeof(ll.comm));
	assert_int_equal(filter_parse(&f, "cccc", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &ll));
	/* sys: applies to syscall rows only: it never hides a client row. */
	assert_int_equal(filter_parse(&f, "sys:read", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	assert_true(filter_match_client(&f, &ll));
	assert_int_equal(filter_parse(&f, "sys:read port:80", err, sizeof(err)), 0);
	assert_true(filter_match_client(&f, &lo));
	assert_false(filter_match_client(&f, &ll));
}

/* ip: and port: apply to client rows only: they never hide a syscall row. */
static void test_client_terms_keep_sys_rows(void **state)
{
	struct filter f;
	char err[128];
	struct snap_sys_row a = row(10, "nginx", "read");

	(void)state;
	assert_int_equal(filter_parse(&f, "ip:10.0.0.0/8 port:9", err, sizeof(err)), 0);
	assert_true(filter_match_sys(&f, &a));
	assert_int_equal(filter_parse(&f, "ip:10.0.0.0/8 pid:11", err, sizeof(err)), 0);
	assert_false(filter_match_sys(&f, &a));
}

static struct snap_fam_row fam_row(uint32_t pid, const char *comm, uint32_t dev,
				   const char *label)
{
	struct snap_fam_row r;

	memset(&r, 0, sizeof(r));
	r.key.tgid = pid;
	r.key.a = dev;
	strncpy(r.key.comm, comm, sizeof(r.key.comm) - 1);
	strncpy(r.label, label, sizeof(r.label) - 1);
	return r;
}

/* dev: matches block rows by name or MAJ:MIN; other rows and families keep their rows. */
static void test_dev(void **state)
{
	struct filter f;
	char err[128];
	struct snap_fam_row sda = fam_row(10, "dd", 8u << 20 | 0, "sda");
	struct snap_fam_row loop = fam_row(11, "fio", 7u << 20 | 3, "loop3");
	struct snap_fam_row nolabel = fam_row(12, "kworker/1:1", 259u << 20 | 1, "");
	struct snap_sys_row a = row(10, "dd", "read");

	(void)state;
	assert_int_equal(filter_parse(&f, "dev:sda", err, sizeof(err)), 0);
	assert_true(filter_match_fam(&f, SNAP_FAM_BLOCK, &sda));
	assert_false(filter_match_fam(&f, SNAP_FAM_BLOCK, &loop));
	assert_false(filter_match_fam(&f, SNAP_FAM_BLOCK, &nolabel));
	/* Not a block row: dev: does not apply, as sys: never hides a client row. */
	assert_true(filter_match_fam(&f, SNAP_FAM_RUNQ, &loop));
	assert_true(filter_match_sys(&f, &a));
	/* Exact names, not substrings: dev:loop1 is not loop10. */
	assert_int_equal(filter_parse(&f, "dev:loop", err, sizeof(err)), 0);
	assert_false(filter_match_fam(&f, SNAP_FAM_BLOCK, &loop));
	assert_int_equal(filter_parse(&f, "dev:7:3,259:1", err, sizeof(err)), 0);
	assert_true(filter_match_fam(&f, SNAP_FAM_BLOCK, &loop));
	assert_true(filter_match_fam(&f, SNAP_FAM_BLOCK, &nolabel));
	assert_false(filter_match_fam(&f, SNAP_FAM_BLOCK, &sda));
	/* Kinds AND together. */
	assert_int_equal(filter_parse(&f, "dev:sda,loop3 fio", err, sizeof(err)), 0);
	assert_false(filter_match_fam(&f, SNAP_FAM_BLOCK, &sda));
	assert_true(filter_match_fam(&f, SNAP_FAM_BLOCK, &loop));
	assert_false(filter_is_empty(&f));

	round_trip("dev:sda fio dev:7:3 pid:4", "fio pid:4 dev:sda,7:3");
	round_trip("dev:nvme0n1,dm-0,md127", "dev:nvme0n1,dm-0,md127");
	for (const char *const *bad = (const char *const[]){ "dev:", "dev:a,", "dev:a b:c",
	     "dev:7:", "dev::3", "dev:7:3:1", "dev:sd:a", "dev:sd/a",
	     "dev:0123456789abcdef0123456789abcdef",	/* longer than a kernel disk name */
	     NULL }; *bad; bad++) {
		if (filter_parse(&f, *bad, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' parsed", *bad);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(filter_parse(&f, "dev:a b:c", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "dev:NAME"));
}

/* fn: keeps function rows whose label contains the text; other tables keep their rows. */
static void test_fn(void **state)
{
	struct filter f;
	char err[128];
	struct snap_fam_row q = fam_row(842, "postgres", 0, "exec_simple_query");
	struct snap_fam_row span = fam_row(842, "postgres", 1, "postgresql:query__start->query__done");
	struct snap_fam_row ngx = fam_row(1201, "nginx", 2, "ngx_http_process_request");
	struct snap_fam_row full = fam_row(9, "x", 3, "");
	struct snap_fam_row sda = fam_row(10, "dd", 8u << 20 | 0, "sda");
	struct snap_sys_row a = row(842, "postgres", "read");

	(void)state;
	assert_int_equal(filter_parse(&f, "fn:query", err, sizeof(err)), 0);
	assert_false(filter_is_empty(&f));
	assert_true(filter_match_fam(&f, SNAP_FAM_FUNC, &q));
	assert_true(filter_match_fam(&f, SNAP_FAM_FUNC, &span));
	assert_false(filter_match_fam(&f, SNAP_FAM_FUNC, &ngx));
	/* Not a function row: fn: does not apply (as dev: on the run queue). */
	assert_true(filter_match_fam(&f, SNAP_FAM_BLOCK, &sda));
	assert_true(filter_match_fam(&f, SNAP_FAM_RUNQ, &ngx));
	assert_true(filter_match_sys(&f, &a));
	/* Case-sensitive, a substring anywhere; a USDT probe's ':' is part of the value. */
	assert_int_equal(filter_parse(&f, "fn:Query", err, sizeof(err)), 0);
	assert_false(filter_match_fam(&f, SNAP_FAM_FUNC, &q));
	assert_int_equal(filter_parse(&f, "fn:postgresql:query__start", err, sizeof(err)), 0);
	assert_true(filter_match_fam(&f, SNAP_FAM_FUNC, &span));
	assert_false(filter_match_fam(&f, SNAP_FAM_FUNC, &q));
	/* Values OR, kinds AND. */
	assert_int_equal(filter_parse(&f, "fn:ngx_,exec_ postgres", err, sizeof(err)), 0);
	assert_true(filter_match_fam(&f, SNAP_FAM_FUNC, &q));
	assert_false(filter_match_fam(&f, SNAP_FAM_FUNC, &ngx));	/* comm nginx */
	assert_false(filter_match_fam(&f, SNAP_FAM_FUNC, &span));
	/* A label filling the whole field, without its NUL, is still read safely. */
	memset(full.label, 'a', sizeof(full.label));
	assert_int_equal(filter_parse(&f, "fn:aaaa", err, sizeof(err)), 0);
	assert_true(filter_match_fam(&f, SNAP_FAM_FUNC, &full));
	round_trip("fn:query pid:842 fn:ngx", "pid:842 fn:query,ngx");
	round_trip("dev:sda fn:a", "dev:sda fn:a");
	for (const char *const *bad = (const char *const[]){ "fn:", "fn:a,", "fn:a,,b",
	     "fn:\x01", "fn:\xc3\xa9",
	     "fn:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL };
	     *bad; bad++) {
		if (filter_parse(&f, *bad, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' parsed", *bad);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(filter_parse(&f, "fx:a", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "fn:TEXT"));
}

/* host: (the fleet view) parses, formats canonically, matches hosts and every row. */
/* A snapshot naming cgroups 7 (web.service) and 9 (docker:3f2a1b0c9d8e). */
static void cg_snap(struct snapshot *s)
{
	struct snap_cgroup *c;

	snapshot_init(s);
	c = snapshot_add_cgroup(s);
	c->id = 9;
	c->kind = SNAP_CG_DOCKER;
	strcpy(c->path, "/system.slice/docker-3f2a1b0c9d8e.scope");
	strcpy(c->name, "docker:3f2a1b0c9d8e");
	c = snapshot_add_cgroup(s);
	c->id = 7;
	c->kind = SNAP_CG_SYSTEMD;
	strcpy(c->path, "/lattop-test/web.service");
	strcpy(c->name, "web.service");
	snapshot_sort_cgroups(s);
	s->cgroups_state = SNAP_CGROUPS_ON;
}

static void test_cg(void **state)
{
	struct filter f;
	char err[128], out[FILTER_TEXT_MAX];
	struct snapshot s;
	struct snap_sys_row web = row(10, "nginx", "read"), dock = row(11, "nginx", "read"),
			    none = row(12, "nginx", "read"), unknown = row(13, "nginx", "read");
	struct snap_client_row cl;
	struct snap_fam_row fr;
	struct snap_stack st;

	(void)state;
	cg_snap(&s);
	web.cgroup_id = 7;
	dock.cgroup_id = 9;
	unknown.cgroup_id = 42;	/* not in the table */
	assert_int_equal(filter_parse(&f, "cg:web", err, sizeof(err)), 0);
	assert_int_equal(f.n_cg, 1);
	assert_false(filter_is_empty(&f));
	assert_true(filter_match_sys_in(&f, &s, &web));
	assert_false(filter_match_sys_in(&f, &s, &dock));
	assert_false(filter_match_sys_in(&f, &s, &none));	/* id 0 never matches */
	assert_false(filter_match_sys_in(&f, &s, &unknown));
	assert_false(filter_match_sys_in(&f, NULL, &web));	/* no table: no match */
	/* path substring, values OR, kinds AND */
	assert_int_equal(filter_parse(&f, "cg:system.slice", err, sizeof(err)), 0);
	assert_true(filter_match_sys_in(&f, &s, &dock));
	assert_false(filter_match_sys_in(&f, &s, &web));
	assert_int_equal(filter_parse(&f, "cg:3f2a,lattop-test nginx", err, sizeof(err)), 0);
	assert_true(filter_match_sys_in(&f, &s, &dock));
	assert_true(filter_match_sys_in(&f, &s, &web));
	assert_int_equal(filter_parse(&f, "cg:web postgres", err, sizeof(err)), 0);
	assert_false(filter_match_sys_in(&f, &s, &web));
	/* without cg: terms, the _in matchers are the plain ones, id 0 included */
	assert_int_equal(filter_parse(&f, "nginx", err, sizeof(err)), 0);
	assert_true(filter_match_sys_in(&f, &s, &none));
	assert_true(filter_match_cgroup(&f, &s, 0));
	/* clients, family rows, stacks */
	assert_int_equal(filter_parse(&f, "cg:web", err, sizeof(err)), 0);
	memset(&cl, 0, sizeof(cl));
	cl.key.cgid = 7;
	assert_true(filter_match_client_in(&f, &s, &cl));
	cl.key.cgid = 9;
	assert_false(filter_match_client_in(&f, &s, &cl));
	memset(&fr, 0, sizeof(fr));
	fr.key.cgid = 7;
	assert_true(filter_match_fam_in(&f, &s, SNAP_FAM_RUNQ, &fr));
	fr.key.cgid = 0;
	assert_false(filter_match_fam_in(&f, &s, SNAP_FAM_BLOCK, &fr));
	memset(&st, 0, sizeof(st));
	st.cgroup_id = 7;
	assert_true(filter_match_stack_in(&f, &s, &st));
	st.cgroup_id = 9;
	assert_false(filter_match_stack_in(&f, &s, &st));
	/* a name without a terminator in the table is still matched safely */
	memset(s.cgroups[0].name, 'w', sizeof(s.cgroups[0].name));
	assert_int_equal(filter_parse(&f, "cg:www", err, sizeof(err)), 0);
	assert_true(filter_match_cgroup(&f, &s, 7));
	/* round trip and errors */
	assert_int_equal(filter_parse(&f, "cg:a,b  pid:3 cg:pod:5f1c/3f2a", err, sizeof(err)), 0);
	filter_format(&f, out, sizeof(out));
	assert_string_equal(out, "pid:3 cg:a,b,pod:5f1c/3f2a");
	expect_error("cg:", "'cg:' needs a value");
	expect_error("cg:a,,b", "'cg:' needs a value between commas");
	expect_error("cg:\x01x", "bad cgroup");
	snapshot_free(&s);
}

static void test_host(void **state)
{
	struct filter f, g;
	struct snap_sys_row r;
	char err[128], text[FILTER_TEXT_MAX];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(filter_parse(&f, "host:web-1,[::1]:9851 host:b", err, sizeof(err)), 0);
	assert_int_equal(f.n_host, 3);
	assert_false(filter_is_empty(&f));
	filter_format(&f, text, sizeof(text));
	assert_string_equal(text, "host:web-1,[::1]:9851,b");
	assert_int_equal(filter_parse(&g, text, err, sizeof(err)), 0);
	assert_memory_equal(&f, &g, sizeof(f));
	assert_true(filter_match_host(&f, "web-1"));
	assert_true(filter_match_host(&f, "[::1]:9851"));
	assert_false(filter_match_host(&f, "web"));
	assert_true(filter_match_sys(&f, &r));	/* rows carry no host: the source applies it */
	filter_clear(&f);
	assert_true(filter_match_host(&f, "anything"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_cg),
		cmocka_unit_test(test_parse_and_match),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_ip_port_parse),
		cmocka_unit_test(test_ip_port_errors),
		cmocka_unit_test(test_match_client),
		cmocka_unit_test(test_client_terms_keep_sys_rows),
		cmocka_unit_test(test_dev),
		cmocka_unit_test(test_fn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
