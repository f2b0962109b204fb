#!/usr/bin/env bash
# The fleet view in tmux at 80x24 and 200x50 over a real fleet on this machine
# (tests/helpers/fleet_env.py: two `lattop serve` exporters, host labels a and
# b, each filtered to its own known-truth helper, and a real Prometheus):
# the hosts pane lists both hosts, up, the syscalls pane shows the helpers'
# clock_nanosleep merged from Prometheus's buckets; then Prometheus is killed:
# Enter on a host (and the filter host:NAME) narrows the syscalls and histograms to it, Esc merges
# again; within 5 s of Prometheus killed the status line says "prometheus: ..." and the hosts pane
# "STALE", and the screen still answers keys ('c': CUMULATIVE goes away).
# Last, a Prometheus that accepts and never answers: the status line says
# "timeout after 2 s" and keys are answered within 1 s all the while.
. "$(dirname "$0")/lib.sh"

require_live_bpf
command -v prometheus >/dev/null || { echo "SKIP: prometheus not installed"; exit 77; }

coproc FLEET { exec python3 "$ROOT/tests/helpers/fleet_env.py"; }
FLEET_PID_=$FLEET_PID
trap 'exec {FLEET[1]}>&- 2>/dev/null; pid_gone $FLEET_PID_ 30 || kill $FLEET_PID_; cleanup' EXIT

read_env() {
	local line
	IFS= read -r -t 90 line <&"${FLEET[0]}" || fail "fleet_env gave no line in 90 s"
	case $line in
	SKIP:*) echo "$line"; exit 77 ;;
	\{*) echo "$line" ;;
	*) fail "fleet_env: $line" ;;
	esac
}
READY=$(read_env)
URL=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["url"])' "$READY")
PROM_PID=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["prom_pid"])' "$READY")
echo go >&"${FLEET[1]}"
read_env >/dev/null

for size in "80 24" "200 50"; do
	set -- $size
	mkdir -p "$TMPD/snaps-$1"
	start "$1" "$2" fleet --prometheus "$URL" --cumulative --snapshot-dir "$TMPD/snaps-$1"
	wait_match 'Hosts +2 up, 0 down' 10
	wait_match '(^| )a +up +[0-9.k]+ ' 5
	wait_match '(^| )b +up +[0-9.k]+ ' 5
	ok "$1x$2: the hosts pane lists a and b, both up"
	wait_match '^clock_nanosleep +[0-9]' 5
	ok "$1x$2: the syscalls pane shows the helpers' clock_nanosleep"
	wait_for "FLEET view" 5
	keys s
	wait_for "snapshot: $TMPD/snaps-$1/lattop-" 5
	json=$(ls "$TMPD/snaps-$1"/lattop-*.json 2>/dev/null | head -n 1)
	txt=${json%.json}.txt
	[ -f "$json" ] && [ -f "$txt" ] || fail "snapshot files missing"
	grep -qE '(^| )a +up ' "$txt" || fail "text snapshot lacks the hosts pane"
	python3 - "$json" <<'PY' || fail "JSON snapshot lacks both hosts or the merged sleeps"
import json, sys
t = json.load(open(sys.argv[1]))
assert sorted(h["host"] for h in t["hosts"]) == ["a", "b"], t["hosts"]
n = sum(r["count"] for r in t["syscalls"] if r["syscall"] == "clock_nanosleep")
assert n == 70, n
PY
	ok "$1x$2: snapshot key: text with the hosts pane, JSON with both hosts and 70 sleeps"
	if [ "$1" = 80 ]; then
		keys q
		pid_gone "$LATTOP_PID" 5 || fail "q did not end the fleet view"
		ok "80x24: q quits"
		t kill-server 2>/dev/null
		continue
	fi
	# Drill: Tab to the hosts pane, b (second row), Enter: only b's calls (30 sleeps) from
	# the next tick; Esc: both hosts merged again (70).
	wait_for "70 calls" 5
	keys Tab Down Enter
	wait_for "rows of: b" 3
	keys BTab
	wait_for "30 calls" 5
	ok "$1x$2: Enter on host b narrows the merged histogram to b's 30 sleeps"
	keys Escape
	wait_gone "rows of: b" 3
	wait_for "70 calls" 5
	ok "$1x$2: Esc: both hosts merged again (70 sleeps)"
	keys / ; keys -l "host:a" ; keys Enter
	wait_for "filter: host:a" 3
	wait_for "40 calls" 5
	ok "$1x$2: filter host:a: a's 40 sleeps only"
	keys / C-u Enter
	wait_for "70 calls" 5
	ok "$1x$2: filter cleared: 70 again"
	kill -KILL "$PROM_PID"
	wait_match 'prometheus: (cannot connect|timeout)' 5
	wait_for "STALE" 5
	ok "$1x$2: Prometheus killed: the status line says so within 5 s, the hosts are marked STALE"
	wait_for "CUMULATIVE" 2
	keys c
	wait_gone "CUMULATIVE" 3
	ok "$1x$2: the screen still answers keys while Prometheus is down"
	keys q
	pid_gone "$LATTOP_PID" 5 || fail "q did not end the fleet view"
	ok "$1x$2: q quits"
done

# A Prometheus that accepts and never answers: every tick waits out its 2 s timeout on
# the collector thread, and the screen answers keys at once all the while.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$TMPD/hang.port" &
HANG=$!
for i in $(seq 50); do [ -s "$TMPD/hang.port" ] && break; sleep 0.1; done
start 80 24 fleet --prometheus "http://127.0.0.1:$(cat "$TMPD/hang.port")"
wait_for "prometheus: timeout after 2 s" 8
for k in 1 2 3; do
	t0=$(date +%s%N)
	keys c
	wait_for "CUMULATIVE" 1
	keys c
	wait_gone "CUMULATIVE" 1
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -lt 1000 ] || fail "a key took $ms ms to show while Prometheus hangs"
done
ok "hanging Prometheus: status line says 'timeout after 2 s', keys answered within 1 s ($ms ms)"
keys q
pid_gone "$LATTOP_PID" 5 || fail "q did not end the fleet view within 5 s while Prometheus hangs"
ok "q quits within 5 s while a query hangs"
kill $HANG 2>/dev/null
echo PASS
