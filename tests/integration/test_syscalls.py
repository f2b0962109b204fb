#!/usr/bin/env python3
"""Real BPF against ground truth: a helper makes exactly N sleeps of a known
length, M fast calls and K failing calls; lattop (JSON, filtered to its pid)
must report exactly those counts, the sleeps' p50 within the bucket error of
the helper's own measured median, and interval counts that add up to the
cumulative count (a tick boundary loses nothing)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

N, SLEEP_NS, M, K = 200, 2_000_000, 5000, 37

lattest.require_bpf()
helper = lattest.Truth(N, SLEEP_NS, M, K)
pid = helper.pid
# Two instances at once: per-interval values, and --cumulative for the p50 over all sleeps.
lt = lattest.Lattop(["-i", "0.2", "-p", str(pid)])
cum = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--cumulative"])
lt.next_tick()                      # attached: the first tick is out
cum.next_tick()
truth = helper.go()
for _ in range(3):                  # let the last calls land in a tick
    lt.next_tick()
    cum.next_tick()
helper.finish()
lt.next_tick()
lt.stop()
cum.stop()

print("truth:", truth)
lattest.check(truth["failed"] == K, f"helper saw {K} failing fchdir calls")


def interval_sum(sc, field="count"):
    return sum(r[field] for _, r in lattest.rows(lt.ticks, pid, sc))


sleeps = interval_sum("clock_nanosleep")
fast = interval_sum("getppid")
failed_calls = interval_sum("fchdir")
failed_errors = interval_sum("fchdir", "errors")
print(f"lattop: clock_nanosleep={sleeps} getppid={fast} fchdir={failed_calls} errors={failed_errors}")
lattest.check(sleeps == N, f"exactly {N} clock_nanosleep calls (got {sleeps})")
lattest.check(fast == M, f"exactly {M} getppid calls (got {fast})")
lattest.check(failed_calls == K and failed_errors == K,
              f"exactly {K} fchdir calls, all errors (got {failed_calls}/{failed_errors})")
lattest.check(interval_sum("getppid", "errors") == 0, "getppid never failed")

# Tick boundaries lose nothing: the sum of the interval counts equals the cumulative count.
for sc in ("clock_nanosleep", "getppid", "fchdir"):
    last_total = [r["total"]["count"] for _, r in lattest.rows(lt.ticks, pid, sc)][-1]
    lattest.check(interval_sum(sc) == last_total,
                  f"{sc}: sum of intervals {interval_sum(sc)} == cumulative {last_total}")

# p50 over all the sleeps (cumulative view) against the helper's exact median.
last = [r for _, r in lattest.rows(cum.ticks, pid, "clock_nanosleep")][-1]
true_p50 = truth["sleep_p50_ns"]
err = abs(last["p50_ns"] - true_p50) / true_p50
print(f"p50: lattop {last['p50_ns']} ns, true {true_p50} ns, error {err:.2%}")
lattest.check(last["count"] == N, f"cumulative view counts {N} sleeps (got {last['count']})")
lattest.check(err <= lattest.BUCKET_ERROR, f"p50 within the stated bucket error 6.25% ({err:.2%})")
print("PASS")
