#!/usr/bin/env bash
# Recordings of an older format still replay: tests/data/v1-simulate.rec was
# written by lattop 0.1.0 (format 1, before tick flags) and
# tests/data/v1-simulate.json is what that lattop printed for
# 'replay --speed 0 --json'. Today's lattop must print the same bytes.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=${LATTOP:-$O/lattop}
case $LATTOP in /*) ;; *) LATTOP=$ROOT/$LATTOP ;; esac
DATA=$ROOT/tests/data
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$LATTOP" replay "$DATA/v1-simulate.rec" --speed 0 --json >"$TMPD/out.json" 2>"$TMPD/err" ||
	fail "replay of a format 1 recording: $(cat "$TMPD/err")"
cmp -s "$TMPD/out.json" "$DATA/v1-simulate.json" ||
	fail "format 1 replay differs from what lattop 0.1.0 printed: $(diff "$TMPD/out.json" "$DATA/v1-simulate.json" | head -c 400)"
echo "ok: format 1 recording replays byte-identical to lattop 0.1.0 ($(wc -l <"$TMPD/out.json") ticks)"
"$LATTOP" export "$DATA/v1-simulate.rec" --json >"$TMPD/exp.json" || fail "export of format 1"
cmp -s "$TMPD/exp.json" "$DATA/v1-simulate.json" || fail "format 1 export differs"
echo "ok: and exports the same"
# A recording from a newer lattop is refused with a clear line and exit 2.
head -c 10 "$DATA/v1-simulate.rec" >"$TMPD/new.rec"
printf '\x63\x00' >>"$TMPD/new.rec"
tail -c +13 "$DATA/v1-simulate.rec" >>"$TMPD/new.rec"
"$LATTOP" replay "$TMPD/new.rec" --speed 0 --json >/dev/null 2>"$TMPD/err"
rc=$?
[ $rc = 2 ] && grep -q "format version 99 is newer" "$TMPD/err" || fail "newer format: exit $rc, $(cat "$TMPD/err")"
echo "ok: a newer format is refused: $(cat "$TMPD/err")"
echo PASS
