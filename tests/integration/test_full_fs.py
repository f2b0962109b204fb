#!/usr/bin/env python3
"""Output files on a full filesystem (issue #10, part 3), on a small tmpfs.

--csv: the write error is said once, naming the file; the run goes on without
the CSV and exits 1; the file is cut back to its last complete row, so every
row has all its cells (compare would otherwise take a cut row for a short one).
record -o: the message names the file; the recording ends with its last
complete record and still replays up to there.
"""
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PORT = 18461
lattest.require_bpf()
mnt = tempfile.mkdtemp(prefix="lattop-full.")
if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", mnt]).returncode:
    lattest.skip("cannot mount a tmpfs")
server = None
rp_ = None
try:
    path = os.path.join(mnt, "samples.csv")
    server = subprocess.Popen([sys.executable, f"{lattest.ROOT}/tests/helpers/delay_server.py",
                               str(PORT), "127.0.0.2=0"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    server.stdout.readline()
    lt = subprocess.Popen([lattest.LATTOP, "--json", "-i", "0.2", "--csv", path],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lt.stdout.readline()
    # About 100 bytes a row: 600 requests are four times what 16 KiB holds.
    lattest.tcp_requests("127.0.0.2", PORT, 30, 20)
    time.sleep(0.6)
    lt.stdout.readline()	# still ticking after the CSV failed
    lt.send_signal(signal.SIGINT)
    out, err = lt.communicate(timeout=30)
    lines = [line for line in err.splitlines() if line.strip()]
    lattest.check(lt.returncode == 1, f"--csv on a full filesystem: exit {lt.returncode}")
    lattest.check(len(lines) == 1 and path in lines[0] and "No space left" in lines[0],
                  f"one line names the file: {err.strip()}")
    with open(path, newline="") as f:
        raw = f.read()
    rows = list(csv.reader(raw.splitlines()))
    lattest.check(raw.endswith("\n") and rows[0][0] == "timestamp_ns",
                  "the file ends at a row boundary, with its header")
    bad = [r for r in rows if len(r) != 10]
    lattest.check(not bad and len(rows) > 20, f"all {len(rows) - 1} rows have 10 cells")
    lattest.check(f"({len(rows) - 1} rows)" in lines[0], "the message says how many rows it kept")
    os.unlink(path)

    # record -o: the filesystem fills once the recording has ticks in it. A whole
    # host's first keyframe may alone be larger than the tmpfs on a busy machine,
    # so the space is taken by a filler file once the first ticks are written.
    subprocess.run(["mount", "-o", "remount,size=8m", mnt], check=True)
    rec = os.path.join(mnt, "full.rec")
    rp_ = subprocess.Popen([lattest.LATTOP, "record", "-o", rec, "-i", "0.1", "-n", "600"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while (not os.path.exists(rec) or os.path.getsize(rec) < 4096) and rp_.poll() is None \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    fd = os.open(os.path.join(mnt, "filler"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        while os.write(fd, b"\0" * 4096) > 0:
            pass
    except OSError:
        pass
    os.close(fd)
    try:
        rp_.wait(timeout=120)
    except subprocess.TimeoutExpired:
        rp_.kill()
        lattest.fail("record did not stop within 120 s of a full filesystem")
    r = subprocess.CompletedProcess(rp_.args, rp_.returncode, "", rp_.stderr.read())
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    lattest.check(r.returncode == 1, f"record on a full filesystem: exit {r.returncode}")
    lattest.check(len(lines) == 1 and rec in lines[0] and "No space left" in lines[0],
                  f"one line names the recording: {r.stderr.strip()}")
    rp = subprocess.run([lattest.LATTOP, "replay", rec, "--speed", "0", "--json"],
                        capture_output=True, text=True, timeout=60)
    ticks = [t for t in rp.stdout.splitlines() if t.strip()]
    lattest.check(rp.returncode == 0 and len(ticks) >= 1,
                  f"the cut recording replays {len(ticks)} ticks: {rp.stderr.strip()}")
    # The reader stops at the first byte it cannot use: the file's end, not a half record.
    lattest.check(f"offset {os.path.getsize(rec)}:" in rp.stderr,
                  f"the recording ends with a complete record ({os.path.getsize(rec)} bytes)")
finally:
    if rp_ and rp_.poll() is None:
        rp_.kill()
        rp_.wait()
    if server:
        server.stdin.close()
        server.wait(timeout=10)
    subprocess.run(["umount", mnt])
    os.rmdir(mnt)
