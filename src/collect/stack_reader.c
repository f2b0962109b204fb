/*
 * stack_reader.c - --slow stacks from the kernel maps into snapshots (see
 * stack_reader.h). The kernel map only grows (bounded by max_stacks), so
 * the entries here mirror it: one per distinct (row, kernel stack, user
 * stack), its frames symbolised once.
 */
#include "collect/stack_reader.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "abi/lat_abi.h"
#include "core/key_index.h"
#include "collect/demangle.h"
#include "collect/ksyms.h"
#include "collect/usyms.h"

#define USYMS_MAX_BINS 64
#define UNKNOWN "[unknown]"
#define FRAME_NAME_MAX 256	/* a demangled user frame, cut to fit */

struct rd_entry {
	struct abi_stack_key key;	/* first, with key_pad: the index's 40-byte key */
	uint64_t key_pad;		/* always 0 */
	uint64_t prev_count;
	uint64_t count, max_ns;
	char comm[ABI_COMM_LEN];
	char *text;		/* frames, NUL-separated: n_kernel then n_user */
	uint16_t n_kernel, n_user;
	uint32_t flags;
};

_Static_assert(sizeof(struct abi_stack_key) + sizeof(uint64_t) == KEY_INDEX_KEY_LEN &&
	       offsetof(struct rd_entry, key_pad) == sizeof(struct abi_stack_key),
	       "rd_entry starts with a key_index key");

struct stack_reader {
	int stacks_fd, traces_fd;
	uint32_t max;
	struct rd_entry *e;	/* grown as the kernel map grows, at most max */
	size_t n, cap;
	struct key_index index;	/* finds a kernel key's entry: a tick reads every key */
	struct ksyms *ksyms;
	bool ksyms_tried;
	struct usyms *usyms;
	uint64_t ips[ABI_STACK_DEPTH];
};

