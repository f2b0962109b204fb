#!/usr/bin/env bash
# -u / --usdt bad input: a binary that does not exist, a function in neither
# .symtab nor .dynsym, a USDT probe that does not exist, a malformed spec:
# one clear line on stderr, exit 2, and nothing left attached (no uprobe in
# tracefs' uprobe_events, which perf-based uprobes would add to).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=$O/lattop
BIN=$O/tests/fn_target
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$BIN" ] || fail "$BIN not built (make helpers)"
EVENTS=/sys/kernel/tracing/uprobe_events

expect() {
	local want=$1 pattern=$2 rc; shift 2
	timeout 20 "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$*: exit $rc, want $want ($(cat "$TMPD/err"))"
	grep -qE -- "$pattern" "$TMPD/err" || fail "$*: stderr '$(head -c 300 "$TMPD/err")' lacks /$pattern/"
	[ "$(grep -vc '^Try ' "$TMPD/err")" = 1 ] || fail "$*: more than one line on stderr: $(cat "$TMPD/err")"
	echo "ok: $* -> $rc: $(head -1 "$TMPD/err")"
}

before=$( [ -r $EVENTS ] && wc -l <$EVENTS || echo 0)
expect 2 "/nonexistent/app: No such file" "$LATTOP" -b -n 1 -u /nonexistent/app:main
expect 2 "no function named 'no_such_fn' in the .symtab or .dynsym" "$LATTOP" -b -n 1 -u "$BIN:no_such_fn"
expect 2 "no function matches 'zz\*'" "$LATTOP" -b -n 1 -u "$BIN:zz*"
expect 2 "no USDT probe fntarget:nope" "$LATTOP" -b -n 1 --usdt "$BIN:fntarget:nope"
expect 2 "no USDT probe fntarget:nope" "$LATTOP" -b -n 1 --usdt "$BIN:fntarget:request__start:nope"
expect 2 "no such library in /etc/ld.so.cache" "$LATTOP" -b -n 1 -u libnosuchlib:foo
expect 2 "want BINARY:FUNCTION" "$LATTOP" -b -n 1 -u nocolon
expect 2 "FUNCTION is empty" "$LATTOP" -b -n 1 -u "$BIN:"
expect 2 "PROVIDER must be a name" "$LATTOP" -b -n 1 --usdt "$BIN:bad-prov:x"
# A good spec after a bad one: still refused, before anything is loaded.
expect 2 "no_such_fn" "$LATTOP" -b -n 1 -u "$BIN:slow_path" -u "$BIN:no_such_fn"
after=$( [ -r $EVENTS ] && wc -l <$EVENTS || echo 0)
[ "$before" = "$after" ] || fail "uprobe_events changed: $before -> $after lines"
echo "ok: nothing left in $EVENTS ($after lines)"
echo "all probe error cases passed"
