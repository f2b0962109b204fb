#!/usr/bin/env bash
# record --max-size/--rotate on --simulate (issue #13): at most N+1 files
# (FILE, FILE.1 .. FILE.N), each a complete recording that replays on its own
# (`replay F --json` parses, exit 0), each at most the cap (the slack: a file
# passes the cap only when its first tick alone, with the head and END, does;
# no simulated tick comes near 64K, so here every file is <= the cap), and the
# replays of the files, oldest first, are byte-identical to the JSON printed
# while recording: no tick lost or duplicated at a rotation. With fewer files
# kept, the oldest go and the rest is the tail. As root: a full filesystem
# while rotating is said once, naming the file, exit 1, and what is left replays;
# a filesystem as small as the cap fills right after a rotation: FILE.1 stays complete.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$ROOT/$O ;; esac
L=$O/lattop
[ -x "$L" ] || { echo "FAIL: $L not built"; exit 1; }
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
T=$(mktemp -d /tmp/lattop-cli-rotate.XXXXXX)
MNT=
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
CAP=65536

# replay_chain BASE: every file of the chain, oldest first, replayed into BASE.all.json;
# each file's JSON must parse. Prints the number of files.
replay_chain() {
	local base=$1 n=0 i f
	: >"$base.all.json"
	for i in $(seq 1000 -1 0); do
		f=$base
		[ "$i" -gt 0 ] && f=$base.$i
		[ -e "$f" ] || continue
		n=$((n + 1))
		"$L" replay "$f" --speed 0 --json >"$f.json" 2>"$f.err" ||
			fail "replay $f exited $?: $(cat "$f.err")"
		python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$f.json" ||
			fail "$f: replay --json does not parse"
		cat "$f.json" >>"$base.all.json"
	done
	echo $n
}

N=60
"$L" record --simulate --seed 5 -i 0.1 -n $N --json -o run.rec --max-size 64K --rotate 20 \
	>rec.json 2>rec.err || fail "record exited $?: $(cat rec.err)"
grep -q "recorded $N ticks to run.rec .*; rotated [0-9]* times, kept run.rec.1 .. run.rec.[0-9]*" rec.err ||
	fail "summary line: $(cat rec.err)"
files=$(replay_chain run.rec)
[ "$files" -ge 4 ] && [ "$files" -le 21 ] || fail "$files files, want 4 to 21"
# same_ticks PRINTED REPLAYED FIRST LAST: the replayed ticks are seq FIRST..LAST, each once, in
# order, and every tick printed while recording (a slow stdout may skip some: latest wins) is
# byte-identical to its replay.
same_ticks() {
	python3 - "$@" <<'PY'
import json, sys
printed, replayed, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rep = open(replayed).read().splitlines()
seqs = [json.loads(l)["seq"] for l in rep]
if seqs != list(range(first, last + 1)):
    sys.exit(f"replayed seqs {seqs[:3]}..{seqs[-3:]} ({len(seqs)}), want {first}..{last}")
by_seq = dict(zip(seqs, rep))


def same(a, b):
    """Equal but for dropped_snapshots: the live --json adds the snapshots its
    own slow consumer skipped (a busy machine), which the recording never saw."""
    ja, jb = json.loads(a), json.loads(b)
    for j in (ja, jb):
        for k in ("counters", "counters_total"):
            j.get(k, {}).pop("dropped_snapshots", None)
    return ja == jb


n = 0
for l in open(printed).read().splitlines():
    s = json.loads(l)["seq"]
    if s in by_seq:
        if by_seq[s] != l and not same(by_seq[s], l):
            sys.exit(f"tick {s} differs between record --json and its replay")
        n += 1
print(n)
PY
}
if out=$(same_ticks rec.json run.rec.all.json 1 $N); then
	ok "$files files; their replays, oldest first, are ticks 1..$N each once; the $out ticks printed while recording are byte-identical"
else
	fail "the replays of the $files files: $out"
fi
max=0
for f in run.rec run.rec.[0-9]*; do
	case $f in *.json|*.err) continue ;; esac
	s=$(stat -c %s "$f")
	[ "$s" -gt "$max" ] && max=$s
	[ "$s" -le $CAP ] || fail "$f is $s bytes, over the cap $CAP"
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f mode $(stat -c %a "$f")"
done
ok "largest file $max bytes <= $CAP; every file 0600"

