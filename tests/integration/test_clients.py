#!/usr/bin/env python3
"""Per-client TCP tables against ground truth: a loopback server answers each
request after a delay that depends on the client's address (127.0.0.2,
127.0.0.3, 127.0.0.4 and ::1), with keep-alive and one-request-per-connection
clients. lattop must report, per client, exactly the connections and requests
made, bytes in and out, and a p50 request latency within the bucket error of
the server's own measured median; the connecting side (dir "out") must see
the same counts; interval values must add up to the totals."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PORT = 18431
# address: (delay ms, connections, requests per connection)
PLAN = {
    "127.0.0.2": (2, 5, 20),     # keep-alive
    "127.0.0.3": (5, 30, 1),     # one request per connection
    "127.0.0.4": (8, 4, 3),
    "::1": (3, 4, 5),
}
RESPONSE_BYTES, REQUEST_BYTES = 100, len(b"GET /\r\n")

lattest.require_bpf()
server = lattest.DelayServer(PORT, {a: p[0] for a, p in PLAN.items()})
lt = lattest.Lattop(["-i", "0.3"])
cum = lattest.Lattop(["-i", "0.3", "--cumulative"])
lt.next_tick()
cum.next_tick()
for addr, (_, conns, reqs) in PLAN.items():
    lattest.tcp_requests(addr, PORT, conns, reqs)
for _ in range(3):
    lt.next_tick()
    cum.next_tick()
truth = server.stats()
lt.stop()
cum.stop()
server.stop()
print("server truth:", truth)
me = os.getpid()

lattest.check(lt.ticks[-1]["clients_state"] == "on", "request latency is active on this kernel")
for addr, (delay_ms, conns, reqs) in PLAN.items():
    t = truth[addr]
    lattest.check(t["connections"] == conns and t["requests"] == conns * reqs,
                  f"{addr}: server saw {conns} connections, {conns * reqs} requests")
    rows = [r for _, r in lattest.client_rows(lt.ticks, server.pid, addr)]
    lattest.check(rows, f"{addr}: lattop has a row for the server (pid {server.pid})")
    lattest.check(all(r["port"] == PORT and r["comm"].startswith("python") for r in rows),
                  f"{addr}: rows carry the local port {PORT} and the server's name")
    got_conns = sum(r["connections"] for r in rows)
    got_reqs = sum(r["requests"] for r in rows)
    got_closed = sum(r["closed"] for r in rows)
    print(f"{addr}: lattop connections={got_conns} closed={got_closed} requests={got_reqs}")
    lattest.check(got_conns == conns, f"{addr}: exactly {conns} connections (got {got_conns})")
    lattest.check(got_closed == conns, f"{addr}: all {conns} closed (got {got_closed})")
    lattest.check(got_reqs == conns * reqs,
                  f"{addr}: exactly {conns * reqs} requests (got {got_reqs})")
    b_in, b_out = sum(r["bytes_in"] for r in rows), sum(r["bytes_out"] for r in rows)
    lattest.check(b_in == conns * reqs * REQUEST_BYTES and b_out == conns * reqs * RESPONSE_BYTES,
                  f"{addr}: bytes in/out {b_in}/{b_out} == what was sent")
    last_total = rows[-1]["total"]
    lattest.check(last_total["requests"] == got_reqs and last_total["connections"] == got_conns,
                  f"{addr}: interval sums equal the cumulative totals")

    crow = [r for _, r in lattest.client_rows(cum.ticks, server.pid, addr)][-1]
    p50, true_p50 = crow["request"]["p50_ns"], t["median_ns"]
    err = abs(p50 - true_p50) / true_p50
    print(f"{addr}: p50 {p50} ns vs server median {true_p50:.0f} ns (delay {delay_ms} ms): "
          f"{100 * err:.2f} %")
    lattest.check(err <= lattest.BUCKET_ERROR,
                  f"{addr}: p50 within {100 * lattest.BUCKET_ERROR:.2f} % of the server's median")
    life = crow["lifetime"]
    lattest.check(life["count"] == conns and life["p50_ns"] >= reqs * delay_ms * 1e6 * 0.9,
                  f"{addr}: {conns} lifetimes, p50 {life['p50_ns']} ns >= {reqs} x {delay_ms} ms")

    # The connecting side: this process, dir out, remote port PORT.
    dst = "::1" if ":" in addr else "127.0.0.1"
    out = [r for _, r in lattest.client_rows(lt.ticks, me, dst, "out") if r["port"] == PORT]
    lattest.check(out, f"{addr}: the client side has out rows to {dst}:{PORT}")
rows_out = [r for _, r in lattest.client_rows(lt.ticks, me, None, "out") if r["port"] == PORT]
want_conns = sum(p[1] for p in PLAN.values())
want_reqs = sum(p[1] * p[2] for p in PLAN.values())
got = (sum(r["connections"] for r in rows_out), sum(r["requests"] for r in rows_out))
lattest.check(got == (want_conns, want_reqs),
              f"client side: {want_conns} connects and {want_reqs} requests (got {got})")
