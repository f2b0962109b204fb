/*
 * probe_spec.h - the -u and --usdt specs as typed, split into their parts
 * (pure text; resolving the binary and its symbols or notes is the
 * functions family's job: collect/fam_funcs.c).
 *
 *   -u BINARY:FUNCTION            split at the LAST ':' (symbol names as in
 *                                 the ELF file, i.e. mangled C++ names, hold
 *                                 no ':'; a path may). FUNCTION may be a glob.
 *   --usdt BINARY:PROVIDER:PROBE  three fields or more: the last two are
 *                                 PROVIDER:PROBE ...
 *   --usdt BINARY:PROVIDER:START:END   ... four or more: the last three are
 *                                 PROVIDER:START:END. So a BINARY with ':' in
 *                                 its path takes the START:END form only
 *                                 (otherwise ambiguous); USDT names are C
 *                                 identifiers and never hold ':'.
 */
#ifndef LATTOP_CORE_PROBE_SPEC_H
#define LATTOP_CORE_PROBE_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_SPEC_PATH_MAX	4096
#define PROBE_SPEC_FUNC_MAX	256	/* a function name or glob */
#define PROBE_SPEC_NAME_MAX	64	/* a USDT provider or probe name */

enum probe_spec_kind { PROBE_SPEC_UPROBE = 0, PROBE_SPEC_USDT };

struct probe_spec {
	enum probe_spec_kind kind;
	char binary[PROBE_SPEC_PATH_MAX];	/* a path or a library name ("libc") */
	char function[PROBE_SPEC_FUNC_MAX];	/* -u: symbol name or glob */
	char provider[PROBE_SPEC_NAME_MAX];	/* --usdt */
	char probe[PROBE_SPEC_NAME_MAX];	/* --usdt: the probe, or START of a span */
	char end[PROBE_SPEC_NAME_MAX];		/* --usdt: END of a span; "" when counted */
};

/* -u BINARY:FUNCTION into @out. 0, or -EINVAL and one line saying why in @err. */
int probe_spec_parse_uprobe(const char *text, struct probe_spec *out, char *err, size_t errlen);

/* --usdt BINARY:PROVIDER:PROBE[:END] into @out. 0, or -EINVAL and why in @err. */
int probe_spec_parse_usdt(const char *text, struct probe_spec *out, char *err, size_t errlen);

/* Does @function hold glob characters (*, ?, [)? */
bool probe_spec_is_glob(const char *function);

/* The text a spec is written as (parse of it gives @s back). */
void probe_spec_format(const struct probe_spec *s, char *buf, size_t len);

/* A USDT row's label: "provider:probe" or "provider:start->end". */
void probe_spec_usdt_label(const struct probe_spec *s, char *buf, size_t len);

#endif
