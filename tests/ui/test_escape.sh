#!/usr/bin/env bash
# A traced process named with an escape sequence, \r, \t, \b and a bidi
# override: neither the screen nor the snapshot files carry them (live BPF).
. "$(dirname "$0")/lib.sh"

# The simulation cannot carry a hostile name: this needs the live BPF source.
# LATTOP_REQUIRE_BPF=1 turns the skip into a failure.
skip_or_fail() {
	if [ "${LATTOP_REQUIRE_BPF:-0}" = 1 ]; then echo "FAIL: $* (LATTOP_REQUIRE_BPF=1)"; exit 1; fi
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip_or_fail "needs root and BPF (live source)"
[ -r /sys/kernel/btf/vmlinux ] || skip_or_fail "needs BPF: no kernel BTF"
[ -x "$O/tests/evilcomm" ] || { echo "FAIL: $O/tests/evilcomm not built (make helpers)"; exit 1; }
"$LATTOP" -b -n 1 -i 0.1 >/dev/null 2>"$TMPD/probe.err" ||
	skip_or_fail "needs BPF: live source does not start: $(head -c 200 "$TMPD/probe.err")"
"$O/tests/evilcomm" 30 >"$TMPD/pid" &
EVIL=$!
trap 'kill $EVIL 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do [ -s "$TMPD/pid" ] && break; sleep 0.1; done
pid=$(cat "$TMPD/pid")
mkdir -p "$TMPD/snaps"
# Monochrome: any colour SGR on the screen can then only come from the process name.
start 120 30 -i 0.5 -p "$pid" --no-color --snapshot-dir "$TMPD/snaps"
wait_for "getppid" 15
wait_for "e?[31m????il"
ok "the name is shown sanitised: e?[31m????il"
t capture-pane -e -p >"$TMPD/screen.esc"
if grep -qP '\x1b\[(\d+;)*31m' "$TMPD/screen.esc"; then fail "red SGR reached the terminal"; fi
if grep -qP '\xe2\x80\xae|\r|\x08' "$TMPD/screen.esc"; then fail "control/bidi bytes on screen"; fi
ok "no escape sequence or control character from the name reached the terminal"
keys s
wait_for "snapshot: "
ls "$TMPD"/snaps/*.txt "$TMPD"/snaps/*.json >/dev/null || fail "snapshot files missing"
grep -qF 'e?[31m????il' "$TMPD"/snaps/*.txt || fail "text snapshot lacks the sanitised name"
for f in "$TMPD"/snaps/*; do
	if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xe2\x80\xae' "$f"; then
		fail "$(basename "$f") contains control or bidi bytes"
	fi
done
grep -qF 'e?[31m????il' "$TMPD"/snaps/*.json || fail "JSON lacks the sanitised name"
ok "snapshot files carry the sanitised name only"
