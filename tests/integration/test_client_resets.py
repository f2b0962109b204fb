#!/usr/bin/env python3
"""Resets per client: N connections from 127.0.0.6 each make one request and
then abort (SO_LINGER 0: the client sends RST). lattop must count exactly N
resets on the server's row for 127.0.0.6 (RST received), next to N
connections and N requests. (The client's own abortive close sets CLOSE
before it sends the RST, so that RST is past the connection's end and not
counted on the client's row.)"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PORT, N = 18436, 7

lattest.require_bpf()
server = lattest.DelayServer(PORT, {"127.0.0.6": 1})
lt = lattest.Lattop(["-i", "0.3", "--cumulative"])
lt.next_tick()
lt.drain()
for _ in range(N):
    s = socket.socket()
    s.settimeout(5)
    s.bind(("127.0.0.6", 0))
    s.connect(("127.0.0.1", PORT))
    s.sendall(b"GET /\r\n")
    s.recv(4096)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
time.sleep(1.2)
lt.stop()
server.stop()
last = lt.ticks[-1]
srv = [r for r in last["clients"] if r["addr"] == "127.0.0.6" and r["dir"] == "in"
       and r["port"] == PORT]
cli = [r for r in last["clients"] if r["dir"] == "out" and r["port"] == PORT
       and r["pid"] == os.getpid()]
got = {k: sum(r[k] for r in srv) for k in ("connections", "requests", "resets")}
print(f"server row: {got}; client rows: {[(r['connections'], r['resets']) for r in cli]}")
lattest.check(got["connections"] == N and got["requests"] == N,
              f"{N} connections and {N} requests from 127.0.0.6")
lattest.check(got["resets"] == N, f"{N} resets received by the server (got {got['resets']})")
