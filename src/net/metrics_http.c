/*
 * metrics_http.c - GET /metrics over libmicrohttpd, with TLS and basic auth
 * from the web config off loopback.
 *
 * Threading: MHD's internal poll thread accepts and every connection gets
 * a thread of its own (MHD_USE_THREAD_PER_CONNECTION). A client that sends
 * its headers a byte a second, or never reads its answer, then blocks only
 * its own thread; scrapes never queue behind it, and a bcrypt check (tens
 * of ms) or a render wait blocks nobody else either, which a small thread
 * pool would not guarantee. The cost, a thread per connection, is bounded
 * by the connection limit (512) and a modest stack.
 */
#include <arpa/inet.h>
#include <crypt.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/metrics_http.h"
#include "net/web_config_file.h"

#define HTTP_THREAD_STACK_BYTES (1024 * 1024)
#define HTTP_LISTEN_BACKLOG 512
#define HTTP_REALM "lattop"

/* Checked against when the user name is unknown, so that a wrong name costs what a wrong password does. */
static const char dummy_hash[] = "$2b$10$C/dndu9VMG3UmGeDxhWA4.K/aM7e95LiQCJ7.QXut/utdaepCMJeG";

struct metrics_http {
	struct MHD_Daemon *daemon;
	int listen_fd;
	metrics_http_body_fn body;
	void *ctx;
	bool tls;
	char *cert_pem, *key_pem;
	struct web_config wc;
	char addr[INET6_ADDRSTRLEN + 8];
};

int metrics_http_parse_addr(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	char host[INET6_ADDRSTRLEN];
	const char *colon, *port_s;
	unsigned long port;
	char *end;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		n = (size_t)(close - s - 1);
		if (n == 0 || n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		port_s = close + 2;
		v6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host, &v6->sin6_addr) != 1)
			return -EINVAL;
	} else {
		colon = strrchr(s, ':');
		if (!colon || strchr(s, ':') != colon)
			return -EINVAL;	/* a bare IPv6 address needs [ ] */
		n = (size_t)(colon - s);
		if (n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s, n);
		host[n] = '\0';
		port_s = colon + 1;
		v4->sin_family = AF_INET;
		if (n == 0)
			v4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (!strcmp(host, "localhost"))
			v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		else if (inet_pton(AF_INET, host, &v4->sin_addr) != 1)
			return -EINVAL;
	}
	if (*port_s < '0' || *port_s > '9')
		return -EINVAL;
	errno = 0;
	port = strtoul(port_s, &end, 10);
	if (errno || *end || port > 65535)
		return -EINVAL;
	if (ss->ss_family == AF_INET6)
		v6->sin6_port = htons((uint16_t)port);
	else
		v4->sin_port = htons((uint16_t)port);
	return 0;
}

/* 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. */
static bool is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (IN6_IS_ADDR_LOOPBACK(a))
		return true;
	return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

static void format_addr(const struct sockaddr_storage *ss, char *out, size_t outlen)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
		snprintf(out, outlen, "[%s]:%u", host, ntohs(v6->sin6_port));
	} else {
		const struct sockaddr_in *v4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
		snprintf(out, outlen, "%s:%u", host, ntohs(v4->sin_port));
	}
}

/* Equal strings, in time that depends on the length only. */
static bool same_secret(const char *a, const char *b)
{
	size_t n = strlen(a);
	unsigned char d = 0;

	if (n != strlen(b))
		return false;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Basic auth against the web config's bcrypt hashes; true when none are configured. */
static bool authorised(const struct metrics_http *h, struct MHD_Connection *c)
{
	const char *hash = dummy_hash;
	struct crypt_data *cd;
	char *user, *pass = NULL;
	bool found = false, ok = false;

	if (!h->wc.n_users)
		return true;
	user = MHD_basic_auth_get_username_password(c, &pass);
	if (!user || !pass)
		goto out;
	for (size_t i = 0; i < h->wc.n_users; i++) {
		if (!strcmp(h->wc.users[i].name, user)) {
			hash = h->wc.users[i].hash;
			found = true;
			break;
		}
	}
	/* crypt_r: scrapes are checked on many threads at once. crypt_data is ~32 KiB: heap. */
	cd = calloc(1, sizeof(*cd));
	if (cd) {
		const char *r = crypt_r(pass, hash, cd);

		ok = found && r && r[0] != '*' && same_secret(r, hash);
		explicit_bzero(cd, sizeof(*cd));
		free(cd);
	}
out:
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		MHD_free(pass);
	}
	if (user)
		MHD_free(user);
	return ok;
}

static enum MHD_Result answer_text(struct MHD_Connection *c, unsigned int status,
				   const char *text, bool auth_fail)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (auth_fail)
		ret = MHD_queue_basic_auth_fail_response(c, HTTP_REALM, r);
	else
		ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void free_body(void *p)
{
	free(p);
}

/* Server thread, one call per request (answered on the first call: no request has a body we read). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct metrics_http *h = cls;
	struct metrics_http_body b = { 0 };
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *accept;

	(void)version;
	(void)upload_data;
	(void)con_cls;
	if (*upload_data_size) {
		/* A body we did not ask for (the answer is queued already): discard it. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!authorised(h, c))
		return answer_text(c, MHD_HTTP_UNAUTHORIZED, "Unauthorized\n", true);
	if (strcmp(url, "/metrics"))
		return answer_text(c, MHD_HTTP_NOT_FOUND, "Not Found: lattop serves /metrics\n",
				   false);
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return answer_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "Method Not Allowed\n", false);
	accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	if (h->body(h->ctx, accept, &b))
		return answer_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "Internal Server Error\n",
				   false);
	if (b.release)
		r = MHD_create_response_from_buffer_with_free_callback_cls(
			b.len, (void *)(uintptr_t)b.data, b.release, b.cookie);
	else
		r = MHD_create_response_from_buffer_with_free_callback_cls(
			b.len, (void *)(uintptr_t)b.data, free_body, (void *)(uintptr_t)b.data);
	if (!r) {
		if (b.release)
			b.release(b.cookie);
		else
			free((void *)(uintptr_t)b.data);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, b.content_type);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* MHD's own messages (only with MHD_USE_ERROR_LOG, which is off): never on a curses screen. */
