/*
 * cgroup_name.c - a cgroup v2 path to what an operator calls it.
 *
 * Only the last two components matter (a container below its pod, a unit
 * or container below any slices), and an ancestor named kubepods... for
 * pods. Every test is on lengths measured within the path: the input is
 * untrusted and may be anything, of any length.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/cgroup_name.h"

#define CG_ID_HEX 64		/* container ids: sha256, lowercase hex */
#define CG_SHORT_HEX 12		/* shown as docker ps shows them */
#define CG_UID_LEN 36		/* pod uid: 8-4-4-4-12 */
#define CG_UID_SHORT 8

/* A component of a path: pointer and length, not NUL-terminated. */
struct cg_part {
	const char *p;
	size_t n;
};

static bool is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static bool has_prefix(struct cg_part c, const char *pre)
{
	size_t n = strlen(pre);

	return c.n >= n && !memcmp(c.p, pre, n);
}

static bool has_suffix(struct cg_part c, const char *suf)
{
	size_t n = strlen(suf);

	return c.n >= n && !memcmp(c.p + c.n - n, suf, n);
}

/* "<pre><64 hex><suf>": where the id starts, or NULL. */
static const char *wrapped_id(struct cg_part c, const char *pre, const char *suf)
{
	size_t a = strlen(pre), b = strlen(suf);

	if (c.n != a + CG_ID_HEX + b || !has_prefix(c, pre) || !has_suffix(c, suf) ||
	    !is_hex(c.p + a, CG_ID_HEX))
		return NULL;
	return c.p + a;
}

/*
 * A container's cgroup: the runtime's scope ("docker-<id>.scope", ...)
 * or a bare id (cgroupfs drivers: "docker/<id>", "kubepods/.../<id>").
 * The kind (SNAP_CG_PATH for a bare id) and where the id starts, or NULL.
 */
static const char *container_id(struct cg_part c, enum snap_cgroup_kind *kind)
{
	static const struct {
		const char *pre;
		enum snap_cgroup_kind kind;
	} scopes[] = {
		{ "docker-", SNAP_CG_DOCKER },
		{ "cri-containerd-", SNAP_CG_CONTAINERD },
		{ "crio-", SNAP_CG_CRIO },
		{ "libpod-", SNAP_CG_PODMAN },
	};
	const char *id;

	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		id = wrapped_id(c, scopes[i].pre, ".scope");
		if (id) {
			*kind = scopes[i].kind;
			return id;
		}
	}
	if (c.n == CG_ID_HEX && is_hex(c.p, c.n)) {
		*kind = SNAP_CG_PATH;
		return c.p;
	}
	return NULL;
}

/* 8-4-4-4-12 hex, with '-' (cgroupfs) or '_' (systemd slices); or 32 hex (static pods). */
static bool is_uid(const char *p, size_t n)
{
	if (n == 32)
		return is_hex(p, n);
	if (n != CG_UID_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool sep = i == 8 || i == 13 || i == 18 || i == 23;

		if (sep ? p[i] != '-' && p[i] != '_' : !is_hex(p + i, 1))
			return false;
	}
	return true;
}

/*
 * A pod's cgroup: "pod<uid>" (cgroupfs driver) or
 * "kubepods[-<qos>]-pod<uid>.slice" (systemd driver). Its uid, or NULL.
 */
static const char *pod_uid(struct cg_part c)
{
	static const char *const slices[] = { "kubepods-pod", "kubepods-burstable-pod",
					      "kubepods-besteffort-pod" };
	size_t a;

	if (has_prefix(c, "pod") && is_uid(c.p + 3, c.n - 3))
		return c.p + 3;
	if (!has_suffix(c, ".slice"))
		return NULL;
	for (size_t i = 0; i < sizeof(slices) / sizeof(slices[0]); i++) {
		a = strlen(slices[i]);
		if (has_prefix(c, slices[i]) && c.n > a + 6 && is_uid(c.p + a, c.n - a - 6))
			return c.p + a;
	}
	return NULL;
}

/* A systemd unit: "<name>.service" etc., name of the characters systemd allows. */
static bool is_unit(struct cg_part c)
{
	static const char *const types[] = { ".service", ".scope", ".slice" };
	size_t stem = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]) && !stem; i++)
		if (has_suffix(c, types[i]) && c.n > strlen(types[i]))
			stem = c.n - strlen(types[i]);
	if (!stem)
		return false;
	for (size_t i = 0; i < c.n; i++) {
		char ch = c.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      strchr(":-_.\\@", ch)))
			return false;
	}
	return true;
}

