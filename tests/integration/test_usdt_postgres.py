#!/usr/bin/env python3
"""USDT spans of a real server nobody here wrote: PostgreSQL 15 under pgbench.

A private cluster (initdb as user postgres in a temp dir, a private port, unix
socket only, log_statement=all) runs `pgbench -n -M simple` with the script
`SELECT pg_sleep(0.004);` while lattop times postgresql:query__start ->
query__done and counts query__start alone. Ground truth, made here:
- statements sent: the server's own log (log_statement=all logs each statement
  pgbench sends, its start-up statements included: with -n and a custom script
  pgbench 15 sends none, vacuum and its pgbench_branches look-ups belong to the
  built-in scripts); it must be T*C plus those;
- latency: pgbench's per-transaction log (--log: the third column, us).
lattop's span count and its query__start count must both equal the statements
sent, and its p50 (lattop's rule: the midpoint of the bucket of the median) must
be within the bucket error of pgbench's p50 (pgbench times from the client, so its latency is a little longer: the client-side share
is measured from the means and allowed on top, bounded).
The server is stopped on every exit path; every wait is bounded.
"""
import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PG_BIN = "/usr/lib/postgresql/15/bin"
POSTGRES = os.path.join(PG_BIN, "postgres")
PGBENCH = shutil.which("pgbench") or os.path.join(PG_BIN, "pgbench")
T, C = 150, 2
SLEEP_S = 0.004
# pgbench's latency includes the client's side (libpq, the socket, pgbench's own loop):
# allowed on top of the bucket error, but never more than this.
CLIENT_SIDE_MAX_NS = 1_500_000
SPAN = "postgresql:query__start->query__done"
COUNT = "postgresql:query__start"


class Cluster:
    """A private PostgreSQL cluster run as user postgres; stop() is idempotent."""

    def __init__(self, top):
        self.dir = top
        self.data = os.path.join(top, "data")
        self.sock = os.path.join(top, "sock")
        self.log = os.path.join(top, "server.log")
        self.started = False
        os.mkdir(self.sock)
        for p in (top, self.sock):
            shutil.chown(p, "postgres", "postgres")
            os.chmod(p, 0o700)

    def as_pg(self, argv, timeout_s, **kw):
        return subprocess.run(["runuser", "-u", "postgres", "--"] + argv, cwd=self.dir,
                              capture_output=True, text=True, timeout=timeout_s, **kw)

    def start(self, port):
        r = self.as_pg([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-A", "trust",
                        "-U", "postgres", "--no-sync", "--no-instructions"], 120)
        if r.returncode:
            lattest.fail(f"initdb failed ({r.returncode}): {r.stderr.strip()[-300:]}")
        opts = (f"-p {port} -k {self.sock} -c listen_addresses= -c log_statement=all "
                f"-c log_line_prefix=%a@ -c fsync=off -c autovacuum=off")
        self.started = True     # from here on, stop() tries pg_ctl stop
        r = self.as_pg([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l", self.log,
                        "-w", "-t", "60", "-o", opts, "start"], 90)
        if r.returncode:
            lattest.fail(f"pg_ctl start failed ({r.returncode}): {r.stderr.strip()[-300:]} "
                         f"{self.tail_log()}")

    def tail_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-400:]
        except OSError:
            return ""

    def statements(self, app):
        """Statements the server logged for sessions of application @app."""
        with open(self.log, errors="replace") as f:
            return [line for line in f if line.startswith(app + "@") and " statement: " in line]

    def stop(self):
        if not self.started:
            return
        self.started = False
        try:
            self.as_pg([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-m", "immediate",
                        "-w", "-t", "30", "stop"], 60)
        except subprocess.TimeoutExpired:
            pass
        pid_file = os.path.join(self.data, "postmaster.pid")
        try:
            with open(pid_file) as f:
                pid = int(f.readline())
            os.kill(pid, signal.SIGKILL)    # pg_ctl could not stop it: our postmaster only
        except (OSError, ValueError):
            pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def probes_present():
    r = subprocess.run(["readelf", "-n", POSTGRES], capture_output=True, text=True, timeout=60)
    names = set(re.findall(r"Provider: (\S+)\s+Name: (\S+)", r.stdout))
    return {("postgresql", "query__start"), ("postgresql", "query__done")} <= names


