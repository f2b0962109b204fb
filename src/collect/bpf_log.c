/* bpf_log.c - libbpf print callback into a bounded buffer. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "collect/bpf_log.h"

#define BPF_LOG_CAP (1u << 20)	/* verifier logs of a failed load fit */

static char log_buf[BPF_LOG_CAP];
static size_t log_len;
static bool log_echo;

static int bpf_log_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	va_list copy;
	int n;

	if (log_echo) {
		va_copy(copy, args);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_DEBUG && !log_echo)
		return 0;	/* debug chatter only with --verbose */
	if (log_len < BPF_LOG_CAP - 1) {
		n = vsnprintf(log_buf + log_len, BPF_LOG_CAP - log_len, fmt, args);
		if (n > 0)
			log_len += (size_t)n < BPF_LOG_CAP - log_len ? (size_t)n : BPF_LOG_CAP - 1 - log_len;
	}
	return 0;
}

void bpf_log_init(bool verbose)
{
	log_echo = verbose;
	libbpf_set_print(bpf_log_print);
}

void bpf_log_quiet(void)
{
	log_echo = false;
}

void bpf_log_reset(void)
{
	log_len = 0;
}

bool bpf_log_says(const char *text)
{
	return memmem(log_buf, log_len, text, strlen(text)) != NULL;
}

int bpf_log_save(char *path, size_t len)
{
	const char *dir = getenv("TMPDIR");
	size_t off = 0;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(path, len, "%s/lattop-bpf-%ld-%ld.log", dir, (long)getpid(), (long)time(NULL));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	while (off < log_len) {
		ssize_t n = write(fd, log_buf + off, log_len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		off += (size_t)n;
	}
	close(fd);
	return 0;
}
