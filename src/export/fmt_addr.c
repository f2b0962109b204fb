/* fmt_addr.c - client addresses as text (inet_ntop: the kernel's bytes are fixed-size). */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "export/fmt_addr.h"

char *fmt_addr(char *buf, size_t len, const struct abi_client_key *k)
{
	int af = k->family == AF_INET ? AF_INET : k->family == AF_INET6 ? AF_INET6 : -1;

	if (af < 0 || !inet_ntop(af, k->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *fmt_dir(const struct abi_client_key *k)
{
	return k->dir == ABI_DIR_OUT ? "out" : "in";
}
