#!/usr/bin/env bash
# Soak: the live dashboard in a private tmux server (tests/ui/lib.sh) under
# SIGWINCH storms, Ctrl-Z / SIGTSTP then `fg` (it must suspend, give the
# terminal back, and redraw on resume like htop), tty loss (the pane or the
# whole tmux server killed: lattop must exit) and SIGKILL (its BPF programs,
# maps and links must be gone afterwards; ids from its fdinfo, checked with
# bpftool, so that other lattops on the host do not matter).
# One row per check in $SOAK_RESULTS; bounded by SOAK_PART_SECONDS.
SOAK_LATTOP=${LATTOP:-}
. "$(dirname "$0")/../ui/lib.sh"
SOAKLIB=$ROOT/tests/soak/soaklib.py
RESULTS=${SOAK_RESULTS:-/dev/null}
PART=${SOAK_PART_SECONDS:-60}
END=$((SECONDS + PART))
if [ -n "$SOAK_LATTOP" ]; then
	case $SOAK_LATTOP in /*) LATTOP=$SOAK_LATTOP ;; *) LATTOP=$ROOT/$SOAK_LATTOP ;; esac
	ln -sf "$LATTOP" "$LATTOP_TAGGED"
fi
[ "$(id -u)" = 0 ] || { echo "SKIP: not root: the soak runs live BPF"; exit 77; }
[ -x "$LATTOP" ] || { echo "FAIL: $LATTOP not built"; exit 1; }
command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }

res() { # CHECK PASS|FAIL FIGURE
	printf 'dashboard\t%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RESULTS"
	echo "$2  dashboard: $1  ($3)"
}
verdict() { [ "$1" = 0 ] && echo PASS || echo FAIL; }
state_of() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }
# wait_state PID STATE SECONDS: until /proc/PID/stat shows STATE (T: stopped).
wait_state() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		[ "$(state_of "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
wait_not_state() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		local s; s=$(state_of "$1")
		[ -n "$s" ] && [ "$s" != "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
tagged_pid() { pgrep -f -- "^$LATTOP_TAGGED" | head -n 1; }
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
# bpf_gone IDS...: "" when every id is gone within 5 s, else the ones left.
bpf_left() { python3 "$SOAKLIB" left "$@"; }

# --- 1. SIGWINCH storm: tmux resizes (real size changes) and bare signals.
start 100 30 -i 0.5
if screen_has F Syscalls 15; then
	resizes=0 signals=0 t0=$SECONDS
	storm_end=$((SECONDS + PART / 4 > END ? END : SECONDS + PART / 4))
	while [ $SECONDS -lt $storm_end ] && [ $resizes -lt 2000 ]; do
		t resize-window -x $((40 + RANDOM % 160)) -y $((10 + RANDOM % 50)) 2>/dev/null
		resizes=$((resizes + 1))
		for _ in 1 2 3 4 5; do kill -WINCH "$LATTOP_PID" 2>/dev/null && signals=$((signals + 1)); done
		sleep 0.02
	done
	t resize-window -x 100 -y 30
	s0=$(date +%s%N)
	ok=1
	kill -0 "$LATTOP_PID" 2>/dev/null || ok=0
	[ $ok = 1 ] && screen_has F Syscalls 5 && keys '?' && screen_has F 'Help: keys' 3 && keys Escape &&
		screen_has F Syscalls 3 || ok=0
	res "SIGWINCH storm: alive, redrawn, keys work" "$( [ $ok = 1 ] && echo PASS || echo FAIL)" \
		"$resizes resizes + $signals SIGWINCH in $((SECONDS - t0)) s; at 100x30 again: redrawn and help in $(ms_since "$s0") ms"
else
	res "SIGWINCH storm: alive, redrawn, keys work" FAIL "the dashboard never showed (exit or no Syscalls in 15 s)"
fi
t kill-server 2>/dev/null
tagged_gone 5 >/dev/null

# --- 2. Ctrl-Z / SIGTSTP and fg, from an interactive shell (job control).
t new-session -d -x 100 -y 30 -c "$TMPD" "env -i PATH=$PATH TERM=screen HOME=$TMPD LANG=C.UTF-8 PS1='soak\$ ' bash --norc --noprofile -i"
sleep 0.3
keys "LATTOP_THEMES_DIR=$LATTOP_THEMES_DIR $LATTOP_TAGGED -i 0.5" Enter
if screen_has F Syscalls 15; then
	pid=$(tagged_pid)
	cycles=0 suspended=0 resumed=0 first_bad=
	for how in key signal key signal; do
		[ $SECONDS -lt $END ] || break
		cycles=$((cycles + 1))
		if [ $how = key ]; then keys C-z; else kill -TSTP "$pid"; fi
		# Suspended: stopped, the shell's prompt back, the dashboard gone.
		if wait_state "$pid" T 3 && screen_has E 'soak\$ *$' 3 && ! capture | grep -q Syscalls; then
			suspended=$((suspended + 1))
		else
			first_bad=${first_bad:-"$how $cycles: state $(state_of "$pid"), screen: $(capture | grep -v '^$' | tail -n 1)"}
			[ "$(state_of "$pid")" = T ] || { keys Escape; continue; }
		fi
		keys fg Enter
		s0=$(date +%s%N)
		if wait_not_state "$pid" T 3 && screen_has F Syscalls 3; then
			resumed=$((resumed + 1))
			last_redraw=$(ms_since "$s0")
		else
			first_bad=${first_bad:-"resume $cycles: state $(state_of "$pid"), screen: $(capture | grep -v '^$' | tail -n 1)"}
		fi
	done
	res "Ctrl-Z / SIGTSTP: suspends, shell prompt back" "$( [ $suspended = $cycles ] && echo PASS || echo FAIL)" \
		"$suspended/$cycles suspended (Ctrl-Z and kill -TSTP)${first_bad:+; first failure: $first_bad}"
	res "fg after suspend: redrawn" "$( [ $resumed = $cycles ] && echo PASS || echo FAIL)" \
		"$resumed/$cycles redrawn${last_redraw:+, last in $last_redraw ms}"
	keys q
	pid_gone "$pid" 5
	res "q after suspend/resume: exits" "$(verdict $?)" "pid $pid"
else
	res "Ctrl-Z / SIGTSTP: suspends, shell prompt back" FAIL "the dashboard never showed from the shell"
fi
t kill-server 2>/dev/null
tagged_gone 5 >/dev/null

# --- 3. tty loss: the pane, then the whole tmux server, killed under lattop.
losses=0 exited=0 bpf_bad=0 worst_ms=0 detail=
for how in kill-pane kill-server kill-pane kill-server; do
	[ $SECONDS -lt $END ] || break
	start 100 30 -i 0.5
	screen_has F Syscalls 15 || { detail=${detail:-"$how: never drawn"}; continue; }
	ids=$(python3 "$SOAKLIB" ids "$LATTOP_PID")
	losses=$((losses + 1))
	s0=$(date +%s%N)
	if [ $how = kill-pane ]; then t kill-pane -t 0 2>/dev/null; t kill-server 2>/dev/null; else t kill-server; fi
	if pid_gone "$LATTOP_PID" 5; then
		exited=$((exited + 1))
		ms=$(ms_since "$s0"); [ "$ms" -gt "$worst_ms" ] && worst_ms=$ms
	else
		detail=${detail:-"$how: still running 5 s later (state $(state_of "$LATTOP_PID"))"}
		kill -KILL "$LATTOP_PID" 2>/dev/null
	fi
	left=$([ -n "$ids" ] && bpf_left $ids)
	[ -z "$left" ] && [ -n "$ids" ] || { bpf_bad=$((bpf_bad + 1)); detail=${detail:-"$how: BPF objects left: ${left:-none seen}"}; }
done
res "tty loss (pane or server killed): lattop exits" "$( [ $losses -gt 0 ] && [ $exited = $losses ] && echo PASS || echo FAIL)" \
	"$exited/$losses exited, slowest ${worst_ms} ms${detail:+; first failure: $detail}"
res "tty loss: its BPF objects gone" "$( [ $losses -gt 0 ] && [ $bpf_bad = 0 ] && echo PASS || echo FAIL)" \
	"$((losses - bpf_bad))/$losses clean"

# --- 4. SIGKILL: nothing of lattop's stays in the kernel (dashboard and --json).
pins_before=$(ls -A /sys/fs/bpf 2>/dev/null | sort)
kills=0 clean=0 nobj=0 detail=
for mode in ui json ui json; do
	[ $SECONDS -lt $END ] || [ $kills = 0 ] || break
	if [ $mode = ui ]; then
		start 100 30 -i 0.5
		screen_has F Syscalls 15 || { detail=${detail:-"ui: never drawn"}; continue; }
		pid=$LATTOP_PID
	else
		"$LATTOP_TAGGED" --json -i 0.5 >/dev/null 2>&1 &
		pid=$!
		sleep 1.5
	fi
	ids=$(python3 "$SOAKLIB" ids "$pid")
	kill -KILL "$pid"
	pid_gone "$pid" 5
	wait "$pid" 2>/dev/null
	kills=$((kills + 1))
	nobj=$(echo $ids | wc -w)
	left=$([ -n "$ids" ] && bpf_left $ids)
	if [ -n "$ids" ] && [ -z "$left" ]; then clean=$((clean + 1)); else detail=${detail:-"$mode: left ${left:-(no ids seen)}"}; fi
	t kill-server 2>/dev/null
done
pins_after=$(ls -A /sys/fs/bpf 2>/dev/null | sort)
new_pins=$(comm -13 <(echo "$pins_before") <(echo "$pins_after") | grep -i lat | tr '\n' ' ')
res "SIGKILL: programs, maps and links gone" "$( [ $kills -gt 0 ] && [ $clean = $kills ] && [ -z "$new_pins" ] && echo PASS || echo FAIL)" \
	"$clean/$kills clean (dashboard and --json, $nobj objects each), new pins in /sys/fs/bpf: ${new_pins:-none}${detail:+; $detail}"
exit 0
