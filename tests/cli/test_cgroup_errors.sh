#!/usr/bin/env bash
# --cgroup PATH that is no cgroup: one clear line on stderr, exit 2, nothing
# on stdout (the check runs before the live source opens: no BPF loaded).
# Needs a cgroup v2 mount, not root.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=$O/lattop
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$LATTOP" ] || fail "$LATTOP not built"
MNT=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") print $5; break } }' \
	/proc/self/mountinfo | head -1)
[ -n "$MNT" ] || { echo "SKIP: no cgroup v2 hierarchy mounted"; exit 77; }

expect() {
	local pattern=$1 rc; shift
	timeout 20 "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	[ "$rc" = 2 ] || fail "$*: exit $rc, want 2 ($(cat "$TMPD/err"))"
	grep -qE -- "$pattern" "$TMPD/err" || fail "$*: stderr '$(head -c 300 "$TMPD/err")' lacks /$pattern/"
	[ "$(grep -c . "$TMPD/err")" = 1 ] || fail "$*: not one line on stderr: $(cat "$TMPD/err")"
	[ ! -s "$TMPD/out" ] || fail "$*: wrote to stdout: $(head -c 200 "$TMPD/out")"
	echo "ok: $* -> 2: $(head -1 "$TMPD/err")"
}

expect "--cgroup lattop-no-such-cg-$$: no such cgroup below $MNT" \
	"$LATTOP" -b -n 1 --cgroup "lattop-no-such-cg-$$"
expect "--cgroup $MNT/lattop-no-such-cg-$$: no such cgroup" \
	"$LATTOP" -b -n 1 --cgroup "$MNT/lattop-no-such-cg-$$"
# A good path after a bad one: still refused.
expect "no such cgroup" "$LATTOP" -b -n 1 --cgroup / --cgroup "lattop-no-such-cg-$$"
# A file of the hierarchy is not a cgroup.
expect "--cgroup cgroup.procs: no such cgroup.*Not a directory" \
	"$LATTOP" -b -n 1 --cgroup cgroup.procs
echo "all cgroup error cases passed"
