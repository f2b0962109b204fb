#!/usr/bin/env python3
"""Loopback TCP server for the client-table tests: answers every request after a
delay that depends on the client's address, and keeps its own ground truth.

  delay_server.py PORT ADDR=MS [ADDR=MS ...]   (listens on [::]:PORT, dual stack)

A request is whatever one recv() returns; the answer is RESPONSE_BYTES bytes.
Prints {"pid": N} once listening. On "stats" from stdin prints, per client
address: connections, requests, the median of its own measured response
times (recv returned -> send returned) in ns, and the kernel's count of
retransmitted segments on those connections (TCP_INFO tcpi_total_retrans).
Exits on EOF. With DELAY_SERVER_NAME set, the process renames itself to it
first (prctl PR_SET_NAME; its threads inherit the name)."""
import json
import os
import socket
import statistics
import struct
import sys
import threading
import time

if os.environ.get("DELAY_SERVER_NAME"):
    import ctypes
    ctypes.CDLL(None).prctl(15, os.environ["DELAY_SERVER_NAME"].encode(), 0, 0, 0)
RESPONSE = b"r" * 100
port = int(sys.argv[1])
delays = {a: float(ms) / 1000 for a, ms in (arg.split("=") for arg in sys.argv[2:])}
lock = threading.Lock()
stats = {}


def client_addr(a):
    return a[7:] if a.startswith("::ffff:") else a


def serve(conn, addr):
    delay = delays.get(addr, 0.001)
    times = []
    with conn:
        while True:
            try:
                data = conn.recv(4096)
            except ConnectionResetError:
                break       # the client aborted (tests of resets do this on purpose)
            if not data:
                break
            t0 = time.monotonic_ns()
            time.sleep(delay)
            conn.sendall(RESPONSE)
            times.append(time.monotonic_ns() - t0)
        # struct tcp_info: tcpi_total_retrans is the u32 at byte 100.
        info = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        retrans = struct.unpack_from("I", info, 100)[0] if len(info) >= 104 else 0
    with lock:
        s = stats.setdefault(addr, {"connections": 0, "requests": 0, "times": [], "retrans": 0})
        s["connections"] += 1
        s["retrans"] += retrans
        s["requests"] += len(times)
        s["times"] += times


def accept_loop(lsock):
    while True:
        conn, a = lsock.accept()
        threading.Thread(target=serve, args=(conn, client_addr(a[0])), daemon=True).start()


lsock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
lsock.bind(("::", port))
lsock.listen(512)
threading.Thread(target=accept_loop, args=(lsock,), daemon=True).start()
print(json.dumps({"pid": os.getpid()}), flush=True)
for line in sys.stdin:
    if line.strip() == "stats":
        with lock:
            out = {a: {"connections": s["connections"], "requests": s["requests"],
                       "retransmits": s["retrans"],
                       "median_ns": statistics.median(s["times"]) if s["times"] else 0}
                   for a, s in stats.items()}
        print(json.dumps(out), flush=True)
