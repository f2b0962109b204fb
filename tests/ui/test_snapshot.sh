#!/usr/bin/env bash
# 's' writes the screen as text and the tick as JSON (filter recorded), mode
# 0600, never through a planted symlink and never over an existing file.
. "$(dirname "$0")/lib.sh"

SNAPS=$TMPD/snaps
mkdir -p "$SNAPS"
start 100 30 --simulate --seed 2 -i 0.2 --snapshot-dir "$SNAPS"
wait_for "futex"
keys / C-u nginx Enter
wait_for "filter: nginx"
keys s
wait_for "snapshot: $SNAPS/lattop-"
txt=$(ls "$SNAPS"/lattop-*.txt | head -1)
json=${txt%.txt}.json
[ -f "$txt" ] && [ -f "$json" ] || fail "snapshot files missing"
grep -qF "lattop" "$txt" || fail "text snapshot lacks the header"
grep -qF "Syscalls" "$txt" || fail "text snapshot lacks the syscalls pane"
grep -qF "filter: nginx" "$txt" || fail "text snapshot lacks the filter line"
grep -qE '^ *[0-9.]+(ns|us|ms|s) +│@+ [0-9]+' "$txt" || fail "text snapshot lacks the '@' histogram bars"
[ "$(sed '/^# heatmap/,$d' "$txt" | wc -l)" = 30 ] || fail "text snapshot: the screen is not 30 lines"
grep -q "^# heatmap" "$txt" || fail "text snapshot lacks the heatmap section"
[ "$(stat -c %a "$txt")" = 600 ] && [ "$(stat -c %a "$json")" = 600 ] || fail "mode is not 0600"
python3 - "$json" <<'PY' || fail "JSON snapshot content"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["filter"] == "nginx", t["filter"]
assert t["simulated"] is True
names = {r["comm"] for r in t["syscalls"]}
assert "postgres" in names, "the complete tick is saved, not just the filtered view"
assert all("p99_ns" in r and "buckets" in r for r in t["syscalls"])
PY
ok "snapshot writes text + JSON, mode 0600, filter recorded"

# Plant symlinks at the names the next snapshots would take, for the next few seconds.
victim=$TMPD/victim
echo "precious" >"$victim"
rm -f "$SNAPS"/*
now=$(date +%s)
for d in 0 1 2 3 4 5; do
	base=$SNAPS/lattop-$(date -d "@$((now + d))" +%Y%m%d-%H%M%S)
	ln -s "$victim" "$base.txt"
	ln -s "$victim" "$base.json"
done
keys s
wait_for "snapshot: "
[ "$(cat "$victim")" = "precious" ] || fail "the symlink was followed: victim changed"
written=$(find "$SNAPS" -type f -name 'lattop-*-1.txt' | head -1)
[ -n "$written" ] || fail "no fallback name was used: $(capture | tail -2)"
ok "planted symlinks are not followed (wrote $(basename "$written"))"
keys s
sleep 0.3
n=$(find "$SNAPS" -type f -name '*.txt' | wc -l)
[ "$n" -ge 2 ] || fail "a second snapshot in the same second overwrote the first"
ok "a second snapshot gets a new name"
capture | grep -q "snapshot:" || fail "status line does not report the snapshot"
kill -0 "$LATTOP_PID" || fail "lattop died"

# A snapshot directory that is itself a symlink is refused, and the UI goes on.
t kill-server 2>/dev/null
mkdir -p "$TMPD/real"
ln -s "$TMPD/real" "$TMPD/linkdir"
start 100 30 --simulate --seed 2 -i 0.2 --snapshot-dir "$TMPD/linkdir"
wait_for "futex"
keys s
wait_for "it is a symlink"
[ -z "$(ls -A "$TMPD/real")" ] || fail "wrote through a symlinked directory"
keys j
sleep 0.3
kill -0 "$LATTOP_PID" || fail "lattop died after a failed snapshot"
ok "a symlinked snapshot directory is refused with a message; the UI keeps running"
exit 0
