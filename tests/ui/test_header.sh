#!/usr/bin/env bash
# Issue 11 point 7, live (real BPF) at 80x24 and 200x50 with --max-keys 16
# against a bounded load of short-lived processes (every one is new keys):
# the header's fields are labelled (events N/s, lost N total, up ...), each
# whole (the line is made of known fields only: nothing cut mid-word, even at
# 80 columns), an abnormal counter is drawn in the theme's warn colour and
# its remedy on the status line names --max-keys with 4x the real value; at
# 200x50 lattop's CPU share is shown, and 'B' holds the kernel's BPF
# statistics on (a warning says they cost) and the header shows the BPF run
# time of the syscalls probes; 'B' again lets them go.
. "$(dirname "$0")/lib.sh"

require_live_bpf

# Load: short-lived processes, 60 s at most.
timeout 60 bash -c 'while :; do /bin/true; ls / >/dev/null; done' &
LOAD=$!
trap 'kill $LOAD 2>/dev/null; cleanup' EXIT

HOST=$(uname -n)
KREL=$(uname -r)
# Every field of the first header line must be one of these, whole.
fields_ok() {
	local line=$1 f
	while IFS= read -r f; do
		[ -z "$f" ] && continue
		case $f in
		lattop | PAUSED | SIMULATED | "$HOST" | "$KREL") ;;
		*)
			grep -qE '^([0-9]{2}:[0-9]{2}:[0-9]{2}|every [0-9.]+s|up [0-9hms]+|events [0-9.]+[kM]?/s|(lost|evicted|clients lost|clients evicted|dropped snapshots) [0-9.]+[kM]? total|lattop [0-9.]+% cpu|runq:o(n|ff) block:o(n|ff)( fn:on)? why:o(n|ff)|uprobes ~[0-9-]+us/call|slow>[0-9.]+[mun]?s stacks dropped [0-9]+|bpf (syscalls|clients|uprobes) [0-9.]+ms/s [0-9]+ns/run)$' <<<"$f" ||
				{ echo "field '$f'"; return 1; }
			;;
		esac
	done < <(sed -e 's/^ //' -e 's/ *$//' -e 's/  \+/\n/g' <<<"$line")
}

for size in 80x24 200x50; do
	start "${size%x*}" "${size#*x}" --max-keys 16 -i 0.5
	wait_for "events " 10
	wait_match "(lost|evicted) [0-9.]+[kM]? total" 5
	wait_match "try --max-keys 64" 5
	line=$(capture | head -n 1)
	why=$(fields_ok "$line") || fail "$size: header has a cut or unknown field ($why): '$line'"
	for want in "lattop" "every 0.5s" "up " "events " "/s" " total"; do
		grep -qF -- "$want" <<<"$line" || fail "$size: header lacks '$want': '$line'"
	done
	[ "${#line}" -le "${size%x*}" ] || fail "$size: header wider than the terminal"
	ok "$size: labelled, whole fields: '$(sed 's/  */ /g' <<<"$line")'"
	# The abnormal counter in the warn role (default theme: 221 bold).
	LC_ALL=C grep -qP '221[0-9;]*m(\x1b\[[0-9;]*m)*(lost|evicted) [0-9.]+[kM]? total' \
		<<<"$(capture_esc | head -n 1)" || fail "$size: abnormal counter not in the warn colour"
	ok "$size: abnormal counter coloured, remedy names --max-keys 64 (4 x 16)"
	if [ "${size%x*}" -ge 120 ]; then
		wait_match "lattop [0-9.]+% cpu" 3
		[ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 0 ] && capture | head -n 1 |
			grep -qF "bpf syscalls" && fail "$size: bpf run time shown with statistics off"
		keys B
		wait_for "BPF stats on" 2
		wait_match "bpf syscalls [0-9.]+ms/s [0-9]+ns/run" 3
		# (The sysctl file keeps reading 0: it shows the sysctl's own value, not a held fd.)
		ns=$(capture | head -n 1 | sed -n 's/.*bpf syscalls [0-9.]*ms\/s \([0-9]*\)ns\/run.*/\1/p')
		[ "${ns:-0}" -gt 0 ] || fail "$size: bpf run time per run is 0"
		ok "$size: B: BPF run time of the syscalls probes ${ns} ns/run, own CPU shown"
		keys B
		wait_for "BPF stats released" 2
		sleep 1.2
		if [ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 0 ]; then
			capture | head -n 1 | grep -qF "bpf syscalls" && fail "$size: still shown after B"
		fi
		ok "$size: B again releases them"
	fi
	keys q
	pid_gone "$LATTOP_PID" || fail "$size: q did not quit"
	t kill-server 2>/dev/null
done
ok "header counters labelled, coloured with remedies, own cost shown"
