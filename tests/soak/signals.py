#!/usr/bin/env python3
"""Soak: stop signals (SIGINT, SIGTERM, SIGHUP) at random moments in every
output mode, lattop writing into a pipe that is read slowly (so that the
signal often lands while a write is blocked); a signal during start-up
(0.2-0.8 s after exec); a reader that goes away (EPIPE).

Wanted (issue #10 part 1): exit 0; every line or record complete (JSON lines
parse, batch lines are whole lines of the batch layout, CSV rows have every
cell); the last JSON tick of a stopped stream has "final": true (and only
it); a recording replays (`replay F --speed 0 --json`) without a warning, and
what `record --json` printed is byte for byte what its replay prints; EPIPE
is a quiet exit 0. Runs are bounded by SOAK_PART_SECONDS.
"""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soaklib  # noqa: E402

INTERVAL_S = 0.2
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CSV_CELLS = 10

# name, arguments ({F}: the output file), what stdout carries, output file kind.
MODES = [
    ("batch", ["-b"], "batch", None),
    ("json", ["--json"], "json", None),
    ("json --cumulative", ["--json", "--cumulative"], "json", None),
    ("record -o F", ["record", "-o", "{F}"], "none", "rec"),
    ("record -o F --json", ["record", "-o", "{F}", "--json"], "json", "rec"),
    ("-b --csv F", ["-b", "--csv", "{F}"], "batch", "csv"),
]

# Every line batch text writes (src/export/batch_text.c); a line glued from
# two halves around a lost chunk matches none of them.
BATCH_LINES = [re.compile(p) for p in (
    r"^$",
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  tick \d+  interval [\d.]+s  .*dropped \d+.*$",
    r"^  clients (evicted \d+ lost \d+|off|unavailable|.*)$",
    r"^  \S+( \(wait\))? \(ns\)  \[\d+ calls, \d+ errors, p50 \S+, p99 \S+, max \S+\]$",
    r"^  request_ns \S+ -> .*\[\d+ requests, p50 \S+, p99 \S+\]$",
    r"^ +value  -+ Distribution -+ count$",
    r"^ +\d+ \|[@ ]{40} \d+$",
    r"^  SYSCALL +PROCESS +CALLS +ERRORS +P50 +P90 +P99 +P99\.9 +MAX( +CPU% +RUNQ% +IO% +BLK%)?$",
    r"^  \S+ +.*\[\d+\] +\d+ +\d+( +\S+){5}( +(\d+%|-)){0,4}$",
    # the syscall breakdown sentence and the family tables (export/batch_fam.c)
    r"^  \S+( \(wait\))? p99 \S+( - .*)?$",
    r"^  (run-queue|block I/O) latency: .*$",
    r"^  (runqueue|block) .* \(ns\)  \[\d+ events, \d+ errors, p50 \S+, p99 \S+, max \S+\]$",
    r"^  \(no timed events\)$",
    r"^  \(no .* rows in this view\)$",
    r"^  (runqueue|block): .*$",
    r"^  (PID|DEV) .* COUNT +ERRORS +P50 +P90 +P99 +P99\.9 +MAX.*$",
    r"^  \S+ .* \d+ +\d+( +\S+){5,9}$",
    r"^  \.\.\. \d+ more (rows|clients)$",
    r"^  \(no timed calls\)$",
    r"^  \(no TCP clients in this view\)$",
    r"^  \(no syscalls in this view\)$",
    r"^  CLIENT +PORT DIR PROCESS +CONNS +(ADOPT +)?OPEN +REQS .*$",
    r"^  \S+ +\d+ (in|out) +.*\[\d+\]( +\S+){10,11}$",
    r"^  clients: .*$",
)]


def batch_ok(text):
    for i, line in enumerate(text.split("\n")):
        if not any(p.match(line) for p in BATCH_LINES):
            return f"line {i + 1} is not a batch line: {line[:80]!r}"
    return None


