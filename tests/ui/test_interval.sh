#!/usr/bin/env bash
# Issue 11 point 5 at 80x24 and 200x50 over the simulation: '+'/'-' step the
# ladder 0.1 0.2 0.5 1 2 5 10 30 60 s and apply at once. From -i 10, '-'
# pressed down to 0.5 s cuts the running tick: the next tick (the header's
# "up" time moves) arrives within ~0.5 s of the keypress, and the header shows
# the new interval within 100 ms. '+' stops at 60 s, '-' at 0.1 s, and 1 s is
# reachable again from 0.1 s.
. "$(dirname "$0")/lib.sh"

now_ms() { date +%s%3N; }
# ms until the screen shows TEXT (fixed string), polling as fast as tmux answers; 9999 if never.
ms_until() {
	local text=$1 limit_ms=$2 t0 t
	t0=$(now_ms)
	while :; do
		capture | grep -qF -- "$text" && { echo $(($(now_ms) - t0)); return; }
		t=$(now_ms)
		[ $((t - t0)) -gt "$limit_ms" ] && { echo 9999; return; }
	done
}
uptime_field() { capture | head -n 1 | grep -oE 'up [0-9hms]+' | head -n 1; }

for size in 80x24 200x50; do
	start "${size%x*}" "${size#*x}" --simulate --seed 2 -i 10
	wait_for "every 10s" 3
	# The early first frame: data at once, not after 10 s.
	wait_for "futex" 2
	sleep 2.2	# into the 10 s tick, which holds the first frame's "up 0s"
	up0=$(uptime_field)
	[ "$up0" = "up 0s" ] || fail "$size: expected the first frame's 'up 0s', got '$up0'"
	keys -
	ms=$(ms_until "every 5s" 1000)
	[ "$ms" -le 100 ] || fail "$size: header showed 'every 5s' after ${ms} ms (want <= 100)"
	ok "$size: header shows the new interval after ${ms} ms"
	# 5 s from a tick that began > 2 s ago is not due yet; 2 s is: a tick at once.
	keys -
	t0=$(now_ms)
	while [ "$(uptime_field)" = "up 0s" ] && [ $(($(now_ms) - t0)) -lt 3000 ]; do sleep 0.02; done
	dt=$(($(now_ms) - t0))
	[ "$dt" -le 500 ] || fail "$size: the next tick came ${dt} ms after '-' to 2 s (want <= 500)"
	ok "$size: '-' cut the running tick: a tick after ${dt} ms ($(uptime_field))"
	keys - -
	wait_for "every 0.5s" 1
	# Ticks now every 0.5 s: "up" moves within ~1.2 s.
	u1=$(uptime_field)
	sleep 1.2
	[ "$(uptime_field)" != "$u1" ] || fail "$size: no tick at 0.5 s ('$u1' stayed)"
	ok "$size: ticks at the shorter interval"

	# The floor, and back to 1 s.
	for i in 1 2 3 4 5; do keys -; done
	wait_for "every 0.1s" 1
	wait_match "interval 0.1s \(the shortest" 1
	keys + + +
	wait_for "every 1s" 1
	ok "$size: '-' stops at 0.1 s; 1 s is reachable again"
	# The ceiling.
	for i in 1 2 3 4 5 6 7 8; do keys +; done
	wait_for "every 60s" 1
	wait_match "interval 60s \(the longest" 1
	capture | grep -qE "every (120|3276|[0-9]{3,})" && fail "$size: '+' went past 60 s"
	ok "$size: '+' stops at 60 s"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
done
ok "interval ladder applied at once at 80x24 and 200x50"
