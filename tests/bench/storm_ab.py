#!/usr/bin/env python3
"""A/B of two lattop builds by the storm's CPU time, in many short pairs.

The storm part of `make bench` runs each tracer for one long storm per
round; on a VM whose speed drifts by +-10 % within seconds a 20-40 ns
difference then hides in the spread. Here each pair attaches OLD, runs
STORMS short storms (the getppid loop pinned to the last CPU, CPU time from
wait4), detaches, does the same with NEW, and with none in between: the
order alternates by pair, and the paired difference (NEW - OLD, each minus
the nearest no-tracer run) is reported as a median with its quartiles.

usage: AB_PAIRS=15 tests/bench/storm_ab.py OLD/lattop NEW/lattop build/tests/syscall_storm
(AB_ARGS="--sample 16" adds options to both; AB_FLOOR=build/bench/floor_loader
measures the empty programs' floor in each pair too, and the ratios to it; root)"""
import json
import os
import statistics as st
import subprocess
import sys
import time

old, new, storm = sys.argv[1:4]
PAIRS = int(os.environ.get("AB_PAIRS", "15"))
STORMS = int(os.environ.get("AB_STORMS", "3"))
CALLS = int(os.environ.get("AB_CALLS", "500000"))
CPU = str(os.cpu_count() - 1)
FLOOR = os.environ.get("AB_FLOOR")


def storm_cpu_ns():
    """CPU ns per call of one storm (median of STORMS runs)."""
    runs = []
    for _ in range(STORMS):
        p = subprocess.Popen(["taskset", "-c", CPU, storm, str(CALLS)], stdout=subprocess.PIPE)
        p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        if status:
            sys.exit(f"storm failed: {status}")
        runs.append((ru.ru_utime + ru.ru_stime) * 1e9 / CALLS)
    return st.median(runs)


def under(binary):
    """Storm CPU ns per call with @binary attached (None: nothing attached)."""
    if binary is None:
        return storm_cpu_ns()
    out = open(f"/tmp/storm_ab.{os.getpid()}.json", "w+")
    argv = [binary] if binary == FLOOR else [binary, "--json", "-i", "1", "--no-clients"] + \
        os.environ.get("AB_ARGS", "").split()
    p = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.monotonic() + 30
        while os.fstat(out.fileno()).st_size == 0:     # the first tick: attached
            if p.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{binary} did not start")
            time.sleep(0.05)
        return storm_cpu_ns()
    finally:
        p.send_signal(2)
        p.wait(timeout=30)
        out.close()
        os.unlink(out.name)


diffs, added = [], {"old": [], "new": [], "floor": []}
for pair in range(PAIRS):
    order = [("old", old), ("new", new)] if pair % 2 == 0 else [("new", new), ("old", old)]
    if FLOOR:
        order.insert(1, ("floor", FLOOR))
    base0 = under(None)
    got = {}
    for name, binary in order:
        got[name] = under(binary)
    base1 = under(None)
    base = (base0 + base1) / 2
    for name in got:
        added[name].append(got[name] - base)
    diffs.append(got["new"] - got["old"])
    print(f"pair {pair}: none {base:.0f}, " +
          ", ".join(f"{n} +{got[n] - base:.0f}" for n in sorted(got)) +
          f" ns/call; new - old {diffs[-1]:+.0f}", flush=True)
q = st.quantiles(diffs, n=4) if len(diffs) > 1 else [diffs[0]] * 3
print("added ns per call, median: " +
      ", ".join(f"{n} +{st.median(v):.0f}" for n, v in added.items() if v))
if FLOOR:
    f = st.median(added["floor"])
    print(f"x floor (medians): old {st.median(added['old']) / f:.2f}x, "
          f"new {st.median(added['new']) / f:.2f}x")
print(f"new - old, paired: median {st.median(diffs):+.1f} ns [quartiles {q[0]:+.1f} .. {q[2]:+.1f}],"
      f" new lower in {sum(d < 0 for d in diffs)} of {len(diffs)} pairs")
print(json.dumps(dict(added, diffs=diffs)))
