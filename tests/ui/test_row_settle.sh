#!/usr/bin/env bash
# Rows keep their line under small changes (src/ui/row_settle.c): on a
# recording stepped one tick at a time ('.'), two rows of a table sorted by
# calls (requests for clients) swap places only when one of them moved past
# the band (25 %, or a count's noise 2 sqrt(n)) from a value it showed
# before; no row sits far above a row with many more calls (the order stays
# right); and at least once a row was held above one with a few more calls
# (what a plain sort would have swapped). 80x24, resized to 200x50 half-way
# (the order survives the resize), then 200x50 from the start.
. "$(dirname "$0")/lib.sh"

TICKS=30
STEPS=24
REC=$TMPD/run.rec
"$LATTOP" record --simulate --seed 3 -i 0.1 -n $TICKS -o "$REC" 2>/dev/null ||
	fail "record --simulate"
write_settings 'sort.syscalls = calls\nsort.processes = calls\n'

tick() { capture | sed -n 's/.*REPLAY tick \([0-9]*\)\/'$TICKS'.*/\1/p' | head -n 1; }
wait_tick() {
	local i
	for i in $(seq 1 50); do
		[ "$(tick)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "header never showed tick $1 (shows '$(tick)')"
}

# check FRAMES_DIR LABEL: the frames' tables, judged by tests/ui/row_settle_check.py.
check() {
	python3 "$(dirname "$0")/row_settle_check.py" "$1" || fail "$2: see above"
	ok "$2: $(python3 "$(dirname "$0")/row_settle_check.py" "$1" | tail -n 1)"
}

run() {	# run LABEL COLS ROWS RESIZE_AT(0: never)
	local label=$1 dir=$TMPD/frames-$1 n
	mkdir -p "$dir"
	start "$2" "$3" replay "$REC" --ui --speed 0.25
	wait_for "REPLAY tick" 5
	keys '['
	wait_tick 1
	capture >"$dir/001"
	for n in $(seq 2 $STEPS); do
		if [ "$n" = "$4" ]; then
			t resize-window -x 200 -y 50
			sleep 0.3
		fi
		keys '.'
		wait_tick "$n"
		sleep 0.1	# the whole frame, not the header alone
		capture >"$dir/$(printf %03d "$n")"
	done
	keys q
	pid_gone "$LATTOP_PID" || fail "$label: q did not quit"
	t kill-server 2>/dev/null
	check "$dir" "$label"
}

run 80x24-resized 80 24 12
run 200x50 200 50 0
