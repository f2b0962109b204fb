#!/usr/bin/env python3
"""Syscall rows are recycled exactly (bpf/lib/sys_rows.bpf.h): with
--max-keys 128, short processes one after another need many more rows than
the kernel has; each exited process's keys are retired, their rows
quarantined, zeroed and handed to later processes, some of which reuse the
previous process's PID (forced through ns_last_pid). Every process's calls
are counted exactly (nothing of a row's earlier owner shows, nothing is
lost), and so are those of a process that lives across all the churn."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

MAX_KEYS = 128     # two processes' keys at once, even built with ASan (more start-up calls)
RUNS = 12
lattest.require_bpf()
# A name of its own: other tests' syscall_truth processes on the machine must not take rows.
TMP = tempfile.mkdtemp()
NAME = f"rowsreuse{os.getpid() % 100000}"
TRUTH = os.path.join(TMP, NAME)
shutil.copy(os.path.join(lattest.BUILD, "tests", "syscall_truth"), TRUTH)


class Truth(lattest.Truth):
    """lattest.Truth under NAME."""

    def __init__(self, n, sleep_ns, m, k):
        self.proc = subprocess.Popen([TRUTH, str(n), str(sleep_ns), str(m), str(k)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = json.loads(self.proc.stdout.readline())["pid"]


def truth_with_pid(k, want_pid):
    """A syscall_truth making k failing fchdir calls, with pid want_pid if we can get it."""
    for _ in range(50 if want_pid else 1):
        if want_pid:
            with open("/proc/sys/kernel/ns_last_pid", "w") as f:
                f.write(str(want_pid - 1))
        t = Truth(0, 0, 2, k)
        if not want_pid or t.pid == want_pid:
            return t
        t.finish()     # another fork took the pid: try again
    return t


def fchdir_calls(ticks, pid):
    """Sum of interval counts of pid's fchdir rows, and whether one showed it exited."""
    calls, exited = 0, False
    for _, r in lattest.rows(ticks, pid, "fchdir"):
        calls += r["count"]
        exited = exited or r["exited"]
    return calls, exited


lt = lattest.Lattop(["-i", "0.25", "--max-keys", str(MAX_KEYS), "-c", NAME],
                    timeout_s=120)
lt.drain()
lt.wait_ticks(2)
# Lives across all the churn: its calls before it must not move.
elder = Truth(0, 0, 3, 5)
elder.go()
prev_pid, reused, keys_seen = None, 0, set()
for run in range(RUNS):
    k = 3 + run                         # distinct per run: a leftover count would show
    first = len(lt.ticks)
    t = truth_with_pid(k, prev_pid if run % 2 else None)
    reused += t.pid == prev_pid
    did = t.go()
    t.finish()
    lattest.check(did["failed"] == k, f"run {run}: helper made {k} failing fchdir calls")
    # Until its last counts are out (row marked exited), then the rows' quarantine.
    deadline = time.monotonic() + 20
    while not fchdir_calls(lt.ticks[first:], t.pid)[1]:
        lattest.check(time.monotonic() < deadline, f"run {run}: its fchdir row shows exited")
        lt.wait_ticks(1)
    lt.wait_ticks(3)
    calls, _ = fchdir_calls(lt.ticks[first:], t.pid)
    lattest.check(calls == k, f"run {run} (pid {t.pid}): fchdir counted {calls}, made {k}")
    for tick in lt.ticks[first:]:
        for r in tick.get("syscalls", []):
            keys_seen.add((run if r["pid"] == t.pid else r["pid"], r["syscall"], r["wait"]))
    prev_pid = t.pid
elder_calls, _ = fchdir_calls(lt.ticks, elder.pid)
elder.finish()
lt.stop()
shutil.rmtree(TMP)
lost = lt.ticks[-1]["counters_total"]["lost"]
lattest.check(elder_calls == 5, f"the process alive across the churn: 5 fchdir (got {elder_calls})")
lattest.check(lost == 0, f"no call lost for want of a row (lost {lost})")
# More keys than rows and none lost: rows were handed out again.
lattest.check(len(keys_seen) > MAX_KEYS,
              f"rows were recycled: {len(keys_seen)} keys through {MAX_KEYS} rows")
lattest.check(reused >= RUNS // 4, f"PID reuse happened ({reused} of {RUNS // 2} tries)")
print("PASS")
