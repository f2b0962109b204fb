#!/usr/bin/env python3
"""Loopback TCP server for the client-table tests: answers every request after a
delay that depends on the client's address, and keeps its own ground truth.

  delay_server.py PORT ADDR=MS [ADDR=MS ...]   (listens on [::]:PORT, dual stack)

A request is whatever one recv() returns; the answer is RESPONSE_BYTES bytes.
Prints {"pid": N} once listening. On "stats" from stdin prints, per client
address: connections, requests, and the median of its own measured response
times (recv returned -> send returned), in ns. Exits on EOF."""
import json
import os
import socket
import statistics
import sys
import threading
import time

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
    with lock:
        s = stats.setdefault(addr, {"connections": 0, "requests": 0, "times": []})
        s["connections"] += 1
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
                       "median_ns": statistics.median(s["times"]) if s["times"] else 0}
                   for a, s in stats.items()}
        print(json.dumps(out), flush=True)
