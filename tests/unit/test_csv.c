/*
 * test_csv.c - the --csv sample file: header, cell quoting and formula
 * neutralisation, sanitising, and whole event lines for IPv4 and IPv6.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "unit/capture.h"

#include "export/csv.h"

/* Captures a writer's output in memory. */
/* csv_write_cell of @len bytes of @in gives exactly @want. */
static void expect_cell_n(const char *in, size_t len, const char *want)
{
	struct capture c;
	char *out;

	capture_open(&c);
	csv_write_cell(c.f, in, len);
	out = capture_close(&c);
	if (strcmp(out, want))
		fail_msg("cell of '%s': got [%s], want [%s]", in, out, want);
	free(out);
}

static void expect_cell(const char *in, const char *want)
{
	expect_cell_n(in, strlen(in), want);
}

static void test_header(void **state)
{
	struct capture c;
	char *out;

	(void)state;
	capture_open(&c);
	assert_int_equal(csv_write_header(c.f), 0);
	out = capture_close(&c);
	assert_string_equal(out, "timestamp_ns,latency_ns,event,pid,comm,client,port,dir,"
				 "bytes_in,bytes_out\n");
	free(out);
}

static void test_cells(void **state)
{
	char long_in[1000], long_want[1000];

	(void)state;
	expect_cell("nginx", "\"nginx\"");
	expect_cell("", "\"\"");
	/* Quotes are doubled (RFC 4180). */
	expect_cell("a\"b", "\"a\"\"b\"");
	expect_cell("\"", "\"\"\"\"");
	expect_cell("\"\"x\"", "\"\"\"\"\"x\"\"\"");
	expect_cell("a,b\"c", "\"a,b\"\"c\"");
	/* A cell a spreadsheet would run as a formula becomes text. */
	expect_cell("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"");
	expect_cell("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"");
	expect_cell("+1+2", "\"'+1+2\"");
	expect_cell("-2+3", "\"'-2+3\"");
	expect_cell("@SUM(A1)", "\"'@SUM(A1)\"");
	expect_cell("=", "\"'=\"");
	/* Only at the start. */
	expect_cell("a=b", "\"a=b\"");
	expect_cell("x-1", "\"x-1\"");
	expect_cell(" =1", "\" =1\"");
	expect_cell("'=1", "\"'=1\"");
	/* Control characters (C0, DEL, C1, ESC) and bidi controls become '?'. */
	expect_cell("\x1b[31mev\r\til\b", "\"?[31mev??il?\"");
	expect_cell("a\x7f" "b", "\"a?b\"");
	expect_cell("a\xc2\x85" "b", "\"a?b\"");
	expect_cell("x\xe2\x80\xae" "y", "\"x?y\"");
	expect_cell("a\nb", "\"a?b\"");
	/* A leading tab or CR is sanitised to '?' first: no formula, no control byte. */
	expect_cell("\t=1", "\"?=1\"");
	expect_cell("\r=1", "\"?=1\"");
	/* Invalid UTF-8 becomes '?'; valid UTF-8 is kept. */
	expect_cell("\xff\xfe", "\"??\"");
	expect_cell("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	/* A NUL ends the cell; the length bounds it (comm need not be terminated). */
	expect_cell_n("ab\0cd", 5, "\"ab\"");
	expect_cell_n("abcdef", 3, "\"abc\"");
	expect_cell_n("=abcdef", 2, "\"'=a\"");
	/* Long input is cut, never past a UTF-8 sequence, and still closed. */
	memset(long_in, 'x', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	snprintf(long_want, sizeof(long_want), "\"%.255s\"", long_in);
	expect_cell(long_in, long_want);
}

static struct abi_client_event event(uint32_t kind, uint8_t dir, int family, const char *addr,
				     uint16_t port)
{
	struct abi_client_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.ts_ns = 5000000000ull;
	ev.latency_ns = 1234567;
	ev.bytes_in = 512;
	ev.bytes_out = 4096;
	ev.key.family = (uint16_t)family;
	ev.key.port = port;
	ev.key.tgid = 4242;
	ev.key.dir = dir;
	if (addr)
		assert_int_equal(inet_pton(family, addr, ev.key.addr), 1);
	memcpy(ev.comm, "nginx", 6);
	return ev;
}

static void expect_line(const struct abi_client_event *ev, int64_t mono_to_real_ns,
			const char *want)
{
	struct capture c;
	char *out;

	capture_open(&c);
	assert_int_equal(csv_write_client_event(c.f, ev, mono_to_real_ns), 0);
	out = capture_close(&c);
	assert_string_equal(out, want);
	free(out);
}

static void test_event_lines(void **state)
{
	struct abi_client_event ev;

	(void)state;
	ev = event(ABI_CEV_REQUEST, ABI_DIR_IN, AF_INET, "127.0.0.2", 8080);
	expect_line(&ev, 1700000000000000000ll,
		    "1700000005000000000,1234567,request,4242,\"nginx\",127.0.0.2,8080,in,512,4096\n");
	/* The offset may be negative (monotonic ahead of realtime is impossible, but be exact). */
	expect_line(&ev, -1000000000ll,
		    "4000000000,1234567,request,4242,\"nginx\",127.0.0.2,8080,in,512,4096\n");
	ev = event(ABI_CEV_REQUEST, ABI_DIR_OUT, AF_INET6, "2001:db8::1", 443);
	expect_line(&ev, 0, "5000000000,1234567,request,4242,\"nginx\",2001:db8::1,443,out,512,4096\n");
	ev = event(ABI_CEV_CONN, ABI_DIR_IN, AF_INET6, "::1", 80);
	expect_line(&ev, 0, "5000000000,1234567,connection,4242,\"nginx\",::1,80,in,512,4096\n");
	ev = event(ABI_CEV_CONN, ABI_DIR_OUT, AF_INET, "10.0.0.1", 5432);
	expect_line(&ev, 0, "5000000000,1234567,connect,4242,\"nginx\",10.0.0.1,5432,out,512,4096\n");
	/* A full-length IPv6 address and the largest values. */
	ev = event(ABI_CEV_REQUEST, ABI_DIR_IN, AF_INET6,
		   "1111:2222:3333:4444:5555:6666:7777:8888", 65535);
	ev.latency_ns = UINT64_MAX;
	ev.bytes_in = UINT64_MAX;
	ev.key.tgid = UINT32_MAX;
	expect_line(&ev, 0, "5000000000,18446744073709551615,request,4294967295,\"nginx\","
			    "1111:2222:3333:4444:5555:6666:7777:8888,65535,in,"
			    "18446744073709551615,4096\n");
	/* Untrusted comm: 16 bytes with no terminator, a formula, controls, quotes. */
	ev = event(ABI_CEV_REQUEST, ABI_DIR_IN, AF_INET, "127.0.0.1", 80);
	memcpy(ev.comm, "=\"1\"+\x1b" "abcdefghijk", 16);
	expect_line(&ev, 0, "5000000000,1234567,request,4242,\"'=\"\"1\"\"+?abcdefghij\","
			    "127.0.0.1,80,in,512,4096\n");
	/* An unknown family prints '?'. */
	ev = event(ABI_CEV_REQUEST, ABI_DIR_IN, 0, NULL, 80);
	ev.key.family = 99;
	expect_line(&ev, 0, "5000000000,1234567,request,4242,\"nginx\",?,80,in,512,4096\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_event_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
