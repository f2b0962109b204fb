/* slo.c - thresholds on table rows: which rows an expression covers, and its verdict there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/slo.h"

int slo_set_parse(struct slo_set *set, const char (*texts)[128], size_t n, char *err,
		  size_t errlen)
{
	char why[160];

	set->n = 0;
	if (errlen)
		err[0] = '\0';
	for (size_t i = 0; i < n && i < SLO_MAX; i++) {
		if (assert_expr_parse(texts[i], &set->e[set->n], why, sizeof(why))) {
			snprintf(err, errlen, "%.64s: %s", texts[i], why);
			return -EINVAL;
		}
		/* slo_eval_row judges syscall rows: a family's threshold would be misread */
		if (set->e[set->n].fam >= 0) {
			snprintf(err, errlen, "%.64s: family tables are not dashboard thresholds yet "
				 "(use lattop run --assert)", texts[i]);
			return -EINVAL;
		}
		set->n++;
	}
	return 0;
}

static bool waits_keep(enum filter_waits waits, bool wait)
{
	return waits == FILTER_WAITS_ALL || (waits == FILTER_WAITS_ONLY) == wait;
}

/* A process's own calls of syscall @nr, as its row merged them. */
static void process_syscall_hist(const struct snapshot *s, const struct view_row *r, uint32_t nr,
				 bool cumulative, enum filter_waits waits, struct abi_hist *h)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < s->n_sys; i++) {
		const struct snap_sys_row *x = &s->sys[i];

		if (x->pid == r->pid && x->pstart_ns == r->pstart_ns && x->nr == nr &&
		    waits_keep(waits, x->wait))
			snapshot_hist_merge(s, snap_row_hist(x, cumulative), h);
	}
}

struct slo_verdict slo_eval_row(const struct assert_expr *e, const struct snapshot *s,
				const struct view_row *r, bool cumulative,
				enum filter_waits waits)
{
	static struct abi_hist h;	/* 2.4 KiB: not on the stack */
	struct slo_verdict v = { 0 };
	const struct abi_hist *use = &r->hist;
	bool passed;

	if (r->nr != UINT32_MAX) {
		/* A syscall row: a per-syscall expression covers its syscall only. */
		if (e->nr >= 0 && (uint32_t)e->nr != r->nr)
			return v;
	} else if (e->nr >= 0) {
		if (!s)
			return v;
		process_syscall_hist(s, r, (uint32_t)e->nr, cumulative, waits, &h);
		use = &h;
		if (!h.count)
			return v;	/* the process made no such call: nothing to say */
	}
	if (assert_expr_eval_hist(e, use, &passed, &v.actual))
		return v;
	v.applies = true;
	v.broken = !passed;
	return v;
}

int slo_row_broken(const struct slo_set *set, const struct snapshot *s, const struct view_row *r,
		   bool cumulative, enum filter_waits waits, struct slo_verdict *v)
{
	for (size_t i = 0; i < set->n; i++) {
		struct slo_verdict x = slo_eval_row(&set->e[i], s, r, cumulative, waits);

		if (x.broken) {
			if (v)
				*v = x;
			return (int)i;
		}
	}
	return -1;
}

size_t slo_eval_view(const struct slo_set *set, const struct snapshot *s, const struct view *v,
		     bool cumulative, enum filter_waits waits, struct slo_result *out)
{
	size_t broken = 0;

	for (size_t i = 0; i < set->n; i++) {
		out[i] = (struct slo_result){ 0 };
		for (size_t r = 0; r < v->n; r++) {
			struct slo_verdict x = slo_eval_row(&set->e[i], s, &v->rows[r], cumulative,
							    waits);

			out[i].applies |= x.applies;
			if (x.broken) {
				out[i].broken = true;
				out[i].row = r;
				out[i].actual = x.actual;
				broken++;
				break;
			}
		}
	}
	return broken;
}
