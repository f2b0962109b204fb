#!/usr/bin/env bash
# Fast process churn, live (real BPF), at 80x24 and 200x50: a steady busy
# process (dd renamed "steadybusy", bs=1, started before lattop) and a shell
# that spawns short-lived processes (~100/s) for the whole run. The
# processes table, sorted by calls and never touched by the operator, must
# keep the busy process on its top line every tick: its selection is the top
# line, not the row it first landed on (src/ui/selection.c), so it never
# scrolls down after a sinking row. And one-tick processes are not held
# (src/ui/row_settle.h): the held rows (0 calls, "-") on screen stay few.
# Before the fixes the busy row could leave the screen (tests/ui/
# test_row_hold.sh caught that) and held rows filled the table (by hand,
# ~190 processes/s: 11 of 14 lines at 200x50; this test: up to 6 at 80x24).
. "$(dirname "$0")/lib.sh"

require_live_bpf
cp /bin/dd "$TMPD/steadybusy" || fail "copy dd"
write_settings 'sort.processes = calls\n'

BUSY_PID="" CHURN_PID=""
stop_load() {
	[ -n "$BUSY_PID" ] && kill "$BUSY_PID" 2>/dev/null
	[ -n "$CHURN_PID" ] && kill "$CHURN_PID" 2>/dev/null
	wait 2>/dev/null
	BUSY_PID="" CHURN_PID=""
}
trap 'stop_load; cleanup' EXIT

# start_load: the busy process and the churn, started before lattop. Bounded:
# at most 60 s and 20,000 processes whatever happens to the test.
start_load() {
	"$TMPD/steadybusy" if=/dev/zero of=/dev/null bs=1 count=1000000000 2>/dev/null &
	BUSY_PID=$!
	(
		end=$((SECONDS + 60))
		for ((n = 0; n < 20000 && SECONDS < end; n++)); do
			/bin/true
			sleep 0.01
		done
	) &
	CHURN_PID=$!
}

# run LABEL COLS ROWS: frames for 8 ticks (by the header's "up Ns").
run() {
	local label=$1 frame up ups="" first bad=0 frames=0 held max_held=0 i
	start_load
	start "$2" "$3" -i 1 --max-keys 32768
	wait_for "Processes" 10
	wait_match "(^|[^0-9])$BUSY_PID steadybusy " 20
	for i in $(seq 1 120); do
		frame=$(capture)
		up=$(sed -n 1p <<<"$frame" | grep -o 'up [0-9]*s')
		# The processes table's first line: the one after its column header.
		first=$(sed -n '/PID COMMAND/{n;p;q}' <<<"$frame")
		frames=$((frames + 1))
		if ! grep -qE "(^|[^0-9])$BUSY_PID steadybusy" <<<"$first"; then
			bad=$((bad + 1))
			printf '%s\n' "$frame" >"$TMPD/bad-$label"
		fi
		held=$(sed -n '/PID COMMAND/,$p' <<<"$frame" | grep -cE "[0-9]+ [^ ].* +0 +- ")
		[ "$held" -gt "$max_held" ] && max_held=$held
		ups+=" $up"
		[ "$(tr ' ' '\n' <<<"$ups" | grep . | sort -u | wc -l)" -ge 9 ] && break
		sleep 0.25
	done
	kill -0 "$CHURN_PID" 2>/dev/null || fail "$label: the churn ended early: not measured under churn"
	# The load goes first. Under ASan, quitting after a churn run took 29-54 s
	# by hand on a busy 2-core VM, and over 60 s in the full suite: 180 s there.
	stop_load
	keys q
	pid_gone "$LATTOP_PID" "$([ -n "${ASAN_LOG_DIR:-}" ] && echo 180 || echo 60)" ||
		fail "$label: q did not quit"
	t kill-server 2>/dev/null
	[ "$bad" = 0 ] || { cat "$TMPD/bad-$label"; fail "$label: steadybusy not on the top line in $bad of $frames frames"; }
	# A process that straddles two ticks may be held; a table of them is the defect.
	[ "$max_held" -le 3 ] || fail "$label: up to $max_held held rows on screen"
	ok "$label: steadybusy on the top line in all $frames frames over 8 ticks; at most $max_held held rows"
}

run 80x24 80 24
run 200x50 200 50