static void quiet_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
}

static int listen_socket(struct metrics_http *h, const struct sockaddr_storage *ss,
			 const char *where, char *err, size_t errlen)
{
	socklen_t sl = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						     sizeof(struct sockaddr_in);
	int one = 1, e;

	h->listen_fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->listen_fd < 0)
		goto fail;
	/* A restarted lattop rebinds at once despite old connections in TIME_WAIT. */
	setsockopt(h->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss->ss_family == AF_INET6)
		setsockopt(h->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(h->listen_fd, (const struct sockaddr *)ss, sl) ||
	    listen(h->listen_fd, HTTP_LISTEN_BACKLOG))
		goto fail;
	return 0;
fail:
	e = errno;
	snprintf(err, errlen, "cannot listen on %s: %s", where, strerror(e));
	return -e;
}

static void http_free(struct metrics_http *h)
{
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	if (h->key_pem) {
		explicit_bzero(h->key_pem, strlen(h->key_pem));
		free(h->key_pem);
	}
	free(h->cert_pem);
	explicit_bzero(&h->wc, sizeof(h->wc));
	free(h);
}

/* Security and TLS files. 0 or -errno with @err. */
static int configure(struct metrics_http *h, const struct metrics_http_opts *o,
		     const struct sockaddr_storage *ss, const char *where, char *err,
		     size_t errlen)
{
	int ret;

	if (o->web_config) {
		ret = web_config_load(o->web_config, &h->wc, err, errlen);
		if (ret)
			return ret;
	}
	h->tls = web_config_has_tls(&h->wc);
	if (!is_loopback(ss) && !o->insecure && !(h->tls && h->wc.n_users)) {
		snprintf(err, errlen, "refusing to serve metrics on %s without TLS and basic auth "
			 "(process names and client addresses are sensitive): give --web-config "
			 "FILE with tls_server_config and basic_auth_users, or --listen-insecure",
			 where);
		return -EACCES;
	}
	if (!h->tls)
		return 0;
	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		snprintf(err, errlen, "--web-config %s: this libmicrohttpd has no TLS support",
			 o->web_config);
		return -ENOTSUP;
	}
	ret = web_config_read_pem(h->wc.cert_file, &h->cert_pem, err, errlen);
	if (!ret)
		ret = web_config_read_pem(h->wc.key_file, &h->key_pem, err, errlen);
	return ret == -ENOENT || ret == -EACCES ? -EINVAL : ret;
}

struct metrics_http *metrics_http_start(const struct metrics_http_opts *o,
					metrics_http_body_fn body, void *ctx, char *err,
					size_t errlen)
{
	const char *where = o->listen ? o->listen : METRICS_HTTP_DEFAULT_LISTEN;
	unsigned int flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	const union MHD_DaemonInfo *info;
	struct sockaddr_storage ss, bound;
	socklen_t sl = sizeof(bound);
	struct metrics_http *h;
	int ret;

	if (metrics_http_parse_addr(where, &ss)) {
		snprintf(err, errlen, "bad --listen '%s': want IPV4:PORT or [IPV6]:PORT, numeric, "
			 "port 0 to 65535", where);
		errno = EINVAL;
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->listen_fd = -1;
	h->body = body;
	h->ctx = ctx;
	ret = configure(h, o, &ss, where, err, errlen);
	if (!ret)
		ret = listen_socket(h, &ss, where, err, errlen);
	if (ret)
		goto fail;
	if (h->tls)
		flags |= MHD_USE_TLS;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, h,
		MHD_OPTION_LISTEN_SOCKET, h->listen_fd,
		MHD_OPTION_CONNECTION_LIMIT, o->max_conns ? o->max_conns : METRICS_HTTP_MAX_CONNS,
		MHD_OPTION_CONNECTION_TIMEOUT, o->timeout_s ? o->timeout_s : METRICS_HTTP_TIMEOUT_S,
		/* Prometheus scrapes from one address; 200 scrapers may too. */
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0u,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)HTTP_THREAD_STACK_BYTES,
		MHD_OPTION_EXTERNAL_LOGGER, quiet_log, NULL,
		h->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, h->key_pem,
		MHD_OPTION_HTTPS_MEM_CERT, h->cert_pem,
		MHD_OPTION_END);
	if (!h->daemon) {
		ret = -EINVAL;
		snprintf(err, errlen, "cannot start the HTTP server on %s%s", where,
			 h->tls ? ": check cert_file and key_file of --web-config (PEM certificate "
				  "and its private key)" : "");
		goto fail;
	}
	h->listen_fd = -1;	/* the daemon's now: MHD_stop_daemon closes it */
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	if (info && !getsockname(info->listen_fd, (struct sockaddr *)&bound, &sl))
		format_addr(&bound, h->addr, sizeof(h->addr));
	else
		format_addr(&ss, h->addr, sizeof(h->addr));
	return h;
fail:
	http_free(h);
	errno = -ret;
	return NULL;
}

const char *metrics_http_address(const struct metrics_http *h)
{
	return h->addr;
}

bool metrics_http_tls(const struct metrics_http *h)
{
	return h->tls;
}

void metrics_http_stop(struct metrics_http *h)
{
	if (!h)
		return;
	/* Joins every connection thread: no body callback runs after this. */
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	http_free(h);
}
