#!/usr/bin/env python3
"""--csv FILE: one row per request and per finished connection, starting with
the recipes' timestamp_ns,latency_ns,event columns; counts and latencies match
what a loopback server with a known delay did; a process name made to look
like a spreadsheet formula (and carrying an escape sequence) is neutralised;
an existing file or a symlink is never written through."""
import csv
import ctypes
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PORT, CONNS, REQS, DELAY_MS = 18434, 3, 4, 4
EVIL = b"=HYPERLINK\x1b[31m"

lattest.require_bpf()
tmp = tempfile.mkdtemp(prefix="lattop-csv.")
path = os.path.join(tmp, "samples.csv")

# Refusals first: an existing file, and a symlink to a file that must not appear.
with open(path, "w") as f:
    f.write("keep\n")
r = subprocess.run([lattest.LATTOP, "--json", "-n", "1", "--csv", path], capture_output=True,
                   text=True, timeout=30)
lattest.check(r.returncode == 1 and "never overwrites" in r.stderr,
              f"an existing file is refused: {r.stderr.strip()}")
lattest.check(open(path).read() == "keep\n", "and left as it was")
os.unlink(path)
link, target = os.path.join(tmp, "link.csv"), os.path.join(tmp, "target")
os.symlink(target, link)
r = subprocess.run([lattest.LATTOP, "--json", "-n", "1", "--csv", link], capture_output=True,
                   text=True, timeout=30)
lattest.check(r.returncode == 1 and not os.path.exists(target),
              f"a symlink is refused and its target not created: {r.stderr.strip()}")

# The server renames itself (prctl PR_SET_NAME) before serving: its threads inherit the name.
server_code = f"""
import ctypes, runpy, sys
ctypes.CDLL(None).prctl(15, {EVIL!r}, 0, 0, 0)
sys.argv = ["delay_server.py", "{PORT}", "127.0.0.2={DELAY_MS}"]
runpy.run_path("{lattest.ROOT}/tests/helpers/delay_server.py", run_name="__main__")
"""
server = subprocess.Popen([sys.executable, "-c", server_code], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True)
server_pid = int(server.stdout.readline().split(":")[1].strip(" }\n"))
lt = lattest.Lattop(["-i", "0.3", "--csv", path])
lt.next_tick()
lt.drain()      # a busy host makes big ticks: never leave lattop blocked on the pipe
lattest.tcp_requests("127.0.0.2", PORT, CONNS, REQS)
lt.wait_ticks(3)
lt.stop()
server.stdin.close()
server.wait(timeout=10)

raw = open(path, "rb").read()
lines = raw.decode().splitlines()
lattest.check(lines[0] == "timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out",
              "header starts with the recipes' timestamp_ns,latency_ns,event")
lattest.check(b"\x1b" not in raw, "no escape byte reached the file")
rows = [r for r in csv.DictReader(lines) if r["client"] == "127.0.0.2" and r["port"] == str(PORT)]
reqs = [r for r in rows if r["event"] == "request"]
conns = [r for r in rows if r["event"] == "connection"]
print(f"{len(reqs)} request rows, {len(conns)} connection rows; first: {reqs[0] if reqs else None}")
lattest.check(len(reqs) == CONNS * REQS, f"{CONNS * REQS} request rows")
lattest.check(len(conns) == CONNS, f"{CONNS} connection rows")
lattest.check(all(r["pid"] == str(server_pid) and r["dir"] == "in" for r in reqs),
              "rows carry the server's pid and direction")
lattest.check(all(r["comm"].startswith("'=") for r in reqs),
              f"formula-like name neutralised with a leading quote: {reqs[0]['comm']!r}")
lat = sorted(int(r["latency_ns"]) for r in reqs)
lattest.check(DELAY_MS * 1e6 <= lat[len(lat) // 2] < DELAY_MS * 1e6 * 1.5,
              f"median request latency {lat[len(lat) // 2]} ns for a {DELAY_MS} ms delay")
lattest.check(all(r["bytes_in"] == "7" and r["bytes_out"] == "100" for r in reqs),
              "request bytes in/out match what was sent")
now = time.time_ns()
lattest.check(all(now - 120e9 < int(r["timestamp_ns"]) <= now for r in rows),
              "timestamps are wall-clock nanoseconds of this run")
