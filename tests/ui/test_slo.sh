#!/usr/bin/env bash
# Issue 11 point 8, thresholds: at 80x24 and 200x50 over the seeded simulation
# (fsync p99 ~5 ms, futex ~1 ms, everything under 1 s), --slo 'p99(fsync) < 1ms'
# breaks: the header says "SLO: 1 broken" in the breach colour, the fsync row
# is drawn in the breach colour (escape codes) and marked '!', so is the
# postgres process whose own fsyncs break it, the status line names the
# breach; with --no-color the '!' marks remain. A threshold that holds says
# "SLO ok" and marks nothing. The JSON snapshot carries the verdicts.
. "$(dirname "$0")/lib.sh"

BREACH=$'\e\\[[0-9;]*38;5;203[;m]'	# the default theme's breach colour

for size in 80x24 200x50; do
	mkdir -p "$TMPD/snaps-$size"
	start "${size%x*}" "${size#*x}" --simulate --seed 3 -i 0.2 --slo "'p99(fsync) < 1ms'" \
		--slo "'p99 < 900ms'" --snapshot-dir "$TMPD/snaps-$size"
	wait_match '^!fsync '
	wait_for "SLO: 1 broken"
	wait_match 'SLO broken: p99\(fsync\) [0-9.]+ms > 1ms'
	capture_esc | grep -a 'SLO: 1 broken' | grep -qaE "$BREACH" ||
		fail "$size: the header's SLO flag is not in the breach colour"
	# The escapes before the row's name (the line also holds other panes at 200x50).
	capture_esc | grep -aoE $'^(\e\\[[0-9;]*m)*!fsync ' | grep -qaE "$BREACH" ||
		fail "$size: the fsync row is not in the breach colour"
	capture | grep -qE '^futex ' || fail "$size: futex (p99 < 900ms holds) is marked"
	# The escapes before the futex row's name: not the breach colour.
	capture_esc | grep -aoE $'^(\e\\[[0-9;]*m)*futex ' | grep -qaE "$BREACH" &&
		fail "$size: futex row coloured"
	# 80 columns drop PID: the mark goes on the name; one of the two postgres is marked.
	[ "$(capture | grep -cE '(^| )!(851 )?postgres ')" = 1 ] ||
		fail "$size: not exactly the fsyncing postgres marked"
	capture | grep -qE '!842 ' && fail "$size: postgres 842 (no fsync) marked"
	ok "$size: breaking rows in the breach colour and marked '!', header flag, status names it"

	keys s
	wait_for "snapshot: "
	json=$(ls "$TMPD/snaps-$size"/lattop-*.json | head -1)
	python3 - "$json" <<'PY' || fail "$size: JSON snapshot: slo"
import json, sys
t = json.load(open(sys.argv[1]))
s = t["slo"]
assert [x["expr"] for x in s] == ["p99(fsync) < 1ms", "p99 < 900ms"], s
assert s[0]["broken"] is True and s[0]["actual"] > 1000000 and s[0]["table"] == "syscalls", s[0]
assert s[1]["broken"] is False and s[1]["applies"] is True, s[1]
PY
	ok "$size: JSON snapshot carries the verdicts"
	t kill-server; sleep 0.2

	start "${size%x*}" "${size#*x}" --simulate --seed 3 -i 0.2 --no-color --slo "'p99(fsync) < 1ms'"
	wait_match '^!fsync '
	wait_for "SLO: 1 broken"
	capture | grep -qE '(^| )!(851 )?postgres ' || fail "$size: --no-color: postgres not marked"
	ok "$size: --no-color: the '!' marks and the header flag remain"
	t kill-server; sleep 0.2

	start "${size%x*}" "${size#*x}" --simulate --seed 3 -i 0.2 --slo "'p99 < 900ms'"
	wait_for "futex"
	wait_for "SLO ok"
	sleep 0.6
	capture | grep -qE '^ *!' && fail "$size: a row is marked although every threshold holds"
	ok "$size: thresholds that hold: 'SLO ok', nothing marked"
	t kill-server; sleep 0.2
done

# Without thresholds the header says nothing about SLOs.
start 80 24 --simulate --seed 3 -i 0.2
wait_for "futex"
capture | grep -qE "SLO( ok|:)" && fail "SLO shown without thresholds"
ok "no --slo: no SLO flag"