def pct(values, p):
    """Nearest-rank percentile of exact values."""
    v = sorted(values)
    return v[max(0, -(-len(v) * p // 100) - 1)]


def bucket_percentile_ns(buckets, p):
    """lattop's rule (core/hist.c hist_percentile_ns) over merged JSON buckets {upper: n}:
    the midpoint of the bucket that holds the nearest-rank sample. Bounds from the
    upper edge: log-linear, ABI_HIST_SUB (8) buckets per power of two above 8 ns."""
    total = sum(buckets.values())
    rank, seen = max(1, -(-total * p // 100)), 0
    for upper in sorted(buckets):
        seen += buckets[upper]
        if seen >= rank:
            if upper < 8:
                return upper
            width = 1 << (upper.bit_length() - 1 - 3)
            lower = upper - upper % width
            return lower + (upper - lower) // 2
    return 0


def lattop_rows(ticks):
    """label -> (count, merged buckets {upper_ns: count}, sum_ns) over every tick and
    process (one row per backend) of the postgres binary."""
    out = {}
    for t in ticks:
        for r in t.get("functions", []):
            if os.path.realpath(r.get("binary", "")) != os.path.realpath(POSTGRES):
                continue
            label = r.get("function") or r.get("probe")
            n, b, s = out.get(label, (0, {}, 0))
            for upper, c in r.get("buckets", []):
                b[upper] = b.get(upper, 0) + c
            out[label] = (n + r["count"], b, s + r["sum_ns"])
    return out


def main():
    lattest.require_bpf()
    for p in (POSTGRES, os.path.join(PG_BIN, "initdb"), os.path.join(PG_BIN, "pg_ctl"), PGBENCH):
        if not os.access(p, os.X_OK):
            lattest.skip(f"{p} missing (apt-get install postgresql-15)")
    try:
        subprocess.run(["id", "postgres"], check=True, capture_output=True, timeout=10)
    except (subprocess.CalledProcessError, OSError):
        lattest.skip("no user postgres (the server refuses to run as root)")
    lattest.check(probes_present(), f"{POSTGRES} has the USDT notes postgresql:query__start "
                  f"and query__done (readelf -n)")

    top = tempfile.mkdtemp(prefix="lattop-pg-")
    cluster = Cluster(top)
    atexit.register(shutil.rmtree, top, True)
    atexit.register(cluster.stop)       # runs first: the server is gone before its files
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, lambda *_: sys.exit(1))
    port = free_port()
    cluster.start(port)

    script = os.path.join(top, "script.sql")
    with open(script, "w") as f:
        f.write(f"SELECT pg_sleep({SLEEP_S});\n")
    os.chmod(script, 0o644)

    lt = lattest.Lattop(["-i", "0.5", "--no-clients", "--no-runq", "--no-block",
                         "--usdt", f"{POSTGRES}:postgresql:query__start:query__done",
                         "--usdt", f"{POSTGRES}:postgresql:query__start"], timeout_s=240)
    lt.next_tick()      # attached: the first tick is out
    lt.drain()
    app = f"pgbench{os.getpid()}"
    prefix = os.path.join(top, "pgb")
    env = dict(os.environ, PGAPPNAME=app)
    r = cluster.as_pg([PGBENCH, "-h", cluster.sock, "-p", str(port), "-U", "postgres", "-n",
                       "-M", "simple", "-f", script, "-t", str(T), "-c", str(C), "-j", "1",
                       "--log", f"--log-prefix={prefix}", "postgres"], 120, env=env)
    if r.returncode:
        lt.stop()
        lattest.fail(f"pgbench failed ({r.returncode}): {r.stderr.strip()[-300:]}")
    lt.wait_ticks(3)
    rc = lt.stop()
    lattest.check(rc == 0, f"lattop exits 0 ({rc})")

    sent = cluster.statements(app)
    startup = len(sent) - T * C
    lattest.check(startup >= 0 and sum("pg_sleep" in s for s in sent) == T * C,
                  f"the server logged {len(sent)} statements from pgbench: {T}x{C} of the "
                  f"script and {startup} start-up statements")
    lat_us = []
    for name in os.listdir(top):
        if name.startswith("pgb."):
            with open(os.path.join(top, name)) as f:
                lat_us += [int(line.split()[2]) for line in f if line.strip()]
    lattest.check(len(lat_us) == T * C, f"pgbench's log holds {len(lat_us)} transactions")

    rows = lattop_rows(lt.ticks)
    span_n, span_b, span_sum = rows.get(SPAN, (0, {}, 0))
    count_n = rows.get(COUNT, (0, {}, 0))[0]
    lattest.check(span_n == len(sent), f"lattop's {SPAN} spans: {span_n}, statements sent: "
                  f"{len(sent)}")
    lattest.check(count_n == len(sent), f"lattop's {COUNT} count: {count_n}, statements sent: "
                  f"{len(sent)}")

    pg_p50_ns = pct(lat_us, 50) * 1000
    lt_p50_ns = bucket_percentile_ns(span_b, 50)
    # The client's share: pgbench's mean minus lattop's (exact sums), bounded.
    client_ns = max(0, sum(lat_us) * 1000 / len(lat_us) - span_sum / max(1, span_n))
    allowed = pg_p50_ns * lattest.BUCKET_ERROR + min(client_ns, CLIENT_SIDE_MAX_NS)
    print(f"  pgbench p50 {pg_p50_ns} ns, lattop p50 {lt_p50_ns} ns, client side "
          f"{client_ns:.0f} ns (means), allowed {allowed:.0f} ns")
    lattest.check(client_ns <= CLIENT_SIDE_MAX_NS,
                  f"pgbench's mean exceeds lattop's by {client_ns:.0f} ns "
                  f"(<= {CLIENT_SIDE_MAX_NS} ns of client side)")
    lattest.check(abs(lt_p50_ns - pg_p50_ns) <= allowed and lt_p50_ns >= SLEEP_S * 1e9,
                  f"lattop's p50 {lt_p50_ns} ns within {lattest.BUCKET_ERROR:.4f} (+ the "
                  f"client side) of pgbench's p50 {pg_p50_ns} ns, and >= the {SLEEP_S}s sleep")
    cluster.stop()
    print("ok")


if __name__ == "__main__":
    main()
