/* compare_input.c - recording contents (snapshots, raw samples) as comparison series. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/family.h"
#include "core/hist.h"
#include "core/syscall_names.h"
#include "core/wait_class.h"
#include "export/compare_input.h"
#include "export/fmt_addr.h"
#include "export/rec_reader.h"

void compare_input_client_name(char *buf, size_t len, const struct abi_client_key *k)
{
	char addr[FMT_ADDR_LEN];

	fmt_addr(addr, sizeof(addr), k);
	if (k->family == AF_INET6)
		snprintf(buf, len, "[%s]:%u %s", addr, (unsigned int)k->port, fmt_dir(k));
	else
		snprintf(buf, len, "%s:%u %s", addr, (unsigned int)k->port, fmt_dir(k));
}

static int add_client(struct cmp_set *set, enum cmp_run run, const struct snapshot *s,
		      const struct snap_client_row *c, size_t *dropped)
{
	const struct snap_lat *l = &c->req;
	struct abi_hist h;
	char name[CMP_NAME_LEN];
	int ret;

	if (!l->n || !l->count)
		return 0;
	/* A reader validates these; a bad row is skipped, never read out of bounds. */
	if (l->first > s->n_buckets || l->n > s->n_buckets - l->first)
		return 0;
	hist_from_buckets(&h, &s->buckets[l->first], l->n, l->sum_ns, l->max_ns);
	compare_input_client_name(name, sizeof(name), &c->key);
	ret = cmp_add_hist(set, run, CMP_CLIENT, name, strlen(name), &h);
	if (ret == -E2BIG) {
		(*dropped)++;
		return 0;
	}
	return ret;
}

/*
 * A family row's series: its key fields without the pid (two runs have
 * different pids: a program is its comm), and in a table with a device
 * without the process either (the device's latency, whoever issued the
 * request): runqueue "nginx", block "nvme0n1 read".
 */
