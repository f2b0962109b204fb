#!/usr/bin/env bash
# Not a test (the runner only runs test_*.sh): measures what the dashboard
# costs over a slow link and in CPU, for the README / closing notes.
#   bytes written to the terminal per steady-state tick at 80x24 and 200x50
#   (tmux pipe-pane records everything lattop writes to its pty), and
#   CPU time of the whole process and of the UI (main) thread at -i 1.
# Env: TICKS (default 20), CPU_SECONDS (default 30), SOURCE (default "--simulate --seed 1";
# "live" = BPF), LATTOPRC (settings file text, e.g. "hide.syscalls =\\n" to show P99~), O.
. "$(dirname "$0")/lib.sh"
TICKS=${TICKS:-20}
mkdir -p "$TMPD/config/lattop"
printf "%b" "${LATTOPRC:-}" >"$TMPD/config/lattop/lattoprc"
chmod 600 "$TMPD/config/lattop/lattoprc"
CPU_SECONDS=${CPU_SECONDS:-30}
SRC=${SOURCE:---simulate --seed 1}
[ "$SRC" = live ] && SRC=
HZ=$(getconf CLK_TCK)

ticks_of() { awk '{print $14 + $15}' "$1"; }

for size in 80x24 200x50; do
	log=$TMPD/pty-$size.log
	: >"$log"
	start "${size%x*}" "${size#*x}" $SRC -i 0.5
	t pipe-pane -o "cat >> '$log'"
	wait_for "Syscalls" 10
	sleep 2.2	# a few ticks in: first frame and its full paint are not steady state
	b0=$(stat -c %s "$log")
	sleep "$(awk -v n="$TICKS" 'BEGIN { print n * 0.5 }')"
	b1=$(stat -c %s "$log")
	# Idle keys cost too: one selection move and back.
	echo "$size: $(( (b1 - b0) / TICKS )) bytes/tick over $TICKS ticks at -i 0.5 (${SRC:-live BPF})"
	keys j
	sleep 0.3
	b2=$(stat -c %s "$log")
	keys k
	sleep 0.3
	b3=$(stat -c %s "$log")
	echo "$size: first frame+warm-up $b0 bytes; a selection move ~$(( b3 - b2 )) bytes (incl. any tick)"
	keys q
	pid_gone "$LATTOP_PID"
	t kill-server 2>/dev/null
done

start 80 24 $SRC -i 1
wait_for "Syscalls" 10
sleep 2
pid=$LATTOP_PID
c0=$(ticks_of /proc/$pid/stat); m0=$(ticks_of /proc/$pid/task/$pid/stat); w0=$(date +%s.%N)
sleep "$CPU_SECONDS"
c1=$(ticks_of /proc/$pid/stat); m1=$(ticks_of /proc/$pid/task/$pid/stat); w1=$(date +%s.%N)
awk -v c=$((c1 - c0)) -v m=$((m1 - m0)) -v hz="$HZ" -v w0="$w0" -v w1="$w1" 'BEGIN {
	wall = w1 - w0
	printf "CPU at -i 1, 80x24, %.0f s: process %.2f s (%.3f%%), UI thread %.2f s (%.3f%%)\n",
		wall, c / hz, 100 * c / hz / wall, m / hz, 100 * m / hz / wall }'
keys q
