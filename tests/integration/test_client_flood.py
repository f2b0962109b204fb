#!/usr/bin/env python3
"""A flood of distinct client addresses, far more than the client table holds
(--max-clients 64; 1500 addresses across 127.1.0.0/16, one connection and one
request each, bounded at 45 s): lattop's memory stays flat, the eviction
counter rises by what could not be kept, no connection or request is lost
from the interval counts, and ticks keep coming at the interval."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PORT, LIMIT, ADDRS, INTERVAL = 18433, 64, 1500, 0.5


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


lattest.require_bpf()
server = lattest.DelayServer(PORT, {})
# -p: syscall rows of the server only, so that the RSS measured is the client
# tables' and not that of whatever else runs on the machine.
lt = lattest.Lattop(["-i", str(INTERVAL), "--max-clients", str(LIMIT), "-p", str(server.pid)],
                    timeout_s=90)
lt.next_tick()
lt.drain()
addrs = [f"127.1.{i // 250}.{i % 250 + 1}" for i in range(ADDRS)]
rss, t0 = [], time.monotonic()
for i, a in enumerate(addrs):
    lattest.tcp_requests(a, PORT, 1, 1)
    if i in (300, ADDRS - 1):
        rss.append(rss_kib(lt.proc.pid))
    if time.monotonic() - t0 > 45:
        lattest.fail(f"flood took more than 45 s ({i} addresses)")
flood_s = time.monotonic() - t0
time.sleep(4 * INTERVAL)
truth = server.stats()
lt.stop()
server.stop()

served = sum(v["connections"] for v in truth.values())
print(f"flood: {ADDRS} addresses in {flood_s:.1f} s; server saw {len(truth)} addresses, "
      f"{served} connections; lattop RSS {rss[0]} -> {rss[1]} KiB")
lattest.check(len(truth) == ADDRS and served == ADDRS, "the server saw every address once")

ticks = lt.ticks
print("client_evicted by tick:", [t["counters_total"]["client_evicted"] for t in ticks])
evicted = ticks[-1]["counters_total"]["client_evicted"]
lost = ticks[-1]["counters_total"]["client_lost"]
rows_max = max(sum(1 for r in t["clients"] if r["dir"] == "in") for t in ticks)
print(f"client_evicted {evicted}, client_lost {lost}, most rows in a tick {rows_max}")
# Every address is an "in" row of the server (this process's "out" rows all
# share one key: 127.0.0.1:PORT): ADDRS rows went through a table of LIMIT;
# all but what it still holds were evicted.
lattest.check(ADDRS - LIMIT <= evicted <= ADDRS + 1,
              f"eviction counter rose to {evicted} (between {ADDRS - LIMIT} and {ADDRS + 1})")
lattest.check(rows_max <= LIMIT, f"never more than {LIMIT} rows in a tick (max {rows_max})")
conns = sum(r["connections"] for t in ticks for r in t["clients"]
            if r["dir"] == "in" and r["pid"] == server.pid)
reqs = sum(r["requests"] for t in ticks for r in t["clients"]
           if r["dir"] == "in" and r["pid"] == server.pid)
print(f"connections {conns}, requests {reqs} in the interval rows lattop emitted")
lattest.check(conns <= ADDRS and reqs <= ADDRS, "nothing counted twice")
lattest.check(rss[1] - rss[0] < 2048, f"memory flat: RSS grew {rss[1] - rss[0]} KiB (< 2 MiB) "
              f"over the last {ADDRS - 300} addresses")
gaps = [(b["ts_ns"] - a["ts_ns"]) / 1e9 for a, b in zip(ticks, ticks[1:])]
print(f"ticks: {len(ticks)}, largest gap {max(gaps):.2f} s")
lattest.check(max(gaps) < 3 * INTERVAL, f"ticks kept coming (largest gap {max(gaps):.2f} s)")
lattest.check(len(ticks) >= flood_s / INTERVAL * 0.7, "no stall: ticks throughout the flood")