def json_ok(text, want_final):
    """(what is wrong with these JSON Lines, what is wrong with their final tick)."""
    lines = text.split("\n")[:-1]
    ticks, broken = [], None
    for i, line in enumerate(lines):
        try:
            ticks.append(json.loads(line))
        except ValueError:
            broken = broken or f"line {i + 1} of {len(lines)} does not parse ({len(line)} bytes)"
            ticks.append(None)
    good = [t for t in ticks if t is not None]
    # A slow reader makes the stream skip ticks (latest wins); every skip must be
    # counted in the next tick's dropped_snapshots, never silent.
    for a, b in zip(good, good[1:]):
        gap = b.get("seq", 0) - a.get("seq", 0) - 1
        dropped = b.get("counters", {}).get("dropped_snapshots", 0)
        if not broken and (gap < 0 or gap > dropped):
            broken = f"seq {a.get('seq')} then {b.get('seq')} with {dropped} counted as dropped"
    if not want_final:
        return broken, None
    if not ticks:
        return broken, "no tick written (not even the final one)"
    last = ticks[-1]
    if last is None:
        return broken, "the last line does not parse"
    if last.get("final") is not True:
        return broken, f"last tick (seq {last.get('seq')}) has no \"final\": true"
    finals = [t for t in good if t.get("final") is True]
    if len(finals) != 1:
        return broken, f"{len(finals)} ticks marked final"
    # Ticks the ring had no room for are read again by the next one: the final
    # tick may span them too (its dropped_snapshots says how many).
    spans = 1.5 + last.get("counters", {}).get("dropped_snapshots", 0)
    if not 0 < last["interval_ns"] <= spans * INTERVAL_S * 1e9:
        return broken, f"final tick's interval_ns {last['interval_ns']}"
    return broken, None


def csv_ok(path):
    return soaklib.csv_problem(path, CSV_CELLS)


def replay(path):
    """(exit, stdout, stderr) of `replay PATH --speed 0 --json`."""
    p = subprocess.run([soaklib.LATTOP, "replay", path, "--speed", "0", "--json"],
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


class Tally:
    """Per mode and check: runs and failures, with the first failure's detail."""

    def __init__(self):
        self.rows = {}

    def add(self, mode, check, problem):
        r = self.rows.setdefault((mode, check), {"n": 0, "bad": 0, "first": None})
        r["n"] += 1
        if problem:
            r["bad"] += 1
            r["first"] = r["first"] or problem

    def report(self):
        for (mode, check), r in self.rows.items():
            fig = f"{r['n'] - r['bad']}/{r['n']} ok"
            if r["first"]:
                fig += f"; first failure: {r['first']}"
            soaklib.result(f"signals {mode}", check, r["bad"] == 0 and r["n"] > 0, fig)


def allowed_stderr(err, file_kind):
    """Record says once what it wrote; anything else on a stop signal is an error."""
    lines = [ln for ln in err.splitlines() if ln.strip()]
    if file_kind == "rec":
        lines = [ln for ln in lines if not re.match(r"^lattop: recorded \d+ ticks? to ", ln)]
    return lines


def one_run(mode, tmp, delay_s, sig, tally, check_prefix):
    name, args, out_kind, file_kind = mode
    path = os.path.join(tmp, "out.rec" if file_kind == "rec" else "out.csv")
    for leftover in (path,):
        if os.path.exists(leftover):
            os.unlink(leftover)
    argv = [soaklib.LATTOP] + [a.replace("{F}", path) for a in args] + ["-i", str(INTERVAL_S)]
    errf = tempfile.TemporaryFile()
    p = soaklib.track(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errf))
    got = bytearray()
    fast = threading.Event()

    def reader():
        # Slowly (1 KiB per 50 ms: the pipe stays full) until the signal,
        # then at full speed so that the drain is quick.
        while True:
            chunk = p.stdout.read1(1024 if not fast.is_set() else 1 << 20)
            if not chunk:
                return
            got.extend(chunk)
            if not fast.is_set():
                fast.wait(0.05)
    th = threading.Thread(target=reader, daemon=True)
    th.start()
    time.sleep(delay_s)
    p.send_signal(sig)
    fast.set()
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = f"hung (killed after 20 s) {p.wait()}"
    th.join(timeout=10)
    errf.seek(0)
    err = errf.read().decode(errors="replace")
    signame = signal.Signals(sig).name
    at = f"{signame} at {delay_s:.2f} s"
    extra = allowed_stderr(err, file_kind)
    problem = None if rc == 0 and not extra else \
        f"{at}: exit {rc}, stderr {' | '.join(extra)[:160]!r}"
    tally.add(name, f"{check_prefix}: exit 0, no error", problem)

    text = got.decode(errors="replace")
    incomplete, final_problem = None, None
    if text and not text.endswith("\n"):
        incomplete = f"{at}: output ends inside a line ({len(got)} bytes)"
    elif out_kind == "json":
        incomplete, final_problem = json_ok(text, check_prefix == "stop signal")
    elif out_kind == "batch":
        incomplete = batch_ok(text)
    elif out_kind == "none" and got:
        incomplete = f"{len(got)} bytes on stdout"
    if incomplete and not incomplete.startswith(signame):
        incomplete = f"{at}: {incomplete}"
    tally.add(name, f"{check_prefix}: every line complete", incomplete)
    if out_kind == "json" and check_prefix == "stop signal":
        tally.add(name, "stop signal: last tick \"final\": true", final_problem and f"{at}: {final_problem}")

    if file_kind == "csv":
        bad = csv_ok(path)
        tally.add(name, f"{check_prefix}: CSV rows complete", bad and f"{at}: {bad}")
    if file_kind == "rec":
        if not os.path.exists(path):
            tally.add(name, f"{check_prefix}: recording replays clean", f"{at}: no recording")
        else:
            rrc, rout, rerr = replay(path)
            bad = None
            if rrc != 0 or rerr.strip():
                bad = f"{at}: replay exit {rrc}: {rerr.strip()[:160]}"
            elif out_kind == "json" and not replay_holds(rout, bytes(got)):
                bad = (f"{at}: the replay ({len(rout)} bytes) lacks ticks record --json "
                       f"printed ({len(got)} bytes), or its last tick differs")
            elif check_prefix == "stop signal" and rout:
                last = json.loads(rout.splitlines()[-1])
                if last.get("final") is not True:
                    bad = f"{at}: the recording's last tick is not final"
            tally.add(name, f"{check_prefix}: recording replays clean", bad)


