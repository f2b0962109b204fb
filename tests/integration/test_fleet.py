#!/usr/bin/env python3
"""The fleet view against a real fleet on this machine (tests/helpers/fleet_env.py:
two `lattop serve` exporters with --host-label a / b, each filtered to its own
known-truth helper, and one real Prometheus scraping both every second):

- `lattop fleet --prometheus URL --json` lists both hosts, up, and the helpers'
  exact counts (clock_nanosleep, getppid, failing fchdir with their errors),
  cumulative and as the sum of the interval ticks (exact deltas, no
  extrapolation), and batch text lists both hosts;
- the merged histogram's p50 of each helper's sleeps is within the exporter's
  bucket (pow2: a factor of 2) of its measured median;
- Prometheus killed mid-run: within 5 s the ticks say "prometheus: ..." and
  are marked stale, the last good rows are still there, ticks keep coming
  (the collector never hangs on it) and SIGINT ends lattop with status 1 and
  the reason on stderr (the last tick was stale); with Prometheus up, -n N
  ends with status 0."""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

lattest.require_bpf()
env = subprocess.Popen([sys.executable, os.path.join(lattest.ROOT, "tests", "helpers",
                                                     "fleet_env.py")],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def env_line(timeout_s=90):
    line = env.stdout.readline()
    if line.startswith("SKIP:"):
        lattest.skip(line[5:].strip())
    if not line.startswith("{"):
        lattest.fail(f"fleet_env: {line.strip() or 'ended'}")
    return json.loads(line)


def fleet(args):
    return lattest_proc([lattest.LATTOP, "fleet", "--prometheus", url, "--json", "-i", "1"] + args)


def lattest_proc(argv):
    p = lattest.Lattop.__new__(lattest.Lattop)
    p.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p.ticks = []
    p.deadline = time.monotonic() + 90
    return p


def row(t, comm, sc):
    for r in t["syscalls"]:
        if r["comm"] == comm and r["syscall"] == sc:
            return r
    return None


try:
    ready = env_line()
    url = ready["url"]
    # Interval ticks from before the helpers run: their sum must be exact.
    iv = fleet([])
    iv.next_tick()                      # the baseline tick
    env.stdin.write("go\n")
    env.stdin.flush()
    done = env_line()
    expect, truth = done["expect"], done["truth"]
    print("truth:", truth)
    iv.drain()
    iv.wait_ticks(3)
    cum = fleet(["--cumulative", "-n", "3"])
    while cum.proc.poll() is None or len(cum.ticks) < 3:
        cum.next_tick()
        if len(cum.ticks) == 3:
            break
    last = cum.ticks[-1]
    hosts = {h["host"]: h for h in last["hosts"]}
    lattest.check(set(hosts) == {"a", "b"}, f"both hosts listed: {sorted(hosts)}")
    lattest.check(all(h["up"] for h in hosts.values()), "both hosts up")
    lattest.check(last["note"] == "" and last["stale"] is False, "no note, not stale")
    for host, (comm, n, sleep_ns, m, k) in expect.items():
        s = row(last, comm, "clock_nanosleep")
        lattest.check(s is not None and s["count"] == n,
                      f"{host}: {comm} clock_nanosleep count {s and s['count']} == {n}")
        if m:
            g = row(last, comm, "getppid")
            lattest.check(g is not None and g["count"] == m,
                          f"{host}: {comm} getppid count {g and g['count']} == {m}")
        f = row(last, comm, "fchdir")
        lattest.check(f is not None and f["count"] == k and f["errors"] == k,
                      f"{host}: {comm} fchdir count/errors {f and (f['count'], f['errors'])} == {k}")
        p50, med = s["p50_ns"], truth[host]["sleep_p50_ns"]
        lattest.check(med / 2 <= p50 <= med * 2,
                      f"{host}: merged p50 {p50} ns within the pow2 bucket of the median {med} ns")
        lattest.check(hosts[host]["calls_total"] >= n + m + k and
                      hosts[host]["errors_total"] >= k,
                      f"{host}: host calls_total {hosts[host]['calls_total']} >= {n + m + k}")
    # The other host's helper never shows under a host it does not run on.
    lattest.check(row(last, expect["a"][0], "clock_nanosleep")["count"] == expect["a"][1],
                  "rows are per (comm, syscall), not summed over names")

    # Interval view: the sum over ticks equals the truth exactly.
    for host, (comm, n, _s, m, k) in expect.items():
        total = sum((row(t, comm, "clock_nanosleep") or {"count": 0})["count"] for t in iv.ticks)
        lattest.check(total == n, f"{host}: interval ticks sum to {total} == {n} sleeps")
    calls = {h: sum(next((x["calls"] for x in t["hosts"] if x["host"] == h), 0)
                    for t in iv.ticks) for h in expect}
    lattest.check(all(calls[h] >= expect[h][1] + expect[h][3] + expect[h][4] for h in expect),
                  f"per-host interval calls add up: {calls}")

    # Batch text: the hosts table and the merged rows.
    b = subprocess.run([lattest.LATTOP, "fleet", "--prometheus", url, "-b", "-n", "2",
                        "--cumulative"], capture_output=True, text=True, timeout=30)
    lines = b.stdout.splitlines()
    lattest.check(b.returncode == 0 and any(l.split()[:2] == ["a", "up"] for l in lines) and
                  any(l.split()[:2] == ["b", "up"] for l in lines),
                  "batch text lists hosts a and b, up")
    lattest.check("clock_nanosleep" in b.stdout, "batch text shows the merged clock_nanosleep")
    lattest.check(cum.proc.wait(timeout=10) == 0, "fleet --json -n 3 ends with status 0")

    # Prometheus goes away: said within 5 s, stale rows kept, ticks keep coming.
    n_before = len(iv.ticks)
    t_kill = time.monotonic()
    os.kill(ready["prom_pid"], signal.SIGKILL)
    said = None
    while time.monotonic() - t_kill < 10:
        for t in iv.ticks[n_before:]:
            if t["note"].startswith("prometheus:"):
                said = t
                break
        if said:
            break
        time.sleep(0.1)
    lattest.check(said is not None, "a tick says 'prometheus: ...' after Prometheus died")
    waited = time.monotonic() - t_kill
    lattest.check(waited <= 5.0, f"said within {waited:.1f} s (<= 5 s): {said['note']!r}")
    lattest.check(said["stale"] and len(said["hosts"]) == 2,
                  "marked stale, the last good hosts kept")
    n_said = len(iv.ticks)
    iv.wait_ticks(2, timeout_s=10)
    lattest.check(len(iv.ticks) >= n_said + 2, "ticks keep coming while Prometheus is down")
    rc = iv.stop()
    err = iv.proc.stderr.read()
    lattest.check(rc == 1 and "could not read Prometheus" in err,
                  f"SIGINT while Prometheus is down: status 1 and why (got {rc}: {err.strip()})")
finally:
    if env.poll() is None:
        env.stdin.close()
        try:
            env.wait(timeout=30)
        except subprocess.TimeoutExpired:
            env.kill()
print("PASS")