struct stack_reader *stack_reader_new(int stacks_fd, int traces_fd, uint32_t max_stacks)
{
	struct stack_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->stacks_fd = stacks_fd;
	r->traces_fd = traces_fd;
	r->max = max_stacks;
	r->usyms = usyms_new(USYMS_MAX_BINS);
	if (!r->usyms || key_index_reserve(&r->index, &(struct key_array){ NULL, sizeof(*r->e), 0 })) {
		stack_reader_free(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void stack_reader_free(struct stack_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->e[i].text);
	free(r->e);
	key_index_free(&r->index);
	ksyms_free(r->ksyms);
	usyms_free(r->usyms);
	free(r);
}

/* Text being built for one entry. */
struct textbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void tb_add(struct textbuf *t, const char *s)
{
	size_t n = strlen(s) + 1;

	if (t->oom)
		return;
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 512;
		char *p;

		while (cap < t->len + n)
			cap *= 2;
		p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
}

/* The ips of stack @id (innermost first); how many. 0 when none. */
static size_t read_ips(struct stack_reader *r, int32_t id)
{
	size_t n = 0;

	if (id < 0)
		return 0;
	memset(r->ips, 0, sizeof(r->ips));
	if (bpf_map_lookup_elem(r->traces_fd, &id, r->ips))
		return 0;
	while (n < ABI_STACK_DEPTH && r->ips[n])
		n++;
	return n;
}

/* Functions a complete user walk ends in: the program's or a thread's start. */
static bool is_start_frame(const char *name)
{
	static const char *const starts[] = {
		"_start", "__libc_start_main", "__libc_start_call_main", "start_thread",
		"clone", "clone3", "__clone", "__clone3", "thread_start",
	};

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (!strcmp(name, starts[i]))
			return true;
	return false;
}

static bool is_tracing_frame(const char *name)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__traceiter_", "__bpf_trace_", "trace_call_bpf",
		"perf_trace_", "bpf_get_stack",
	};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

void stack_reader_preload(struct stack_reader *r)
{
	if (r->ksyms_tried)
		return;
	r->ksyms_tried = true;
	r->ksyms = ksyms_load("/proc/kallsyms");
}

static void symbolise(struct stack_reader *r, struct rd_entry *e)
{
	struct textbuf t = { 0 };
	struct usyms_proc *proc = NULL;
	bool reached_start = false;
	size_t n, i, resolved = 0;

	n = read_ips(r, e->key.kstack_id);
	if (n)	/* function stacks have no kernel side: no kallsyms for them */
		stack_reader_preload(r);
	e->n_kernel = 0;
	for (i = 0; i < n; i++) {
		const char *name = ksyms_lookup(r->ksyms, r->ips[i]);

		/* The tracing machinery on top (our program, its trampoline) is not the call's. */
		if (e->n_kernel == 0 && name && is_tracing_frame(name))
			continue;
		tb_add(&t, name ? name : UNKNOWN);
		e->n_kernel++;
	}
	n = read_ips(r, e->key.ustack_id);
	if (n)
		proc = usyms_proc_open(e->key.tgid);
	for (i = 0; i < n; i++) {
		struct usyms_frame f;
		char name[FRAME_NAME_MAX];

		usyms_lookup(r->usyms, proc, r->ips[i], &f);
		if (f.name)
			demangle_sym(f.name, name, sizeof(name));
		tb_add(&t, f.name ? name : UNKNOWN);
		resolved += f.name != NULL;
		if (f.name && is_start_frame(f.name))
			reached_start = true;
		/* A syscall from a libc wrapper: frameless, its caller is not on the walk. */
		if (i == 0 && f.in_libc)
			e->flags |= SNAP_STACK_LEAF;
		/*
		 * The outermost frame in libc: its start code (__libc_start_call_main
		 * is a local symbol, not in Debian's stripped libc's .dynsym).
		 */
		if (i == n - 1 && f.in_libc)
			reached_start = true;
	}
	e->n_user = (uint16_t)n;
	/*
	 * A walk that resolves but never reaches the program's or a thread's
	 * start stopped early: a frame without a frame pointer broke the chain
	 * (or ABI_STACK_DEPTH). All unknown (the process was gone) says nothing.
	 */
	if (resolved && !reached_start)
		e->flags |= SNAP_STACK_TRUNCATED;
	usyms_proc_free(proc);
	if (t.oom) {
		free(t.p);
		t.p = NULL;
		e->n_kernel = e->n_user = 0;
	}
	e->text = t.p;
}

static int emit(struct snapshot *out, const struct rd_entry *e)
{
	struct snap_stack *st = snapshot_add_stack(out);
	const char *p = e->text;
	unsigned int nf = e->text ? (unsigned int)e->n_kernel + e->n_user : 0;

	if (!st)
		return -ENOMEM;
	st->pid = e->key.tgid;
	st->what = e->key.what;
	st->pstart_ns = e->key.pstart_ns;
	st->cgroup_id = e->key.cgid;
	memcpy(st->comm, e->comm, sizeof(st->comm));
	st->count = e->count - e->prev_count;
	st->count_total = e->count;
	st->max_ns = e->max_ns;
	st->flags = e->flags;
	for (unsigned int i = 0; i < nf; i++) {
		if (snapshot_add_frame(out, p))
			return -ENOMEM;
		p += strlen(p) + 1;
	}
	st->n_kernel = e->text ? e->n_kernel : 0;
	st->n_user = e->text ? e->n_user : 0;
	return 0;
}

int stack_reader_read(struct stack_reader *r, struct snapshot *out)
{
	struct abi_stack_key key, next;
	struct abi_stack_val val;
	void *prev = NULL;
	int ret;

	while (bpf_map_get_next_key(r->stacks_fd, prev, &next) == 0) {
		struct rd_entry *e;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(r->stacks_fd, &key, &val))
			continue;
		struct { struct abi_stack_key k; uint64_t pad; } ik = { key, 0 };
		struct key_entries ke = { (void **)&r->e, &r->n, &r->cap, sizeof(*r->e) };
		bool created;
		long pos = key_index_get(&r->index, &ke, &ik, r->max, &created);

		if (pos == -ENOSPC)
			continue;	/* the kernel map holds at most max: cannot happen */
		if (pos < 0)
			return (int)pos;
		e = &r->e[pos];
		if (created)
			symbolise(r, e);
		e->count = val.count;
		e->max_ns = val.max_ns;
		memcpy(e->comm, val.comm, sizeof(e->comm));
	}
	for (size_t i = 0; i < r->n; i++) {
		ret = emit(out, &r->e[i]);
		if (ret)
			return ret;
		r->e[i].prev_count = r->e[i].count;
	}
	return 0;
}
