#!/usr/bin/env python3
"""lattop in a PID namespace of its own (unshare --pid --fork --mount-proc, as in
a container with its own /proc, where the kernel's pids appear nowhere): a
helper inside makes exactly M getppid calls; lattop --json inside must show
them under the helper's pid in the namespace (not the kernel's), -p with that
pid must work (the BPF pre-filter is set with the kernel's pid), and a storm
of getppid calls outside the namespace must be absent (its pid is not one of
the namespace's). "pidns" in the JSON, when present, is the namespace's inode."""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

M = 4321
STORM = os.path.join(lattest.BUILD, "tests", "syscall_storm")


def inside():
    """Runs as pid 1's child in the new namespace, with its own /proc."""
    helper = lattest.Truth(0, 0, M, 0)
    hpid = helper.pid
    with open("/proc/self/status") as f:
        nspid = [ln for ln in f if ln.startswith("NSpid:")][0].split()[1:]
    ino = os.stat("/proc/self/ns/pid").st_ino
    print(f"inside: NSpid {nspid}, namespace {ino}, helper pid {hpid}")
    lattest.check(hpid < 100, f"the helper has a pid of the new namespace ({hpid})")
    everyone = lattest.Lattop(["-i", "0.2", "--no-clients"])
    only = lattest.Lattop(["-i", "0.2", "--no-clients", "-p", str(hpid)])
    everyone.next_tick()
    only.next_tick()
    helper.go()
    for _ in range(3):
        everyone.next_tick()
        only.next_tick()
    helper.finish()
    everyone.stop()
    only.stop()
    visible = {int(d) for d in os.listdir("/proc") if d.isdigit()}
    for name, lt in (("all", everyone), ("-p", only)):
        got = sum(r["count"] for _, r in lattest.rows(lt.ticks, hpid, "getppid"))
        lattest.check(got == M, f"[{name}] exactly {M} getppid calls of namespace pid {hpid} "
                      f"(got {got})")
        pids = {r["pid"] for t in lt.ticks for r in t.get("syscalls", [])}
        lattest.check(pids and max(pids) < 1000,
                      f"[{name}] every row carries a namespace pid ({sorted(pids)[:12]})")
        storm = [r for t in lt.ticks for r in t.get("syscalls", [])
                 if r["comm"].startswith("syscall_storm")]
        lattest.check(not storm, f"[{name}] the storm outside the namespace is absent "
                      f"({len(storm)} rows)")
        if "pidns" in lt.ticks[-1]:
            lattest.check(lt.ticks[-1]["pidns"] == ino,
                          f"[{name}] JSON pidns {lt.ticks[-1]['pidns']} == {ino}")
    others = {r["pid"] for t in only.ticks for r in t.get("syscalls", [])} - {hpid}
    lattest.check(not others, f"[-p] only the helper's rows (others: {sorted(others)})")
    gone = {r["pid"] for t in everyone.ticks for r in t.get("syscalls", [])} - visible - {hpid}
    print(f"rows of pids gone from the namespace by now (exited): {sorted(gone)}")
    print("PASS")


def main():
    lattest.require_bpf()
    if not shutil.which("unshare"):
        lattest.skip("unshare (util-linux) is not installed")
    if not os.access(STORM, os.X_OK):
        lattest.fail(f"{STORM} not built (make helpers)")
    # Outside: a getppid storm the namespace must not show.
    storm = subprocess.Popen([STORM, "400000000"], stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.1)
        res = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable,
                              os.path.abspath(__file__), "--inside"],
                             env=dict(os.environ, O=os.environ.get("O", "build")),
                             timeout=120, text=True, capture_output=True)
    finally:
        storm.kill()
        storm.wait()
    print(res.stdout, end="")
    print(res.stderr, end="", file=sys.stderr)
    if res.returncode == 77 or "unshare failed" in res.stderr:
        lattest.skip(f"cannot run in a new PID namespace: {res.stderr.strip()[-200:]}")
    sys.exit(res.returncode)


if __name__ == "__main__":
    if sys.argv[1:] == ["--inside"]:
        inside()
    else:
        main()
