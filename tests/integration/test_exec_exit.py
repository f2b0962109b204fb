#!/usr/bin/env python3
"""Process identity in the kernel: a pid has one name, the newest (as ps and
htop show it): after an exec the shell's rows carry the program's name and its
calls are merged into that process's rows (one row per syscall), the new
image's own calls exact; a process that exits is aged out of the cumulative
view a bounded number of ticks later."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

AGE_TICKS = 10  # src/collect/bpf_source.c

lattest.require_bpf()
truth_bin = os.path.join(lattest.BUILD, "tests", "syscall_truth")
# The shell reads one line, then becomes syscall_truth under the same pid.
proc = subprocess.Popen(["/bin/sh", "-c", f"read x; exec {truth_bin} 3 1000000 10 7"],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
pid = proc.pid
lt = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative"], timeout_s=90)
lt.next_tick()
proc.stdin.write("go\n")            # sh's read returns, sh execs
proc.stdin.flush()
assert json.loads(proc.stdout.readline())["pid"] == pid
proc.stdin.write("go\n")            # syscall_truth does its calls
proc.stdin.flush()
truth = json.loads(proc.stdout.readline())
for _ in range(3):
    lt.next_tick()
proc.stdin.close()
proc.wait(timeout=10)

tick = lt.next_tick()
comms = {r["comm"] for r in tick["syscalls"] if r["pid"] == pid}
print("rows for pid", pid, "by comm:", sorted(comms))
lattest.check(comms == {"syscall_truth"},
              "after exec the pid has one name, the newest (no 'sh' rows left)")
fchdir = [r for r in tick["syscalls"] if r["pid"] == pid and r["syscall"] == "fchdir"]
lattest.check(len(fchdir) == 1 and fchdir[0]["comm"] == "syscall_truth"
              and fchdir[0]["count"] == 7 and fchdir[0]["errors"] == 7,
              "the new image's calls are counted under its name, exactly")
reads = [r for r in tick["syscalls"] if r["pid"] == pid and r["syscall"] == "read"
         and not r.get("wait")]
lattest.check(len(reads) <= 1, "one read row per pid (the shell's keys merged, not listed twice)")
keys = [(r["syscall"], r.get("wait", False)) for r in tick["syscalls"] if r["pid"] == pid]
lattest.check(len(keys) == len(set(keys)), "no (pid, syscall) row twice")

gone_after = None
for i in range(AGE_TICKS + 6):
    tick = lt.next_tick()
    if not any(r["pid"] == pid for r in tick["syscalls"]):
        gone_after = i + 1
        break
lt.stop()
lattest.check(gone_after is not None, f"exited process aged out (after {gone_after} ticks)")
lattest.check(gone_after >= AGE_TICKS - 1, f"but not before {AGE_TICKS - 1} ticks")
print("PASS")
