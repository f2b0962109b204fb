/*
 * cgroup_resolver.c - cgroup v2 ids to paths and names (see cgroup_resolver.h).
 *
 * A cache of every cgroup a walk of the v2 mount found, sorted by id. A
 * fill looks up the ids its snapshot's rows use; an id the cache lacks
 * makes one new walk (at most one per fill; ids still unknown after it
 * are retried only every CG_RETRY_FILLS fills, so a stray id does not
 * walk the hierarchy every tick). Ids in use are checked to still exist
 * (one fstatat each, on the path the walk found): a removed cgroup is
 * marked gone and keeps its name.
 *
 * The walk never follows a symlink (openat O_NOFOLLOW|O_DIRECTORY, and
 * cgroupfs has none anyway), stops at CG_WALK_MAX_DEPTH levels and
 * CG_WALK_MAX cgroups. Names are read from the directories the kernel
 * made for whoever created them: untrusted, stored as they are.
 *
 * One thread at a time (the collector's, or main's before it starts).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collect/cgroup_resolver.h"
#include "core/cgroup_name.h"
#include "core/mountinfo.h"

#define CG_WALK_MAX_DEPTH 32
#define CG_WALK_MAX 100000
#define CG_RETRY_FILLS 10		/* unknown ids: one more walk after this many fills */
#define CG_GONE_KEEP_FILLS 600		/* gone cgroups unused this long are forgotten */
#define CG_DOCKER_CONFIG_MAX (256 * 1024)
#define CG_DOCKER_DIR "/var/lib/docker/containers"

struct cg_entry {
	uint64_t id;
	char *rel;			/* full path below the mount ("/" for the root) */
	uint64_t last_fill;		/* the fill that last used it */
	struct snap_cgroup cg;		/* path (its tail), name, kind, gone */
};

/* Ids no walk found, and when they were last looked for. */
struct cg_unknown {
	uint64_t id;
	uint64_t fill;
};

struct cgroup_resolver {
	char mount[MOUNTINFO_PATH_LEN];	/* "" when there is no v2 hierarchy */
	int mount_fd;			/* O_PATH of the mount, -1 when none */
	char docker_dir[256];
	uint64_t fill;			/* fills so far */
	uint64_t walks;
	struct cg_entry *e;		/* n, sorted by id */
	size_t n, cap;
	struct cg_unknown *unk;
	size_t n_unk, cap_unk;
};

static int grow(void **p, size_t *cap, size_t want, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (want <= *cap)
		return 0;
	while (c < want)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

static int find_mount(char *out, size_t len)
{
	struct mountinfo_entry *me = malloc(sizeof(*me));
	char *text = malloc(1 << 20);
	ssize_t got = 0, n;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC), ret = -ENOENT;

	if (me && text && fd >= 0) {
		while (got < (1 << 20) && (n = read(fd, text + got, (size_t)((1 << 20) - got))) > 0)
			got += n;
		if (!mountinfo_find(text, (size_t)got, "cgroup2", me) &&
		    strlen(me->mount_point) < len) {
			memcpy(out, me->mount_point, strlen(me->mount_point) + 1);
			ret = 0;
		}
	} else if (!me || !text) {
		ret = -ENOMEM;
	}
	if (fd >= 0)
		close(fd);
	free(text);
	free(me);
	return ret;
}

int cgroup_resolver_new(const char *mount, struct cgroup_resolver **out)
{
	struct cgroup_resolver *r = calloc(1, sizeof(*r));
	int ret = 0;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->mount_fd = -1;
	snprintf(r->docker_dir, sizeof(r->docker_dir), "%s", CG_DOCKER_DIR);
	if (mount)
		snprintf(r->mount, sizeof(r->mount), "%s", mount);
	else
		ret = find_mount(r->mount, sizeof(r->mount));
	if (ret == -ENOMEM) {
		free(r);
		return ret;
	}
	if (r->mount[0])
		r->mount_fd = open(r->mount, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (r->mount_fd < 0)
		r->mount[0] = '\0';	/* not there (or gone): as if no v2 hierarchy */
	*out = r;
	return 0;
}

void cgroup_resolver_free(struct cgroup_resolver *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].rel);
	free(r->e);
	free(r->unk);
	if (r->mount_fd >= 0)
		close(r->mount_fd);
	free(r);
}

