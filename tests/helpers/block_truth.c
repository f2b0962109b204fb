/*
 * block_truth.c - ground truth for the block I/O tests and bench: on PATH
 * (a file or a block device) opened with O_DIRECT, after "go" on stdin,
 * makes exactly N serial, 4 KiB-aligned 4 KiB reads and M such writes, then
 * one fsync (when M > 0); prints what it did as one JSON line and waits for
 * stdin to close. Offsets walk the first SPAN bytes of PATH (default: all
 * of it) in 4 KiB steps, so that no read is a repeat the device could merge.
 * With "-" instead of stdin's "go" protocol (ROUNDS argument), it repeats
 * the whole sequence ROUNDS times at once and exits: the bench's workload.
 *
 * usage: block_truth PATH N M [SPAN_BYTES [ROUNDS]]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define IO_BYTES 4096

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* N reads and M writes of one 4 KiB block each, walking @blocks blocks; -errno on a failure. */
static int do_io(int fd, char *buf, long n, long m, long blocks, long *reads, long *writes)
{
	for (long i = 0; i < n; i++) {
		off_t off = (off_t)(i % blocks) * IO_BYTES;

		if (pread(fd, buf, IO_BYTES, off) != IO_BYTES)
			return errno ? -errno : -EIO;
		(*reads)++;
	}
	for (long i = 0; i < m; i++) {
		off_t off = (off_t)(i % blocks) * IO_BYTES;

		memset(buf, (int)(i & 0xff), IO_BYTES);
		if (pwrite(fd, buf, IO_BYTES, off) != IO_BYTES)
			return errno ? -errno : -EIO;
		(*writes)++;
	}
	if (m > 0 && fsync(fd))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	long n, m, blocks, rounds = 0, reads = 0, writes = 0;
	off_t size, span;
	char line[16];
	void *buf;
	uint64_t t0, t1, cpu_ns;
	struct rusage ru;
	int fd, err = 0;

	if (argc < 4 || argc > 6)
		return 2;
	n = atol(argv[2]);
	m = atol(argv[3]);
	fd = open(argv[1], O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "block_truth: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	size = lseek(fd, 0, SEEK_END);
	span = argc >= 5 && atol(argv[4]) > 0 ? (off_t)atol(argv[4]) : size;
	if (span > size)
		span = size;
	blocks = (long)(span / IO_BYTES);
	if (argc == 6)
		rounds = atol(argv[5]);
	if (blocks < 1 || posix_memalign(&buf, IO_BYTES, IO_BYTES)) {
		fprintf(stderr, "block_truth: %s: smaller than %d bytes\n", argv[1], IO_BYTES);
		return 1;
	}
	if (!rounds) {
		printf("{\"pid\":%d}\n", getpid());
		fflush(stdout);
		if (read(0, line, sizeof(line)) <= 0)
			return 1;
	}
	t0 = now_ns();
	for (long r = 0; r < (rounds ? rounds : 1) && !err; r++)
		err = do_io(fd, buf, n, m, blocks, &reads, &writes);
	t1 = now_ns();
	getrusage(RUSAGE_SELF, &ru);
	cpu_ns = (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
		 (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull;
	printf("{\"reads\":%ld,\"writes\":%ld,\"fsyncs\":%d,\"error\":%d,\"elapsed_ns\":%llu,"
	       "\"cpu_ns\":%llu}\n", reads, writes, m > 0 && !err ? (int)(rounds ? rounds : 1) : 0,
	       -err, (unsigned long long)(t1 - t0), (unsigned long long)cpu_ns);
	fflush(stdout);
	if (!rounds)
		while (read(0, line, sizeof(line)) > 0)
			;
	close(fd);
	free(buf);
	return err ? 1 : 0;
}
