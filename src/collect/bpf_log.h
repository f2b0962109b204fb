/*
 * bpf_log.h - where libbpf's messages go. Never to the terminal while the
 * dashboard owns it: they are kept in a bounded buffer (the verifier log of a
 * failed load among them) and written to a file on demand, or to stderr with
 * --verbose before the dashboard starts.
 */
#ifndef LATTOP_COLLECT_BPF_LOG_H
#define LATTOP_COLLECT_BPF_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Main thread, before any libbpf call. */
void bpf_log_init(bool verbose);

/* Stop echoing to stderr (the dashboard is about to take the screen). */
void bpf_log_quiet(void);

/* Forget what was kept so far. */
void bpf_log_reset(void);

/* Does what was kept since the last reset contain @text? */
bool bpf_log_says(const char *text);

/*
 * Write what was kept to a new file (O_EXCL|O_NOFOLLOW, 0600) in $TMPDIR or
 * /tmp; its path goes into @path. 0 or negative errno.
 */
int bpf_log_save(char *path, size_t len);

#endif