const char *cgroup_resolver_mount(const struct cgroup_resolver *r)
{
	return r->mount[0] ? r->mount : NULL;
}

void cgroup_resolver_set_docker_dir(struct cgroup_resolver *r, const char *dir)
{
	snprintf(r->docker_dir, sizeof(r->docker_dir), "%s", dir ? dir : "");
}

uint64_t cgroup_resolver_walks(const struct cgroup_resolver *r)
{
	return r->walks;
}

static struct cg_entry *lookup(struct cg_entry *e, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].id == id)
			return &e[mid];
		if (e[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Docker keeps a container's name in <dir>/<64 hex id>/config.v2.json
 * ("Name":"/web-1"): read without asking the daemon, once per walk and
 * container. Bounded, no symlinks; the name is untrusted like any other.
 */
static void docker_name(const struct cgroup_resolver *r, const char *rel, struct snap_cgroup *cg)
{
	const char *id = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel, *p, *q;
	char file[512], *buf;
	ssize_t got = 0, n;
	int fd;

	if (!r->docker_dir[0])
		return;
	if (!strncmp(id, "docker-", 7))
		id += 7;	/* docker-<id>.scope; else the bare <id> (cgroupfs driver) */
	if (strlen(id) < 64)
		return;
	snprintf(file, sizeof(file), "%s/%.64s/config.v2.json", r->docker_dir, id);
	fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	buf = malloc(CG_DOCKER_CONFIG_MAX + 1);
	while (buf && got < CG_DOCKER_CONFIG_MAX &&
	       (n = read(fd, buf + got, (size_t)(CG_DOCKER_CONFIG_MAX - got))) > 0)
		got += n;
	close(fd);
	if (!buf)
		return;
	buf[got] = '\0';
	p = strstr(buf, "\"Name\":\"");
	if (p) {
		p += 8;
		if (*p == '/')
			p++;
		q = strchr(p, '"');
		if (q && q > p && q - p < SNAP_CGROUP_NAME_LEN - 8)
			snprintf(cg->name, sizeof(cg->name), "docker:%.*s", (int)(q - p), p);
	}
	free(buf);
}

/* Path @rel (the whole of it, below the mount) into @cg: its tail if too long, and the name. */
static void describe(const struct cgroup_resolver *r, const char *rel, struct snap_cgroup *cg)
{
	size_t n = strlen(rel);
	const char *tail = rel;

	if (n >= sizeof(cg->path))
		tail += n - (sizeof(cg->path) - 1);	/* the tail: the end says most */
	memcpy(cg->path, tail, strlen(tail) + 1);
	cg->kind = cgroup_name_of(rel, cg->name, sizeof(cg->name));
	if (cg->kind == SNAP_CG_DOCKER)
		docker_name(r, rel, cg);
}

struct cg_walk {
	struct cgroup_resolver *r;
	struct cg_entry *e;		/* what this walk found, unsorted */
	size_t n, cap;
	char path[MOUNTINFO_PATH_LEN];	/* below the mount */
};

static int walk_add(struct cg_walk *w, uint64_t id)
{
	struct cg_entry *x;

	if (grow((void **)&w->e, &w->cap, w->n + 1, sizeof(*w->e)))
		return -ENOMEM;
	x = &w->e[w->n];
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->rel = strdup(w->path[0] ? w->path : "/");
	if (!x->rel)
		return -ENOMEM;
	x->cg.id = id;
	w->n++;
	return 0;
}

/* Walk directory @fd (the cgroup at w->path, @len bytes of it), which it closes. */
static int walk_dir(struct cg_walk *w, int fd, size_t len, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		close(fd);
		return 0;	/* gone while we walked: not an error */
	}
	while (!ret && w->n < CG_WALK_MAX && (de = readdir(d))) {
		struct stat st;
		size_t nl = strlen(de->d_name);
		int sub;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (len + 1 + nl >= sizeof(w->path))
			continue;	/* deeper than PATH_MAX: cannot be named */
		sub = openat(dirfd(d), de->d_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (sub < 0)
			continue;
		if (fstat(sub, &st)) {
			close(sub);
			continue;
		}
		w->path[len] = '/';
		memcpy(w->path + len + 1, de->d_name, nl + 1);
		ret = walk_add(w, (uint64_t)st.st_ino);
		if (!ret && depth + 1 < CG_WALK_MAX_DEPTH)
			ret = walk_dir(w, sub, len + 1 + nl, depth + 1);
		else
			close(sub);
		w->path[len] = '\0';
	}
	closedir(d);
	return ret;
}

static int entry_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct cg_entry *)a)->id, y = ((const struct cg_entry *)b)->id;

	return (x > y) - (x < y);
}

