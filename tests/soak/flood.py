#!/usr/bin/env python3
"""Soak: live lattop under load whose truth the test makes itself.

  flood.py flood   distinct client addresses toward 1,000,000 (127.64.0.1 ...,
                   one connection and one request each, tests/soak/soak_flood.c)
  flood.py churn   short-lived processes toward 100,000 (fork, 3 failing
                   fchdir calls, exit; tests/soak/soak_churn.c)

Checks: RSS bounded (SOAK_RSS_MIB, default 64) and flat over the second half,
no tick late by more than one interval (JSON ts_ns / interval_ns), counters
exact (the helper's own counts), the run bounded by SOAK_PART_SECONDS.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soaklib  # noqa: E402

RSS_MAX_MIB = float(os.environ.get("SOAK_RSS_MIB", 64))
# RSS may still grow this much over the second half of the load: "flat".
PLATEAU_KIB = 4096


class Stream:
    """lattop --json in the background: keeps one small summary per tick
    (whole ticks of thousands of rows would be the test's memory, not lattop's),
    and samples lattop's RSS with the helper's progress."""

    def __init__(self, args, summarise):
        self.proc = soaklib.track(subprocess.Popen([soaklib.LATTOP, "--json"] + args,
                                                   stdout=subprocess.PIPE,
                                                   stderr=subprocess.PIPE, text=True))
        self.summarise = summarise
        self.ticks = []
        self.bad_lines = 0
        self.rss = []          # (seconds since start, KiB)
        self.t0 = time.monotonic()
        self.first = threading.Event()
        self.stop_sampling = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._sample, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                t = json.loads(line)
            except ValueError:
                self.bad_lines += 1
                continue
            self.ticks.append(self.summarise(t))
            self.first.set()

    def _sample(self):
        while not self.stop_sampling.wait(0.5) and self.proc.poll() is None:
            self.rss.append((time.monotonic() - self.t0, soaklib.rss_kib(self.proc.pid)))

    def stop(self):
        self.stop_sampling.set()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.5)        # the reader thread drains the pipe
        return self.proc.returncode, self.proc.stderr.read()


def rss_figures(rss, t_start, t_end):
    """(max KiB, growth over the second half of [t_start, t_end] in KiB, text)."""
    during = [(t, k) for t, k in rss if t_start <= t <= t_end and k > 0]
    if len(during) < 4:
        return None, None, "too few RSS samples"
    mid = t_start + (t_end - t_start) / 2
    second = [k for t, k in during if t >= mid]
    first_half_max = max([k for t, k in during if t < mid] or [second[0]])
    growth = max(second) - first_half_max
    peak = max(k for _, k in rss)
    text = (f"RSS {during[0][1] / 1024:.1f} MiB at start, {first_half_max / 1024:.1f} MiB by "
            f"half-way, {max(second) / 1024:.1f} MiB at the end, peak {peak / 1024:.1f} MiB")
    return peak, growth, text


def helper_start(argv):
    p = soaklib.track(subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       text=True))
    return p, json.loads(p.stdout.readline())


def helper_run(p):
    """go; returns the final line, following progress lines."""
    p.stdin.write("go\n")
    p.stdin.flush()
    last = None
    for line in p.stdout:
        last = json.loads(line)
        if "done" not in last:
            break
    p.wait(timeout=30)
    return last


def check_ticks(area, st, interval_s, load_s):
    worst, late = soaklib.tick_lateness(st.ticks, interval_s)
    soaklib.result(area, "no tick late by more than one interval", late == 0 and st.ticks != [],
                   f"{len(st.ticks)} ticks of {interval_s:g} s, {late} late, largest gap "
                   f"{worst:.2f} s")
    want = load_s / interval_s * 0.8
    soaklib.result(area, "ticks kept coming during the load", len(st.ticks) >= want,
                   f"{len(st.ticks)} ticks over {load_s:.0f} s (>= {want:.0f})")
    soaklib.result(area, "every JSON line complete", st.bad_lines == 0,
                   f"{st.bad_lines} unparsable lines")


def check_rss(area, st, t_start, t_end):
    peak, growth, text = rss_figures(st.rss, t_start, t_end)
    if peak is None:
        soaklib.result(area, "RSS bounded", False, text)
        return
    soaklib.result(area, f"RSS bounded (peak <= {RSS_MAX_MIB:g} MiB)", peak <= RSS_MAX_MIB * 1024,
                   text)
    # Exited processes stay 10 ticks and client rows fill the table first:
    # a load shorter than 30 s has not reached its steady state to judge.
    judged = t_end - t_start >= 30
    soaklib.result(area, "RSS flat over the second half", growth <= PLATEAU_KIB if judged else None,
                   f"grew {growth / 1024:.1f} MiB (<= {PLATEAU_KIB / 1024:g} MiB)"
                   + ("" if judged else f"; load of {t_end - t_start:.0f} s too short to judge"))


def flood(part_s):
    area = "flood"
    interval_s = 1.0
    target = int(os.environ.get("SOAK_FLOOD_ADDRS", 1_000_000))
    port = 18000 + os.getpid() % 1000
    load_s = max(10.0, part_s - 15)
    helper, pids = helper_start([os.path.join(soaklib.SOAK_BIN, "soak_flood"), str(port), "64",
                                 str(target), str(load_s)])
    srv, cli = pids["server"], pids["client"]

    def summarise(t):
        s = {"ts_ns": t["ts_ns"], "interval_ns": t["interval_ns"],
             "evicted": t["counters_total"].get("client_evicted", 0),
             "lost": t["counters_total"].get("client_lost", 0),
             "rows": len(t.get("clients", [])), "state": t.get("clients_state")}
        for d, pid in (("in", srv), ("out", cli)):
            rows = [r for r in t.get("clients", []) if r["dir"] == d and r["pid"] == pid]
            s[d + "_conns"] = sum(r["connections"] for r in rows)
            s[d + "_reqs"] = sum(r["requests"] for r in rows)
        return s

    # -p: syscall rows of the two helpers only, so that the RSS is the client
    # tables' and not that of whatever else runs on the machine.
    st = Stream(["-i", str(interval_s), "-p", str(srv), "-p", str(cli)], summarise)
    if not st.first.wait(30):
        soaklib.kill_quietly(helper)
        rc, err = st.stop()
        soaklib.result(area, "lattop started", False, f"no tick in 30 s (exit {rc}: {err[:200]})")
        return
    t_start = time.monotonic() - st.t0
    truth = helper_run(helper)
    t_end = time.monotonic() - st.t0
    time.sleep(3 * interval_s)          # the last closes land in a tick
    rc, err = st.stop()
    n = truth["connections"]
    rate = n / max(truth["seconds"], 0.01)
    soaklib.result(area, "distinct client addresses", truth["failed"] == 0 and truth["served"] == n,
                   f"{n} of {target} in {truth['seconds']:.0f} s ({rate:.0f}/s), "
                   f"{truth['failed']} failed, server answered {truth['served']}")
    check_rss(area, st, t_start, t_end)
    check_ticks(area, st, interval_s, t_end - t_start)
    for d in ("in", "out"):
        conns = sum(t[d + "_conns"] for t in st.ticks)
        reqs = sum(t[d + "_reqs"] for t in st.ticks)
        soaklib.result(area, f"'{d}' connections and requests exact", conns == n and reqs == n,
                       f"connections {conns}, requests {reqs}, truth {n}")
    last = st.ticks[-1] if st.ticks else {"evicted": 0, "lost": 0}
    rows_max = max((t["rows"] for t in st.ticks), default=0)
    soaklib.result(area, "client table bounded, evictions counted",
                   n - 16384 - 2 <= last["evicted"] <= n + 2 and rows_max <= 16384 + 2,
                   f"client_evicted {last['evicted']} (rows created {n + 1} minus those kept), "
                   f"at most {rows_max} rows in a tick, client_lost {last['lost']}")
    soaklib.result(area, "exit 0 on SIGINT", rc == 0, f"exit {rc} {err.strip()[:200]}")


def churn(part_s):
    area = "churn"
    interval_s = 0.5
    calls = 3
    target = int(os.environ.get("SOAK_CHURN_PROCS", 100_000))
    max_keys = int(os.environ.get("SOAK_CHURN_MAX_KEYS", 32768))
    load_s = max(10.0, part_s - 12)
    helper, pids = helper_start([os.path.join(soaklib.SOAK_BIN, "soak_churn"), str(target),
                                 str(load_s), str(calls)])
    parent = pids["pid"]

    def summarise(t):
        rows = [r for r in t.get("syscalls", []) if r["syscall"] == "fchdir"
                and r["comm"] == "soak_churn" and r["pid"] != parent]
        return {"ts_ns": t["ts_ns"], "interval_ns": t["interval_ns"],
                "count": sum(r["count"] for r in rows), "errors": sum(r["errors"] for r in rows),
                "pids": {r["pid"] for r in rows if r["count"]},
                "lost": t["counters_total"]["lost"], "evicted": t["counters_total"]["evicted"],
                "rows": len(t.get("syscalls", []))}

    st = Stream(["-i", str(interval_s), "-c", "soak_churn", "--max-keys", str(max_keys),
                 "--no-clients"], summarise)
    if not st.first.wait(30):
        soaklib.kill_quietly(helper)
        rc, err = st.stop()
        soaklib.result(area, "lattop started", False, f"no tick in 30 s (exit {rc}: {err[:200]})")
        return
    t_start = time.monotonic() - st.t0
    truth = helper_run(helper)
    t_end = time.monotonic() - st.t0
    time.sleep(4 * interval_s)
    rc, err = st.stop()
    n = truth["children"]
    soaklib.result(area, "short-lived processes", truth["bad"] == 0,
                   f"{n} of {target} in {truth['seconds']:.0f} s "
                   f"({n / max(truth['seconds'], 0.01):.0f}/s), {truth['bad']} misbehaved")
    check_rss(area, st, t_start, t_end)
    check_ticks(area, st, interval_s, t_end - t_start)
    count = sum(t["count"] for t in st.ticks)
    errors = sum(t["errors"] for t in st.ticks)
    procs = len(set().union(*[t["pids"] for t in st.ticks])) if st.ticks else 0
    last = st.ticks[-1] if st.ticks else {"lost": -1, "evicted": -1}
    soaklib.result(area, "fchdir calls exact (all errors)", count == truth["calls"] == errors,
                   f"counted {count} calls, {errors} errors, truth {truth['calls']} "
                   f"({n} x {calls}); {procs} distinct pids (pids recycle)")
    soaklib.result(area, f"nothing lost (--max-keys {max_keys})", last["lost"] == 0,
                   f"lost {last['lost']}, evicted {last['evicted']}, at most "
                   f"{max((t['rows'] for t in st.ticks), default=0)} rows in a tick")
    soaklib.result(area, "exit 0 on SIGINT", rc == 0, f"exit {rc} {err.strip()[:200]}")


if __name__ == "__main__":
    soaklib.need_bpf()
    what = sys.argv[1] if len(sys.argv) > 1 else "flood"
    part = soaklib.budget(180 if what == "flood" else 120)
    {"flood": flood, "churn": churn}[what](part)
    soaklib.finish()
