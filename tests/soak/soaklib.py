"""Shared helpers of the soak drivers (tests/soak/*.py).

A driver does not stop at the first failure: every check is recorded as one
row (area, check, PASS/FAIL, figure) in $SOAK_RESULTS, and tests/soak/run.sh
prints the table. A driver exits 0 when it ran to the end (whatever its
checks said), 77 when it could not run here, 1 when it broke.
"""
import atexit
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lattest  # noqa: E402

ROOT = lattest.ROOT
BUILD = lattest.BUILD
# LATTOP= overrides the binary (relative to the source tree), like the other tiers.
LATTOP = os.environ.get("LATTOP") or lattest.LATTOP
if not os.path.isabs(LATTOP):
    LATTOP = os.path.join(ROOT, LATTOP)
lattest.LATTOP = LATTOP
SOAK_BIN = os.path.join(BUILD, "soak")
RESULTS = os.environ.get("SOAK_RESULTS", os.devnull)
FAILED = 0
_TRACKED = []


def track(proc):
    """Kill @proc (a Popen) on every exit path of the driver."""
    _TRACKED.append(proc)
    return proc


def _kill_tracked():
    for p in _TRACKED:
        if p.poll() is None:
            try:
                p.kill()
                p.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass


def _on_stop(sig, frame):
    sys.exit(128 + sig)     # runs atexit: the tracked processes are killed


atexit.register(_kill_tracked)
for _sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(_sig, _on_stop)


def budget(default_s):
    """Seconds this driver may spend (the runner splits SOAK_SECONDS)."""
    return float(os.environ.get("SOAK_PART_SECONDS", default_s))


def result(area, check, ok, figure):
    """One row of the table. ok: True/False, or None for a figure only (INFO)."""
    global FAILED
    verdict = "INFO" if ok is None else ("PASS" if ok else "FAIL")
    if ok is False:
        FAILED += 1
    figure = " ".join(str(figure).split())
    with open(RESULTS, "a") as f:
        f.write(f"{area}\t{check}\t{verdict}\t{figure}\n")
    print(f"{verdict:4}  {area}: {check}  ({figure})", flush=True)


def need_bpf():
    """Exit 77 (the runner shows SKIP) where live BPF cannot run."""
    if os.geteuid() != 0:
        print("SKIP: not root: the soak runs live BPF")
        sys.exit(77)
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        print("SKIP: kernel has no BTF")
        sys.exit(77)
    if not os.access(LATTOP, os.X_OK):
        print(f"FAIL: {LATTOP} not built")
        sys.exit(1)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def bpf_ids(pid):
    """BPF program, map and link ids that process @pid holds (from fdinfo)."""
    ids = set()
    try:
        fds = os.listdir(f"/proc/{pid}/fdinfo")
    except OSError:
        return ids
    for fd in fds:
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                for line in f:
                    m = re.match(r"(prog_id|map_id|link_id):\s+(\d+)", line)
                    if m:
                        ids.add((m.group(1)[:-3], int(m.group(2))))
        except OSError:
            pass
    return ids


def bpf_live_ids():
    """Every BPF program, map and link id on the host (bpftool)."""
    live = set()
    for kind in ("prog", "map", "link"):
        try:
            out = subprocess.run(["bpftool", kind, "show", "--json"], capture_output=True,
                                 text=True, timeout=20).stdout
            for obj in json.loads(out or "[]"):
                live.add((kind, obj["id"]))
        except (OSError, ValueError, subprocess.TimeoutExpired):
            pass
    return live


def bpf_left(ids, limit_s=5.0):
    """Ids of @ids still alive after up to @limit_s (freeing is deferred: RCU)."""
    deadline = time.monotonic() + limit_s
    while True:
        left = ids & bpf_live_ids()
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def tick_lateness(ticks, interval_s):
    """(largest gap between consecutive ticks in s, ticks late by more than one
    interval): a tick is late when it came more than 2 intervals after the
    one before (ts_ns) or covered more than 2 intervals (interval_ns)."""
    worst, late = 0.0, 0
    for a, b in zip(ticks, ticks[1:]):
        gap = (b["ts_ns"] - a["ts_ns"]) / 1e9
        span = b["interval_ns"] / 1e9
        worst = max(worst, gap, span)
        if gap > 2 * interval_s or span > 2 * interval_s:
            late += 1
    return worst, late


def kill_quietly(proc, sig=signal.SIGKILL):
    if proc and proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass


def csv_problem(path, cells=10):
    """None when every line of the --csv file is a whole row of @cells cells."""
    import csv
    if not os.path.exists(path):
        return "no CSV file"
    with open(path, newline="") as f:
        data = f.read()
    if data and not data.endswith("\n"):
        return f"ends inside a row ({len(data)} bytes)"
    for i, row in enumerate(csv.reader(data.splitlines())):
        if len(row) != cells:
            return f"row {i + 1} has {len(row)} of {cells} cells: {','.join(row)[:60]!r}"
        if i == 0 and row[0] != "timestamp_ns":
            return f"the first line is not the header: {','.join(row)[:60]!r}"
    return None


def jsonl_problem(path, want_lines):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
        for i, line in enumerate(lines):
            json.loads(line)
    except (OSError, ValueError) as e:
        return f"{e.__class__.__name__}: {str(e)[:80]}"
    if len(lines) != want_lines:
        return f"{len(lines)} lines, not {want_lines}"
    return None


def finish():
    print(f"driver done: {FAILED} checks failed")
    sys.exit(0)


if __name__ == "__main__":
    # For the bash drivers: `soaklib.py ids PID` prints the BPF objects PID
    # holds (kind:id ...); `soaklib.py left kind:id ...` prints those still
    # alive after up to 5 s.
    if sys.argv[1] == "ids":
        print(" ".join(f"{k}:{i}" for k, i in sorted(bpf_ids(int(sys.argv[2])))))
    elif sys.argv[1] == "csv":
        print(csv_problem(sys.argv[2]) or "")
    elif sys.argv[1] == "jsonl":
        print(jsonl_problem(sys.argv[2], int(sys.argv[3])) or "")
    elif sys.argv[1] == "left":
        want = {(a.split(":")[0], int(a.split(":")[1])) for a in sys.argv[2:]}
        print(" ".join(f"{k}:{i}" for k, i in sorted(bpf_left(want))))
