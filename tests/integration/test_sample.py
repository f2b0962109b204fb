#!/usr/bin/env python3
"""--sample N: every call is still counted exactly (errors too), about one in
N is timed, and the timed sleeps still give the right p50."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

N, SLEEP_NS, M, K, EVERY = 400, 1_000_000, 20000, 300, 4
lattest.require_bpf()
helper = lattest.Truth(N, SLEEP_NS, M, K)
pid = helper.pid
lt = lattest.Lattop(["-i", "0.3", "-p", str(pid), "--cumulative", "--sample", str(EVERY)])
lt.next_tick()
truth = helper.go()
for _ in range(3):
    lt.next_tick()
helper.finish()
lt.next_tick()
lt.stop()

last = {}
for t in lt.ticks:
    for r in t["syscalls"]:
        if r["pid"] == pid:
            last[r["syscall"]] = r
lattest.check(all(t["sample_every"] == EVERY for t in lt.ticks), f"ticks say sample_every={EVERY}")
for sc, want, errs in (("clock_nanosleep", N, 0), ("getppid", M, 0), ("fchdir", K, K)):
    r = last.get(sc)
    lattest.check(r is not None and r["count"] == want and r["errors"] == errs,
                  f"{sc}: exactly {want} calls and {errs} errors while sampling "
                  f"(got {r and r['count']}/{r and r['errors']})")
    # Binomial(want, 1/EVERY): far outside +-30 % only with negligible probability.
    lo, hi = want / EVERY * 0.7, want / EVERY * 1.3
    lattest.check(lo <= r["timed"] <= hi, f"{sc}: {r['timed']} of {want} timed, about 1 in {EVERY}")
p50 = last["clock_nanosleep"]["p50_ns"]
err = abs(p50 - truth["sleep_p50_ns"]) / truth["sleep_p50_ns"]
lattest.check(err <= lattest.BUCKET_ERROR, f"sampled p50 {p50} within 6.25% of {truth['sleep_p50_ns']}")
print("PASS")
