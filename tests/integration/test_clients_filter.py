#!/usr/bin/env python3
"""-p PID and -c NAME hold for every output of client samples, not only for
the tables: two loopback servers with names of their own (srvalpha, srvbeta)
answer the same clients (this process); with -c srvalpha, -p <srvbeta's pid>
and 'record --samples -c srvbeta', every row of --csv (and of 'export
--samples --csv') belongs to the one server the filter names, and every
request and connection of that server is there, exactly."""
import csv
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

CONNS, REQS, DELAY_MS = 3, 4, 2

lattest.require_bpf()
tmp = tempfile.mkdtemp(prefix="lattop-filter.")
servers = {}
for name in ("srvalpha", "srvbeta"):
    servers[name] = lattest.DelayServer(lattest.free_port(), {"127.0.0.2": DELAY_MS}, name=name)


def traffic():
    """CONNS x REQS to each server, from this process (comm python3, dir out)."""
    for s in servers.values():
        lattest.tcp_requests("127.0.0.2", s.port, CONNS, REQS)


def check_rows(rows, name, what):
    srv = servers[name]
    lattest.check(rows, f"{what}: has rows")
    strays = [r for r in rows if r["pid"] != str(srv.pid) or r["comm"] != name]
    lattest.check(not strays, f"{what}: all {len(rows)} rows are {name}'s (pid {srv.pid}); "
                  f"strays: {len(strays)} {strays[:2]}")
    mine = [r for r in rows if r["client"] == "127.0.0.2" and r["port"] == str(srv.port)
            and r["dir"] == "in"]
    reqs = sum(r["event"] == "request" for r in mine)
    conns = sum(r["event"] == "connection" for r in mine)
    print(f"{what}: {len(rows)} rows, {reqs} requests and {conns} connections of {name}")
    lattest.check(reqs == CONNS * REQS and conns == CONNS,
                  f"{what}: exactly {CONNS * REQS} request and {CONNS} connection rows "
                  f"(got {reqs}, {conns})")


def live_csv(args, name, what):
    path = os.path.join(tmp, f"{what.replace(' ', '_')}.csv")
    lt = lattest.Lattop(["-i", "0.3", "--csv", path] + args)
    lt.next_tick()
    lt.drain()
    traffic()
    lt.wait_ticks(3)
    rc = lt.stop()
    lattest.check(rc == 0, f"{what}: lattop exits 0 on SIGINT (got {rc})")
    with open(path) as f:
        rows = list(csv.DictReader(f))
    check_rows(rows, name, f"--csv {what}")
    # The tables obey the same filter and agree with the samples.
    tab = [c for t in lt.ticks for c in t["clients"]]
    lattest.check(all(c["pid"] == servers[name].pid for c in tab),
                  f"--json {what}: every client row is {name}'s")
    got = sum(c["requests"] for c in tab if c["port"] == servers[name].port)
    lattest.check(got == CONNS * REQS, f"--json {what}: {CONNS * REQS} requests (got {got})")


try:
    live_csv(["-c", "srvalpha"], "srvalpha", "-c srvalpha")
    live_csv(["-p", str(servers["srvbeta"].pid)], "srvbeta", f"-p {servers['srvbeta'].pid}")

    rec_path = os.path.join(tmp, "filtered.rec")
    rec = subprocess.Popen([lattest.LATTOP, "record", "-o", rec_path, "-i", "0.3", "--samples",
                            "-c", "srvbeta", "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    if not rec.stdout.readline():
        lattest.fail(f"record produced no tick: {rec.stderr.read()}")
    traffic()
    time.sleep(1)
    rec.send_signal(2)
    rec.communicate(timeout=20)
    lattest.check(rec.returncode == 0, f"record --samples -c srvbeta exits 0 ({rec.returncode})")
    r = subprocess.run([lattest.LATTOP, "export", rec_path, "--csv", "--samples"],
                       capture_output=True, text=True, timeout=60)
    lattest.check(r.returncode == 0, f"export --samples exits 0 ({r.stderr.strip()})")
    check_rows(list(csv.DictReader(r.stdout.splitlines())), "srvbeta",
               "record --samples -c srvbeta")
finally:
    for s in servers.values():
        s.stop()
print("all passed")
