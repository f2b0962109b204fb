#!/usr/bin/env python3
"""Stop signals at random moments, with output into a slowly read pipe.

Every stream (batch text, JSON, JSON --cumulative, record --json, record,
--csv) must finish the line or record in flight and exit 0: no lost 4 KiB
chunk, no "Input/output error". After the signal the partial tick is written
once more, marked final (JSON "final": true, batch "FINAL"); only that tick is
final. A signal during start-up (BPF still loading) stops cleanly, and a
recording still replays. A reader that goes away (EPIPE) is a quiet exit 0.
Run against live BPF; the moments are random but seeded (LATTOP_SEED).
"""
import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from lattest import LATTOP, check, fail, require_bpf  # noqa: E402

SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
RUNS = int(os.environ.get("STOP_SIGNAL_RUNS", "5"))
rng = random.Random(int(os.environ.get("LATTOP_SEED", "20261201")))


def slow_read(pipe, out):
    """Read 4 KiB at a time with a pause, so that lattop's writes block."""
    while True:
        chunk = pipe.read(4096)
        if not chunk:
            return
        out.append(chunk)
        time.sleep(0.01)


def collector_running(pid):
    """True once lattop's collector thread runs: every probe attached, ticks follow.
    (The probes attach over a few hundred ms; a stop before the collector starts is a
    start-up stop, with no tick to write.)"""
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                if f.read().strip() == "lattop-collect":
                    return True
    except OSError:
        pass
    return False


def run_once(args, delay_s, sig, workdir, after_attach):
    """Signal after delay_s: from the start, or from the moment the collector runs
    (start-up under ASan on a busy machine can take longer than any fixed delay)."""
    proc = subprocess.Popen([LATTOP] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=workdir)
    chunks = []
    reader = threading.Thread(target=slow_read, args=(proc.stdout, chunks), daemon=True)
    reader.start()
    if after_attach:
        deadline = time.monotonic() + 60
        while not collector_running(proc.pid) and proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                fail(f"{args}: the collector did not start within 60 s")
            time.sleep(0.01)
    time.sleep(delay_s)
    proc.send_signal(sig)
    try:
        rc = proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{args} did not stop within 60 s of {sig.name}")
    reader.join(timeout=60)
    return rc, b"".join(chunks), proc.stderr.read().decode(errors="replace")


def check_json_lines(data, what):
    """Every line complete and valid; the last tick (if any) and only it is final."""
    if data and not data.endswith(b"\n"):
        fail(f"{what}: output does not end with a newline")
    ticks = [json.loads(line) for line in data.decode().splitlines()]
    finals = [t.get("final", False) for t in ticks]
    if ticks and (not finals[-1] or any(finals[:-1])):
        fail(f"{what}: final flags {finals}, wanted only the last tick final")
    seqs = [t["seq"] for t in ticks]
    if seqs != sorted(seqs):
        fail(f"{what}: ticks out of order {seqs}")
    return ticks


def check_batch(data, what):
    text = data.decode()
    if text and not text.endswith("\n"):
        fail(f"{what}: output does not end with a newline")
    headers = [line for line in text.splitlines() if "  tick " in line and "interval " in line]
    finals = ["FINAL" in h for h in headers]
    if headers and (not finals[-1] or any(finals[:-1])):
        fail(f"{what}: FINAL marks {finals}, wanted only the last tick's header")
    return len(headers)


def replay_json(path):
    r = subprocess.run([LATTOP, "replay", path, "--speed", "0", "--json"], capture_output=True,
                       timeout=60)
    if r.returncode != 0:
        fail(f"replay of {path} failed ({r.returncode}): {r.stderr.decode().strip()}")
    return r.stdout


def main():
    require_bpf()
    work = tempfile.mkdtemp(prefix="lattop-sig-")
    modes = ["batch", "json", "json-cumulative", "record-json", "record", "csv"]
    total = 0
    finals_seen = 0
    for mode in modes:
        for i in range(RUNS + 1):
            sig = SIGNALS[i % len(SIGNALS)]
            # The first run of each mode signals during start-up (BPF loading), the
            # others at a random moment after start-up (the collector runs).
            delay = rng.uniform(0.02, 0.25) if i == 0 else rng.uniform(0.0, 2.2)
            rec = os.path.join(work, f"{mode}-{i}.rec")
            csvf = os.path.join(work, f"{mode}-{i}.csv")
            args = ["-i", "0.2"]
            if mode == "batch":
                args += ["-b", "--top", "40"]
            elif mode == "json":
                args += ["--json"]
            elif mode == "json-cumulative":
                args += ["--json", "--cumulative"]
            elif mode == "record-json":
                args = ["record", "-o", rec, "--json"] + args
            elif mode == "record":
                args = ["record", "-o", rec] + args
            elif mode == "csv":
                args += ["--json", "--csv", csvf]
            what = f"{mode} run {i} ({sig.name} {delay:.2f}s after {'start' if i == 0 else 'start-up'})"
            rc, out, err = run_once(args, delay, sig, work, after_attach=i > 0)
            if rc != 0:
                fail(f"{what}: exit {rc}, stderr: {err.strip()}")
            if "error" in err.lower():
                fail(f"{what}: stderr says {err.strip()}")
            if mode == "batch":
                n = check_batch(out, what)
            else:
                ticks = check_json_lines(out, what) if mode != "record" else []
                n = len(ticks)
                if ticks:
                    finals_seen += 1
            if mode.startswith("record"):
                replayed = replay_json(rec)
                rticks = check_json_lines(replayed, what + " replayed")
                # A slow reader makes the live stream skip ticks (latest wins, counted);
                # the recording keeps every one, and the final tick is the same in both.
                live_seqs = [t["seq"] for t in ticks]
                if mode == "record-json" and (
                        not set(live_seqs) <= {t["seq"] for t in rticks} or
                        (ticks and replayed.splitlines()[-1] != out.splitlines()[-1])):
                    fail(f"{what}: the replay does not hold the live ticks {live_seqs}, "
                         f"or its final tick differs")
                if i > 0 and not rticks:
                    fail(f"{what}: the recording has no tick")
                if i > 0 and not rticks[-1].get("final"):
                    fail(f"{what}: the recording's last tick is not final")
                n = len(rticks)
            if mode == "csv":
                with open(csvf, newline="") as f:
                    rows = list(csv.reader(f))
                bad = [r for r in rows if len(r) != 10]
                if not rows or bad:
                    fail(f"{what}: CSV rows with a cell count other than 10: {bad[:3]}")
            if i > 0 and n == 0:
                fail(f"{what}: no tick written after {delay:.2f}s")
            total += 1
    check(total == len(modes) * (RUNS + 1),
          f"{total} runs over {len(modes)} modes: every one exit 0, complete lines, "
          f"only the last tick final")
    check(finals_seen > 0, f"{finals_seen} JSON runs ended with a final partial tick")

    # The reader goes away: EPIPE is a quiet end.
    proc = subprocess.Popen([LATTOP, "--json", "-i", "0.2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()
    rc = proc.wait(timeout=30)
    err = proc.stderr.read().decode()
    check(rc == 0 and not err.strip(), f"reader closed: exit {rc}, stderr '{err.strip()}'")


if __name__ == "__main__":
    main()
