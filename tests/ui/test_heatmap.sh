#!/usr/bin/env bash
# Issue 11 point 8, history: at 80x24 and 200x50 over the seeded simulation,
# 'H' turns the histogram pane into the selected row's heatmap (title says
# "heatmap", latency labels on the left, "now" under the newest column);
# in colour its cells are background shades (escape codes), with --no-color
# the density ramp " .:-=+*#%@"; the newest column on the right changes as
# ticks come; 'H' again gives the histogram back. The P99~ sparkline column
# shows block glyphs at 200x50 (ASCII with a non-UTF-8 locale). A replay's
# heatmap spans the whole recording with the tick shown marked '^'. The
# snapshot files carry the heatmap: an ASCII section and a JSON matrix whose
# dimensions match its bucket and tick lists.
. "$(dirname "$0")/lib.sh"
# P99~ is off by default (it costs bytes every tick): this operator's settings file shows it.
write_settings 'hide.syscalls =\nhide.processes =\n'

# The heatmap's plot lines ("  16.8ms │ cells"), cut to the histogram pane: it
# starts where its title rule does, and ends where another pane's title begins.
plot() {
	capture | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
top = next((i for i, l in enumerate(lines) if " heatmap, " in l), None)
if top is None:
    sys.exit(0)
t = lines[top]
start = t.rfind("─", 0, t.index(" heatmap, ")) - 0
start = t.rfind(" ─", 0, t.index(" heatmap, "))
start = 0 if start < 0 else start + 1
m = re.search("─ [A-Z]", t[t.index(" heatmap, "):])
end = t.index(" heatmap, ") + m.start() if m else len(t)
for l in lines[top + 1:]:
    seg = l[start:end]
    m = re.match(r"^ *[0-9.]+(ns|us|ms|s) +[│|]", seg)
    if not m:
        if seg.startswith("ago") or seg.startswith("time"):
            break
        continue
    print(seg[m.end():].rstrip())
'
}

for size in 80x24 200x50; do
	cols=${size%x*}
	start "$cols" "${size#*x}" --simulate --seed 3 -i 0.2
	wait_for "futex"
	keys H
	wait_for "heatmap, last 120 ticks"
	wait_match '[0-9.]+(ns|us|ms) +│'
	wait_match '(^| )ago +-[0-9]+s +.*now'
	# Colour: cells are blanks on a heat background (256 colours: 17 25 35 178 196).
	capture_esc | grep -qE $'\e\\[[0-9;]*48;5;(17|25|35|178|196)[;m]' ||
		fail "$size: no heat background colours in the heatmap"
	ok "$size: H shows the heatmap in colour shades, latency labels left, 'now' at the bottom"
	keys H
	wait_gone "heatmap, last"
	wait_match '─ [a-z0-9_]+ latency '	# the selected row's histogram (ranks move between ticks)
	ok "$size: H again: the histogram"
	t kill-server; sleep 0.2

	start "$cols" "${size#*x}" --simulate --seed 3 -i 0.2 --no-color
	wait_for "futex"
	keys H
	wait_for "heatmap, last 120 ticks"
	sleep 1
	p1=$(plot)
	grep -qE '[.:=+*#%@-]' <<<"$p1" || fail "$size: --no-color: no ramp characters: $p1"
	grep -qE '[^ .:=+*#%@-]' <<<"$(tr -d '\n' <<<"$p1")" && fail "$size: --no-color: cells other than the ramp: $p1"
	w1=$(awk '{ print length($0) }' <<<"$p1" | sort -n | tail -1)
	sleep 1.2
	p2=$(plot)
	w2=$(awk '{ print length($0) }' <<<"$p2" | sort -n | tail -1)
	[ "$p1" != "$p2" ] || fail "$size: the heatmap did not change over 6 ticks"
	[ "$w2" -gt "$w1" ] || [ "$w2" -ge $((cols / 2 - 12)) ] ||
		fail "$size: no new column on the right after ticks ($w1 -> $w2 cells)"
	ok "$size: --no-color: density ramp, new columns on the right after ticks ($w1 -> $w2)"
	if [ "$size" = 200x50 ]; then
		capture | grep -qE '^SYSCALL .* P99~' || fail "$size: no P99~ column in the syscalls table"
		capture | grep -qE '^ +PID COMMAND .* P99~' || fail "$size: no P99~ column in the processes table"
		capture | grep -qE '^futex .*[▁▂▃▄▅▆▇█]{8}' || fail "$size: no sparkline on the futex row"
		ok "$size: P99~ sparkline column in both tables"
	fi
	t kill-server; sleep 0.2
done

# ASCII sparkline where the locale is not UTF-8.
UI_LANG=C start 200 50 --simulate --seed 3 -i 0.2
wait_for "futex"
sleep 2
capture | grep -qE '^futex .*[_.=^-]{8}' || fail "C locale: no ASCII sparkline on the futex row"
capture | grep -q '[▁▂▃▄▅▆▇█]' && fail "C locale: block glyphs drawn"
ok "C locale: ASCII sparkline"
t kill-server; sleep 0.2

# Replay: the whole recording, the tick shown marked.
( cd "$TMPD" && "$LATTOP" record --simulate --seed 3 -i 0.1 -d 6 -o rec.lat >/dev/null 2>&1 ) ||
	fail "record failed"
mkdir -p "$TMPD/snaps"
start 140 30 replay rec.lat --no-color --snapshot-dir "$TMPD/snaps"
wait_for "REPLAY"
wait_match '^futex '
keys Space
wait_for "PAUSED"
keys H
wait_for "heatmap, whole recording"
wait_match '(^| )time +.*3s +[56]s'
capture | grep -E '(^| )time +' | grep -qE ' \^ ' || fail "replay: no '^' marking the tick shown"
n=$(plot | awk '{ print length($0) }' | sort -n | tail -1)
[ "$n" -ge 25 ] || fail "replay: the heatmap spans only $n columns"
ok "replay: heatmap over the whole recording ($n columns), the tick shown marked '^'"

keys s
wait_for "snapshot: "
txt=$(ls "$TMPD"/snaps/lattop-*.txt | head -1)
json=${txt%.txt}.json
grep -q '^# heatmap of .*(the whole recording)' "$txt" || fail "text snapshot lacks the heatmap section"
sed -n '/^# heatmap of/,$p' "$txt" | grep -qE '^ *[0-9.]+(ns|us|ms|s) \|[ .:=+*#%@-]+$' ||
	fail "text snapshot: no ASCII heatmap lines"
python3 - "$json" <<'PY' || fail "JSON snapshot: heatmap matrix"
import json, sys
t = json.load(open(sys.argv[1]))
h = t["heatmap"]
assert h["replay"] is True
nb, nt = len(h["bucket_lower_ns"]), len(h["ticks"])
assert nb >= 3 and nt == 60, (nb, nt)	# 60 ticks recorded, one column each
assert len(h["bucket_upper_ns"]) == nb
assert len(h["counts"]) == nb and all(len(r) == nt for r in h["counts"]), "matrix is buckets x ticks"
assert sum(map(sum, h["counts"])) > 0
assert all(h["bucket_lower_ns"][i] < h["bucket_lower_ns"][i + 1] for i in range(nb - 1))
assert h["ticks"][0]["seq_first"] == 1 and h["ticks"][-1]["seq_last"] == 60
assert 0 <= h["now_col"] < nt
assert t["slo"] == []
PY
ok "snapshot: ASCII heatmap section; JSON heatmap matrix buckets x ticks"
