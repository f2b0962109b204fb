#!/usr/bin/env python3
"""Soak: three lattop instances at once (interval JSON, cumulative JSON,
and a recording), each filtered to one tests/helpers/syscall_truth process;
each must count exactly what the helper did (N sleeps, M getppid, K failing
fchdir). Rounds repeat while SOAK_PART_SECONDS lasts (at least one)."""
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soaklib  # noqa: E402
from soaklib import lattest  # noqa: E402

N, SLEEP_NS, M, K = 100, 2_000_000, 20000, 37


def counts(ticks, pid, cumulative):
    out = {}
    for sc in ("clock_nanosleep", "getppid", "fchdir"):
        rows = [r for _, r in lattest.rows(ticks, pid, sc)]
        if cumulative:
            out[sc] = rows[-1]["count"] if rows else 0
        else:
            out[sc] = sum(r["count"] for r in rows)
    return out


def one_round(tmp, rnd):
    helper = lattest.Truth(N, SLEEP_NS, M, K)
    soaklib.track(helper.proc)
    pid = helper.pid
    rec = os.path.join(tmp, f"m{rnd}.rec")
    a = lattest.Lattop(["-i", "0.2", "-p", str(pid)])
    b = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative"])
    soaklib.track(a.proc)
    soaklib.track(b.proc)
    # --json only to know when the recording's programs are attached.
    c = subprocess.Popen([soaklib.LATTOP, "record", "-o", rec, "--json", "-i", "0.2", "-p",
                          str(pid)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    soaklib.track(c)
    a.next_tick()
    b.next_tick()
    c.stdout.readline()
    threading.Thread(target=c.stdout.read, daemon=True).start()
    truth = helper.go()
    for _ in range(4):
        a.next_tick()
        b.next_tick()
    helper.finish()
    a.stop()
    b.stop()
    c.send_signal(2)
    c.wait(timeout=20)
    rp = subprocess.run([soaklib.LATTOP, "replay", rec, "--speed", "0", "--json"],
                        capture_output=True, text=True, timeout=60)
    rec_ticks = [json.loads(line) for line in rp.stdout.splitlines()]
    want = {"clock_nanosleep": N, "getppid": M, "fchdir": K}
    got = [counts(a.ticks, pid, False), counts(b.ticks, pid, True), counts(rec_ticks, pid, False)]
    return truth["failed"] == K, want, got


def main():
    soaklib.need_bpf()
    part_s = soaklib.budget(20)
    deadline = time.monotonic() + part_s
    names = ["--json", "--json --cumulative", "record -o F"]
    good, rounds, first_bad = [0, 0, 0], 0, [None, None, None]
    with tempfile.TemporaryDirectory(prefix="lattop-soak-multi.") as tmp:
        while rounds == 0 or (time.monotonic() < deadline - 8 and rounds < 20):
            helper_ok, want, got = one_round(tmp, rounds)
            rounds += 1
            for i, g in enumerate(got):
                if g == want and helper_ok:
                    good[i] += 1
                elif not first_bad[i]:
                    first_bad[i] = f"round {rounds}: {g} (truth {want})"
    for i, name in enumerate(names):
        soaklib.result("3 instances at once", f"{name} counts exactly", good[i] == rounds,
                       f"{good[i]}/{rounds} rounds exact ({N} sleeps, {M} getppid, {K} failing "
                       f"fchdir each){'; first failure: ' + first_bad[i] if first_bad[i] else ''}")
    soaklib.finish()


if __name__ == "__main__":
    main()
