/* proc_cmdline.c - cached, sanitised /proc/PID/cmdline (see proc_cmdline.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock_ns.h"
#include "ui/proc_cmdline.h"
#include "core/sanitize.h"

#define REFRESH_NS (10 * 1000000000ull)
/* Start times are compared loosely: /proc's is in clock ticks and on the boot clock. */
#define START_SLACK_NS 1000000000ull

struct cmdline_entry {
	uint32_t pid;
	uint64_t pstart_ns;
	uint64_t read_ns;	/* when /proc was read; 0: slot free */
	uint64_t used_ns;
	char text[PROC_CMDLINE_LEN];
};

struct proc_cmdline {
	struct cmdline_entry e[PROC_CMDLINE_CACHE];
	uint64_t reads;
};

struct proc_cmdline *proc_cmdline_new(void)
{
	return calloc(1, sizeof(struct proc_cmdline));
}

void proc_cmdline_free(struct proc_cmdline *pc)
{
	free(pc);
}

uint64_t proc_cmdline_reads(const struct proc_cmdline *pc)
{
	return pc->reads;
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

/* Is /proc/@pid still the process that started at @pstart_ns (monotonic)? */
static int same_process(uint32_t pid, uint64_t pstart_ns)
{
	char path[40], buf[1024], *p;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t start_ns, boot_off;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may hold spaces and parentheses */
	/* Field 22 (starttime) is the 20th after the comm. */
	for (int f = 0; p && f < 20; f++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", &ticks) != 1 || hz <= 0)
		return 1;	/* cannot tell: trust the pid */
	start_ns = (uint64_t)ticks * (1000000000ull / (uint64_t)hz);
	boot_off = clock_ns(CLOCK_BOOTTIME) - clock_ns(CLOCK_MONOTONIC);
	pstart_ns += boot_off;
	return start_ns + START_SLACK_NS >= pstart_ns && pstart_ns + START_SLACK_NS >= start_ns;
}

static void fill(struct cmdline_entry *e)
{
	char path[40], raw[PROC_CMDLINE_LEN];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", e->pid);
	n = same_process(e->pid, e->pstart_ns) ? read_file(path, raw, sizeof(raw) - 1) : -1;
	while (n > 0 && raw[n - 1] == '\0')
		n--;
	if (n <= 0) {
		snprintf(e->text, sizeof(e->text), "-");
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		if (raw[i] == '\0')
			raw[i] = ' ';
	sanitize_text(e->text, sizeof(e->text), raw, (size_t)n);
}

const char *proc_cmdline_get(struct proc_cmdline *pc, uint32_t pid, uint64_t pstart_ns)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct cmdline_entry *e = NULL, *lru = &pc->e[0];

	for (size_t i = 0; i < PROC_CMDLINE_CACHE; i++) {
		struct cmdline_entry *c = &pc->e[i];

		if (c->read_ns && c->pid == pid && c->pstart_ns == pstart_ns) {
			e = c;
			break;
		}
		if (c->used_ns < lru->used_ns)
			lru = c;
	}
	if (!e) {
		e = lru;
		memset(e, 0, sizeof(*e));
		e->pid = pid;
		e->pstart_ns = pstart_ns;
	}
	if (!e->read_ns || now - e->read_ns >= REFRESH_NS) {
		fill(e);
		e->read_ns = now;
		pc->reads++;
	}
	e->used_ns = now;
	return e->text;
}
