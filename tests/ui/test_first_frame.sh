#!/usr/bin/env bash
# Issue 11 point 11 at 80x24 and 200x50 over the simulation at -i 10: the
# first frame shows data within a second (the dashboard's first tick is
# short, and says so by its own "up" and rates), not after a whole tick; the
# 'l' (fine) histogram lists only slots with counts, a run of empty slots as
# one "…" line, never rows of 0 (a 150 ms first tick has sparse histograms:
# before, they showed dozens of 0 rows between used slots).
. "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }
zero_rows() { capture | grep -cE '[0-9.]+(ns|us|ms|s) │ 0( |$)'; }

for size in 80x24 200x50; do
	t0=$(now_ms)
	start "${size%x*}" "${size#*x}" --simulate --seed 5 -i 10
	wait_for "futex" 2
	dt=$(($(now_ms) - t0))
	[ "$dt" -le 1500 ] || fail "$size: first data after ${dt} ms at -i 10"
	wait_match " p50 [0-9]" 1
	ok "$size: first frame with data after ${dt} ms (interval 10 s)"

	keys l
	wait_for "(fine)" 1
	gap=0
	for i in 1 2 3 4 5 6 7 8; do
		sleep 0.1
		z=$(zero_rows)
		[ "$z" -eq 0 ] || fail "$size: the fine view shows $z rows of 0"
		capture | grep -qE '^ *… │|…' && gap=1
		keys Down
	done
	[ "$gap" = 1 ] || fail "$size: no '…' line for a run of empty slots in 8 histograms"
	ok "$size: fine view: only used slots, empty runs as one '…' line"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
done
ok "first frame at once; fine histogram without rows of 0"
