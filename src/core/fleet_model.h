/*
 * fleet_model.h - the fleet view's model: what Prometheus holds for many
 * lattop exporters (cumulative counters and `le` buckets of
 * lattop_syscall_latency_seconds, per host) turned into one snapshot:
 * syscall rows merged across the selected hosts per (comm, syscall), exact
 * histograms rebuilt from the buckets, interval deltas between ticks, and a
 * per-host table. Pure: the queries run in collect/fleet_source.c.
 */
#ifndef LATTOP_CORE_FLEET_MODEL_H
#define LATTOP_CORE_FLEET_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "core/prom_api.h"
#include "core/snapshot.h"

/*
 * The instant queries one tick needs, and what each must return:
 * FLEET_Q_SERIES  the cumulative syscall series and lost events, every label;
 * FLEET_Q_INFO    lattop_build_info of every exporter seen in the last 10 min
 *                 (so a host that went down is still listed, as down);
 * FLEET_Q_UP      Prometheus's `up` of those targets.
 */
enum fleet_query { FLEET_Q_SERIES = 0, FLEET_Q_INFO, FLEET_Q_UP, FLEET_Q_NR };

/* PromQL text of query @q. */
const char *fleet_model_query(enum fleet_query q);

struct fleet_model;

/*
 * @host_label: the label naming a host ("host", --host-label); a series
 * without it is named by its `instance`. NULL with errno=ENOMEM.
 */
struct fleet_model *fleet_model_new(const char *host_label);
void fleet_model_free(struct fleet_model *m);

#define FLEET_MAX_SELECT 16

/*
 * Merge only the @n hosts @names (n == 0: every host; at most
 * FLEET_MAX_SELECT, the rest ignored). 0.
 */
int fleet_model_select_hosts(struct fleet_model *m, const char *const *names, size_t n);

/*
 * One tick: the FLEET_Q_NR results (index enum fleet_query) into @out
 * (already reset): rows, hosts, counters. The first tick only sets the
 * baseline (its interval is empty). 0 or -ENOMEM.
 */
int fleet_model_update(struct fleet_model *m, const struct prom_result *res[FLEET_Q_NR],
		       struct snapshot *out);

/*
 * `le` text ("0.000001023", "+Inf", "1e-06") as integer ns: exact for
 * decimal texts of at most 9 fraction digits, rounded otherwise; +Inf is
 * UINT64_MAX. 0 or -EINVAL.
 */
int fleet_le_ns(const char *le, uint64_t *ns);

#endif
