#!/usr/bin/env bash
# Recordings of an older format still replay: tests/cli/data/v1-simulate.rec
# was written by lattop 0.1.0 (format 1: no tick or row flags, no adopted
# counter) and v1-simulate.json is what that lattop printed for
# 'replay --speed 0 --json'. Today's lattop must print the same ticks: the
# same values, plus only the fields added since, at their neutral values.
# v2-simulate.rec/.json/.txt: format 2 (before the family tables and the
# syscall breakdown), with what that lattop printed as JSON and batch text:
# it replays to exactly that, with empty family tables.
# v4-simulate.rec: format 4 (delta ticks of format 4), its JSON's SHA-256;
# v5-simulate.rec the same for format 5.
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
NEW = {"wait": False, "adopted": 0, "final": False, "breakdown": False,
       "runqueue_state": "off", "runqueue_note": "", "runqueue": [],
       "block_state": "off", "block_note": "", "block": [],
       "functions_state": "off", "functions_note": "", "functions": [], "schema": 2,
       "cgroup_id": 0, "cgroup": "", "cgroups_state": "off", "cgroups_note": "",
       "cgroups": []}
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

# Format 2: the JSON and batch text of that lattop, byte for byte.
"$LATTOP" replay "$DATA/v2-simulate.rec" --speed 0 --json >"$TMPD/v2.json" 2>"$TMPD/err" ||
	fail "replay of a format 2 recording: $(cat "$TMPD/err")"
cmp -s "$TMPD/v2.json" "$DATA/v2-simulate.json" || fail "format 2 replay (JSON) differs"
python3 - "$TMPD/v2.json" <<'PY' || fail "format 2 replay has family rows or a breakdown"
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    assert t["breakdown"] is False and t["runqueue"] == [] and t["block"] == [], t["seq"]
    assert t["runqueue_state"] == "off" and t["block_state"] == "off", t["seq"]
    assert all("breakdown" not in r for r in t["syscalls"]), t["seq"]
PY
TZ=UTC "$LATTOP" replay "$DATA/v2-simulate.rec" --speed 0 -b >"$TMPD/v2.txt" 2>"$TMPD/err" ||
	fail "batch replay of a format 2 recording: $(cat "$TMPD/err")"
cmp -s "$TMPD/v2.txt" "$DATA/v2-simulate.txt" || fail "format 2 replay (batch) differs"
"$LATTOP" export "$DATA/v2-simulate.rec" --json >"$TMPD/v2exp.json" || fail "export of format 2"
cmp -s "$TMPD/v2exp.json" "$DATA/v2-simulate.json" || fail "format 2 export differs"
echo "ok: format 2 recording replays and exports what that lattop printed, family tables empty"
# Format 3 (every tick whole, before delta ticks): v3-simulate.rec was written
# by the lattop before format 4 and v3-simulate.json is what it printed.
"$LATTOP" replay "$DATA/v3-simulate.rec" --speed 0 --json >"$TMPD/v3.json" 2>"$TMPD/err" ||
	fail "replay of a format 3 recording: $(cat "$TMPD/err")"
cmp -s "$TMPD/v3.json" "$DATA/v3-simulate.json" || fail "format 3 replay (JSON) differs"
echo "ok: format 3 recording replays what that lattop printed ($(wc -l <"$TMPD/v3.json") ticks)"
# Format 4 (format-4 delta ticks, a keyframe every 40): v4-simulate.rec was
# written by the lattop before format 5 ('record --simulate -i 0.1 -n 42 -s
# read --json'); v4-simulate.json.sha256 is the SHA-256 of what it printed
# (the JSON is 1.3 MB: only its hash is kept).
"$LATTOP" replay "$DATA/v4-simulate.rec" --speed 0 --json >"$TMPD/v4.json" 2>"$TMPD/err" ||
	fail "replay of a format 4 recording: $(cat "$TMPD/err")"
