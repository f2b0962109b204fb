/*
 * fn_target.c - ground truth for function latency and slow-call stacks:
 * main -> serve -> handle -> slow_path, called M times, each sleeping D ms
 * through an inline `syscall` instruction (Debian's libc wrappers are
 * frameless leaves, so a frame-pointer walk from inside them misses their
 * caller); fast_path() called N times; optionally K calls of
 * fntarget_lib_work() in libfntarget.so, and K calls of a function whose
 * symbol is the C++ name app::handler(int) ("_ZN3app7handlerEi"), so that
 * demangling is testable without a C++ compiler.
 * USDT probes: fntarget:request__start / request__done around each handle()
 * (M each), fntarget:fast in each fast_path() (N).
 *
 * Built with frame pointers and noinline (see the Makefile's rule).
 *
 * usage: fn_target M D_MS N [--lib K] [--wait-start]
 *   prints "ready PID"; with --wait-start, then waits for one byte on stdin
 *   (so a test can attach first); prints "done M N K" at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "libfntarget/fntarget_lib.h"

void slow_path(long d_ms);
void fast_path(long i);
void handle(long d_ms);
void serve(long m, long d_ms);

/*
 * A USDT probe without arguments, the note <sys/sdt.h> writes (systemtap-sdt-dev
 * is not installed here): a nop at the probe site, its address, provider and
 * name in .note.stapsdt, and the .stapsdt.base anchor for prelink adjustment.
 */
#define FN_USDT(prov, name)                                                               \
	__asm__ volatile("990: nop\n"                                                    \
			 ".pushsection .note.stapsdt,\"\",\"note\"\n"                     \
			 ".balign 4\n"                                                     \
			 ".4byte 992f-991f, 994f-993f, 3\n"                                \
			 "991: .asciz \"stapsdt\"\n"                                       \
			 "992: .balign 4\n"                                                \
			 "993: .8byte 990b\n"                                              \
			 ".8byte _.stapsdt.base\n"                                         \
			 ".8byte 0\n"                                                      \
			 ".asciz \"" #prov "\"\n"                                          \
			 ".asciz \"" #name "\"\n"                                          \
			 ".asciz \"\"\n"                                                    \
			 "994: .balign 4\n"                                                \
			 ".popsection\n"                                                   \
			 ".ifndef _.stapsdt.base\n"                                        \
			 ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
			 ".weak _.stapsdt.base\n"                                          \
			 ".hidden _.stapsdt.base\n"                                        \
			 "_.stapsdt.base: .space 1\n"                                      \
			 ".size _.stapsdt.base, 1\n"                                       \
			 ".popsection\n"                                                   \
			 ".endif\n")

/* Keep the compiler from merging or dropping calls of the functions below. */
static volatile long sink;

void app_handler(int x) __asm__("_ZN3app7handlerEi");
__attribute__((noinline)) void app_handler(int x)
{
	sink += x;
}

/* clock_nanosleep(CLOCK_MONOTONIC, 0, ts, NULL) issued right here. */
static inline __attribute__((always_inline)) long raw_nanosleep(const struct timespec *ts)
{
	long ret;
	register long r10 __asm__("r10") = 0;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_clock_nanosleep), "D"((long)CLOCK_MONOTONIC), "S"(0L),
			   "d"(ts), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
}

__attribute__((noinline)) void slow_path(long d_ms)
{
	struct timespec ts = { .tv_sec = d_ms / 1000, .tv_nsec = (d_ms % 1000) * 1000000L };

	/* Inline syscall: the user stack at the sleep starts in slow_path itself. */
#if defined(__x86_64__)
	while (raw_nanosleep(&ts) == -4 /* -EINTR: sleep again for the full time */)
		;
#else
	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 4)
		;
#endif
	sink++;
}

__attribute__((noinline)) void fast_path(long i)
{
	FN_USDT(fntarget, fast);
	sink += i;
}

__attribute__((noinline)) void handle(long d_ms)
{
	slow_path(d_ms);
	sink++;
}

__attribute__((noinline)) void serve(long m, long d_ms)
{
	for (long i = 0; i < m; i++) {
		FN_USDT(fntarget, request__start);
		handle(d_ms);
		FN_USDT(fntarget, request__done);
	}
	sink++;
}

int main(int argc, char **argv)
{
	long m, d_ms, n, k = 0;
	int wait_start = 0;
	char c;

	if (argc < 4) {
		fprintf(stderr, "usage: fn_target M D_MS N [--lib K] [--wait-start]\n");
		return 2;
	}
	m = atol(argv[1]);
	d_ms = atol(argv[2]);
	n = atol(argv[3]);
	for (int i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--lib") && i + 1 < argc)
			k = atol(argv[++i]);
		else if (!strcmp(argv[i], "--wait-start"))
			wait_start = 1;
		else
			return 2;
	}
	/* The default 50 us timer slack would blur the known duration. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	printf("ready %d\n", getpid());
	fflush(stdout);
	if (wait_start && read(0, &c, 1) != 1)
		return 1;
	serve(m, d_ms);
	for (long i = 0; i < n; i++)
		fast_path(i);
	for (long i = 0; i < k; i++) {
		sink += fntarget_lib_work(i);
		app_handler((int)i);
	}
	printf("done %ld %ld %ld\n", m, n, k);
	fflush(stdout);
	return 0;
}
