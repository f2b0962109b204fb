#!/usr/bin/env python3
"""Process identity after prctl(PR_SET_NAME) (issue 11 point 3a): a python3
helper works, renames itself "connloop" and works again. JSON ticks then name
every row of its pid "connloop" (syscalls and clients), list no (pid, syscall)
twice, and keep the exact count of its stat calls across the rename (50 before
+ 30 after, merged into one row); batch text shows the new name and not the
old one for that pid."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

lattest.require_bpf()
helper = os.path.join(lattest.ROOT, "tests", "helpers", "rename_self.py")
proc = subprocess.Popen([sys.executable, helper], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        text=True)
hello = json.loads(proc.stdout.readline())
pid = hello["pid"]


def ask(cmd):
    proc.stdin.write(cmd + "\n")
    proc.stdin.flush()
    return json.loads(proc.stdout.readline())


lt = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative"], timeout_s=90)
lt.next_tick()
ask("work 50")
lt.next_tick()
lt.next_tick()
before = lt.next_tick()
old = {r["comm"] for r in before["syscalls"] if r["pid"] == pid}
lattest.check(old == {"python3"}, f"before the rename the helper is python3 ({sorted(old)})")
lattest.check(ask("rename connloop") == {"renamed": "connloop"}, "prctl renamed the helper")
ask("work 30")


def stat_count(t):
    return sum(r["count"] for r in t["syscalls"]
               if r["pid"] == pid and r["syscall"] in ("newfstatat", "stat", "statx"))


# The ticks in the pipe may predate the rename (a slow run, ASan): read on to
# the first tick that holds the 30 calls made after it (bounded).
done_before = stat_count(before)
for _ in range(100):
    tick = lt.next_tick()
    if stat_count(tick) >= done_before + 30:
        break
tick = lt.next_tick()	# and one more: the tick with the work may have cut it in half
rows = [r for r in tick["syscalls"] if r["pid"] == pid]
names = {r["comm"] for r in rows}
print("syscall rows of", pid, ":", sorted((r["syscall"], r["comm"], r["count"]) for r in rows))
lattest.check(names == {"connloop"}, f"every syscall row of the pid says connloop ({sorted(names)})")
keys = [(r["syscall"], r.get("wait", False)) for r in rows]
lattest.check(len(keys) == len(set(keys)), "no (pid, syscall) row twice after the rename")
stat = [r for r in rows if r["syscall"] in ("newfstatat", "stat", "statx")]
lattest.check(len(stat) == 1 and stat[0]["count"] >= 80,
              f"stat calls before and after the rename are one row ({[r['count'] for r in stat]})")
clients = [c for c in tick.get("clients", []) if c["pid"] == pid]
if clients:
    cnames = {c["comm"] for c in clients}
    lattest.check(cnames == {"connloop"}, f"client rows of the pid say connloop ({sorted(cnames)})")
else:
    print("note: no client rows (clients unavailable here)")
lt.stop()

# Batch text, a fresh run while the helper works under its new name.
batch = subprocess.Popen([lattest.LATTOP, "-b", "-i", "0.3", "-n", "4", "-p", str(pid)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
first = batch.stdout.readline()	# tick 1: attached
for _ in range(6):
    ask("work 20")
    time.sleep(0.1)
try:
    out, err = batch.communicate(timeout=30)
    out = first + out
except subprocess.TimeoutExpired:
    batch.kill()
    lattest.fail("batch run did not end")
lattest.check(batch.returncode == 0, f"batch run exits 0 ({err.strip()})")
lattest.check(f"connloop[{pid}]" in out, "batch text names the helper connloop")
lattest.check("python3" not in out, "batch text does not show the old name")
proc.stdin.write("exit\n")
proc.stdin.close()
proc.wait(timeout=10)
print("PASS")