def replay_holds(replayed, live):
    """The recording keeps every tick; the live stream may have skipped some
    (counted in its dropped_snapshots, which the recording does not add). Every
    live tick's seq is in the replay, and both end with the same (final) tick."""
    rlines, llines = replayed.splitlines(), live.splitlines()
    rseqs = {json.loads(line)["seq"] for line in rlines}
    lseqs = {json.loads(line)["seq"] for line in llines}
    return lseqs <= rseqs and (not llines or rlines[-1] == llines[-1])


def epipe_run(mode, tmp, tally):
    name, args, out_kind, file_kind = mode
    path = os.path.join(tmp, "out.rec" if file_kind == "rec" else "out.csv")
    if os.path.exists(path):
        os.unlink(path)
    argv = [soaklib.LATTOP] + [a.replace("{F}", path) for a in args] + ["-i", str(INTERVAL_S)]
    errf = tempfile.TemporaryFile()
    p = soaklib.track(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errf))
    p.stdout.read(1000)
    p.stdout.close()             # the reader goes away, as `| head -c 1000` does
    try:
        rc = p.wait(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = f"still running 15 s after its reader left ({p.wait()})"
    errf.seek(0)
    extra = allowed_stderr(errf.read().decode(errors="replace"), file_kind)
    tally.add(name, "EPIPE (reader gone): quiet exit 0",
              None if rc == 0 and not extra else f"exit {rc}, stderr {' | '.join(extra)[:160]!r}")


def main():
    soaklib.need_bpf()
    part_s = soaklib.budget(150)
    deadline = time.monotonic() + part_s
    rng = random.Random(int(os.environ.get("SOAK_SEED", time.time())))
    tmp = tempfile.mkdtemp(prefix="lattop-soak-sig.")
    # Loopback traffic, so that the CSV has rows and the client tables are busy.
    traffic = soaklib.track(subprocess.Popen([os.path.join(soaklib.SOAK_BIN, "soak_flood"),
                                str(19000 + os.getpid() % 1000), "96", "1000000",
                                str(part_s + 60), "2000"],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True))
    traffic.stdin.write("go\n")
    traffic.stdin.flush()
    tally = Tally()
    runs = 0
    try:
        for mode in MODES:
            if mode[2] != "none":
                epipe_run(mode, tmp, tally)
        rnd = 0
        # At least one round; then as many as the budget allows.
        while rnd == 0 or time.monotonic() < deadline - 25:
            for mode in MODES:
                sig = SIGNALS[(rnd + MODES.index(mode)) % len(SIGNALS)]
                one_run(mode, tmp, rng.uniform(0.6, 2.5), sig, tally, "stop signal")
                one_run(mode, tmp, rng.uniform(0.2, 0.8), SIGNALS[rnd % 3], tally,
                        "start-up signal")
                runs += 2
            rnd += 1
    finally:
        soaklib.kill_quietly(traffic, signal.SIGTERM)
        soaklib.kill_quietly(traffic)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{runs} signal runs in {rnd} rounds")
    tally.report()
    soaklib.finish()


if __name__ == "__main__":
    main()
