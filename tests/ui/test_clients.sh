#!/usr/bin/env bash
# The Clients pane, live (real BPF) against a loopback server answering
# 127.0.0.2 after 2 ms and 127.0.0.3 after 6 ms: both clients appear with
# their p50s; ip: and port: filters narrow the pane; Tab focuses it and the
# histogram pane follows the selected client; Enter pins it; at 80x24 the
# pane has no room of its own and 'C' puts it in place of the processes.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || [ ! -e /sys/kernel/btf/vmlinux ]; then
	[ "${LATTOP_REQUIRE_BPF:-}" = 1 ] && { echo "FAIL (BPF required): not root or no BTF"; exit 1; }
	echo "SKIP: live clients need root and kernel BTF"; exit 77
fi
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
PORT=$(python3 -c "import sys; sys.path.insert(0, '$ROOT/tests/lib'); import lattest; print(lattest.free_port())")

# Server (it runs until its stdin closes: 70 s at most) and a bounded load (60 s).
sleep 70 | python3 "$ROOT/tests/helpers/delay_server.py" $PORT 127.0.0.2=2 127.0.0.3=6 \
	>"$TMPD/server.out" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; cleanup' EXIT
# The load starts once the server listens (it prints its pid then): on a busy
# machine python's start-up alone can take longer than any fixed sleep.
for ((i = 0; i < 200; i++)); do
	grep -q '"pid"' "$TMPD/server.out" 2>/dev/null && break
	sleep 0.05
done
grep -q '"pid"' "$TMPD/server.out" || fail "delay server did not start: $(cat "$TMPD/server.out")"
python3 - "$ROOT" $PORT >"$TMPD/load.out" 2>&1 <<'PY' &
import sys, time
sys.path.insert(0, sys.argv[1] + "/tests/lib")
import lattest
end = time.monotonic() + 60
while time.monotonic() < end:
    lattest.tcp_requests("127.0.0.2", int(sys.argv[2]), 1, 20)
    lattest.tcp_requests("127.0.0.3", int(sys.argv[2]), 2, 2)
PY
LOAD=$!
trap 'kill $LOAD $SERVER 2>/dev/null; cleanup' EXIT

clients_pane() { capture | sed -n '/Clients/,$p'; }

start 120 40 -i 0.5
wait_for "Clients  sort:requests" 5
screen_has F "127.0.0.2" 10 || fail "no 127.0.0.2 row; load: $(tail -3 "$TMPD/load.out")"
wait_for "127.0.0.3" 10
row2=$(capture | grep -E '^127\.0\.0\.2 +'$PORT' ')
row3=$(capture | grep -E '^127\.0\.0\.3 +'$PORT' ')
grep -qE ' 2\.[0-9]+ms ' <<<"$row2" || fail "127.0.0.2 row has no ~2 ms p50: $row2"
grep -qE ' [56]\.[0-9]+ms ' <<<"$row3" || fail "127.0.0.3 row has no ~6 ms p50: $row3"
ok "120x40: both clients in their own pane, p50 ~2 ms and ~6 ms"

keys / "ip:127.0.0.3" Enter
wait_for "filter: ip:127.0.0.3"
sleep 1.2
clients_pane | grep -qE '^127\.0\.0\.2 ' && fail "ip:127.0.0.3 still shows 127.0.0.2"
clients_pane | grep -qE '^127\.0\.0\.3 ' || fail "ip:127.0.0.3 lost 127.0.0.3"
ok "ip: filter narrows the clients"
keys / C-u "ip:127.0.0.0/8 port:1" Enter
wait_for "filter: ip:127.0.0.0/8 port:1"
sleep 1.2
clients_pane | grep -qE '^127\.0\.0\.[23] ' && fail "port:1 still shows clients"
ok "CIDR + port filter: nothing on port 1"
keys / C-u "ip:127.0.0.2" Enter
wait_for "filter: ip:127.0.0.2"

keys Tab Tab Tab
wait_for "127.0.0.2 -> python" 5
ok "Tab to the clients pane: the histogram pane shows the selected client"
keys Enter
wait_for "histogram: this client's request latency"
wait_for "pinned 127.0.0.2 -> python"
keys Tab
sleep 0.6
capture | grep -qF "pinned 127.0.0.2" || fail "pinned histogram lost when focus moved"
keys Escape
wait_gone "pinned 127.0.0.2"
ok "Enter pins the client's histogram, Esc unpins"
keys / C-u Enter
wait_for "filter: (none)"

t resize-window -x 80 -y 24
wait_gone "Clients  sort" 5
ok "80x24: no room for a clients pane of its own"
keys C
wait_for "Clients  sort" 5
wait_for "127.0.0.2" 5
keys '>'
wait_for "sort:p99" 5
ok "80x24: C shows the clients in place of the processes; > sorts them"
t resize-window -x 200 -y 50
wait_for "127.0.0.3" 5
ok "resize to 200x50 keeps the pane"
keys q
pid_gone "$LATTOP_PID" 5 || fail "lattop did not quit"
