#!/usr/bin/env python3
"""No call is lost while lattop starts under load: the syscall rows' free
list (bpf/lib/sys_rows.bpf.h) is filled before the programs attach, so a
getppid storm already running when lattop starts finds a row from its first
call. Each start's first ticks must count the storm's calls and lose none."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

STARTS = 3
lattest.require_bpf()
storm = subprocess.Popen([os.path.join(lattest.BUILD, "tests", "syscall_storm"), "4000000000"],
                         stdout=subprocess.DEVNULL)
try:
    time.sleep(0.2)
    for start in range(STARTS):
        # The pre-filter keeps only the storm: its calls are the only ones that need a row.
        lt = lattest.Lattop(["-i", "0.2", "--no-clients", "-p", str(storm.pid)], timeout_s=30)
        for _ in range(3):
            lt.next_tick()
        lt.stop()
        lost = sum(t["counters"]["lost"] for t in lt.ticks)
        calls = sum(r["count"] for _, r in lattest.rows(lt.ticks, storm.pid, "getppid"))
        lattest.check(calls > 0, f"start {start}: the storm's getppid calls counted ({calls})")
        lattest.check(lost == 0, f"start {start}: no call lost while starting (lost {lost})")
finally:
    storm.kill()
    storm.wait()
print("PASS")
