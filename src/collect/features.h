/*
 * features.h - probe what this host can trace (`lattop --features`), by
 * trying where it is cheap: each probe family is opened and closed as a
 * live run would (small kernel maps), each attach flavour loads and
 * attaches a trivial program, kernel features are created or looked up.
 * Nothing stays behind: programs, links and maps are closed, and a tracefs
 * mounted for the probe is unmounted. Main thread; before any collector.
 */
#ifndef LATTOP_COLLECT_FEATURES_H
#define LATTOP_COLLECT_FEATURES_H

#include "core/host_features.h"

/* Fill @r (zeroed here). Never fails: what cannot be probed is an item that is not ok. */
void features_probe(struct hf_report *r);

#endif
