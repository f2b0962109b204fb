/*
 * sys_rows.h - user side of the syscall rows (bpf/lib/sys_rows.bpf.h): the
 * key -> row index (sys_index), the rows (sys_rows, an array) and the free
 * list (sys_free). Reads every key's row each tick, retires keys, and
 * gives their rows back to the kernel after a quarantine. Collector thread.
 */
#ifndef LATTOP_COLLECT_SYS_ROWS_H
#define LATTOP_COLLECT_SYS_ROWS_H

#include <stdint.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

struct sys_rows;

/* Every row put in the free list. NULL with errno set. */
struct sys_rows *sys_rows_new(int index_fd, int rows_fd, int free_fd, uint32_t n_rows);
void sys_rows_free(struct sys_rows *r);

/*
 * Tick start: the rows retired during the last tick are zeroed and free
 * again. Retirement happens at the end of a tick, so a call that passed
 * its generation check before it has had a whole interval to land.
 */
void sys_rows_release(struct sys_rows *r);

/*
 * Each key with a copy of its row's histogram (valid during the call).
 * A non-zero return of @fn stops the read and is returned; else 0 or a
 * negative errno.
 */
int sys_rows_read(struct sys_rows *r,
		  int (*fn)(const struct abi_sys_key *key, struct abi_hist *h, void *ctx), void *ctx);

/* The kernel forgets @key: no call adds to its row after its next generation check. */
void sys_rows_retire(struct sys_rows *r, const struct abi_sys_key *key);

#endif
