#!/usr/bin/env bash
# Every pane is present at 80x24, 120x40 and 200x50 over the simulation source:
# header, syscalls table, histogram (quantize rows with bars, p99 marked),
# processes table, status line, footer; help is generated from the key table.
. "$(dirname "$0")/lib.sh"

for size in 80x24 120x40 200x50; do
	start "${size%x*}" "${size#*x}" --simulate --seed 1 -i 0.2
	wait_for "Syscalls"
	wait_for "futex"
	screen=$(capture)
	for want in "lattop" "SIMULATED" "every 0.2s" "events/s" "lost" "evicted" "filter:" \
		"Syscalls" "SYSCALL" "CALLS/s" "ERR/s" "P50" "P99" "MAX" "TIME%" \
		"Processes" "PID" "COMMAND" "latency" " p50 " "no kernel tracing" \
		"F1Help" "qQuit"; do
		grep -qF -- "$want" <<<"$screen" || fail "$size: '$want' missing"
	done
	# Wider terminals show more columns and the host name.
	if [ "${size%x*}" -ge 120 ]; then
		grep -qF "SLOWEST" <<<"$screen" || fail "$size: SLOWEST column missing"
		grep -qF "$(uname -n)" <<<"$screen" || fail "$size: host name missing"
	fi
	# Quantize rows: a power-of-two value, a separator, a count; p99 marked.
	grep -qE '[0-9.]+(ns|us|ms|s) +│ *[0-9]+' <<<"$screen" || fail "$size: no quantize rows"
	grep -qE '│.*p99' <<<"$screen" || fail "$size: p99 row not marked"
	# The bars are reverse-video cells right after the separator.
	LC_ALL=C grep -qP '\xe2\x94\x82(\x1b\[[0-9;]*m)*\x1b\[([0-9;]*;)?7(;[0-9;]*)?m' \
		<<<"$(capture_esc)" || fail "$size: no histogram bars"
	[ "$(wc -l <<<"$screen")" -eq "${size#*x}" ] || fail "$size: screen height"
	ok "$size: all panes present"
	keys l
	wait_for "latency (fine)"
	keys l
	wait_gone "(fine)"
	ok "$size: 'l' toggles the log-linear histogram"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	tagged_gone || fail "$size: lattop left behind after q"
	t kill-server 2>/dev/null
done

# Help is generated from the key table: every binding's help text is on it.
start 120 40 --simulate -i 0.2
wait_for "futex"
keys F1
wait_for "Help: keys"
# The help scrolls: read it page by page.
screen=$(capture)
for page in 1 2 3 4; do
	keys NPage
	sleep 0.3
	screen+=$'\n'$(capture)
done
while IFS='|' read -r _ k h _; do
	h=$(sed 's/^ *//; s/ *$//' <<<"$h")
	case $h in action | --- | "") continue ;; esac
	grep -qF -- "${h:0:40}" <<<"$screen" || fail "help lacks '$h'"
done < <("$LATTOP" --keys)
keys Escape
wait_gone "Help: keys"
keys '?'
wait_for "Help: keys"
keys '?'
wait_gone "Help: keys"
keys h
wait_for "Help: keys"
keys '?'
wait_gone "Help: keys"
ok "help lists the whole key table, opens and closes"

# Moving the selection moves the histogram to the selected syscall (paused,
# so that a new tick cannot reorder the rows under the test).
keys Space
wait_for "PAUSED"
wait_for "futex"
keys Home
first=$(capture | awk '/^SYSCALL /{getline; print $1; exit}')
second=$(capture | awk '/^SYSCALL /{getline; getline; print $1; exit}')
[ -n "$first" ] && [ -n "$second" ] || fail "no syscall rows"
wait_for "$first latency"
keys j
wait_for "$second latency"
keys k
wait_for "$first latency"
ok "the histogram follows the selection ($first, $second)"
keys Space
wait_gone "PAUSED"
