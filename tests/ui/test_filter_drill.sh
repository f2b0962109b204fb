#!/usr/bin/env bash
# At 80x24, 120x40 and 200x50: a typed filter narrows the tables (name, pid:,
# sys:, combinations; a bad one is reported and not applied; Esc in an empty
# prompt clears it); Enter drills down and Esc/Backspace come back; pickers,
# sort keys, pause and cumulative.
. "$(dirname "$0")/lib.sh"

# The rows of the processes table: "PID COMM" lines of the screen.
proc_rows() {
	capture | grep -oE '(^| )[0-9]{2,7} [a-z][a-z-]* +[0-9.]+[kM]? +[0-9.]+(ns|us|ms|s)( |$)' |
		awk '{print $2}' | sort -u
}

one_size() {
	local size=$1
	# --no-clients: the Tab/BTab sequences below cycle two panes, not three
	start "${size%x*}" "${size#*x}" --simulate --seed 1 -i 0.2 --no-clients
	wait_for "postgres"
	wait_for "nginx"
	keys / r e d i s Enter
	wait_for "filter: redis"
	wait_gone "postgres"
	wait_gone "nginx"
	capture | grep -qF "redis-server" || fail "$size: filter removed the matching process"
	ok "$size: name filter narrows the processes table"

	keys / C-u "sys:fsync" Enter
	wait_for "filter: sys:fsync"
	screen=$(capture)
	grep -qE '^(epoll_wait|futex|read|write) ' <<<"$screen" && fail "$size: sys filter left other syscalls"
	grep -qE '^fsync ' <<<"$screen" || fail "$size: fsync missing"
	ok "$size: syscall filter narrows the syscalls table"

	keys / C-u "pid:2301" Enter
	wait_for "filter: pid:2301"
	wait_gone "postgres"
	[ "$(proc_rows)" = java ] || fail "$size: pid:2301 shows $(proc_rows | tr '\n' ' ')"
	ok "$size: pid filter"

	keys / C-u "nginx sys:read,write" Enter
	wait_for "filter: nginx sys:read,write"
	screen=$(capture)
	grep -qE '^(epoll_wait|futex|fsync) ' <<<"$screen" && fail "$size: combined filter kept other syscalls"
	[ "$(proc_rows)" = nginx ] || fail "$size: combined filter shows $(proc_rows | tr '\n' ' ')"
	ok "$size: name + syscall filter"

	keys / C-u bad:term Enter
	wait_for "unknown filter 'bad:'"
	capture | grep -qF "filter: nginx sys:read,write" || fail "$size: a bad filter replaced the old one"
	ok "$size: a bad filter is reported on the status line, not applied"
	keys / C-u Escape
	wait_for "filter: (none)"
	wait_for "postgres"
	ok "$size: Esc in an empty prompt clears the filter"
	keys F4
	wait_for "filter>"
	keys x Escape
	wait_gone "filter>"
	capture | grep -qF "filter: (none)" || fail "$size: Esc on a non-empty prompt changed the filter"
	ok "$size: F4 opens the prompt; Esc with text only closes it"

	# Drill down from a syscall to its per-process breakdown and back.
	keys Home Enter
	wait_for "Processes calling"
	wait_for "(Esc: back)"
	keys Escape
	wait_gone "Processes calling"
	wait_for "Processes  sort"
	ok "$size: Enter drills down, Esc goes back (syscall)"
	keys Tab Enter
	wait_for "Syscalls of"
	keys BSpace
	wait_gone "Syscalls of"
	ok "$size: Enter drills down, Backspace goes back (process)"
	keys BTab

	# Sorting.
	keys '>'
	wait_for "Syscalls  sort:name"
	keys '<'
	wait_for "Syscalls  sort:time"
	keys I
	wait_for "sort:time asc"
	keys I
	wait_gone "sort:time asc"
	ok "$size: >/</I sort and invert"

	# Pickers and pause.
	keys p
	wait_for "Pick a process"
	keys Enter
	wait_for "filter: pid:"
	keys y
	wait_for "Pick a syscall"
	keys Escape
	wait_gone "Pick a syscall"
	keys y
	wait_for "Pick a syscall"
	keys Enter
	# "filter: pid:" is on screen already: wait for the sys term itself.
	wait_match "filter: pid:[0-9]+ sys:[a-z_0-9]+"
	ok "$size: pickers set pid and syscall filters"
	keys Space
	wait_for "PAUSED"
	keys Space
	wait_gone "PAUSED"
	ok "$size: pause and resume"
	keys c
	wait_for "CUMULATIVE"
	keys c
	wait_gone "CUMULATIVE"
	ok "$size: cumulative toggle"
	keys +
	wait_for "every 0.4s"
	keys -
	wait_for "every 0.2s"
	ok "$size: +/- change the interval"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
}

for size in 80x24 120x40 200x50; do
	one_size "$size"
done
exit 0
