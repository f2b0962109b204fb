#!/usr/bin/env bash
# Issue 11 point 3, live (real BPF) at 200x50 and 80x24: a python3 helper
# (tests/helpers/rename_self.py) renames itself "connloop" with prctl. The
# dashboard, filtered on its pid, shows one processes row for it, named
# connloop, whose CMD column is its argv (python3 .../rename_self.py); the
# clients pane and the p picker name it connloop, once. lattop's own pid is
# absent from the processes table by default (header: own:hidden (O)) and
# present after 'O'.
. "$(dirname "$0")/lib.sh"

require_live_bpf
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }

# The helper works as python3, renames itself, then works on (bounded: ~60 s).
mkfifo "$TMPD/in"
python3 "$ROOT/tests/helpers/rename_self.py" <"$TMPD/in" >"$TMPD/helper.out" 2>&1 &
HELPER=$!
exec 7>"$TMPD/in"
for i in $(seq 50); do [ -s "$TMPD/helper.out" ] && break; sleep 0.1; done
HPID=$(sed -n 's/.*"pid": \([0-9]*\).*/\1/p' "$TMPD/helper.out")
[ -n "$HPID" ] || fail "helper did not start: $(cat "$TMPD/helper.out")"
echo "work 100" >&7
echo "rename connloop" >&7
( for i in $(seq 300); do echo "work 20" >&7 || exit; sleep 0.2; done ) &
LOADER=$!
trap 'kill $LOADER $HELPER 2>/dev/null; cleanup' EXIT

# Rows of the processes table: PID first where it is shown (wide), else the
# right half at 80 columns (the histogram shares those lines), COMMAND first.
procs_rows() {
	# A narrow layout has the processes right of a 32-cell histogram; PID first either way.
	if [ "$WIDE" = 1 ]; then
		capture | sed -n '/Processes /,$p' | grep -E '^ +[0-9]+ '
	else
		capture | sed -n '/Processes /,$p' | cut -c34- | grep -E '^ *[0-9]+ [a-z]'
	fi
}

for size in 200x50 80x24; do
	WIDE=0; [ "${size%x*}" -ge 120 ] && WIDE=1
	start "${size%x*}" "${size#*x}" -i 0.5
	wait_for "Processes" 10
	wait_for "own:hidden (O)" 3
	sleep 1.2	# two ticks: lattop has read its maps and drawn (its own calls exist)
	if [ "${size%x*}" -ge 120 ]; then	# PID is shown where there is room
		# Filtered to lattop's name (a pid: term would show it: asked for by pid): on a
		# busy host its row may rank below the rows shown.
		keys / C-u "lattop" Enter
		wait_for "filter: lattop" 3
		sleep 1.2
		procs_rows | grep -qE "^ +$LATTOP_PID " && fail "$size: lattop's own pid in the table by default"
		keys O
		wait_gone "own:hidden (O)" 2
		screen_has E "^ +$LATTOP_PID " 3 || fail "$size: 'O' did not show lattop's own pid"
		ok "$size: lattop's own pid hidden by default, shown after O"
		keys O
		wait_for "own:hidden (O)" 2
		keys / C-u Enter
		wait_gone "filter: lattop" 3
	fi
	# Only the helper: one row, the new name, its argv.
	keys / C-u "pid:$HPID" Enter
	wait_for "filter: pid:$HPID" 3
	wait_match "connloop" 3
	rows=$(procs_rows)
	n=$(grep -c . <<<"$rows")
	[ "$n" = 1 ] || fail "$size: $n processes rows for the helper's pid (want 1): $rows"
	[ "$(awk '{print $2}' <<<"$rows")" = connloop ] ||
		fail "$size: COMMAND is not connloop: $rows"
	# Titles name processes comm[pid]; the CMD column may say python3 (its argv).
	grep -qF "python3[$HPID]" <<<"$(capture)" && fail "$size: the old name python3 is still shown"
	if [ "${size%x*}" -ge 120 ]; then
		want=$(tr '\0' ' ' <"/proc/$HPID/cmdline" | cut -c1-40)
		grep -qF -- "$want" <<<"$rows" || fail "$size: CMD column lacks '$want': $rows"
		ok "$size: one row for the pid, named connloop, CMD = its argv"
	else
		ok "$size: one row for the pid, named connloop"
	fi
	# The picker lists the pid once, under its new name.
	keys p
	wait_for "Pick a process" 2
	# Type-ahead: on a busy host the helper is far down the list.
	keys c o n n l o o p
	wait_for "Pick a process: connloop" 3
	sleep 0.2
	np=$(capture | grep -oE "(│|\|)$HPID [a-z0-9:. -]+" | grep -c .)
	[ "$np" = 1 ] || fail "$size: picker lists the pid $np times"
	capture | grep -qE "(│|\|)$HPID connloop " || fail "$size: picker does not say connloop"
	keys Escape
	wait_gone "Pick a process" 2
	# The clients table (its own pane, or in place of the processes with C).
	[ "${size%x*}" -lt 120 ] && keys C
	screen_has E "$HPID connloop|connloop\[$HPID\]" 3 ||
		fail "$size: the clients table does not name the helper connloop"
	ok "$size: picker and clients name the helper connloop, once"
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
done
ok "renamed process shown by its new name everywhere; own rows hidden by default"