void compare_input_fam_name(char *buf, size_t len, const struct family_desc *d,
			    const struct snap_fam_row *r)
{
	bool dev = false;
	size_t at = 0;

	for (unsigned int i = 0; i < d->n_fields; i++)
		dev |= d->fields[i] == FAM_F_DEV;
	if (!len)
		return;
	buf[0] = '\0';
	for (unsigned int i = 0; i < d->n_fields && at < len; i++) {
		enum fam_field f = d->fields[i];
		char v[CMP_NAME_LEN];
		int w;

		if (f == FAM_F_PID || (dev && f == FAM_F_COMM) ||
		    (f == FAM_F_CPU && r->key.a == ABI_FAM_ANY))
			continue;	/* ABI_FAM_ANY: rows not split by CPU */
		family_field_fmt(r, f, v, sizeof(v));
		w = snprintf(buf + at, len - at, "%s%s%s", at ? " " : "",
			     f == FAM_F_CPU ? "cpu " : "", v);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

/*
 * The same syscall series of the row's cgroup ("nginx.service read"), when it
 * has one with a name: cgroups are matched across runs by name (ids differ
 * between boots and hosts). Raw bytes: outputs sanitise series names.
 */
static int add_cgroup_syscall(struct cmp_set *set, enum cmp_run run, const struct snapshot *s,
			      const struct snap_sys_row *r, const char *sys,
			      const struct abi_hist *h, size_t *dropped)
{
	const struct snap_cgroup *cg = r->cgroup_id ? snapshot_cgroup(s, r->cgroup_id) : NULL;
	char name[CMP_NAME_LEN];
	int ret;

	if (!cg || !cg->name[0])
		return 0;
	snprintf(name, sizeof(name), "%.*s %s", (int)strnlen(cg->name, sizeof(cg->name)),
		 cg->name, sys);
	ret = cmp_add_hist(set, run, CMP_CGROUP, name, strlen(name), h);
	if (ret == -E2BIG) {
		(*dropped)++;
		return 0;
	}
	return ret;
}

/* Every family table's rows, summed per series over processes and ticks. */
static int add_families(struct cmp_set *set, enum cmp_run run, const struct snapshot *s,
			struct abi_hist *h, size_t *dropped)
{
	char name[CMP_NAME_LEN];
	int ret;

	for (int f = 0; f < SNAP_FAM_NR; f++) {
		const struct family_desc *d = family_get((enum snap_family)f);

		for (size_t i = 0; i < s->fam[f].n; i++) {
			const struct snap_fam_row *r = &s->fam[f].rows[i];

			if (!r->interval.count || !r->interval.timed)
				continue;
			if (r->interval.first > s->n_buckets ||
			    r->interval.n > s->n_buckets - r->interval.first)
				continue;
			snapshot_hist_expand(s, &r->interval, h);
			compare_input_fam_name(name, sizeof(name), d, r);
			ret = cmp_add_hist(set, run, (enum cmp_kind)(CMP_FAMILY + f), name,
					   strlen(name), h);
			if (ret == -E2BIG) {
				(*dropped)++;
				continue;
			}
			if (ret)
				return ret;
		}
	}
	return 0;
}

int compare_input_snapshot(struct cmp_set *set, enum cmp_run run, const struct snapshot *s,
			   size_t *dropped)
{
	static struct abi_hist h;	/* 2.4 KiB: not on the stack; compare is one thread */
	char name[32];
	int ret;

	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *r = &s->sys[i];

		/* Untimed calls (--sample N) have no latency: only timed ones make a series. */
		if (!r->interval.count || !r->interval.timed)
			continue;
		/* A reader validates these; a bad row is skipped, never read out of bounds. */
		if (r->interval.first > s->n_buckets ||
		    r->interval.n > s->n_buckets - r->interval.first)
			continue;
		snapshot_hist_expand(s, &r->interval, &h);
		/* Work and wait rows of a syscall are series of their own ("read (wait)"). */
		wait_class_label(r->nr, r->wait, name, sizeof(name));
		ret = cmp_add_hist(set, run, CMP_SYSCALL, name, strlen(name), &h) ?:
		      add_cgroup_syscall(set, run, s, r, name, &h, dropped);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < s->n_clients; i++) {
		ret = add_client(set, run, s, &s->clients[i], dropped);
		if (ret)
			return ret;
	}
	return add_families(set, run, s, &h, dropped);
}

int compare_input_client_event(struct cmp_set *set, enum cmp_run run,
			       const struct abi_client_event *ev)
{
	const char *name = ev->kind == ABI_CEV_REQUEST ? "request" :
			   ev->key.dir == ABI_DIR_OUT ? "connect" : "connection";

	return cmp_add_sample(set, run, CMP_EVENT, name, strlen(name), ev->latency_ns);
}

int compare_input_recording(struct cmp_set *set, enum cmp_run run, const char *path,
			    size_t *dropped, char *err, size_t errlen)
{
	struct rec_reader *r;
	struct abi_client_event ev;
	struct snapshot s;
	int ret;

	err[0] = '\0';
	r = rec_reader_open(path, err, errlen);
	if (!r)
		return errno ? -errno : -EINVAL;
	snapshot_init(&s);
	while ((ret = rec_reader_next(r, &s, err, errlen)) == 1) {
		ret = compare_input_snapshot(set, run, &s, dropped);
		if (ret)
			break;
	}
	while (ret == 0 && (ret = rec_reader_next_sample(r, &ev, err, errlen)) == 1)
		ret = compare_input_client_event(set, run, &ev);
	if (ret > 0)
		ret = 0;
	if (ret && !err[0])
		snprintf(err, errlen, "%s: %s", path,
			 ret == -E2BIG ? "more distinct series than lattop compare keeps" :
			 strerror(-ret));
	snapshot_free(&s);
	rec_reader_close(r);
	return ret;
}