/*
 * Walk the hierarchy into a new cache. Entries of the old one the walk did
 * not find are kept as gone (their rows still name them) until unused for
 * CG_GONE_KEEP_FILLS fills.
 */
static int rewalk(struct cgroup_resolver *r)
{
	struct cg_walk w = { .r = r };
	struct stat st;
	size_t found;
	int fd, ret;

	r->walks++;
	fd = openat(r->mount_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st)) {
		close(fd);
		return 0;
	}
	w.path[0] = '\0';
	ret = walk_add(&w, (uint64_t)st.st_ino) ?: walk_dir(&w, fd, 0, 0);
	if (!ret)
		qsort(w.e, w.n, sizeof(*w.e), entry_cmp);
	found = w.n;
	for (size_t i = 0; !ret && i < w.n; i++) {
		struct cg_entry *old = lookup(r->e, r->n, w.e[i].id);

		if (old && !strcmp(old->rel, w.e[i].rel)) {
			w.e[i].cg = old->cg;	/* same cgroup: no second look at docker's files */
			w.e[i].cg.gone = false;
			w.e[i].last_fill = old->last_fill;
		} else {
			describe(r, w.e[i].rel, &w.e[i].cg);
			w.e[i].cg.id = w.e[i].id;
		}
	}
	for (size_t i = 0; !ret && i < r->n; i++) {
		struct cg_entry *x = &r->e[i];

		if (lookup(w.e, found, x->id) || r->fill - x->last_fill > CG_GONE_KEEP_FILLS)
			continue;
		if (grow((void **)&w.e, &w.cap, w.n + 1, sizeof(*w.e))) {
			ret = -ENOMEM;
			break;
		}
		w.e[w.n] = *x;
		w.e[w.n].cg.gone = true;
		x->rel = NULL;	/* moved */
		w.n++;
	}
	if (!ret)
		qsort(w.e, w.n, sizeof(*w.e), entry_cmp);
	if (ret) {
		for (size_t i = 0; i < w.n; i++)
			free(w.e[i].rel);
		free(w.e);
		return ret;
	}
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].rel);
	free(r->e);
	r->e = w.e;
	r->n = w.n;
	r->cap = w.cap;
	return 0;
}

/* Does cgroup @x still exist (same path, same id)? */
static bool still_there(const struct cgroup_resolver *r, const struct cg_entry *x)
{
	struct stat st;
	const char *rel = x->rel[1] ? x->rel + 1 : ".";

	return !fstatat(r->mount_fd, rel, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode) &&
	       (uint64_t)st.st_ino == x->id;
}

