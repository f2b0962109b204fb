#!/usr/bin/env bash
# Closed or odd descriptors and hostile environments (issue #10, part 2):
# closed fds 0-2 are opened on /dev/null before any file is, so no output
# file can become fd 1 or 2; a mode that writes to a closed stdout says so at
# once; and the environment's failures are one clear line each.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=${LATTOP:-$O/lattop}
case $LATTOP in /*) ;; *) LATTOP=$ROOT/$LATTOP ;; esac
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "SKIP: not root: live BPF needs root"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no kernel BTF for BPF"; exit 77; }
cd "$TMPD" || exit 1

# expect EXIT PATTERN CMD: exit status and one stderr line matching PATTERN (sh -c, so fds can be closed).
expect() {
	local want=$1 pattern=$2 cmd=$3 rc
	sh -c "$cmd" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	[ "$rc" = "$want" ] || fail "$cmd: exit $rc, want $want ($(cat "$TMPD/err"))"
	grep -qE -- "$pattern" "$TMPD/err" || fail "$cmd: stderr '$(head -c 300 "$TMPD/err")' lacks /$pattern/"
	[ "$(wc -l <"$TMPD/err")" = 1 ] || fail "$cmd: not one line on stderr: $(cat "$TMPD/err")"
	echo "ok: $cmd -> $rc: $(head -1 "$TMPD/err")"
}

# A closed stdout with a mode that writes to it: said at once, and no file is made.
expect 1 "stdout is closed" "$LATTOP record -o a.rec --json -n 2 -i 0.3 >&-"
[ ! -e a.rec ] || fail "record --json with a closed stdout left a.rec behind"
expect 1 "stdout is closed" "$LATTOP --csv c.csv -b -n 1 -i 0.3 >&-"
[ ! -e c.csv ] || fail "--csv with a closed stdout left c.csv behind"

# A closed stderr: the recording must not become fd 2 and take lattop's last line.
sh -c "$LATTOP record -o b.rec -n 2 -i 0.3 2>&-" || fail "record with a closed stderr: exit $?"
"$LATTOP" replay b.rec --speed 0 --json >b.json 2>b.err || fail "replay b.rec: $(cat b.err)"
[ "$(wc -l <b.json)" = 2 ] || fail "b.rec replays $(wc -l <b.json) ticks, want 2"
echo "ok: record with stderr closed: 2 ticks, replays"
# Closed stdin and stdout and stderr together, in a mode that needs none of them.
sh -c "$LATTOP record -o d.rec -n 1 -i 0.3 <&- >&- 2>&-" || fail "record with 0-2 closed: exit $?"
"$LATTOP" replay d.rec --speed 0 --json >/dev/null 2>&1 || fail "d.rec does not replay"
echo "ok: record with fds 0-2 closed replays"

# A full device as stdout: one line that names stdout.
expect 1 "cannot write to stdout: No space left on device" "$LATTOP -b -n 2 -i 0.2 >/dev/full"
# export too: a full stdout, a closed stdout, and a reader that goes away (quiet, exit 0).
expect 1 "export: cannot write to stdout: No space left on device" \
	"$LATTOP export $ROOT/tests/cli/data/v1-simulate.rec --json >/dev/full"
expect 1 "stdout is closed: nothing to export to" "$LATTOP export $ROOT/tests/cli/data/v1-simulate.rec --json >&-"
sh -c "$LATTOP export $ROOT/tests/cli/data/v1-simulate.rec --json 2>err.txt | head -c 10 >/dev/null; exit \$?" &&
	[ ! -s err.txt ] || fail "export into a closed pipe: $(cat err.txt)"
echo "ok: export into a pipe closed early: quiet"

# The dashboard without a terminal, without TERM, with an unknown TERM.
expect 1 "needs a terminal" "$LATTOP --ui -n 1 </dev/null"
if command -v script >/dev/null; then
	# script(1) gives lattop a terminal; its stderr is kept in a file of its own.
	expect 1 "TERM is not set" "env -u TERM script -qec '$LATTOP --ui -n 1 2>tty.err' /dev/null; rc=\$?; cat tty.err >&2; exit \$rc"
	expect 1 "TERM=nosuchterm: no terminfo entry" "TERM=nosuchterm script -qec '$LATTOP --ui -n 1 2>tty.err' /dev/null; rc=\$?; cat tty.err >&2; exit \$rc"
fi

# Too few descriptors: say so, with the limit and the remedy.
expect 1 "Too many open files \(ulimit -n is 10;.*raise it" "ulimit -n 10; $LATTOP -b -n 1 -i 0.2"

# Kernel BTF that is not BTF (a private mount namespace hides the real one).
if command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	echo "not btf" >notbtf
	expect 1 "cannot be read as BTF" \
		"unshare -m sh -c 'mount --bind $TMPD/notbtf /sys/kernel/btf/vmlinux && $LATTOP -b -n 1 -i 0.2'"
fi

# -p of a process that does not exist, and above pid_max.
pid_max=$(cat /proc/sys/kernel/pid_max)
nopid=$((pid_max - 1))
while [ -e /proc/$nopid ]; do nopid=$((nopid - 1)); done
expect 2 "-p $nopid: no such process" "$LATTOP -p $nopid -b -n 1"
expect 2 "above the largest pid" "$LATTOP -p $((pid_max + 5)) -b -n 1"
echo PASS
