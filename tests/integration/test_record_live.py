#!/usr/bin/env python3
"""record on live BPF: a helper makes exactly N sleeps, M getppid and K failing
fchdir calls while 'lattop record --json' runs; the replay's JSON is byte for
byte the JSON printed while recording, and its counts are the helper's. With
--samples and a loopback server with a known delay, export --samples gives
one row per request made, with the server's pid and delay."""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

N, SLEEP_NS, M, K = 100, 1_000_000, 4000, 25
PORT, CONNS, REQS, DELAY_MS = 18437, 3, 5, 3

lattest.require_bpf()
tmp = tempfile.mkdtemp(prefix="lattop-rec.")


class Recorder:
    """lattop record ... --json in the background, keeping stdout's raw lines."""

    def __init__(self, args):
        self.proc = subprocess.Popen([lattest.LATTOP, "record"] + args + ["--json"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        self.first = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.first.wait(30):
            self.proc.kill()
            lattest.fail(f"record produced no tick: {self.proc.stderr.read()}")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            self.first.set()

    def wait_ticks(self, n):
        want = len(self.lines) + n
        deadline = time.monotonic() + 30
        while len(self.lines) < want and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.reader.join(timeout=15)
        rc = self.proc.wait(timeout=10)
        return rc, self.proc.stderr.read()


def replay(path, *extra):
    r = subprocess.run([lattest.LATTOP, "replay", path, "--speed", "0", "--json", *extra],
                       capture_output=True, text=True, timeout=60)
    lattest.check(r.returncode == 0, f"replay exits 0 ({r.stderr.strip()})")
    return r.stdout


# --- syscalls against ground truth ---------------------------------------
path = os.path.join(tmp, "sys.rec")
helper = lattest.Truth(N, SLEEP_NS, M, K)
pid = helper.pid
rec = Recorder(["-o", path, "-i", "0.2", "-p", str(pid)])
truth = helper.go()
rec.wait_ticks(3)           # the last calls land in a tick
helper.finish()
rec.wait_ticks(1)
rc, err = rec.stop()
lattest.check(rc == 0 and "recorded" in err, f"record exits 0 on SIGINT: {err.strip()}")
recorded = "".join(rec.lines)
size = os.path.getsize(path)
print(f"{len(rec.lines)} ticks, {size} bytes, {size // max(1, len(rec.lines))} bytes per tick")
replayed = replay(path)
lattest.check(replayed == recorded,
              f"replay --json is byte-identical to the recorded --json ({len(rec.lines)} ticks)")
exported = subprocess.run([lattest.LATTOP, "export", path, "--json"], capture_output=True,
                          text=True, timeout=60).stdout
lattest.check(exported == recorded, "export --json too")

ticks = [json.loads(line) for line in replayed.splitlines()]


def total(sc, field="count"):
    return sum(r[field] for _, r in lattest.rows(ticks, pid, sc))


lattest.check(truth["failed"] == K, f"helper saw {K} failing fchdir calls")
lattest.check(total("clock_nanosleep") == N, f"replayed: exactly {N} clock_nanosleep calls "
              f"(got {total('clock_nanosleep')})")
lattest.check(total("getppid") == M, f"replayed: exactly {M} getppid calls (got {total('getppid')})")
lattest.check(total("fchdir") == K and total("fchdir", "errors") == K,
              f"replayed: exactly {K} fchdir calls, all errors")
lattest.check([t["seq"] for t in ticks] == list(range(1, len(ticks) + 1)),
              "replayed ticks are numbered 1..n without a gap")

# --- --samples: raw request samples of a loopback server -----------------
path = os.path.join(tmp, "samples.rec")
server = lattest.DelayServer(PORT, {"127.0.0.3": DELAY_MS})
rec = Recorder(["-o", path, "-i", "0.3", "--samples", "-c", "python3"])
lattest.tcp_requests("127.0.0.3", PORT, CONNS, REQS)
time.sleep(0.5)
rec.wait_ticks(2)
rc, err = rec.stop()
server.stop()
lattest.check(rc == 0 and "and samples" in err, f"record --samples exits 0: {err.strip()}")
lattest.check(replay(path) == "".join(rec.lines), "replay of the --samples recording is identical")
r = subprocess.run([lattest.LATTOP, "export", path, "--csv", "--samples"], capture_output=True,
                   text=True, timeout=60)
lattest.check(r.returncode == 0, f"export --samples exits 0 ({r.stderr.strip()})")
rows = [x for x in csv.DictReader(r.stdout.splitlines())
        if x["client"] == "127.0.0.3" and x["port"] == str(PORT)]
reqs = [x for x in rows if x["event"] == "request"]
lattest.check(len(reqs) == CONNS * REQS, f"{CONNS * REQS} request samples (got {len(reqs)})")
lattest.check(all(x["pid"] == str(server.pid) for x in reqs), "samples carry the server's pid")
lat = sorted(int(x["latency_ns"]) for x in reqs)
lattest.check(DELAY_MS * 1e6 <= lat[len(lat) // 2] < DELAY_MS * 1e6 * 1.5,
              f"median sample latency {lat[len(lat) // 2]} ns for a {DELAY_MS} ms delay")
now = time.time_ns()
lattest.check(all(now - 120e9 < int(x["timestamp_ns"]) <= now for x in reqs),
              "sample timestamps are wall-clock ns")
# The JSON's request counts for that client add up to the samples.
jreq = sum(c["requests"] for t in map(json.loads, rec.lines) for c in t["clients"]
           if c["addr"] == "127.0.0.3")
lattest.check(jreq == len(reqs), f"the ticks count {jreq} requests, as many as samples")
print("all passed")
