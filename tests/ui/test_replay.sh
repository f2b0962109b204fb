#!/usr/bin/env bash
# The dashboard on a recording (made here with record --simulate): the
# header says REPLAY and the tick; Space pauses the replay itself (the tick
# number stops); '.' and ',' step by exactly one; '[' and ']' jump to the
# first and last tick; the end of the recording is shown and the dashboard
# stays. At 80x24 and 160x45.
. "$(dirname "$0")/lib.sh"

TICKS=30
REC=$TMPD/run.rec
"$LATTOP" record --simulate --seed 3 -i 0.1 -n $TICKS -o "$REC" 2>/dev/null ||
	fail "record --simulate"

# The tick number the header shows: "REPLAY tick N/30".
tick() { capture | sed -n 's/.*REPLAY tick \([0-9]*\)\/'$TICKS'.*/\1/p' | head -n 1; }

# wait_tick N: until the header shows tick N.
wait_tick() {
	local i
	for i in $(seq 1 50); do
		[ "$(tick)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "header never showed tick $1 (shows '$(tick)')"
}

for size in 80x24 160x45; do
	# Slow replay (1/4 speed: 0.4 s per tick) so that the steps below are not raced by it.
	start "${size%x*}" "${size#*x}" replay "$REC" --ui --speed 0.25
	wait_for "REPLAY tick" 5 || fail "$size: no REPLAY in the header"
	wait_for "REPLAY of" 5 || fail "$size: the features line does not name the recording"
	capture | grep -qF "run.rec" || fail "$size: the file name is not shown"
	ok "$size: the header says replay, of which file"
	wait_tick 2
	keys Space
	wait_for "PAUSED" 3 || fail "$size: Space did not pause"
	sleep 0.3
	t0=$(tick)
	sleep 1.2	# three recorded ticks at this speed
	[ "$(tick)" = "$t0" ] || fail "$size: the replay went on while paused ($t0 -> $(tick))"
	ok "$size: pause stops the replay at tick $t0"
	keys .
	wait_tick $((t0 + 1))
	keys .
	wait_tick $((t0 + 2))
	keys ,
	wait_tick $((t0 + 1))
	ok "$size: . and , step by one ($t0 -> $((t0 + 2)) -> $((t0 + 1)))"
	keys ]
	wait_tick $TICKS
	keys [
	wait_tick 1
	ok "$size: [ and ] jump to tick 1 and $TICKS"
	keys ]
	wait_tick $TICKS
	keys .
	wait_for "REPLAY tick $TICKS/$TICKS END" 3 || fail "$size: END not shown after the last tick"
	wait_for "end of recording" 3 || fail "$size: no 'end of recording' status"
	ok "$size: the end of the recording is shown"
	keys ,
	wait_tick $((TICKS - 1))
	capture | grep -qF " END" && fail "$size: END still shown after a step back"
	# Resumed, the replay runs to the end and the dashboard stays there.
	keys Space
	wait_for "REPLAY tick $TICKS/$TICKS END" 5 || fail "$size: resumed replay did not reach the end"
	sleep 0.5
	kill -0 "$LATTOP_PID" 2>/dev/null || fail "$size: the dashboard left at the end"
	ok "$size: resumed, it runs to the end and stays"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	tagged_gone || fail "$size: lattop left behind after q"
	t kill-server 2>/dev/null
done
