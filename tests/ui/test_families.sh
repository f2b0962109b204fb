#!/usr/bin/env bash
# Issue 12, the dashboard side, at 80x24 and 200x50: the syscalls table has
# the WHY column; 'f' puts the run-queue pane, then the block I/O pane, then
# the processes back in the processes pane, each with its own columns, sort
# menu (F6) and a reason when the family is not collected; Esc goes back to
# the processes; the filter takes dev:NAME. Live (root, BPF): the breakdown
# fills WHY ("cpu 100%") and the histogram pane says "p99 ... - N% on CPU".
. "$(dirname "$0")/lib.sh"

for size in 80x24 200x50; do
	start "${size%x*}" "${size#*x}" --simulate --seed 3 -i 0.2
	wait_for "futex"
	wait_match '^SYSCALL .* WHY'
	ok "$size: the syscalls table has a WHY column"

	keys f
	wait_for "Run queue  sort:time"
	wait_match 'WAITS/s'
	screen=$(capture)
	grep -qE 'run-queue latency: (not collected|.*runnable)' <<<"$screen" ||
		grep -qE '^ *[0-9]+ ' <<<"$(capture | sed -n '/Run queue/,$p')" ||
		fail "$size: run-queue pane has neither rows nor a reason"
	grep -qF "Processes  sort" <<<"$screen" && fail "$size: processes still shown next to the run queue"
	ok "$size: f shows the run-queue pane (WAITS/s), with rows or why not"

	keys F6
	wait_for "Sort by"
	wait_match 'WAITS/s +count'
	keys Escape
	wait_gone "Sort by"
	ok "$size: F6 on the run-queue pane offers its own columns"

	keys f
	wait_for "Block I/O  sort:time"
	wait_match 'DEV +'
	wait_match 'IO/s'
	ok "$size: f again: the block I/O pane (DEV, IO/s)"

	keys F6
	wait_for "Sort by"
	wait_match 'DEV +dev'
	keys Down Enter
	wait_for "Block I/O  sort:op"
	ok "$size: F6 sorts the block pane by its own keys (op)"

	keys Escape
	wait_for "Processes  sort:"
	wait_gone "Block I/O"
	ok "$size: Esc on a family pane gives the processes back"

	keys f f f
	wait_for "Functions  sort:"
	keys f
	wait_for "Processes  sort:"
	ok "$size: f cycles run queue, block I/O, functions (the simulation traces some), processes"

	keys / 'dev:sda' Enter
	wait_for "filter: dev:sda"
	keys / C-u 'dev:sd/a'
	wait_for "bad device"
	keys Escape
	ok "$size: the filter takes dev:NAME and says why a bad one is refused"
	keys q
	tagged_gone 5 || fail "$size: lattop did not quit"
	t kill-server 2>/dev/null
done

# Live: the breakdown on screen (root and BPF only).
if [ "$(id -u)" = 0 ] && [ -e /sys/kernel/btf/vmlinux ]; then
	start 200 50 -i 0.5
	if ! screen_has E '^SYSCALL ' 10; then
		echo "SKIP: live lattop did not start here"
		capture
		exit 77
	fi
	wait_match '(cpu|runq|io|blk) [0-9]+%'
	wait_match 'p99 [0-9.]+[mun]?s - [0-9]+% (on CPU|waiting|blocked)'
	ok "live: WHY cells and the histogram's breakdown sentence"
	keys q
fi
exit 0
