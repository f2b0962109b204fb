/* batch_stacks.c - a row's --slow stacks in batch text (see batch_stacks.h). */
#include "export/batch_stacks.h"

#include <inttypes.h>
#include <string.h>

#include "core/sanitize.h"
#include "export/fmt_duration.h"

/* More frames than a stack map holds would be a corrupt snapshot. */
#define BS_MAX_PICK 64

static uint64_t stack_count(const struct snap_stack *st, bool cumulative)
{
	return cumulative ? st->count_total : st->count;
}

static void frame_line(FILE *out, const char *name)
{
	char clean[256];

	sanitize_text(clean, sizeof(clean), name, strlen(name));
	fprintf(out, "              %s\n", clean);
}

static void one_stack(FILE *out, const struct snapshot *s, const struct snap_stack *st,
		      bool cumulative)
{
	char comm[ABI_COMM_LEN * 4], max[FMT_DURATION_LEN];
	unsigned int i;

	sanitize_text(comm, sizeof(comm), st->comm, strnlen(st->comm, sizeof(st->comm)));
	fmt_duration_ns(max, sizeof(max), st->max_ns);
	fprintf(out, "    %s[%" PRIu32 "]  count %" PRIu64 "  max %s\n", comm, st->pid,
		stack_count(st, cumulative), max);
	for (i = 0; i < st->n_kernel; i++)
		frame_line(out, snap_stack_frame(s, st, i));
	if (st->n_kernel && st->n_user)
		fputs("              --\n", out);
	for (; i < (unsigned int)st->n_kernel + st->n_user; i++)
		frame_line(out, snap_stack_frame(s, st, i));
	if (st->flags & SNAP_STACK_LEAF)
		fputs("              (starts in a frameless libc wrapper: its caller may be missing)\n",
		      out);
	if (st->flags & SNAP_STACK_TRUNCATED)
		fputs("              (user stack truncated: code without frame pointers?)\n", out);
}

void batch_stacks_write(FILE *out, const struct snapshot *s, uint32_t what, const char *label,
			bool cumulative, const struct filter *f, unsigned int top_n)
{
	const struct snap_stack *pick[BS_MAX_PICK];
	char thr[FMT_DURATION_LEN];
	size_t n = 0, distinct = 0;

	if (!s->slow_ns || !s->n_stacks)
		return;
	if (top_n > BS_MAX_PICK)
		top_n = BS_MAX_PICK;
	for (size_t i = 0; i < s->n_stacks; i++) {
		const struct snap_stack *st = &s->stacks[i];
		size_t j;

		if (st->what != what || !stack_count(st, cumulative))
			continue;
		if (f && !filter_match_stack_in(f, s, st))
			continue;
		distinct++;
		/* Insertion into the top_n, most calls first. */
		for (j = n; j > 0 && stack_count(pick[j - 1], cumulative) <
					     stack_count(st, cumulative); j--)
			if (j < top_n)
				pick[j] = pick[j - 1];
		if (j < top_n) {
			pick[j] = st;
			if (n < top_n)
				n++;
		}
	}
	if (!distinct)
		return;
	fmt_duration_ns(thr, sizeof(thr), s->slow_ns);
	fprintf(out, "\n  slow stacks of %s (>= %s): %zu distinct, %" PRIu64 " dropped\n", label,
		thr, distinct, cumulative ? s->stacks_dropped_total : s->stacks_dropped);
	for (size_t i = 0; i < n; i++)
		one_stack(out, s, pick[i], cumulative);
}
