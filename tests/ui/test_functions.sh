#!/usr/bin/env bash
# Issue 14, the Functions pane, with the simulation's function rows (postgres'
# exec_simple_query and its query__start->query__done USDT span, nginx'
# request handlers) at 80x24 and 120x40, and a resize: 'f' reaches the pane,
# FUNCTION values are shown (too long ones as head…tail; BINARY when wide enough), the histogram pane
# shows the selected function, F6 sorts by function, fn:TEXT narrows the
# pane and leaves the syscalls table alone, a too long fn: value is refused
# (the prompt takes printable ASCII only; other bad values: unit tests).
. "$(dirname "$0")/lib.sh"

# The function names in the Functions table, top to bottom (at 80 columns the
# table is right of the histogram: names are not at the start of a line).
# A USDT span's name is cut in the middle when narrow: any postgresql: row counts as one.
func_rows() { capture | sed -n '/ FUNCTION /,$p;/^FUNCTION /,$p' |
	grep -oE '(exec_simple_query|ngx_http_[a-z_]+|postgresql:[a-z_]*)' | sed 's/^postgresql:.*/postgresql:/'; }

for size in 80x24 120x40; do
	cols=${size%x*} rows=${size#*x}
	start "$cols" "$rows" --simulate --seed 3 -i 0.2
	wait_for "futex"
	keys f f f
	wait_for "Functions  sort:time"
	wait_match '(^| )FUNCTION +'
	wait_match '(^| )exec_simple_query +[0-9a-z]'
	# Too long for the column: head and tail around the cut (the tails tell handlers apart).
	[ "$cols" -lt 120 ] && wait_match '(^| )ngx_http_p[a-z_]*(…|~)[a-z_]*_request +[0-9]'
	wait_for "functions: a uprobe costs ~2-15us a call"
	[ "$cols" -ge 120 ] && wait_for "uprobes ~2-15us/call"
	screen=$(capture)
	grep -qF "Processes  sort" <<<"$screen" && fail "$size: processes still shown next to Functions"
	ok "$size: f f f shows the Functions pane with FUNCTION values and says the uprobe cost"
	if [ "$cols" -ge 120 ]; then
		wait_match '^FUNCTION +BINARY +PID'
		wait_match '^postgresql:[a-z_]*(…|~)[a-z_>-]*query__done +postgres +842 '
		wait_match '^ngx_http_process_request +nginx +1202 '
		ok "$size: BINARY (the file name) and PID columns"
	fi
	wait_match 'function (postgres\[842\]|nginx\[120[12]\])'
	ok "$size: the histogram pane shows the selected function"

	keys F6
	wait_for "Sort by"
	wait_match 'FUNCTION +function'
	keys Enter
	wait_for "Functions  sort:function"
	# Names A-Z: exec_simple_query, ngx_http_process_request (x2), ngx_http_static_handler, postgresql:...
	first=$(func_rows | head -1)
	case $first in exec_simple_query*) ;; *) fail "$size: sort:function does not start with exec_simple_query: $first" ;; esac
	ok "$size: F6 sorts the pane by function name"

	keys / 'fn:ngx' Enter
	wait_for "filter: fn:ngx"
	wait_gone "exec_simple_query"
	wait_gone "postgresql:query"
	wait_match '(^| )ngx_http_static_handler +[0-9a-z]'
	wait_match '^futex +'
	[ "$(func_rows | grep -vc '^ngx_http_')" = 0 ] || fail "$size: fn:ngx left other functions: $(func_rows)"
	ok "$size: fn:ngx leaves only nginx' functions and keeps the syscalls table"

	keys / C-u 'fn:query' Enter
	wait_for "filter: fn:query"
	wait_match '(^| )exec_simple_query +[0-9a-z]'
	wait_gone "ngx_http"
	[ "$(func_rows | sort -u | tr '\n' ' ')" = "exec_simple_query postgresql: " ] ||
		fail "$size: fn:query shows $(func_rows)"
	ok "$size: fn:query: a substring, exec_simple_query and the USDT span"

	long=$(printf 'f%.0s' $(seq 64))
	keys / C-u "fn:$long"
	keys Enter
	wait_match "filter: function 'f+[.][.][.]' longer than 63 bytes"
	wait_for 'filter: fn:query'
	wait_match '(^| )exec_simple_query +[0-9a-z]'
	ok "$size: a bad fn: value is refused with a reason"

	if [ "$size" = 80x24 ]; then
		t resize-window -x 120 -y 40
		wait_match '^FUNCTION +BINARY +PID'
		wait_match '^exec_simple_query +postgres +842 '
		ok "resize 80x24 -> 120x40: the pane keeps its rows and gains BINARY and PID"
	fi
	keys / C-u Enter
	keys Escape
	wait_for "Processes  sort:"
	ok "$size: Esc gives the processes back"
	keys q
	tagged_gone 5 || fail "$size: lattop did not quit"
	t kill-server 2>/dev/null
done
exit 0
