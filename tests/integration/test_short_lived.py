#!/usr/bin/env python3
"""A process that starts and exits within one tick is counted exactly, marked
exited, and aged out (its exit event arrives before its keys are read)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

AGE_TICKS = 10
lattest.require_bpf()
lt = lattest.Lattop(["-i", "0.5", "-c", "syscall_truth", "--cumulative"], timeout_s=60)
lt.next_tick()
# Whole life well inside one 0.5 s tick: 3 x 1 ms sleeps, 10 fast calls, 7 failures.
p = subprocess.run([os.path.join(lattest.BUILD, "tests", "syscall_truth"), "3", "1000000", "10",
                    "7"], input="go\n", capture_output=True, text=True, timeout=10)
pid = int(p.stdout.splitlines()[0].split(":")[1].rstrip("}"))
seen_exited = False
gone = None
for i in range(AGE_TICKS + 6):
    tick = lt.next_tick()
    rows = [r for r in tick["syscalls"] if r["pid"] == pid]
    if rows:
        fchdir = [r for r in rows if r["syscall"] == "fchdir"]
        lattest.check(len(fchdir) == 1 and fchdir[0]["count"] == 7,
                      f"tick {tick['seq']}: 7 fchdir calls counted")
        seen_exited = seen_exited or all(r["exited"] for r in rows)
    elif seen_exited:
        gone = i
        break
lt.stop()
lattest.check(seen_exited, "all its rows are marked exited")
lattest.check(gone is not None, "and age out afterwards")
print("PASS")
