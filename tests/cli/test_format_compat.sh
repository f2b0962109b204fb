#!/usr/bin/env bash
# Recordings of an older format still replay: tests/cli/data/v1-simulate.rec
# was written by lattop 0.1.0 (format 1: no tick or row flags, no adopted
# counter) and v1-simulate.json is what that lattop printed for
# 'replay --speed 0 --json'. Today's lattop must print the same ticks: the
# same values, plus only the fields added since, at their neutral values.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
LATTOP=${LATTOP:-$O/lattop}
case $LATTOP in /*) ;; *) LATTOP=$ROOT/$LATTOP ;; esac
DATA=$ROOT/tests/cli/data
TMPD=$(mktemp -d)
trap 'rm -rf "$TMPD"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$LATTOP" replay "$DATA/v1-simulate.rec" --speed 0 --json >"$TMPD/out.json" 2>"$TMPD/err" ||
	fail "replay of a format 1 recording: $(cat "$TMPD/err")"
# same_as_v1 FILE: FILE's ticks equal the golden ones once the newer fields,
# which must hold their neutral values, are taken out.
same_as_v1() {
	python3 - "$1" "$DATA/v1-simulate.json" <<'PY'
import json, sys
NEW = {"wait": False, "adopted": 0, "final": False}
def strip(o):
    if isinstance(o, dict):
        for k, neutral in NEW.items():
            if k in o:
                assert o[k] == neutral, f"{k} = {o[k]} in a format 1 recording"
        return {k: strip(v) for k, v in o.items() if k not in NEW}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
new = [strip(json.loads(l)) for l in open(sys.argv[1])]
old = [json.loads(l) for l in open(sys.argv[2])]
assert len(new) == len(old) == 4, (len(new), len(old))
for a, b in zip(new, old):
    assert a == b, (a["seq"], [k for k in a if a[k] != b.get(k)])
PY
}
same_as_v1 "$TMPD/out.json" || fail "format 1 replay differs from what lattop 0.1.0 printed"
echo "ok: format 1 recording replays the ticks lattop 0.1.0 printed ($(wc -l <"$TMPD/out.json") ticks)"
"$LATTOP" export "$DATA/v1-simulate.rec" --json >"$TMPD/exp.json" || fail "export of format 1"
same_as_v1 "$TMPD/exp.json" || fail "format 1 export differs"
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
