#!/usr/bin/env python3
"""A small fleet on this machine for the fleet-view tests: two known-truth
helpers under different names, two `lattop serve` exporters each filtered to
one of them (--host-label a / b, --listen 127.0.0.1:0), and one real
Prometheus scraping both every second (temp storage, free loopback port).

Prints one JSON line {"url", "prom_pid", "truth": {...}} once Prometheus holds
the helpers' exact counts, then waits for stdin to close and tears everything
down. Exit 77 (with a reason on stdout) when BPF or prometheus is missing.
Every wait is bounded.

usage: fleet_env.py   (counts are fixed: see TRUTH)
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

# Per host: (comm, sleeps, sleep_ns, getppid calls, failing fchdir calls).
TRUTH = {"a": ("fleettruth_a", 40, 1_000_000, 25, 7),
         "b": ("fleettruth_b", 30, 2_000_000, 0, 3)}

procs = []
tmp = tempfile.mkdtemp(prefix="lattop-fleet.")


def teardown(*_):
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGINT if p.args[0] == lattest.LATTOP else signal.SIGTERM)
    for p in reversed(procs):
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    shutil.rmtree(tmp, ignore_errors=True)


def die(code, msg):
    print(("SKIP: " if code == 77 else "FAIL: ") + msg, flush=True)
    teardown()
    sys.exit(code)


def query(url, promql, timeout_s=3):
    q = urllib.parse.urlencode({"query": promql})
    with urllib.request.urlopen(f"{url}/api/v1/query?{q}", timeout=timeout_s) as r:
        return json.load(r)["data"]["result"]


def main():
    if os.geteuid() != 0 or not os.path.exists("/sys/kernel/btf/vmlinux"):
        die(77, "live BPF needs root and BTF")
    prom_bin = shutil.which("prometheus")
    if not prom_bin:
        die(77, "prometheus not installed (Debian package prometheus)")
    truth_bin = os.path.join(lattest.BUILD, "tests", "syscall_truth")
    if not os.access(truth_bin, os.X_OK):
        die(1, f"{truth_bin} not built (make helpers)")
    helpers, listen = {}, {}
    for host, (comm, n, sleep_ns, m, k) in TRUTH.items():
        exe = os.path.join(tmp, comm)
        shutil.copy(truth_bin, exe)
        h = subprocess.Popen([exe, str(n), str(sleep_ns), str(m), str(k)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        procs.append(h)
        json.loads(h.stdout.readline())
        helpers[host] = h
        srv = subprocess.Popen([lattest.LATTOP, "serve", "--listen", "127.0.0.1:0",
                                "--host-label", host, "-c", comm],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        procs.append(srv)
        deadline = time.monotonic() + 30
        while True:
            line = srv.stderr.readline()
            m_ = re.search(r"serving metrics on http://(127\.0\.0\.1:\d+)/metrics", line)
            if m_:
                listen[host] = m_.group(1)
                break
            if not line or time.monotonic() > deadline:
                die(1, f"lattop serve ({host}) did not start: {line.strip()}")
    port = lattest.free_port()
    url = f"http://127.0.0.1:{port}"
    cfg = os.path.join(tmp, "prometheus.yml")
    with open(cfg, "w") as f:
        f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                "scrape_configs:\n  - job_name: lattop\n    static_configs:\n"
                f"      - targets: ['{listen['a']}', '{listen['b']}']\n")
    prom = subprocess.Popen([prom_bin, f"--config.file={cfg}",
                             f"--storage.tsdb.path={os.path.join(tmp, 'tsdb')}",
                             f"--web.listen-address=127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
    procs.append(prom)
    deadline = time.monotonic() + 30
    while True:
        try:
            if len([r for r in query(url, "up") if r["value"][1] == "1"]) == 2:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            die(1, "Prometheus did not scrape both exporters within 30 s")
        time.sleep(0.2)
    # The first tick of a fleet view is its baseline: callers may start one now and
    # signal go by writing a line on stdin.
    print(json.dumps({"url": url, "prom_pid": prom.pid, "ready": True}), flush=True)
    if not sys.stdin.readline():
        die(0, "stdin closed before go")
    truth = {}
    for host, h in helpers.items():
        h.stdin.write("go\n")
        h.stdin.flush()
        truth[host] = json.loads(h.stdout.readline())
    # Bounded wait until Prometheus has scraped every call.
    deadline = time.monotonic() + 30
    while True:
        got = {r["metric"].get("host"): float(r["value"][1]) for r in
               query(url, 'lattop_syscall_calls_total{syscall="clock_nanosleep"}')}
        if all(got.get(h) == TRUTH[h][1] for h in TRUTH):
            break
        if time.monotonic() > deadline:
            die(1, f"Prometheus never held the helpers' sleeps: {got}")
        time.sleep(0.2)
    print(json.dumps({"url": url, "prom_pid": prom.pid, "truth": truth,
                      "expect": TRUTH}), flush=True)
    sys.stdin.read()
    teardown()


signal.signal(signal.SIGTERM, lambda *_: (teardown(), sys.exit(1)))
main()
