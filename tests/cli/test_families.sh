#!/usr/bin/env bash
# The family tables (run queue, block I/O) and the syscall breakdown through
# every output, on --simulate (no root): JSON rows and parts that add up
# exactly; the same seed gives the same tables; batch text has a summary
# and quantize blocks per family and the breakdown sentence; a recording
# replays and exports them byte for byte (JSON and batch); a filter applies
# to family rows; compare judges their series (steady vs regression).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
L=$O/lattop
[ -x "$L" ] || { echo "FAIL: $L not built"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
T=$(mktemp -d /tmp/lattop-cli-fam.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

N=5
"$L" --simulate --seed 7 -i 0.2 -n $N --json >a.json 2>err || fail "simulate --json: $(cat err)"
"$L" --simulate --seed 7 -i 0.2 -n $N --json >b.json 2>err || fail "simulate --json again"
python3 - a.json b.json <<'PY' && ok "JSON: family rows, block parts and syscall breakdown add up; same seed, same tables" || fail "JSON families"
import json, sys
def load(p):
    return [json.loads(l) for l in open(p)]
a, b = load(sys.argv[1]), load(sys.argv[2])
assert len(a) == 5, len(a)
for t in a:
    assert t["schema"] == 2 and t["breakdown"] is True, t["seq"]
    assert t["runqueue_state"] == "on" and t["block_state"] == "on", t["seq"]
    assert len(t["runqueue"]) >= 5 and len(t["block"]) >= 4, (len(t["runqueue"]), len(t["block"]))
    for r in t["runqueue"]:
        assert set(r) >= {"pid", "comm", "count", "sum_ns", "max_ns", "p50_ns", "p99_ns", "p999_ns", "buckets"}, r
        assert sum(c for _, c in r["buckets"]) == r["count"], r
    ops = set()
    for r in t["block"]:
        ops.add(r["op"])
        # the simulation's requests are queue + device exactly
        assert r["queue"]["sum_ns"] + r["device"]["sum_ns"] == r["sum_ns"], r
        assert r["queue"]["count"] == r["device"]["count"] == r["count"], r
        assert r["total"]["sum_ns"] >= r["sum_ns"], r
    assert {"read", "write"} <= ops, ops
    for r in t["syscalls"]:
        bd = r["breakdown"]
        assert set(bd) == {"oncpu_ns", "runq_ns", "io_ns", "blocked_ns"}, bd
        assert sum(bd.values()) == r["sum_ns"], (r["syscall"], bd, r["sum_ns"])
    fs = [r for r in t["syscalls"] if r["syscall"] == "fsync"]
    assert fs and all(r["breakdown"]["io_ns"] > 0.8 * r["sum_ns"] for r in fs), fs
def strip(t):
    return {k: v for k, v in t.items() if k not in ("ts_ns", "interval_ns", "elapsed_ns")}
assert [strip(t) for t in a] == [strip(t) for t in b], "same seed, different ticks"
PY

"$L" --simulate --seed 7 -i 0.2 -n 2 -b --top 2 >batch.txt 2>err || fail "simulate -b: $(cat err)"
for want in "run-queue latency: runnable" "block I/O latency: request" \
	"  runqueue java[2301] (ns)  [" "  block sda kworker/u4:2[95] write (ns)  [" \
	"QUEUE SUM  QUEUE P99 DEVICE SUM DEVICE P99" "CPU% RUNQ%   IO%  BLK%"; do
	grep -qF -- "$want" batch.txt || fail "batch text has no '$want'"
done
grep -qE '^  epoll_wait \(wait\) p99 [0-9.]+[mu]?s - 9[0-9]% blocked' batch.txt ||
	fail "no breakdown sentence under the epoll_wait block"
blocks=$(grep -cE '^  (runqueue|block) .* \(ns\)  \[[0-9]+ events' batch.txt)
[ "$blocks" -eq 8 ] || fail "$blocks family quantize blocks in 2 ticks, want 2 x 2 per family"
grep -qE '^  docker:[0-9a-f]{12} +nvme0n1 +842 +postgres +read +[0-9]+ +0 ' batch.txt || fail "no block summary row (with its CGROUP cell)"
[ $fails = 0 ] && ok "batch text: summary, quantize blocks per family, breakdown columns and sentence"

"$L" record --simulate --seed 5 -i 0.1 -n 4 -b -o run.rec >rec.txt 2>err || fail "record -b: $(cat err)"
"$L" replay run.rec --speed 0 -b >rep.txt || fail "replay -b"
cmp -s rec.txt rep.txt && ok "replay -b prints what record -b printed (families included)" ||
	fail "batch replay differs: $(cmp rec.txt rep.txt)"
"$L" replay run.rec --speed 0 --json >rep.json || fail "replay --json"
"$L" export run.rec --json >exp.json || fail "export --json"
cmp -s rep.json exp.json || fail "export --json differs from replay --json"
python3 - rep.json <<'PY' && ok "replayed and exported JSON carry the tables and the breakdown" || fail "replay lost families"
import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    assert t["breakdown"] and t["runqueue"] and t["block"], t["seq"]
    assert all("breakdown" in r for r in t["syscalls"]), t["seq"]
PY

"$L" --simulate --seed 7 -i 0.2 -n 1 -c postgres --json >flt.json || fail "simulate -c"
python3 - flt.json <<'PY' && ok "-c postgres keeps postgres' family rows only" || fail "filter on families"
import json, sys
t = json.loads(open(sys.argv[1]).read())
assert t["runqueue"] and t["block"], t
assert {r["comm"] for r in t["runqueue"]} == {"postgres"}, t["runqueue"]
assert {r["comm"] for r in t["block"]} == {"postgres"}, t["block"]
PY

"$L" record --simulate steady --seed 2 -i 0.5 -n 20 -o base.rec 2>/dev/null || fail "record steady"
"$L" record --simulate regression --seed 2 -i 0.5 -n 20 -o cur.rec 2>/dev/null || fail "record regression"
"$L" compare base.rec cur.rec --json >cmp.json 2>/dev/null
rc=$?
[ $rc = 1 ] || fail "compare steady vs regression exited $rc, want 1"
python3 - cmp.json <<'PY' && ok "compare judges family series: regressions in runqueue and block" || fail "compare families"
import json, sys
d = json.load(open(sys.argv[1]))
fam = [s for s in d["series"] if s["kind"] in ("runqueue", "block")]
names = {(s["kind"], s["name"]) for s in fam}
assert ("runqueue", "nginx") in names and ("block", "nvme0n1 read") in names, names
reg = {(s["kind"], s["name"]) for s in fam if s["verdict"] == "regression"}
assert ("runqueue", "java") in reg and ("block", "nvme0n1 read") in reg, reg
PY
"$L" compare base.rec base.rec >same.txt 2>/dev/null || fail "compare of a recording with itself: exit $?"
grep -q '^block nvme0n1 flush ' same.txt || fail "compare text has no block series"

[ $fails = 0 ] && echo PASS || { echo "FAILED: $fails"; exit 1; }
