#!/usr/bin/env bash
# A traced process named with an escape sequence, \r, \t, \b and a bidi
# override: neither the screen nor the snapshot files carry them (live BPF).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "SKIP: needs root and BPF (live source)"
	exit 77
fi
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
for f in "$TMPD"/snaps/*; do
	if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xe2\x80\xae' "$f"; then
		fail "$(basename "$f") contains control or bidi bytes"
	fi
done
grep -qF 'e?[31m????il' "$TMPD"/snaps/*.json || fail "JSON lacks the sanitised name"
ok "snapshot files carry the sanitised name only"
