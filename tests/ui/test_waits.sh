#!/usr/bin/env bash
# Issue 11 point 1 at 80x24 and 200x50 over the simulation (its sleeper makes
# only clock_nanosleep, a wait; nginx & co. wait in epoll_wait): the default
# view is the work view (header says so, wait rows and the sleeper hidden, work
# rows shown); 'w' shows the waits, marked "(wait)", and the header says so;
# 'w' again hides them. The help screen scrolls to the column glossary.
. "$(dirname "$0")/lib.sh"

syscall_rows() { capture | sed -n '/^SYSCALL /,/─\|^-/p'; }

for size in 80x24 200x50; do
	start "${size%x*}" "${size#*x}" --simulate --seed 3 -i 0.2
	wait_for "futex"
	sleep 0.5	# a few ticks: every busy row has been seen
	screen=$(capture)
	grep -qF "view:WORK (w: +waits)" <<<"$screen" || fail "$size: header does not say work view"
	grep -qE '^(futex|fsync|read|write) ' <<<"$screen" || fail "$size: no work rows"
	grep -qE 'epoll_wait|clock_nanosleep|\(wait\)' <<<"$screen" &&
		fail "$size: the work view shows wait rows"
	grep -qF "sleeper" <<<"$screen" && fail "$size: the work view shows the sleeper (only waits)"
	ok "$size: work view by default: wait rows and the sleeper hidden, header says so"

	keys w
	wait_for "view:WORK+WAITS (w: work)"
	wait_match '^(clock_nanosleep|epoll_wait) \(wait\) '
	screen=$(capture)
	# Summed wait time dwarfs the work: the waits sort first by time.
	first=$(syscall_rows | sed -n 2p)
	grep -qE '^(clock_nanosleep|epoll_wait) \(wait\)' <<<"$first" ||
		fail "$size: first row in the waits view is not a wait: '$first'"
	grep -qE '^futex ' <<<"$screen" || fail "$size: the waits view lost the work rows"
	wait_for "sleeper"
	wait_match '^clock_nanosleep \(wait\) '
	ok "$size: 'w' shows the waits, marked (wait), sorted by time, header says so"

	keys w
	wait_for "view:WORK (w: +waits)"
	wait_gone "(wait)"
	ok "$size: 'w' again: back to the work view"

	# The help screen: the key, and the column glossary after scrolling.
	keys '?'
	wait_for "Help: keys and columns"
	# Scroll through the whole help, one line at a time, keeping every screen.
	: >"$TMPD/help.txt"
	for ((i = 0; i < 160; i++)); do
		capture >>"$TMPD/help.txt"
		capture | grep -qE 'lines [0-9]+-([0-9]+) of \1 |^ *Histograms' && break
		keys Down
		sleep 0.05
	done
	grep -qE '^ *w +work view' "$TMPD/help.txt" || fail "$size: help has no w key line"
	for want in "TIME%" "share of the summed latency" "not CPU" "SLOWEST" "LIFE P99" ">PORT" \
		"P50 P99 MAX"; do
		grep -qF -- "$want" "$TMPD/help.txt" || fail "$size: help glossary lacks '$want'"
	done
	keys End
	wait_for "Histograms"
	ok "$size: help lists the w key and ends with the column glossary (TIME%, LIFE P99, >PORT)"
	keys Escape
	wait_gone "Help: keys"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
done
ok "work/waits view at 80x24 and 200x50"
