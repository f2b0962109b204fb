#!/usr/bin/env bash
# record / replay / export on --simulate (no root): the JSON printed while
# recording, the replay's JSON and the export's JSON are byte-identical; the
# CSV export has one row per JSON syscall/client entry; a replay at
# recorded speed takes the recorded time; -d and SIGTERM end a recording
# cleanly; existing files and symlinks are refused untouched; bad files
# (truncated, flipped byte, PNG, text, empty, newer version) exit 2 with
# the file and the offset named.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
L=$O/lattop
[ -x "$L" ] || { echo "FAIL: $L not built"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
T=$(mktemp -d /tmp/lattop-cli-rec.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

N=15
"$L" record --simulate --seed 5 -i 0.1 -n $N --json -o run.rec >rec.json 2>rec.err ||
	fail "record exited $?: $(cat rec.err)"
[ "$(wc -l <rec.json)" -eq $N ] || fail "record --json printed $(wc -l <rec.json) lines, want $N"
[ "$(stat -c %a run.rec)" = 600 ] || fail "recording mode $(stat -c %a run.rec), want 600"
grep -q "recorded $N ticks to run.rec" rec.err || fail "no summary line: $(cat rec.err)"
bytes=$(stat -c %s run.rec)
ok "recorded $N ticks, $bytes bytes ($((bytes / N)) per tick)"

"$L" replay run.rec --speed 0 --json >rep.json || fail "replay exited $?"
cmp -s rec.json rep.json && ok "replay --speed 0 --json is byte-identical to the recorded JSON" ||
	fail "replay JSON differs: $(cmp rec.json rep.json)"
"$L" replay run.rec --speed max --json --cumulative >rep_cum.json || fail "replay --cumulative"
grep -q '"mode":"cumulative"' rep_cum.json && [ "$(wc -l <rep_cum.json)" -eq $N ] ||
	fail "cumulative replay"
"$L" export run.rec --json >exp.json || fail "export --json exited $?"
cmp -s rec.json exp.json && ok "export --json is byte-identical too" ||
	fail "export JSON differs: $(cmp rec.json exp.json)"
# A filter applies to replay and export alike.
"$L" replay run.rec --speed 0 --json -s read >rep_read.json && "$L" export run.rec --json -s read >exp_read.json ||
	fail "filtered replay/export"
cmp -s rep_read.json exp_read.json && grep -q '"filter":"sys:read"' exp_read.json &&
	! grep -q '"syscall":"write"' exp_read.json && ok "-s read: replay and export agree, only read rows" ||
	fail "filtered outputs differ or are unfiltered"

# Recorded with a filter: the replay applies it too (same JSON), unless told otherwise.
"$L" record --simulate --seed 5 -i 0.1 -n 4 -s write --json -o filt.rec >filt.json 2>/dev/null ||
	fail "record -s write"
"$L" replay filt.rec --speed 0 --json | cmp -s - filt.json && "$L" export filt.rec --json | cmp -s - filt.json &&
	grep -q '"filter":"sys:write"' filt.json && ok "a recording's own filter applies to its replay and export" ||
	fail "recorded filter not applied"
"$L" replay filt.rec --speed 0 --json -s read | grep -q '"syscall":"read"' &&
	ok "-s on the replay replaces the recorded filter" || fail "replay -s over a recorded filter"

"$L" export run.rec --csv >exp.csv || fail "export --csv exited $?"
want=$(python3 -c '
import json, sys
n = 0
for line in open("rec.json"):
    t = json.loads(line)
    n += len(t["syscalls"]) + len(t["clients"])
print(n)')
got=$(($(wc -l <exp.csv) - 1))
[ "$got" -eq "$want" ] && [ "$want" -gt $N ] && ok "export --csv: $got rows = syscall+client entries of the JSON" ||
	fail "export --csv has $got rows, the JSON $want entries"
head -n 1 exp.csv | grep -q '^tick,ts_ns,kind,pid,comm,syscall,client,port,dir,count,errors,sum_ns,p50_ns,p90_ns,p99_ns,p999_ns,max_ns,wait$' ||
	fail "CSV header: $(head -n 1 exp.csv)"
# Values: the CSV's counts per tick equal the JSON's (sum of count over syscall entries).
python3 - <<'PY' || fail "CSV values differ from the JSON"
import csv, json
js = {}
for line in open("rec.json"):
    t = json.loads(line)
    js[t["seq"]] = (sum(r["count"] for r in t["syscalls"]), sum(r["errors"] for r in t["syscalls"]),
                    max([r["p99_ns"] for r in t["syscalls"]] or [0]))
cs = {}
for r in csv.DictReader(open("exp.csv")):
    if r["kind"] != "syscall":
        continue
    c = cs.setdefault(int(r["tick"]), [0, 0, 0])
    c[0] += int(r["count"]); c[1] += int(r["errors"]); c[2] = max(c[2], int(r["p99_ns"]))
assert {k: tuple(v) for k, v in cs.items()} == js, (cs, js)
PY
"$L" export run.rec --csv -o out.csv && cmp -s out.csv exp.csv && [ "$(stat -c %a out.csv)" = 600 ] ||
	fail "export -o OUT"
"$L" export run.rec --csv -o out.csv 2>err.txt
rc=$?
{ [ $rc -eq 1 ] && grep -q "out.csv" err.txt && cmp -s out.csv exp.csv; } &&
	ok "export -o refuses an existing file" || fail "export -o over an existing file: rc $rc"
"$L" export run.rec --csv --samples >samples.csv || fail "export --samples"
[ "$(cat samples.csv)" = "timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out" ] ||
	fail "export --samples of a recording without samples: $(head -c 200 samples.csv)"

# Recorded speed: 10 ticks of 0.2 s take about 2 s; --speed 2 about 1 s.
"$L" record --simulate -i 0.2 -n 10 -o slow.rec 2>/dev/null || fail "record slow"
s=$(date +%s%N)
"$L" replay slow.rec -b >/dev/null || fail "replay -b"
ms=$((($(date +%s%N) - s) / 1000000))
[ $ms -ge 1700 ] && [ $ms -le 3500 ] && ok "replay at recorded speed: 10 x 0.2 s took $ms ms" ||
	fail "replay at recorded speed took $ms ms, want ~2000"
s=$(date +%s%N)
"$L" replay slow.rec --speed 2 --json >/dev/null || fail "replay --speed 2"
ms=$((($(date +%s%N) - s) / 1000000))
[ $ms -ge 800 ] && [ $ms -le 1900 ] && ok "--speed 2: $ms ms" || fail "--speed 2 took $ms ms, want ~1000"

# -d: ticks of the duration; SIGTERM: a clean END.
"$L" record --simulate -i 0.1 -d 0.5 -o d.rec 2>/dev/null || fail "record -d"
[ "$("$L" export d.rec --json | wc -l)" -eq 5 ] && ok "-d 0.5 -i 0.1: 5 ticks" || fail "-d: $("$L" export d.rec --json | wc -l) ticks"
"$L" record --simulate -i 0.1 -o term.rec 2>/dev/null &
pid=$!
sleep 0.75
kill -TERM $pid
wait $pid
rc=$?
n=$("$L" export term.rec --json | wc -l)
[ $rc -eq 0 ] && "$L" export term.rec --json >/dev/null && [ "$n" -ge 3 ] &&
	ok "SIGTERM: exit 0, a complete recording of $n ticks" || fail "SIGTERM: rc $rc, $n ticks"

# Existing file and symlink: refused, untouched.
echo precious >keep.txt
"$L" record --simulate -n 1 -o keep.txt 2>err.txt
rc=$?
{ [ $rc -eq 1 ] || [ $rc -eq 2 ]; } && grep -q "keep.txt" err.txt && grep -qi "exists" err.txt &&
	[ "$(cat keep.txt)" = precious ] && ok "record refuses an existing file (exit $rc)" ||
	fail "existing file: rc $rc, $(cat err.txt), content $(cat keep.txt)"
ln -s keep.txt link.rec
"$L" record --simulate -n 1 -o link.rec 2>err.txt
rc=$?
{ [ $rc -eq 1 ] || [ $rc -eq 2 ]; } && [ "$(cat keep.txt)" = precious ] && [ -L link.rec ] &&
	ok "record refuses a symlink at -o, its target unchanged (exit $rc)" ||
	fail "symlink: rc $rc, $(cat err.txt)"
ln -s nowhere dangling.rec
"$L" record --simulate -n 1 -o dangling.rec 2>/dev/null
[ $? -ne 0 ] && [ ! -e nowhere ] && ok "a dangling symlink is not followed" || fail "dangling symlink followed"

# Bad input: exit 2, one line naming the file and an offset.
bad() {	# bad NAME EXPECTED-OFFSET-REGEX WORD [COMMANDS]
	local f=$1 off=$2 word=$3 cmds=${4:-replay export} cmd rc
	for cmd in "replay $f --speed 0 --json" "export $f --json" "export $f --csv"; do
		case " $cmds " in *" ${cmd%% *} "*) ;; *) continue ;; esac
		"$L" $cmd >out.txt 2>err.txt
		rc=$?
		if [ $rc -ne 2 ] || [ "$(wc -l <err.txt)" -ne 1 ] ||
			! grep -qE "^lattop: $f: offset $off: .*$word" err.txt; then
			fail "$cmd: rc $rc, stderr: $(cat err.txt)"
			return
		fi
	done
	[ -s out.txt ] && [ "${cmd#replay}" != "$cmd" ] && fail "$f: replay printed output"
	ok "$f: exit 2, '$(cat err.txt)'"
}
# A recording cut short (lattop killed): export refuses it; replay plays its
# complete ticks (exactly the first ones of the whole file) and says so.
cut_replay() {	# cut_replay NAME
	local f=$1 n rc
	"$L" replay "$f" --speed 0 --json >out.txt 2>err.txt
	rc=$?
	n=$(grep -oE 'replaying its [0-9]+ complete ticks' err.txt | grep -oE '[0-9]+')
	if [ $rc -ne 0 ] || [ "$(wc -l <err.txt)" -ne 1 ] || [ -z "$n" ] ||
		! grep -qE "^lattop: $f: offset [0-9]+: cut short" err.txt ||
		[ "$(wc -l <out.txt)" -ne "$n" ] || ! cmp -s out.txt <(head -n "$n" rec.json); then
		fail "replay $f: rc $rc, $(wc -l <out.txt) lines, stderr: $(cat err.txt)"
	fi
	ok "$f: replay plays the $n complete ticks, exit 0, '$(cat err.txt)'"
}
size=$(stat -c %s run.rec)
head -c $((size / 2)) run.rec >trunc.rec
bad trunc.rec $((size / 2)) "truncated" export
cut_replay trunc.rec
head -c $((size - 3)) run.rec >trunc_end.rec
bad trunc_end.rec $((size - 3)) "truncated" export
cut_replay trunc_end.rec
cp run.rec flip.rec
printf '\x55' | dd of=flip.rec bs=1 seek=$((size / 3)) conv=notrunc status=none
cmp -s run.rec flip.rec && printf '\xaa' | dd of=flip.rec bs=1 seek=$((size / 3)) conv=notrunc status=none
bad flip.rec '[0-9]+' "(CRC|corrupt|inflate|unknown|length)"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' >pic.png
bad pic.png 0 "not a lattop recording"
echo "timestamp_ns,latency_ns" >text.rec
bad text.rec 0 "not a lattop recording"
: >empty.rec
bad empty.rec 0 "empty"
cp run.rec newer.rec
printf '\x63' | dd of=newer.rec bs=1 seek=10 conv=notrunc status=none
bad newer.rec 10 "newer"
# A valid frame around another histogram layout, or a META with escape bytes in the host name.
python3 - <<'PY' || fail "crafting recordings"
import struct, zlib
data = open("run.rec", "rb").read()
typ, flags, _, stored, raw = struct.unpack_from("<BBHII", data, 12)
payload = data[24:24 + stored]
if flags & 1:
    payload = zlib.decompress(payload)
rest = data[24 + stored + 4:]
def write(name, meta):
    rec = struct.pack("<BBHII", typ, 0, 0, len(meta), len(meta)) + meta
    open(name, "wb").write(data[:12] + rec + struct.pack("<I", zlib.crc32(rec)) + rest)
write("layout.rec", payload.replace(b"hist_slots=304", b"hist_slots=999"))
write("evil.rec", payload.replace(b"host=", b"host=\x1b]0;owned\x07\x1b[2J"))
PY
bad layout.rec 24 "histogram layout hist_slots=999"
"$L" replay evil.rec --speed 0 --json >evil.json 2>err.txt && cmp -s evil.json rec.json &&
	ok "a META with escape bytes still replays identically" || fail "evil.rec: $(cat err.txt)"
"$L" replay missing.rec --json 2>err.txt
[ $? -eq 2 ] && grep -q "missing.rec" err.txt && ok "missing file: exit 2" || fail "missing file"

# The wait flag survives record -> replay/export; recordings of format 1
# (tests/cli/data/format1.rec, made by lattop before the flag existed) still
# replay, every row work.
python3 - rec.json <<'PY' && ok "recorded JSON: the sleeper's clock_nanosleep and epoll_wait rows are waits, futex work" || fail "wait flags in the recorded JSON"
import json, sys
seen = {}
for line in open(sys.argv[1]):
    for r in json.loads(line)["syscalls"]:
        seen.setdefault(r["syscall"], set()).add(r["wait"])
assert seen["clock_nanosleep"] == {True} and seen["epoll_wait"] == {True}, seen
assert seen["futex"] == {False} and seen["read"] == {False}, seen
PY
grep -q '"wait":true' rep.json && ok "replay keeps the wait flag" || fail "replay lost the wait flag"
awk -F, 'NR > 1 && $3 == "syscall" && $6 == "\"clock_nanosleep\"" && $NF != 1 { bad = 1 }
	NR > 1 && $3 == "syscall" && $6 == "\"futex\"" && $NF != 0 { bad = 1 }
	END { exit bad }' exp.csv && grep -q ',"clock_nanosleep",' exp.csv &&
	ok "CSV export: clock_nanosleep rows have wait=1, futex rows 0" || fail "CSV wait column"
"$L" replay "$ROOT/tests/cli/data/format1.rec" --speed 0 --json >v1.json 2>v1.err ||
	fail "format 1 recording: exit $?: $(cat v1.err)"
python3 -c '
import json, sys
ticks = [json.loads(l) for l in open("v1.json")]
assert len(ticks) == 3 and all(r["wait"] is False for t in ticks for r in t["syscalls"])
assert any(r["syscall"] == "epoll_wait" for t in ticks for r in t["syscalls"])
' && ok "a format 1 recording replays (3 ticks, every row work)" || fail "format 1 replay"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
