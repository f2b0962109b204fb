/* fmt_addr.h - the text of a client row's address. */
#ifndef LATTOP_EXPORT_FMT_ADDR_H
#define LATTOP_EXPORT_FMT_ADDR_H

#include <stddef.h>
#include <linux/types.h>

#include "abi/lat_abi.h"

/* Longest text: a full IPv6 address. */
#define FMT_ADDR_LEN 46

/* "127.0.0.2" or "::1" into @buf; "?" for an unknown family. Returns buf. */
char *fmt_addr(char *buf, size_t len, const struct abi_client_key *k);

/* "in" or "out". */
const char *fmt_dir(const struct abi_client_key *k);

#endif
