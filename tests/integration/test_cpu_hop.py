#!/usr/bin/env python3
"""Calls that end on another CPU than they began are counted and timed.

With tp_btf and no -c, tree or --cgroup pre-filter, the call in flight is in
a per-CPU record that the sched_switch hook hands over to the thread's task
storage when the thread leaves the CPU (bpf/syscalls.bpf.c, cpu_calls).
sched_setaffinity onto the other CPU is such a call every time: it enters on
one CPU, the kernel moves the thread inside it, it exits on the other. A
helper makes N of them, each followed by one getppid on the new CPU, and
brackets each with its own clock. Three lattop instances at once: the
default (per-CPU records, breakdown on), --no-breakdown (sched_switch
attached for the hand-over alone) and -c (per-thread slots only). Each
counts exactly N of both calls, the moves' time at most the helper's
brackets and not far under them (a hand-over that lost the start time
would count the call short or not at all), and the breakdown puts the
time the thread waited to be moved off the CPU."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

N = 2000
lattest.require_bpf()
cpus = sorted(os.sched_getaffinity(0))
if len(cpus) < 2:
    lattest.skip(f"needs 2 CPUs to move between (this process may use {cpus})")
helper = subprocess.Popen([os.path.join(lattest.BUILD, "tests", "cpu_hop"), str(N),
                           str(cpus[0]), str(cpus[1])],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
try:
    pid = json.loads(helper.stdout.readline())["pid"]
    common = ["-i", "0.2", "--cumulative"]
    default = lattest.Lattop(common + ["-p", str(pid)], timeout_s=120)
    no_bd = lattest.Lattop(common + ["-p", str(pid), "--no-breakdown"], timeout_s=120)
    by_name = lattest.Lattop(common + ["-c", "cpu_hop"], timeout_s=120)
    sampled = lattest.Lattop(common + ["-p", str(pid), "--sample", "4"], timeout_s=120)
    for lt in (default, no_bd, by_name, sampled):
        lt.next_tick()
        lt.drain()
    helper.stdin.write("go\n")
    helper.stdin.flush()
    done = json.loads(helper.stdout.readline())
    for lt in (default, no_bd, by_name, sampled):
        lt.wait_ticks(3)
        lt.stop()
finally:
    helper.stdin.close()
    helper.wait(timeout=10)

lattest.check(done["calls"] == N and done["failed"] == 0,
              f"the helper made {N} sched_setaffinity calls ({done})")
lattest.check(done["moved"] >= N * 0.99, f"{done['moved']} of {N} calls ended on the other CPU")


def last_row(ticks, name):
    """The pid's row of @name in the last tick that has it, summed over wait/work rows."""
    for t in reversed(ticks):
        rows = [r for r in t["syscalls"] if r["pid"] == pid and r["syscall"] == name]
        if rows:
            return {k: sum(r[k] for r in rows) for k in ("count", "timed", "sum_ns")} | {
                "max_ns": max(r["max_ns"] for r in rows),
                "runq_ns": sum(r.get("breakdown", {}).get("runq_ns", 0) for r in rows)}
    return {"count": 0, "timed": 0, "sum_ns": 0, "max_ns": 0, "runq_ns": 0}


for label, lt in (("default", default), ("--no-breakdown", no_bd), ("-c cpu_hop", by_name)):
    hop = last_row(lt.ticks, "sched_setaffinity")
    ppid = last_row(lt.ticks, "getppid")
    lattest.check(hop["count"] == N and hop["timed"] == N and ppid["count"] == N,
                  f"{label}: exactly {N} sched_setaffinity and {N} getppid calls, all timed "
                  f"(got {hop['count']}, {hop['timed']} timed; getppid {ppid['count']})")
    # The kernel's span of a call is inside the helper's brackets; the
    # brackets add two clock reads and the syscall's entry and exit (a few
    # microseconds at most here), while a move itself takes tens.
    lattest.check(0.5 * done["sum_ns"] <= hop["sum_ns"] <= done["sum_ns"],
                  f"{label}: the moves took {hop['sum_ns'] / N / 1e3:.1f} us each by lattop, "
                  f"{done['sum_ns'] / N / 1e3:.1f} us by the helper's clock")
    lattest.check(hop["max_ns"] <= done["max_ns"],
                  f"{label}: slowest move {hop['max_ns'] / 1e3:.1f} us <= the helper's "
                  f"{done['max_ns'] / 1e3:.1f} us")
hop = last_row(sampled.ticks, "sched_setaffinity")
ppid = last_row(sampled.ticks, "getppid")
# Binomial(N, 1/4): +-30 % is over 8 standard deviations.
lattest.check(hop["count"] == N and ppid["count"] == N and
              N / 4 * 0.7 <= hop["timed"] <= N / 4 * 1.3 and
              N / 4 * 0.7 <= ppid["timed"] <= N / 4 * 1.3,
              f"--sample 4: exactly {N} sched_setaffinity and {N} getppid calls, about 1 in 4 "
              f"timed (got {hop['count']}, {hop['timed']} timed; getppid {ppid['count']}, "
              f"{ppid['timed']} timed)")
lattest.check(hop["max_ns"] <= done["max_ns"] and
              hop["sum_ns"] <= done["sum_ns"] * hop["timed"] / N * 1.5,
              f"--sample 4: the timed moves {hop['sum_ns'] / max(hop['timed'], 1) / 1e3:.1f} us "
              f"each, slowest {hop['max_ns'] / 1e3:.1f} us: within the helper's")
bd = last_row(default.ticks, "sched_setaffinity")
lattest.check(bd["runq_ns"] > 0,
              f"default: the breakdown has the moves' time waiting for a CPU "
              f"({bd['runq_ns'] / N / 1e3:.1f} us each)")
print("PASS")
