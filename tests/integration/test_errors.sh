#!/usr/bin/env bash
# Bad input and bad environments: one clear line on stderr, exit 2 for usage
# and 1 for runtime, never a libbpf log dump.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=$O/lattop
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# expect EXIT PATTERN ARGS...: exit status and a single stderr line matching PATTERN.
expect() {
	local want=$1 pattern=$2 rc; shift 2
	"$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$*: exit $rc, want $want ($(cat "$TMPD/err"))"
	grep -qE -- "$pattern" "$TMPD/err" || fail "$*: stderr '$(head -c 300 "$TMPD/err")' lacks /$pattern/"
	[ "$(grep -vc '^Try ' "$TMPD/err")" = 1 ] || fail "$*: more than one line on stderr: $(cat "$TMPD/err")"
	echo "ok: $* -> $rc: $(head -1 "$TMPD/err")"
}

expect 2 "unknown option '--bogus'" "$LATTOP" --bogus
expect 2 "unknown syscall 'nosuchcall'" "$LATTOP" -s nosuchcall
expect 2 "bad interval '0'" "$LATTOP" -i 0
expect 2 "bad interval '-1'" "$LATTOP" -i -1
expect 2 "bad pid" "$LATTOP" -p abc
expect 2 "unexpected argument" "$LATTOP" stray
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	cp "$LATTOP" "$TMPD/lattop" && chmod 755 "$TMPD" "$TMPD/lattop"
	expect 1 "Operation not permitted - run as root or grant CAP_BPF and CAP_PERFMON" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$TMPD/lattop" -b -n 1
	# Without privileges the simulation still works.
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TMPD/lattop" --simulate --json -n 1 -i 0.1 \
		| grep -q '"simulated":true' || fail "--simulate without privileges"
	echo "ok: --simulate needs no privileges"
else
	echo "(not root: privilege checks not run)"
fi
echo PASS
