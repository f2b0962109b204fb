#!/usr/bin/env python3
"""Real nginx under wrk on loopback: lattop's request count for the client
(127.0.0.1 -> nginx on its port) equals wrk's reported total within 1 %, its
connection count equals wrk's connects, the p50 it reports is in the range
wrk itself measured, and --csv holds one row per request under that load."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

CONNS, SECONDS = 8, 3

lattest.require_bpf()
for tool in ("nginx", "wrk"):
    if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
        lattest.skip(f"{tool} not installed (make deps)")

s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
tmp = tempfile.mkdtemp(prefix="lattop-nginx.")
os.makedirs(f"{tmp}/html")
os.makedirs(f"{tmp}/tmp")
with open(f"{tmp}/html/index.html", "w") as f:
    f.write("x" * 612)
with open(f"{tmp}/nginx.conf", "w") as f:
    f.write(f"""worker_processes 1;
daemon off;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 10000000;
    client_body_temp_path {tmp}/tmp/body;
    proxy_temp_path {tmp}/tmp/proxy;
    fastcgi_temp_path {tmp}/tmp/fastcgi;
    uwsgi_temp_path {tmp}/tmp/uwsgi;
    scgi_temp_path {tmp}/tmp/scgi;
    server {{ listen 127.0.0.1:{port}; root {tmp}/html; }}
}}
""")
nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
nginx = subprocess.Popen([nginx_bin, "-p", tmp, "-c", f"{tmp}/nginx.conf", "-e",
                          f"{tmp}/error.log"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        lattest.fail("nginx did not start")
    csv_path = f"{tmp}/requests.csv"
    lt = lattest.Lattop(["-i", "0.5", "--cumulative", "--csv", csv_path])
    lt.next_tick()
    lt.drain()
    t0 = time.monotonic()
    wrk = subprocess.run(["wrk", "-t1", f"-c{CONNS}", f"-d{SECONDS}s", "--latency",
                          f"http://127.0.0.1:{port}/index.html"], capture_output=True,
                         text=True, timeout=SECONDS + 30)
    time.sleep(1.5)
    lt.stop()
    with open(csv_path) as f:
        csv_rows = sum(1 for line in f if ",request," in line
                       and f',"nginx",127.0.0.1,{port},in,' in line)
finally:
    nginx.terminate()
    nginx.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

print(wrk.stdout)
m = re.search(r"(\d+) requests in", wrk.stdout)
lattest.check(m is not None, "wrk reported a total")
wrk_total = int(m.group(1))
lattest.check("Socket errors" not in wrk.stdout and "Non-2xx" not in wrk.stdout, "wrk had no errors")
last = lt.ticks[-1]
rows = [r for r in last["clients"] if r["dir"] == "in" and r["port"] == port and
        r["comm"].startswith("nginx") and r["addr"] == "127.0.0.1"]
lattest.check(rows, f"lattop has the client 127.0.0.1 -> nginx:{port}")
reqs = sum(r["requests"] for r in rows)
conns = sum(r["connections"] for r in rows)
diff = abs(reqs - wrk_total) / wrk_total
print(f"wrk: {wrk_total} requests over {CONNS} connections; lattop: {reqs} requests, "
      f"{conns} connections ({100 * diff:.3f} % apart)")
lattest.check(diff <= 0.01, f"request count within 1 % of wrk's ({100 * diff:.3f} %)")
# wrk's connects, seen from its own side (dir "out", remote port = nginx's).
print("out rows:", [(r["addr"], r["port"], r["comm"], r["connections"]) for r in last["clients"] if r["dir"] == "out"])
wrk_conns = sum(r["connections"] for r in last["clients"]
                if r["dir"] == "out" and r["port"] == port and r["comm"].startswith("wrk"))
lattest.check(conns == wrk_conns, f"accepted connections {conns} == wrk's connects {wrk_conns}")
# wrk -cN keeps N connections; it may open one more while starting up.
lattest.check(CONNS <= conns <= CONNS + 1, f"{CONNS} connections, give or take wrk's one spare "
              f"(got {conns})")
p50 = max(rows, key=lambda r: r["requests"])["p50_ns"]
m = re.search(r"50%\s+([\d.]+)(us|ms|s)", wrk.stdout)
wrk_p50 = float(m.group(1)) * {"us": 1e3, "ms": 1e6, "s": 1e9}[m.group(2)]
print(f"server-side p50 {p50} ns, wrk's end-to-end p50 {wrk_p50:.0f} ns")
lattest.check(0 < p50 <= wrk_p50 * (1 + lattest.BUCKET_ERROR),
              "the server's response time is within what the client saw end to end")
lost = last["counters_total"]["client_lost"]
print(f"--csv: {csv_rows} request rows for nginx; client_lost {lost}")
lattest.check(lost == 0 and csv_rows == reqs,
              f"--csv has one row per request counted ({csv_rows} == {reqs}), none lost")