[ "$(od -An -tu1 -j10 -N1 "$DATA/v4-simulate.rec" | tr -d ' ')" = 4 ] || fail "fixture not format 4"
[ "$(sha256sum <"$TMPD/v4.json" | cut -d' ' -f1)" = "$(cat "$DATA/v4-simulate.json.sha256")" ] ||
	fail "format 4 replay (JSON) differs from what that lattop printed"
echo "ok: format 4 recording replays what that lattop printed ($(wc -l <"$TMPD/v4.json") ticks)"
# Format 5 (columned delta ticks, family tables as edits): v5-simulate.rec
# was written by the lattop before format 6 ('record --simulate -i 0.1 -n 45
# --json': syscall rows with the breakdown, run-queue, block and function
# tables, cgroups; keyframes at ticks 1 and 41); v5-simulate.json.sha256 is
# the SHA-256 of what it printed (and replayed).
"$LATTOP" replay "$DATA/v5-simulate.rec" --speed 0 --json >"$TMPD/v5.json" 2>"$TMPD/err" ||
	fail "replay of a format 5 recording: $(cat "$TMPD/err")"
[ "$(od -An -tu1 -j10 -N1 "$DATA/v5-simulate.rec" | tr -d ' ')" = 5 ] || fail "fixture not format 5"
[ "$(sha256sum <"$TMPD/v5.json" | cut -d' ' -f1)" = "$(cat "$DATA/v5-simulate.json.sha256")" ] ||
	fail "format 5 replay (JSON) differs from what that lattop printed"
echo "ok: format 5 recording replays what that lattop printed ($(wc -l <"$TMPD/v5.json") ticks)"
# Format 6 (every delta field against the row's previous tick): record
# --json == replay --json across keyframe boundaries, and a cut file replays
# its complete ticks.
"$LATTOP" record --simulate -i 0.1 -d 9 -o "$TMPD/v6.rec" --json >"$TMPD/v6rec.json" 2>/dev/null ||
	fail "record format 6"
[ "$(od -An -tu1 -j10 -N1 "$TMPD/v6.rec" | tr -d ' ')" = 6 ] || fail "not format 6"
"$LATTOP" replay "$TMPD/v6.rec" --speed 0 --json >"$TMPD/v6.json" || fail "replay format 6"
cmp -s "$TMPD/v6.json" "$TMPD/v6rec.json" || fail "format 6 replay differs from record --json"
echo "ok: format 6 replays what record printed ($(wc -l <"$TMPD/v6.json") ticks, keyframes every 40)"
head -c $(( $(stat -c %s "$TMPD/v6.rec") * 2 / 3 )) "$TMPD/v6.rec" >"$TMPD/cut.rec"
"$LATTOP" replay "$TMPD/cut.rec" --speed 0 --json >"$TMPD/cut.json" 2>"$TMPD/err" ||
	fail "cut format 6: $(cat "$TMPD/err")"
n=$(wc -l <"$TMPD/cut.json")
[ "$n" -gt 40 ] && [ "$n" -lt 90 ] && cmp -s "$TMPD/cut.json" <(head -n "$n" "$TMPD/v6rec.json") ||
	fail "cut format 6 file: $n ticks, or not the first ones"
echo "ok: a cut format 6 file replays its first $n ticks: $(cat "$TMPD/err")"
# A recording from a newer lattop is refused with a clear line and exit 2.
head -c 10 "$DATA/v1-simulate.rec" >"$TMPD/new.rec"
printf '\x63\x00' >>"$TMPD/new.rec"
tail -c +13 "$DATA/v1-simulate.rec" >>"$TMPD/new.rec"
"$LATTOP" replay "$TMPD/new.rec" --speed 0 --json >/dev/null 2>"$TMPD/err"
rc=$?
[ $rc = 2 ] && grep -q "format version 99 is newer" "$TMPD/err" || fail "newer format: exit $rc, $(cat "$TMPD/err")"
echo "ok: a newer format is refused: $(cat "$TMPD/err")"
echo PASS