/* Split @path's last two components (@last, @parent; n = 0 when absent). */
static void last_two(const char *path, size_t len, struct cg_part *parent, struct cg_part *last)
{
	struct cg_part got[2] = { { path, 0 }, { path, 0 } };
	size_t end = len;

	for (int k = 0; k < 2; k++) {
		size_t start;

		while (end > 0 && path[end - 1] == '/')
			end--;
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		got[k] = (struct cg_part){ path + start, end - start };
		end = start;
	}
	*last = got[0];
	*parent = got[1];
}

/* Does a component before @before start with "kubepods"? */
static bool under_kubepods(const char *path, const char *before)
{
	const char *p = path;

	while (p < before) {
		while (p < before && *p == '/')
			p++;
		if ((size_t)(before - p) >= 8 && !memcmp(p, "kubepods", 8))
			return true;
		while (p < before && *p != '/')
			p++;
	}
	return false;
}

static void put(char *name, size_t len, const char *s, size_t n)
{
	if (!len)
		return;
	if (n > len - 1)
		n = len - 1;
	memcpy(name, s, n);
	name[n] = '\0';
}

/* "pod:<uid 8>" or "pod:<uid 8>/<12 hex>", the uid's '_' as '-'. */
static void put_pod(char *name, size_t len, const char *uid, const char *id)
{
	char buf[4 + CG_UID_SHORT + 1 + CG_SHORT_HEX + 1];

	snprintf(buf, sizeof(buf), "pod:%.*s%s%.*s", CG_UID_SHORT, uid, id ? "/" : "",
		 id ? CG_SHORT_HEX : 0, id ? id : "");
	for (char *c = buf; *c; c++)
		if (*c == '_')
			*c = '-';
	put(name, len, buf, strlen(buf));
}

enum snap_cgroup_kind cgroup_name_of(const char *path, char *name, size_t len)
{
	static const char *const prefix[SNAP_CG_KINDS] = {
		[SNAP_CG_DOCKER] = "docker:", [SNAP_CG_CONTAINERD] = "containerd:",
		[SNAP_CG_CRIO] = "crio:", [SNAP_CG_PODMAN] = "podman:",
	};
	struct cg_part last, parent;
	enum snap_cgroup_kind kind = SNAP_CG_PATH;
	const char *id, *uid;
	size_t n = path ? strlen(path) : 0;

	put(name, len, "", 0);
	if (!n)
		return SNAP_CG_UNRESOLVED;
	last_two(path, n, &parent, &last);
	if (!last.n) {
		put(name, len, "/", 1);
		return SNAP_CG_ROOT;
	}
	id = container_id(last, &kind);
	uid = id && parent.n ? pod_uid(parent) : NULL;
	if (uid && (parent.p[0] != 'p' || under_kubepods(path, parent.p))) {
		put_pod(name, len, uid, id);
		return SNAP_CG_POD;
	}
	if (id && kind == SNAP_CG_PATH && parent.n == 6 && !memcmp(parent.p, "docker", 6))
		kind = SNAP_CG_DOCKER;	/* docker's cgroupfs driver: /docker/<id> */
	if (id && kind != SNAP_CG_PATH) {
		char buf[16 + CG_SHORT_HEX];

		snprintf(buf, sizeof(buf), "%s%.*s", prefix[kind], CG_SHORT_HEX, id);
		put(name, len, buf, strlen(buf));
		return kind;
	}
	uid = pod_uid(last);
	if (uid && (last.p[0] != 'p' || under_kubepods(path, last.p))) {
		put_pod(name, len, uid, NULL);
		return SNAP_CG_POD;
	}
	if (is_unit(last)) {
		put(name, len, last.p, last.n);
		return SNAP_CG_SYSTEMD;
	}
	/* the path; its tail when it does not fit (the end says most) */
	if (len > 4 && n > len - 1) {
		put(name, len, "...", 3);
		put(name + 3, len - 3, path + n - (len - 4), len - 4);
	} else {
		put(name, len, path, n);
	}
	return SNAP_CG_PATH;
}

const char *cgroup_kind_name(enum snap_cgroup_kind k)
{
	static const char *const names[SNAP_CG_KINDS] = {
		[SNAP_CG_UNRESOLVED] = "unresolved", [SNAP_CG_ROOT] = "root",
		[SNAP_CG_PATH] = "path", [SNAP_CG_SYSTEMD] = "systemd",
		[SNAP_CG_DOCKER] = "docker", [SNAP_CG_CONTAINERD] = "containerd",
		[SNAP_CG_CRIO] = "crio", [SNAP_CG_PODMAN] = "podman",
		[SNAP_CG_POD] = "pod",
	};

	return (unsigned)k < SNAP_CG_KINDS ? names[k] : "?";
}
