/* filter.c - parse, format and match the operator's filter. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <string.h>

#include "core/filter.h"
#include "core/syscall_names.h"

/* Longest value of any kind we accept; longer input is rejected before lookup. */
#define FILTER_VALUE_MAX 64
#define FILTER_SPACE " \t\n\r\v\f"

void filter_clear(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

bool filter_is_empty(const struct filter *f)
{
	return !f->n_comm && !f->n_pid && !f->n_sys && !f->n_net && !f->n_port && !f->n_dev &&
	       !f->n_fn && !f->n_cg && !f->n_host &&
	       f->waits == FILTER_WAITS_ALL;
}

/* One value of a term; @val is NUL-terminated and non-empty. */
typedef int (*filter_value_fn)(struct filter *f, const char *val, char *err, size_t errlen);

/*
 * A decimal in [1, max] by hand rather than strtoul: no sign, no spaces, no
 * leading zeros, no wrap. -1 when @val is not one.
 */
static long parse_positive(const char *val, uint32_t max)
{
	uint32_t v = 0;

	if (val[0] < '1' || val[0] > '9')
		return -1;
	for (const char *p = val; *p; p++) {
		if (*p < '0' || *p > '9' || v > (max - (uint32_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint32_t)(*p - '0');
	}
	return (long)v;
}

static int add_pid(struct filter *f, const char *val, char *err, size_t errlen)
{
	long v = parse_positive(val, 0x7fffffffu);

	if (v < 0)
		goto bad;
	if (f->n_pid == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many pids (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	f->pid[f->n_pid++] = (uint32_t)v;
	return 0;
bad:
	snprintf(err, errlen, "bad pid '%.20s' (want a positive number)", val);
	return -EINVAL;
}

static int add_sys(struct filter *f, const char *val, char *err, size_t errlen)
{
	/* Names are [a-z0-9_]; checking first keeps "sys_+5" and the like out of the lookup. */
	int nr = val[strspn(val, "abcdefghijklmnopqrstuvwxyz0123456789_")] ? -ENOENT
									     : syscall_lookup(val);

	if (nr < 0) {
		snprintf(err, errlen, "unknown syscall '%.32s'", val);
		return -EINVAL;
	}
	if (f->n_sys == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many syscalls (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	f->sys_nr[f->n_sys++] = (uint32_t)nr;
	return 0;
}

static int add_comm(struct filter *f, const char *val, char *err, size_t errlen)
{
	size_t len = strlen(val);

	/* The kernel keeps 15 bytes of a name: a longer one could never match. */
	if (len >= ABI_COMM_LEN) {
		snprintf(err, errlen, "process name '%.20s' longer than %d bytes", val,
			 ABI_COMM_LEN - 1);
		return -EINVAL;
	}
	if (f->n_comm == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many process names (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	memcpy(f->comm[f->n_comm++], val, len + 1);
	return 0;
}

static int add_port(struct filter *f, const char *val, char *err, size_t errlen)
{
	long v = parse_positive(val, 65535);

	if (v < 0) {
		snprintf(err, errlen, "bad port '%.20s' (want 1 to 65535)", val);
		return -EINVAL;
	}
	if (f->n_port == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many ports (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	f->port[f->n_port++] = (uint16_t)v;
	return 0;
}

/*
 * A block device: its kernel name ([a-z0-9_.-], at most BLKDEV_NAME_LEN - 1
 * bytes, as /sys/block has it) or MAJ:MIN. Names are not checked against
 * this host: a recording's devices are another host's.
 */
static int add_dev(struct filter *f, const char *val, char *err, size_t errlen)
{
	size_t len = strlen(val);
	const char *colon = strchr(val, ':');

	if (len >= BLKDEV_NAME_LEN || val[strspn(val, "abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:")] ||
	    (colon && (colon == val || !colon[1] || strchr(colon + 1, ':') ||
		       val[strspn(val, "0123456789:")]))) {
		snprintf(err, errlen, "bad device '%.20s' (want dev:NAME as in /sys/block, or "
			 "dev:MAJ:MIN)", val);
		return -EINVAL;
	}
	if (f->n_dev == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many devices (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	memcpy(f->dev[f->n_dev++], val, len + 1);
	return 0;
}

/*
 * A printable-ASCII value without the filter's separators (',' splits
 * values, blanks split terms), shorter than @width, appended to the @width-
 * byte strings at @arr (*@n used). @what and @term name it in messages.
 */
static int add_printable(char *arr, size_t width, size_t *n, const char *val, const char *what,
			 const char *term, char *err, size_t errlen)
{
	size_t len = strlen(val);

	for (const char *p = val; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f) {
			snprintf(err, errlen, "bad %s '%.20s' (want %s:TEXT, printable, no spaces)",
				 what, val, term);
			return -EINVAL;
		}
	}
	if (len >= width) {
		snprintf(err, errlen, "%s '%.20s...' longer than %zu bytes", what, val, width - 1);
		return -EINVAL;
	}
	if (*n == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many %ss (at most %d)", what, FILTER_MAX_TERMS);
		return -EINVAL;
	}
	memcpy(arr + (*n)++ * width, val, len + 1);
	return 0;
}

/* Part of a function's name (or "provider:probe"), shorter than a function row's label. */
static int add_fn(struct filter *f, const char *val, char *err, size_t errlen)
{
	return add_printable(&f->fn[0][0], sizeof(f->fn[0]), &f->n_fn, val, "function", "fn", err,
			     errlen);
}

/* Part of a cgroup's name or path. */
static int add_cg(struct filter *f, const char *val, char *err, size_t errlen)
{
	return add_printable(&f->cg[0][0], sizeof(f->cg[0]), &f->n_cg, val, "cgroup", "cg", err,
			     errlen);
}

/*
 * A fleet host as Prometheus names it: a host label or an instance
 * ("web-1", "10.0.0.5:9851", "[::1]:9851"); no blanks or commas (the
 * filter's separators), at most SNAP_HOST_LEN - 1 bytes.
 */
static int add_host(struct filter *f, const char *val, char *err, size_t errlen)
{
	size_t len = strlen(val);

	if (len >= SNAP_HOST_LEN || val[strspn(val, "abcdefghijklmnopqrstuvwxyz"
						  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:[]")]) {
		snprintf(err, errlen, "bad host '%.20s' (want host:NAME: letters, digits, "
			 "'_.-:[]')", val);
		return -EINVAL;
	}
	if (f->n_host == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many hosts (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	memcpy(f->host[f->n_host++], val, len + 1);
	return 0;
}

/* Zero the bits of @n's address past its prefix, so that equal networks compare equal. */
static void net_mask(struct filter_net *n)
{
	size_t len = n->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < len; i++) {
		unsigned int keep = n->bits > i * 8 ? n->bits - i * 8 : 0;

		if (keep < 8)
			n->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
}

/* ADDR or ADDR/BITS, IPv4 or IPv6, through inet_pton (strict: no "1.2.3", no spaces). */
static int add_net(struct filter *f, const char *val, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(val, '/');
	size_t alen = slash ? (size_t)(slash - val) : strlen(val);
	struct filter_net n = { 0 };
	long bits;

	if (alen >= sizeof(addr))
		goto bad;
	memcpy(addr, val, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, n.addr) == 1)
		n.family = AF_INET;
	else if (inet_pton(AF_INET6, addr, n.addr) == 1)
		n.family = AF_INET6;
	else
		goto bad;
	bits = n.family == AF_INET ? 32 : 128;
	if (slash) {
		/* "/0" is a valid prefix: every address of the family. */
		bits = !strcmp(slash + 1, "0") ? 0 : parse_positive(slash + 1, (uint32_t)bits);
		if (bits < 0)
			goto bad;
	}
	n.bits = (uint8_t)bits;
	/* ::ffff:a.b.c.d/96+ is an IPv4 network: the kernel side keeps such clients as IPv4. */
	if (n.family == AF_INET6 && n.bits >= 96 && !memcmp(n.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12)) {
		memmove(n.addr, n.addr + 12, 4);
		memset(n.addr + 4, 0, 12);
		n.family = AF_INET;
		n.bits = (uint8_t)(n.bits - 96);
	}
	net_mask(&n);
	if (f->n_net == FILTER_MAX_TERMS) {
		snprintf(err, errlen, "too many addresses (at most %d)", FILTER_MAX_TERMS);
		return -EINVAL;
	}
	f->net[f->n_net++] = n;
	return 0;
bad:
	snprintf(err, errlen, "bad address '%.48s' (want ip:ADDR or ip:ADDR/BITS)", val);
	return -EINVAL;
}

/* Term kinds; a new kind is one more row here and in filter_write. */
static const struct {
	const char *prefix;
	filter_value_fn add;
} filter_kinds[] = {
	{ "pid:", add_pid },
	{ "sys:", add_sys },
	{ "comm:", add_comm },	/* explicit form, for names containing ':' */
	{ "ip:", add_net },
	{ "port:", add_port },
	{ "dev:", add_dev },
	{ "fn:", add_fn },
	{ "cg:", add_cg },
	{ "host:", add_host },
};

/* "a,b,c" (@len bytes at @list): every value through @add; no value may be empty. */
static int parse_list(struct filter *f, const char *list, size_t len, filter_value_fn add,
		      const char *kind, char *err, size_t errlen)
{
	const char *end = list + len;

	for (const char *p = list;; p++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t n = comma ? (size_t)(comma - p) : (size_t)(end - p);
		char val[FILTER_VALUE_MAX + 1];
		int ret;

		if (!n) {
			snprintf(err, errlen, "'%s' needs a value%s", kind,
				 len ? " between commas" : "");
			return -EINVAL;
		}
		if (n > FILTER_VALUE_MAX) {
			snprintf(err, errlen, "'%s' value '%.20s...' is too long", kind, p);
			return -EINVAL;
		}
		memcpy(val, p, n);
		val[n] = '\0';
		ret = add(f, val, err, errlen);
		if (ret)
			return ret;
		if (!comma)
			return 0;
		p = comma;
	}
}

/* One whitespace-free term of @len bytes. */
static int parse_term(struct filter *f, const char *term, size_t len, char *err, size_t errlen)
{
	const char *colon = memchr(term, ':', len);
	char name[FILTER_VALUE_MAX + 1];

	for (size_t i = 0; i < sizeof(filter_kinds) / sizeof(filter_kinds[0]); i++) {
		size_t plen = strlen(filter_kinds[i].prefix);

		if (len >= plen && !memcmp(term, filter_kinds[i].prefix, plen))
			return parse_list(f, term + plen, len - plen, filter_kinds[i].add,
					  filter_kinds[i].prefix, err, errlen);
	}
	if (colon) {
		snprintf(err, errlen, "unknown filter '%.*s' (want NAME, pid:N, sys:NAME, ip:ADDR, port:N, dev:NAME, fn:TEXT, cg:TEXT or host:NAME)",
			 (int)(colon - term + 1 > 20 ? 20 : colon - term + 1), term);
		return -EINVAL;
	}
	if (len > FILTER_VALUE_MAX) {
		snprintf(err, errlen, "process name '%.20s...' longer than %d bytes", term,
			 ABI_COMM_LEN - 1);
		return -EINVAL;
	}
	memcpy(name, term, len);
	name[len] = '\0';
	return add_comm(f, name, err, errlen);
}

/* Appends to @buf without ever cutting an item; counts what a full buffer would hold. */
struct filter_out {
	char *buf;
	size_t len;
	size_t need;	/* bytes the whole text needs, without the NUL */
	bool cut;	/* an item did not fit: write nothing more */
};

static void out_put(struct filter_out *o, const char *sep, const char *item)
{
	size_t n = strlen(sep) + strlen(item);

	if (!o->cut && o->need + n < o->len) {
		memcpy(o->buf + o->need, sep, strlen(sep));
		memcpy(o->buf + o->need + strlen(sep), item, strlen(item) + 1);
	} else {
		o->cut = true;
	}
	o->need += n;
}

/*
 * The canonical text: names in input order, then pids, then syscalls by
 * name, one term per kind where possible. A name with ':' only parses inside
 * a "comm:" list and one with ',' only bare, so runs of names share a
 * "comm:" list when they have to and are bare otherwise.
 */
static size_t filter_write(const struct filter *f, char *buf, size_t len)
{
	struct filter_out o = { .buf = buf, .len = len };
	bool in_list = false;
	char item[INET6_ADDRSTRLEN + 8];

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < f->n_comm; i++) {
		const char *c = f->comm[i];

		if (strchr(c, ',')) {
			in_list = false;
			out_put(&o, o.need ? " " : "", c);
		} else if (in_list) {
			out_put(&o, ",", c);
		} else if (strchr(c, ':')) {
			in_list = true;
			out_put(&o, o.need ? " comm:" : "comm:", c);
		} else {
			out_put(&o, o.need ? " " : "", c);
		}
	}
	for (size_t i = 0; i < f->n_pid; i++) {
		snprintf(item, sizeof(item), "%u", f->pid[i]);
		out_put(&o, i ? "," : (o.need ? " pid:" : "pid:"), item);
	}
	for (size_t i = 0; i < f->n_sys; i++) {
		syscall_name_or_nr(f->sys_nr[i], item, sizeof(item));
		out_put(&o, i ? "," : (o.need ? " sys:" : "sys:"), item);
	}
	for (size_t i = 0; i < f->n_net; i++) {
		const struct filter_net *n = &f->net[i];
		char addr[INET6_ADDRSTRLEN];

		inet_ntop(n->family, n->addr, addr, sizeof(addr));
		if (n->bits != (n->family == AF_INET ? 32 : 128))
			snprintf(item, sizeof(item), "%s/%u", addr, n->bits);
		else
			snprintf(item, sizeof(item), "%s", addr);
		out_put(&o, i ? "," : (o.need ? " ip:" : "ip:"), item);
	}
	for (size_t i = 0; i < f->n_port; i++) {
		snprintf(item, sizeof(item), "%u", f->port[i]);
		out_put(&o, i ? "," : (o.need ? " port:" : "port:"), item);
	}
	for (size_t i = 0; i < f->n_dev; i++)
		out_put(&o, i ? "," : (o.need ? " dev:" : "dev:"), f->dev[i]);
	for (size_t i = 0; i < f->n_fn; i++)
		out_put(&o, i ? "," : (o.need ? " fn:" : "fn:"), f->fn[i]);
	for (size_t i = 0; i < f->n_cg; i++)
		out_put(&o, i ? "," : (o.need ? " cg:" : "cg:"), f->cg[i]);
	for (size_t i = 0; i < f->n_host; i++)
		out_put(&o, i ? "," : (o.need ? " host:" : "host:"), f->host[i]);
	return o.need;
}

int filter_parse(struct filter *f, const char *text, char *err, size_t errlen)
{
	struct filter next;
	const char *p = text;
	int ret;

	if (errlen)
		err[0] = '\0';
	if (strlen(text) >= FILTER_TEXT_MAX) {
		snprintf(err, errlen, "filter longer than %d bytes", FILTER_TEXT_MAX - 1);
		return -EINVAL;
	}
	filter_clear(&next);
	for (;;) {
		size_t n;

		p += strspn(p, FILTER_SPACE);
		if (!*p)
			break;
		n = strcspn(p, FILTER_SPACE);
		ret = parse_term(&next, p, n, err, errlen);
		if (ret)
			return ret;
		p += n;
	}
	/*
	 * The canonical text can be longer than the input ("sys:sys_13" is
	 * "sys:rt_sigaction"); refuse a filter whose text would not fit the
	 * prompt, so that format -> parse always round-trips.
	 */
	if (filter_write(&next, NULL, 0) >= FILTER_TEXT_MAX) {
		snprintf(err, errlen, "filter longer than %d bytes once written out",
			 FILTER_TEXT_MAX - 1);
		return -EINVAL;
	}
	*f = next;
	return 0;
}

void filter_format(const struct filter *f, char *buf, size_t len)
{
	filter_write(f, buf, len);
}

bool filter_match_host(const struct filter *f, const char *name)
{
	for (size_t i = 0; i < f->n_host; i++)
		if (!strcmp(f->host[i], name))
			return true;
	return f->n_host == 0;
}

bool filter_match_proc(const struct filter *f, uint32_t pid, const char *comm)
{
	bool ok;

	if (f->hide_pid && pid == f->hide_pid && !f->n_pid)
		return false;

	if (f->n_pid) {
		ok = false;
		for (size_t i = 0; i < f->n_pid && !ok; i++)
			ok = f->pid[i] == pid;
		if (!ok)
			return false;
	}
	if (f->n_comm) {
		/* comm from the kernel may lack a terminator. */
		size_t len = strnlen(comm, ABI_COMM_LEN);
		char name[ABI_COMM_LEN + 1];

		memcpy(name, comm, len);
		name[len] = '\0';
		ok = false;
		for (size_t i = 0; i < f->n_comm && !ok; i++)
			ok = strstr(name, f->comm[i]) != NULL;
		if (!ok)
			return false;
	}
	return true;
}

bool filter_match_sys(const struct filter *f, const struct snap_sys_row *r)
{
	if ((f->waits == FILTER_WAITS_HIDE && r->wait) || (f->waits == FILTER_WAITS_ONLY && !r->wait))
		return false;
	if (f->n_sys) {
		bool ok = false;

		for (size_t i = 0; i < f->n_sys && !ok; i++)
			ok = f->sys_nr[i] == r->nr;
		if (!ok)
			return false;
	}
	return filter_match_proc(f, r->pid, r->comm);
}

static bool net_contains(const struct filter_net *n, const struct abi_client_key *k)
{
	unsigned int full = n->bits / 8, rest = n->bits % 8;

	if (k->family != n->family)
		return false;
	if (memcmp(n->addr, k->addr, full))
		return false;
	return !rest || !((n->addr[full] ^ k->addr[full]) & (uint8_t)(0xff00u >> rest));
}

/* Does block row @r's device match term @want (its name, or MAJ:MIN of its dev_t)? */
static bool dev_matches(const char *want, const struct snap_fam_row *r)
{
	char majmin[24];

	if (r->label[0] && !strncmp(want, r->label, SNAP_LABEL_LEN))
		return true;
	snprintf(majmin, sizeof(majmin), "%u:%u", r->key.a >> 20, r->key.a & 0xfffff);
	return !strcmp(want, majmin);
}

bool filter_match_fam(const struct filter *f, enum snap_family fam, const struct snap_fam_row *r)
{
	if (fam == SNAP_FAM_BLOCK && f->n_dev) {
		bool ok = false;

		for (size_t i = 0; i < f->n_dev && !ok; i++)
			ok = dev_matches(f->dev[i], r);
		if (!ok)
			return false;
	}
	if (fam == SNAP_FAM_FUNC && f->n_fn) {
		bool ok = false;
		char label[SNAP_LABEL_LEN];

		/* untrusted bytes: NUL-terminated here whatever the row holds */
		memcpy(label, r->label, sizeof(label));
		label[sizeof(label) - 1] = '\0';
		for (size_t i = 0; i < f->n_fn && !ok; i++)
			ok = strstr(label, f->fn[i]) != NULL;
		if (!ok)
			return false;
	}
	return filter_match_proc(f, r->key.tgid, r->key.comm);
}

bool filter_match_client(const struct filter *f, const struct snap_client_row *r)
{
	bool ok;

	if (f->n_net) {
		ok = false;
		for (size_t i = 0; i < f->n_net && !ok; i++)
			ok = net_contains(&f->net[i], &r->key);
		if (!ok)
			return false;
	}
	if (f->n_port) {
		ok = false;
		for (size_t i = 0; i < f->n_port && !ok; i++)
			ok = f->port[i] == r->key.port;
		if (!ok)
			return false;
	}
	return filter_match_proc(f, r->key.tgid, r->comm);
}

/* @field (untrusted, maybe unterminated, @len bytes) contains @want? */
static bool cg_text_has(const char *field, size_t len, const char *want)
{
	char text[SNAP_CGROUP_PATH_LEN + 1];
	size_t n = strnlen(field, len < SNAP_CGROUP_PATH_LEN ? len : SNAP_CGROUP_PATH_LEN);

	memcpy(text, field, n);
	text[n] = '\0';
	return strstr(text, want) != NULL;
}

bool filter_cgroup_has(const struct snapshot *s, uint64_t id, const char *text)
{
	const struct snap_cgroup *cg;

	/* id 0 is "not attributed": no cgroup to name, so no cg: term can hold */
	if (!id || !s)
		return false;
	cg = snapshot_cgroup(s, id);
	return cg && (cg_text_has(cg->name, sizeof(cg->name), text) ||
		      cg_text_has(cg->path, sizeof(cg->path), text));
}

bool filter_match_cgroup(const struct filter *f, const struct snapshot *s, uint64_t id)
{
	if (!f->n_cg)
		return true;
	for (size_t i = 0; i < f->n_cg; i++)
		if (filter_cgroup_has(s, id, f->cg[i]))
			return true;
	return false;
}

bool filter_match_sys_in(const struct filter *f, const struct snapshot *s,
			 const struct snap_sys_row *r)
{
	return filter_match_cgroup(f, s, r->cgroup_id) && filter_match_sys(f, r);
}

bool filter_match_client_in(const struct filter *f, const struct snapshot *s,
			    const struct snap_client_row *r)
{
	return filter_match_cgroup(f, s, r->key.cgid) && filter_match_client(f, r);
}

bool filter_match_fam_in(const struct filter *f, const struct snapshot *s, enum snap_family fam,
			 const struct snap_fam_row *r)
{
	return filter_match_cgroup(f, s, r->key.cgid) && filter_match_fam(f, fam, r);
}

bool filter_match_stack_in(const struct filter *f, const struct snapshot *s,
			   const struct snap_stack *st)
{
	return filter_match_cgroup(f, s, st->cgroup_id) && filter_match_proc(f, st->pid, st->comm);
}