# Keep 2: exactly 3 files, the newest ticks, contiguous up to the last.
"$L" record --simulate --seed 5 -i 0.1 -n $N --json -o two.rec --max-size 64K --rotate 2 \
	>two.json 2>two.err || fail "record --rotate 2 exited $?: $(cat two.err)"
files=$(replay_chain two.rec)
[ "$files" -eq 3 ] && [ ! -e two.rec.3 ] || fail "--rotate 2: $files files, want 3"
kept=$(wc -l <two.rec.all.json)
if [ "$kept" -gt 5 ] && [ "$kept" -lt $N ] && out=$(same_ticks two.json two.rec.all.json $((N - kept + 1)) $N); then
	ok "--rotate 2: 3 files, ticks $((N - kept + 1))..$N ($kept) each once, none lost in between"
else
	fail "--rotate 2: kept $kept ticks: $out"
fi

# Old files are never replaced: an existing FILE.2 refuses the start, untouched.
echo keep >old.rec.2
"$L" record --simulate -i 0.1 -n 3 -o old.rec --max-size 64K --rotate 3 2>old.err
rc=$?
[ $rc -ne 0 ] && grep -q "old.rec.2 exists" old.err && [ ! -e old.rec ] &&
	[ "$(cat old.rec.2)" = keep ] && ok "an existing FILE.2 is refused, untouched (exit $rc)" ||
	fail "existing FILE.2: exit $rc, $(cat old.err)"
"$L" record --simulate -o x.rec --rotate 3 2>/dev/null
[ $? -eq 2 ] && ok "--rotate without --max-size: usage error" || fail "--rotate alone accepted"

# A full filesystem while rotating (root: a small tmpfs).
if [ "$(id -u)" = 0 ] && MNT=$(mktemp -d /tmp/lattop-rotate-full.XXXXXX) &&
	mount -t tmpfs -o size=160k tmpfs "$MNT" 2>/dev/null; then
	"$L" record --simulate --seed 5 -i 0.1 -n 200 -o "$MNT/f.rec" --max-size 64K --rotate 5 \
		>/dev/null 2>full.err
	rc=$?
	lines=$(grep -c . full.err)
	[ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q "$MNT/f.rec.*No space left" full.err &&
		ok "full filesystem: exit 1, one line: $(cat full.err)" ||
		fail "full filesystem: exit $rc, $lines lines: $(cat full.err)"
	for f in "$MNT"/f.rec*; do
		"$L" replay "$f" --speed 0 --json >full.json 2>/dev/null ||
			fail "$f does not replay after the full filesystem"
		[ -s full.json ] || fail "$f: no tick"
	done
	ok "$(ls "$MNT" | wc -l) files left, each replays"
	umount "$MNT"
	# A filesystem as large as the cap: full right after a rotation. FILE.1 was finished
	# before the shift (END, replays whole, no "cut short"); the new FILE keeps its head.
	if mount -t tmpfs -o size=64k tmpfs "$MNT"; then
		"$L" record --simulate --seed 5 -i 0.1 -n 200 -o "$MNT/g.rec" --max-size 64K \
			--rotate 2 >/dev/null 2>full2.err
		rc=$?
		"$L" replay "$MNT/g.rec.1" --speed 0 --json >g1.json 2>g1.err
		rc1=$?
		[ $rc -eq 1 ] && [ "$(grep -c . full2.err)" -eq 1 ] &&
			grep -q "$MNT/g.rec.*No space left" full2.err && [ $rc1 -eq 0 ] &&
			[ ! -s g1.err ] && [ "$(wc -l <g1.json)" -ge 5 ] && [ ! -e "$MNT/g.rec.2" ] &&
			ok "full at a rotation: exit 1, one line; g.rec.1 complete ($(wc -l <g1.json) ticks, END)" ||
			fail "full at a rotation: exit $rc, $(cat full2.err); replay g.rec.1: $rc1 $(cat g1.err)"
		umount "$MNT"
	fi
	rmdir "$MNT"
	MNT=
else
	echo "note: full-filesystem case skipped (needs root and tmpfs)"
fi

[ $fails -eq 0 ] || { echo "$fails failed"; exit 1; }
echo "all passed"
