/* proc_names.c - the newest comm of each process (see proc_names.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/proc_names.h"

int proc_names_reset(struct proc_names *p, size_t n)
{
	size_t cap = 64;

	/* Load at most 2/3 even if every key were a process of its own (they rarely are). */
	while (cap < n + n / 2 + 1)
		cap *= 2;
	if (cap > p->cap) {
		struct proc_name *s = realloc(p->slots, cap * sizeof(*s));

		if (!s) {
			if (p->slots)
				memset(p->slots, 0, p->cap * sizeof(*p->slots));
			return -ENOMEM;
		}
		p->slots = s;
		p->cap = cap;
	}
	memset(p->slots, 0, p->cap * sizeof(*p->slots));
	return 0;
}

void proc_names_free(struct proc_names *p)
{
	free(p->slots);
	p->slots = NULL;
	p->cap = 0;
}

static size_t slot_of(const struct proc_names *p, uint32_t tgid)
{
	size_t i = (size_t)(tgid * 2654435761u) & (p->cap - 1);

	while (p->slots[i].used && p->slots[i].tgid != tgid)
		i = (i + 1) & (p->cap - 1);
	return i;
}

void proc_names_offer(struct proc_names *p, uint32_t tgid, uint64_t pstart_ns, const char *comm,
		      uint64_t active_tick, uint64_t born)
{
	struct proc_name *e;

	if (!p->cap)
		return;
	e = &p->slots[slot_of(p, tgid)];
	if (e->used && e->pstart_ns > pstart_ns)
		return;	/* an older process that had this pid */
	if (e->used && e->pstart_ns == pstart_ns) {
		bool newer = active_tick != e->active_tick ? active_tick > e->active_tick :
							     born > e->born;

		if (memcmp(e->comm, comm, ABI_COMM_LEN))
			e->renamed = true;
		if (!newer)
			return;
	} else {
		e->renamed = false;	/* first key, or a newer process took the pid */
	}
	e->used = true;
	e->tgid = tgid;
	e->pstart_ns = pstart_ns;
	e->active_tick = active_tick;
	e->born = born;
	memcpy(e->comm, comm, ABI_COMM_LEN);
}

const struct proc_name *proc_names_get(const struct proc_names *p, uint32_t tgid)
{
	const struct proc_name *e;

	if (!p->cap)
		return NULL;
	e = &p->slots[slot_of(p, tgid)];
	return e->used ? e : NULL;
}
