#!/usr/bin/env bash
# Every pane is present at 80x24, 120x40 and 200x50 over the simulation source.
. "$(dirname "$0")/lib.sh"

for size in 80x24 120x40 200x50; do
	start "${size%x*}" "${size#*x}" --simulate --seed 1 -i 0.2
	wait_for "Syscalls"
	wait_for "epoll_wait"
	screen=$(capture)
	for want in "lattop" "SIMULATED" "events/s" "lost" "evicted" "filter:" \
		"Syscalls" "CALLS/s" "P99" "Processes" "COMMAND" "latency" "calls  p50" \
		"F1Help" "qQuit"; do
		grep -qF -- "$want" <<<"$screen" || fail "$size: '$want' missing"
	done
	# The histogram has quantize rows with bars.
	grep -qE '[0-9.]+(ns|us|ms|s) +│█' <<<"$screen" || fail "$size: no histogram bars"
	[ "$(wc -l <<<"$screen")" -eq "${size#*x}" ] || fail "$size: screen height"
	ok "$size: all panes present"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
done
# Help is generated from the key table.
start 80 24 --simulate -i 0.2
wait_for "Syscalls"
keys F1
wait_for "Help: keys"
wait_for "drill down"
keys Escape
wait_gone "Help: keys"
ok "help opens and closes"