static int id_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Every nonzero id @s's rows use, sorted, once each (caller frees). */
static int used_ids(const struct snapshot *s, uint64_t **out, size_t *n_out)
{
	size_t n = s->n_sys + s->n_clients + s->n_stacks, k = 0, u = 0;
	uint64_t *ids;

	for (int f = 0; f < SNAP_FAM_NR; f++)
		n += s->fam[f].n;
	ids = malloc((n ? n : 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < s->n_sys; i++)
		ids[k++] = s->sys[i].cgroup_id;
	for (size_t i = 0; i < s->n_clients; i++)
		ids[k++] = s->clients[i].key.cgid;
	for (size_t i = 0; i < s->n_stacks; i++)
		ids[k++] = s->stacks[i].cgroup_id;
	for (int f = 0; f < SNAP_FAM_NR; f++)
		for (size_t i = 0; i < s->fam[f].n; i++)
			ids[k++] = s->fam[f].rows[i].key.cgid;
	qsort(ids, k, sizeof(*ids), id_cmp);
	for (size_t i = 0; i < k; i++)
		if (ids[i] && (!u || ids[u - 1] != ids[i]))
			ids[u++] = ids[i];
	*out = ids;
	*n_out = u;
	return 0;
}

static struct cg_unknown *unknown(struct cgroup_resolver *r, uint64_t id)
{
	for (size_t i = 0; i < r->n_unk; i++)
		if (r->unk[i].id == id)
			return &r->unk[i];
	return NULL;
}

/* Should @id (not in the cache) make a walk this fill? Remembers that it was looked for. */
static int want_walk(struct cgroup_resolver *r, uint64_t id, bool *walk)
{
	struct cg_unknown *u = unknown(r, id);

	if (u) {
		if (r->fill - u->fill >= CG_RETRY_FILLS) {
			u->fill = r->fill;
			*walk = true;
		}
		return 0;
	}
	if (grow((void **)&r->unk, &r->cap_unk, r->n_unk + 1, sizeof(*r->unk)))
		return -ENOMEM;
	r->unk[r->n_unk++] = (struct cg_unknown){ id, r->fill };
	*walk = true;
	return 0;
}

/* Forget unknown ids that a walk found, or that no fill asked for in a while. */
static void prune_unknown(struct cgroup_resolver *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n_unk; i++)
		if (!lookup(r->e, r->n, r->unk[i].id) &&
		    r->fill - r->unk[i].fill <= CG_GONE_KEEP_FILLS)
			r->unk[k++] = r->unk[i];
	r->n_unk = k;
}

static int add_row(struct snapshot *s, const struct snap_cgroup *src, uint64_t id)
{
	struct snap_cgroup *cg = snapshot_add_cgroup(s);

	if (!cg)
		return -ENOMEM;
	if (src) {
		*cg = *src;
	} else {
		cg->id = id;
		cg->kind = SNAP_CG_UNRESOLVED;
		snprintf(cg->name, sizeof(cg->name), "id:%llu", (unsigned long long)id);
	}
	return 0;
}

int cgroup_resolver_fill(struct cgroup_resolver *r, struct snapshot *s)
{
	uint64_t *ids;
	size_t n;
	bool walk = false;
	int ret = used_ids(s, &ids, &n);

	if (ret)
		return ret;
	r->fill++;
	s->n_cgroups = 0;
	if (!r->mount[0]) {
		s->cgroups_state = SNAP_CGROUPS_NO_V2;
		snprintf(s->cgroups_note, sizeof(s->cgroups_note),
			 "no cgroup v2 hierarchy mounted: cgroups not named");
		for (size_t i = 0; !ret && i < n; i++)
			ret = add_row(s, NULL, ids[i]);
		free(ids);
		return ret;
	}
	for (size_t i = 0; !ret && i < n; i++)
		if (!lookup(r->e, r->n, ids[i]))
			ret = want_walk(r, ids[i], &walk);
	if (!ret && walk) {
		ret = rewalk(r);
		prune_unknown(r);
	}
	for (size_t i = 0; !ret && i < n; i++) {
		struct cg_entry *x = lookup(r->e, r->n, ids[i]);

		if (x) {
			x->last_fill = r->fill;
			if (!x->cg.gone && !still_there(r, x))
				x->cg.gone = true;
		}
		ret = add_row(s, x ? &x->cg : NULL, ids[i]);
	}
	free(ids);
	s->cgroups_state = SNAP_CGROUPS_ON;
	s->cgroups_note[0] = '\0';
	return ret;
}

int cgroup_resolver_id_of(const struct cgroup_resolver *r, const char *path, uint64_t *id)
{
	size_t ml = strlen(r->mount);
	const char *rel = path;
	struct stat st;

	if (!r->mount[0])
		return -ENODEV;
	if (!strncmp(path, r->mount, ml) && (path[ml] == '/' || !path[ml]))
		rel = path + ml;
	while (*rel == '/')
		rel++;
	/* no way out of the hierarchy */
	for (const char *p = rel; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return -ENOENT;
	if (fstatat(r->mount_fd, *rel ? rel : ".", &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = (uint64_t)st.st_ino;
	return 0;
}
