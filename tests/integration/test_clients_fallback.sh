#!/usr/bin/env bash
# Kernels without sock:sock_recv_length/sock_send_length (before 6.4): lattop
# must say that request latency is unavailable and why, in JSON and in batch
# output, and still count connections. Forced here with LATTOP_NO_SOCK_LENGTH.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LATTOP=$ROOT/${O:-build}/lattop
if [ "$(id -u)" != 0 ] || [ ! -e /sys/kernel/btf/vmlinux ]; then
	[ "${LATTOP_REQUIRE_BPF:-}" = 1 ] && { echo "FAIL (BPF required): not root or no BTF"; exit 1; }
	echo "SKIP: needs root and kernel BTF"; exit 77
fi
PORT=18435
TMPD=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; rm -rf "$TMPD"' EXIT
sleep 30 | python3 "$ROOT/tests/helpers/delay_server.py" $PORT >"$TMPD/server" 2>&1 &
SERVER=$!
sleep 0.5
LATTOP_NO_SOCK_LENGTH=1 "$LATTOP" --json -i 0.5 -n 6 >"$TMPD/out.json" 2>&1 &
LT=$!
sleep 1
python3 -c "
import sys; sys.path.insert(0, '$ROOT/tests/lib'); import lattest
lattest.tcp_requests('127.0.0.2', $PORT, 3, 2)"
wait $LT
python3 - "$TMPD/out.json" $PORT <<'PY' || exit 1
import json, sys
ticks = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
port = int(sys.argv[2])
state = {t["clients_state"] for t in ticks}
note = ticks[-1]["clients_note"]
assert state == {"connections_only"}, f"state {state}"
print("ok: clients_state is connections_only")
assert "request latency unavailable" in note and "sock_recv_length" in note, note
print(f"ok: the note says what and why: {note}")
rows = [r for t in ticks for r in t["clients"]
        if r["addr"] == "127.0.0.2" and r["port"] == port and r["dir"] == "in"]
conns = sum(r["connections"] for r in rows)
reqs = sum(r["requests"] for r in rows)
assert conns == 3, f"connections {conns}"
assert reqs == 0, f"requests {reqs}"
print("ok: 3 connections counted, no request figures invented")
PY
LATTOP_NO_SOCK_LENGTH=1 "$LATTOP" -b -i 0.3 -n 1 >"$TMPD/batch.txt" 2>&1
grep -q "clients: request latency unavailable" "$TMPD/batch.txt" ||
	{ echo "FAIL: batch output does not say why"; cat "$TMPD/batch.txt" | tail; exit 1; }
echo "ok: batch output says request latency is unavailable and why"
