#!/usr/bin/env python3
"""Connections open before lattop started are adopted: this process opens K
keep-alive connections to a loopback server with a known delay and waits;
only then lattop starts, and each connection makes exactly N requests. The
server's rows (dir in) and this process's rows (dir out) must show exactly
K x N requests, adopted == K, connections == 0 (their start was not seen),
no lifetime samples, the server-side p50 within the bucket error of the
server's own median; after the connections close, open == 0."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

K, N, DELAY_MS, SRC = 4, 10, 3, "127.0.0.5"
RESPONSE_BYTES = 100

lattest.require_bpf()
port = lattest.free_port()
server = lattest.DelayServer(port, {SRC: DELAY_MS})
socks = []
for _ in range(K):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(10)
    s.bind((SRC, 0))
    s.connect(("127.0.0.1", port))
    socks.append(s)
time.sleep(0.5)     # accepted, idle: the server's threads wait in recv()

# -p of both ends: another test's address flood on the host cannot evict these rows.
lt = lattest.Lattop(["-i", "0.3", "--cumulative", "-p", str(server.pid), "-p", str(os.getpid())])
lt.next_tick()
lt.drain()      # never blocked on a full pipe, so it must exit 0
for _ in range(N):
    for s in socks:
        s.sendall(b"GET /\r\n")
        got = 0
        while got < RESPONSE_BYTES:
            chunk = s.recv(4096)
            if not chunk:
                lattest.fail("server closed a connection early")
            got += len(chunk)
lt.wait_ticks(2)
busy = lt.ticks[-1]
for s in socks:
    s.close()
lt.wait_ticks(3)
rc = lt.stop()
lattest.check(rc == 0, f"lattop exits 0 on SIGINT (got {rc})")
truth = server.stats()[SRC]
server.stop()
print("server truth:", truth)
lattest.check(truth["requests"] == K * N, f"the server answered {K * N} requests")
me = os.getpid()


def rows(tick, pid, addr, direction):
    return [r for r in tick["clients"] if r["pid"] == pid and r["addr"] == addr and
            r["dir"] == direction and r["port"] == port]


for side, pid, addr, direction in (("server", server.pid, SRC, "in"),
                                   ("client", me, "127.0.0.1", "out")):
    got = rows(busy, pid, addr, direction)
    lattest.check(len(got) == 1, f"{side}: one {direction} row (pid {pid}, {addr}:{port})")
    r = got[0]
    print(f"{side}: requests={r['requests']} adopted={r['adopted']} "
          f"connections={r['connections']} open={r['open']} p50={r['p50_ns']} ns")
    lattest.check(r["requests"] == K * N, f"{side}: exactly {K * N} requests")
    lattest.check(r["adopted"] == K and r["connections"] == 0,
                  f"{side}: adopted == {K}, connections == 0")
    lattest.check(r["open"] == K, f"{side}: {K} open")
    life = r["lifetime" if direction == "in" else "connect"]
    lattest.check(life["count"] == 0, f"{side}: no lifetime samples (start not seen)")
    if direction == "in":
        err = abs(r["p50_ns"] - truth["median_ns"]) / truth["median_ns"]
        print(f"server p50 {r['p50_ns']} ns vs its own median {truth['median_ns']:.0f} ns: "
              f"{100 * err:.2f} %")
        lattest.check(err <= lattest.BUCKET_ERROR,
                      f"server p50 within {100 * lattest.BUCKET_ERROR:.2f} % of its median")
    else:
        lattest.check(r["p50_ns"] >= DELAY_MS * 1e6 * (1 - lattest.BUCKET_ERROR),
                      f"client p50 {r['p50_ns']} ns >= the {DELAY_MS} ms delay")
    end = rows(lt.ticks[-1], pid, addr, direction)
    lattest.check(len(end) == 1 and end[0]["open"] == 0 and end[0]["closed"] == K,
                  f"{side}: after close, open 0 and closed {K} "
                  f"({[(e['open'], e['closed']) for e in end]})")
print("all passed")
