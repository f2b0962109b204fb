/*
 * features_fmt.h - `lattop --features` as text (a line per item, grouped,
 * a verdict first) or as one JSON object:
 *
 *   {"lattop_version":"..","host":"..","kernel_release":"..","ready":true,
 *    "families":{"syscalls":{"ok":true,"required":true,"detail":".."},..},
 *    "attach":{..},"kernel":{..},"privileges":{..}}
 *
 * An item has "ok", "required", then "detail" (ok) or "reason" (not ok),
 * and "path" when it is a place. Every string is sanitised (core/sanitize.h)
 * and escaped. Pure: writes to the FILE given.
 */
#ifndef LATTOP_EXPORT_FEATURES_FMT_H
#define LATTOP_EXPORT_FEATURES_FMT_H

#include <stdio.h>

#include "core/host_features.h"

/* 0 or -EIO. */
int features_write_text(FILE *f, const struct hf_report *r);
int features_write_json(FILE *f, const struct hf_report *r);

#endif
