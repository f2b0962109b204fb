#!/usr/bin/env python3
"""Real BPF against ground truth for the syscall breakdown (issue 12): where
each call's time went, on-CPU / waiting for a CPU / waiting for I/O /
blocked, against causes the helper makes itself:

- pipe: N reads of a pipe whose writer sleeps 5 ms first -> each read is
  blocked ~5 ms (within the bucket error and timer slack), no I/O;
- fsync: N writes of 64 KiB each followed by fsync on a disk file -> the
  fsync rows' time is the helper's wall time, the time off the CPU is
  waiting for I/O, not blocked (how much of the
  call that is depends on the disk: a fast one with a write cache spends
  more of an fsync on the CPU than waiting);
- cpu: reads of 4 MiB from /dev/zero (CPU-bound in the kernel, at least
  N and 60 ms of them) with a hog on the same CPU -> a run-queue part > 0,
  and the thread's run-queue
  parts never exceed its own /proc/self/task/TID/schedstat wait (the
  kernel's accounting) over the same window.

On every row the four parts add up to the row's sum_ns within 1 %."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

lattest.require_bpf()
HELPER = os.path.join(lattest.BUILD, "tests", "breakdown_truth")
PARTS = ("oncpu_ns", "runq_ns", "io_ns", "blocked_ns")


def run(args):
    """Run the helper under lattop (filtered to it); its result and lattop's ticks."""
    helper = subprocess.Popen([HELPER] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    ids = json.loads(helper.stdout.readline())
    lt = lattest.Lattop(["-i", "0.2", "-p", str(ids["pid"]), "--no-clients", "--no-runq",
                         "--no-block"])
    lt.next_tick()
    helper.stdin.write("go\n")
    helper.stdin.flush()
    truth = json.loads(helper.stdout.readline())
    helper.wait(timeout=60)
    for _ in range(3):
        lt.next_tick()
    lt.stop()
    lattest.check(truth["ok"], f"helper {args[0]} did its work")
    return ids, truth, lt.ticks


def summed(ticks, pid, syscall, wait=None):
    """Interval rows of (pid, syscall) (only wait or work ones if @wait is given): count,
    sum_ns, parts."""
    tot = {"count": 0, "sum_ns": 0}
    tot.update({p: 0 for p in PARTS})
    for t, r in lattest.rows(ticks, pid, syscall):
        if wait is not None and r["wait"] != wait:
            continue
        lattest.check(t.get("breakdown") is True, "the tick says the breakdown is on")
        b = r["breakdown"]
        parts = sum(b[p] for p in PARTS)
        lattest.check(abs(parts - r["sum_ns"]) <= r["sum_ns"] / 100,
                      f"{syscall}: parts {parts} add up to sum_ns {r['sum_ns']} within 1 %")
        tot["count"] += r["count"]
        tot["sum_ns"] += r["sum_ns"]
        for p in PARTS:
            tot[p] += b[p]
    return tot


# A read waiting for a writer that sleeps 5 ms: blocked.
N, DELAY_MS = 60, 5
ids, truth, ticks = run(["pipe", str(N), str(DELAY_MS)])
rd = summed(ticks, ids["pid"], "read", wait=True)   # the helper's own /proc reads are work
print("pipe read:", rd)
lattest.check(rd["count"] == N, f"pipe: {N} waiting reads counted (got {rd['count']})")
per_call = rd["blocked_ns"] / N
lattest.check(DELAY_MS * 1e6 * (1 - lattest.BUCKET_ERROR) <= per_call <= DELAY_MS * 1e6 * 1.5,
              f"pipe: blocked {per_call / 1e6:.2f} ms per read, about the writer's {DELAY_MS} ms")
lattest.check(rd["io_ns"] == 0, f"pipe: no I/O wait (got {rd['io_ns']} ns)")
lattest.check(rd["runq_ns"] < rd["sum_ns"] * 0.1,
              f"pipe: little run-queue wait ({rd['runq_ns']} of {rd['sum_ns']} ns)")

# fsync of freshly written data: waiting for the disk.
with tempfile.TemporaryDirectory(dir=lattest.BUILD) as d:
    ids, truth, ticks = run(["fsync", "20", os.path.join(d, "data")])
fs = summed(ticks, ids["pid"], "fsync")
print("fsync:", fs)
lattest.check(fs["count"] == 20, f"fsync: 20 calls counted (got {fs['count']})")
# lattop's call spans sys_enter..sys_exit, the helper's clocks are read
# just outside them: a few microseconds per call either way.
SLACK_NS = 20 * 20000
wall, cpu_truth = truth["fsync_wall_ns"], truth["fsync_cpu_ns"]
lattest.check(abs(fs["sum_ns"] - wall) <= wall * 0.02 + SLACK_NS,
              f"fsync: sum_ns {fs['sum_ns']} is the helper's wall time {wall} ns")
# The thread's CPU clock is only a loose anchor for the on-CPU part in a
# VM: it leaves out time stolen by the host and interrupts handled while
# the thread ran (lattop's parts are wall time), and starts a woken thread's clock from the run queue's clock
# before its switch-in (seen: 0.3x to 4x). It still shows the off-CPU
# parts do not swallow the time the thread ran.
lattest.check(fs["oncpu_ns"] >= cpu_truth / 2,
              f"fsync: on-CPU {fs['oncpu_ns']} ns keeps the thread's CPU clock "
              f"({cpu_truth} ns) at least half")
lattest.check(fs["runq_ns"] <= truth["wait_ns"] * 1.01 + SLACK_NS,
              f"fsync: run-queue parts {fs['runq_ns']} <= the thread's schedstat wait "
              f"{truth['wait_ns']} ns")
off_cpu = fs["io_ns"] + fs["blocked_ns"]
lattest.check(fs["io_ns"] > 0 and fs["io_ns"] >= off_cpu * 0.9,
              f"fsync: off the CPU it waits for I/O ({fs['io_ns']} of {off_cpu} ns)")

# CPU-bound reads with a hog on the same CPU: waiting for a CPU.
ids, truth, ticks = run(["cpu", "40", "60"])
cpu = summed(ticks, ids["pid"], "read")
print("cpu read:", cpu, "schedstat wait delta:", truth["wait_ns"])
lattest.check(cpu["count"] >= truth["calls"] >= 40,
              f"cpu: the helper's {truth['calls']} reads counted (got {cpu['count']})")
lattest.check(cpu["runq_ns"] > 0, f"cpu: a run-queue part ({cpu['runq_ns']} ns)")
lattest.check(cpu["runq_ns"] <= truth["wait_ns"] * 1.01 + 100000,
              f"cpu: run-queue parts {cpu['runq_ns']} <= the thread's schedstat wait "
              f"{truth['wait_ns']} ns")
lattest.check(cpu["oncpu_ns"] > cpu["sum_ns"] / 10,
              f"cpu: on-CPU time measured ({cpu['oncpu_ns']} of {cpu['sum_ns']} ns)")
