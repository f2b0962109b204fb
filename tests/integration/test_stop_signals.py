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


def handlers_installed(pid, sig):
    """True once lattop catches @sig (SigCgt in /proc/PID/status). Before that the
    kernel's default action kills it: no program can stop cleanly from a signal
    that comes while the dynamic loader still runs (exit -2 seen with a 0.02 s
    delay on a busy machine)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    except OSError:
        pass
    return False


def wait_for(proc, args, cond, what):
    deadline = time.monotonic() + 60
    while not cond() and proc.poll() is None:
        if time.monotonic() > deadline:
            proc.kill()
            fail(f"{args}: {what} within 60 s")
        time.sleep(0.002)


def run_once(args, delay_s, sig, workdir, after_attach):
    """Signal after delay_s: from the moment lattop catches signals (start-up, BPF
    loading), or from the moment the collector runs (start-up under ASan on a busy
    machine can take longer than any fixed delay)."""
    proc = subprocess.Popen([LATTOP] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=workdir)
    chunks = []
    reader = threading.Thread(target=slow_read, args=(proc.stdout, chunks), daemon=True)
    reader.start()
    wait_for(proc, args, lambda: handlers_installed(proc.pid, sig), "no stop-signal handler")
    if after_attach:
        wait_for(proc, args, lambda: collector_running(proc.pid), "the collector did not start")
    time.sleep(delay_s)
    read_before = sum(len(c) for c in list(chunks))
    proc.send_signal(sig)
    try:
        # A hang guard, not the drain bound: on a busy host the slow reader itself
        # is starved (seen: > 60 s for four 1.6 MB whole-host ticks). The bound is
        # on bytes, in check_drain.
        rc = proc.wait(timeout=300)
    except subprocess.TimeoutExpired:
        proc.kill()
        fail(f"{args} did not stop within 300 s of {sig.name}")
    reader.join(timeout=60)
    out = b"".join(chunks)
    return rc, out, proc.stderr.read().decode(errors="replace"), len(out) - read_before


# The collector's ring (src/collect/collector.c RING_SLOTS) and a pipe's buffer.
RING_SLOTS = 3
PIPE_BYTES = 65536 + 4096


def check_drain(data, after_signal, what):
    """After a stop signal a stream writes at most the tick in flight, the ticks
    already queued in the ring and the final one (plus what sat in the pipe): a stop
    is not a wait for an unbounded backlog, and no queued interval is dropped."""
    lines = data.splitlines()
    if not lines:
        return
    bound = (RING_SLOTS + 2) * max(len(line) + 1 for line in lines) + PIPE_BYTES
    if after_signal > bound:
        fail(f"{what}: {after_signal} bytes written after the signal, more than the "
             f"{RING_SLOTS} queued ticks, the one in flight and the final ({bound})")


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


def json_diff(a, b, path=""):
    """The paths where two parsed JSON values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from json_diff(a.get(k), b.get(k), f"{path}/{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from json_diff(x, y, f"{path}[{i}]")
    elif a != b:
        yield f"{path}: live {a!r}, recorded {b!r}"


def check_record_json(ticks, rticks, what):
    """A slow reader makes the live stream skip ticks (latest wins); the recording keeps
    every one. Each live tick is the recorded tick of the same seq, except for
    counters.dropped_snapshots: the live stream adds the ticks it skipped just before
    (lost to that output, not to the recording). The final ticks are the same."""
    recorded = {t["seq"]: t for t in rticks}
    live_seqs = [t["seq"] for t in ticks]
    missing = [q for q in live_seqs if q not in recorded]
    if missing:
        fail(f"{what}: live ticks {missing} are not in the recording "
             f"(live {live_seqs}, recorded {sorted(recorded)})")
    for prev, t in zip([0] + live_seqs, ticks):
        r = recorded[t["seq"]]
        skipped = t["seq"] - prev - 1
        want = r["counters"]["dropped_snapshots"] + skipped
        if t["counters"]["dropped_snapshots"] != want:
            fail(f"{what}: live tick {t['seq']} says {t['counters']['dropped_snapshots']} "
                 f"dropped snapshots, wanted the recorded {want - skipped} + {skipped} skipped")
        diffs = list(json_diff(dict(t, counters=None), dict(r, counters=None)))
        diffs += list(json_diff(dict(t["counters"], dropped_snapshots=0),
                                dict(r["counters"], dropped_snapshots=0), "/counters"))
        if diffs:
            fail(f"{what}: live tick {t['seq']}{' (final)' if t.get('final') else ''} differs "
                 f"from the recorded one: {diffs[:5]}")
    if ticks and ticks[-1]["seq"] != rticks[-1]["seq"]:
        fail(f"{what}: the live final tick is seq {ticks[-1]['seq']}, the recording's "
             f"{rticks[-1]['seq']}")


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
            what = f"{mode} run {i} ({sig.name} {delay:.2f}s after {'its handlers' if i == 0 else 'start-up'})"
            rc, out, err, after = run_once(args, delay, sig, work, after_attach=i > 0)
            if rc != 0:
                fail(f"{what}: exit {rc}, stderr: {err.strip()}")
            if "error" in err.lower():
                fail(f"{what}: stderr says {err.strip()}")
            if mode == "batch":
                n = check_batch(out, what)
            else:
                ticks = check_json_lines(out, what) if mode != "record" else []
                check_drain(out, after, what)
                n = len(ticks)
                if ticks:
                    finals_seen += 1
            if mode.startswith("record"):
                replayed = replay_json(rec)
                rticks = check_json_lines(replayed, what + " replayed")
                if mode == "record-json":
                    check_record_json(ticks, rticks, what)
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
