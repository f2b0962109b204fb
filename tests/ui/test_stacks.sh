#!/usr/bin/env bash
# Issue 14, the stacks view, with the simulation's --slow stacks at 80x24 and
# 120x40, and a resize while it is open: 'S' on a syscall row shows its slow
# calls' stacks (counts, max, kernel then user frames, the frameless-leaf
# note), Down / End scroll it, Enter in the histogram opens it for a function
# row, 's' writes a snapshot whose text file has the frames, 'D' changes the
# threshold (header), refuses a bad duration, and 'off' stops the stacks.
. "$(dirname "$0")/lib.sh"

SNAPS=$TMPD/snaps
mkdir -p "$SNAPS"

for size in 80x24 120x40; do
	cols=${size%x*} rows=${size#*x}
	start "$cols" "$rows" --simulate --seed 3 -i 0.2 --slow 5ms --snapshot-dir "$SNAPS"
	wait_for "slow>5.00ms stacks dropped 0"
	ok "$size: the header says the threshold and the stacks dropped"

	# Only fsync in the syscalls table: the selected row is fsync (postgres' WAL writer).
	keys / 'sys:fsync' Enter
	wait_for "filter: sys:fsync"
	wait_match '^fsync +[0-9]'
	keys S
	wait_for "Stacks of slow calls (>5.00ms): fsync"
	wait_match '#1 +[0-9]+ calls \([0-9]+ this tick\) +max [0-9.]+(ms|s) +fsync in postgres\[851\]' 10
	wait_for "kernel:"
	wait_for "ext4_sync_file"
	wait_for "starts in a frameless leaf: its first caller may be missing"
	ok "$size: S shows fsync's stacks: counts, max, kernel frames, the leaf note"

	# Two stacks of 17 lines each: more than a screen at 80x24, all of it at 120x40.
	if [ "$rows" -le 24 ]; then
		wait_match ' 1-18/3[0-9] '
		keys Down
		wait_match ' 2-19/3[0-9] '
		capture | grep -q '│#1 ' && fail "$size: Down did not scroll the first line away"
		keys End
		wait_match ' [0-9]+-(3[0-9])/\1 '
		wait_match '#2 +[0-9]+ calls'
		capture | grep -qE '│ +main +│' || fail "$size: End does not show the last user frame (main)"
		ok "$size: Down and End scroll the stacks view"
		t resize-window -x 120 -y 40
		wait_for "Stacks of slow calls (>5.00ms): fsync"
		wait_match ' [0-9]+-(3[0-9])/\1 '	# still at the end, clamped to the taller view
		keys Home
		wait_match '#1 +[0-9]+ calls'
		wait_match '#2 +[0-9]+ calls'
		ok "resize to 120x40 with the view open: it shows both stacks at once"
		t resize-window -x 80 -y 24
		wait_match ' [0-9]+-[0-9]+/3[0-9] '
	else
		wait_match '#2 +[0-9]+ calls'
		wait_for "jbd2_log_wait_commit"
		wait_for "issue_xlog_fsync"
	fi

	keys s
	wait_for "snapshot: $SNAPS/lattop-"
	txt=$(ls -t "$SNAPS"/lattop-*.txt | head -1)
	grep -qF -- "--- stacks of slow calls of the selected row" "$txt" || fail "$size: snapshot lacks the stacks section"
	grep -qE '^#1 +[0-9]+ calls .* fsync in postgres\[851\]' "$txt" || fail "$size: snapshot lacks stack #1"
	grep -qE '^#2 +[0-9]+ calls' "$txt" || fail "$size: snapshot lacks stack #2"
	for frame in ext4_sync_file jbd2_log_wait_commit issue_xlog_fsync XLogWrite WalWriterMain; do
		grep -qE "^ +$frame\$" "$txt" || fail "$size: snapshot lacks frame $frame"
	done
	ok "$size: s writes a snapshot whose text has both stacks with their frames"
	rm -f "$SNAPS"/*

	# A function row: the Functions pane, Tab to the histogram, Enter.
	keys Escape
	wait_gone "Stacks of slow calls"
	keys f f f
	wait_for "Functions  sort:"
	keys Tab
	wait_for "histogram: Up/Down scroll"
	keys Enter
	wait_match 'Stacks of slow calls \(>5.00ms\): (postgres\[842\]|nginx\[120[12]\])'
	wait_match '#1 +[0-9]+ calls \([0-9]+ this tick\) +max [0-9.]+(ms|s) +function in' 10
	wait_for "user:"
	wait_match '│ +(PostgresMain|ngx_worker_process_cycle) +│'
	ok "$size: Enter in the histogram shows a function row's stacks (user frames)"
	keys S
	wait_gone "Stacks of slow calls"

	keys D
	wait_for "slow calls' stacks above> 5.00ms"
	keys C-u 5x Enter
	wait_for "'5x' is no duration"
	keys C-u 20ms Enter
	wait_match 'slow>20(\.0)?ms stacks dropped 0'
	ok "$size: D refuses a bad duration and sets 20ms (header)"
	keys D C-u off Enter
	wait_gone "slow>"
	wait_for "--slow off: no more stacks"
	keys S
	wait_for "no stacks: --slow is off"
	ok "$size: D off turns the stacks off"
	keys q
	tagged_gone 5 || fail "$size: lattop did not quit"
	t kill-server 2>/dev/null
done
exit 0
