#!/usr/bin/env python3
"""nginx + wrk -c 8 keep-alive, started BEFORE lattop: lattop adopts the 8
connections on their first traffic and counts wrk's requests.

To compare over exactly the same window, wrk's Lua delay() holds the first
request of every connection for HOLD_S seconds: the 8 connections are
established at once (before lattop starts, checked in /proc/net/tcp), and
every request wrk completes is sent after lattop is attached (checked: the
first tick arrives before the hold ends) and answered before lattop stops.
So wrk's own total is the truth: nginx's side may count at most one extra
response per connection (written, not read when wrk stopped). lattop runs
with -p of nginx's and wrk's pids, so adoption is also tested through the
kernel pre-filter."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import re

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

CONNS, HOLD_S, SECONDS = 8, 6, 10

lattest.require_bpf()
for tool in ("nginx", "wrk"):
    if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
        lattest.skip(f"{tool} not installed (make deps)")


def established_to(port):
    """Client-side ESTABLISHED sockets to 127.0.0.1:port, from /proc/net/tcp."""
    n = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[2] == f"0100007F:{port:04X}" and fields[3] == "01":
                n += 1
    return n


port = lattest.free_port()
tmp = tempfile.mkdtemp(prefix="lattop-nginx-adopt.")
os.makedirs(f"{tmp}/html")
os.makedirs(f"{tmp}/tmp")
with open(f"{tmp}/html/index.html", "w") as f:
    f.write("x" * 612)
with open(f"{tmp}/hold.lua", "w") as f:
    f.write(f"""local n = 0
function delay()
  n = n + 1
  if n <= {CONNS} then return {HOLD_S * 1000} end
  return 0
end
""")
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
    keepalive_timeout 60s;
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
wrk = lt = None
try:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        lattest.fail("nginx did not start")
    time.sleep(0.2)     # the probe connection is gone
    t0 = time.monotonic()
    wrk = subprocess.Popen(["wrk", "-t1", f"-c{CONNS}", f"-d{SECONDS}s", "-s", f"{tmp}/hold.lua",
                            f"http://127.0.0.1:{port}/index.html"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    for _ in range(250):
        if established_to(port) >= CONNS:
            break
        time.sleep(0.01)
    n = established_to(port)
    lattest.check(n == CONNS, f"wrk's {CONNS} connections are established before lattop "
                  f"starts ({n} after {time.monotonic() - t0:.2f} s)")
    # Only nginx and wrk (kernel pre-filter): another test's address flood on the
    # same host must not evict their rows from the kernel's LRU.
    with open(f"/proc/{nginx.pid}/task/{nginx.pid}/children") as f:
        workers = f.read().split()
    pids = [str(nginx.pid)] + workers + [str(wrk.pid)]
    lt = lattest.Lattop(["-i", "0.5", "--cumulative"] + [a for p in pids for a in ("-p", p)])
    lt.next_tick()
    ready = time.monotonic() - t0
    if ready >= HOLD_S - 0.2:
        lattest.skip(f"lattop took {ready:.2f} s to start, past wrk's {HOLD_S} s hold "
                     "(machine too busy for an exact window)")
    print(f"lattop attached {ready:.2f} s after wrk started (hold {HOLD_S} s)")
    lt.drain()
    out, _ = wrk.communicate(timeout=SECONDS + 30)
    lt.wait_ticks(2)
    lt_rc = lt.stop()
finally:
    if wrk and wrk.poll() is None:
        wrk.kill()
    nginx.terminate()
    nginx.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)

print(out)
lattest.check(lt_rc == 0, f"lattop exits 0 on SIGINT (got {lt_rc})")
m = re.search(r"(\d+) requests in", out)
lattest.check(m is not None and "Socket errors" not in out and "Non-2xx" not in out,
              "wrk reported a total, without errors")
wrk_total = int(m.group(1))
last = lt.ticks[-1]
srv = [r for r in last["clients"] if r["dir"] == "in" and r["port"] == port and
       r["comm"].startswith("nginx") and r["addr"] == "127.0.0.1"]
cli = [r for r in last["clients"] if r["dir"] == "out" and r["port"] == port and
       r["comm"].startswith("wrk")]
print(f"client_evicted {last['counters_total']['client_evicted']}, "
      f"client_lost {last['counters_total']['client_lost']}")
lattest.check(srv and cli, f"lattop has nginx's in rows ({len(srv)}) and wrk's out rows "
              f"({len(cli)})")
for side, rows in (("nginx", srv), ("wrk", cli)):
    reqs = sum(r["requests"] for r in rows)
    adopted = sum(r["adopted"] for r in rows)
    conns = sum(r["connections"] for r in rows)
    diff = (reqs - wrk_total) / wrk_total
    print(f"{side}: {reqs} requests (wrk counted {wrk_total}: {100 * diff:+.4f} %), "
          f"adopted {adopted}, connections {conns}")
    lattest.check(0 <= reqs - wrk_total <= CONNS,
                  f"{side}: lattop counts wrk's {wrk_total} requests, plus at most one "
                  f"unread response per connection (got {reqs})")
    lattest.check(abs(diff) <= 0.01, f"{side}: within 1 % of wrk's count")
    lattest.check(adopted == CONNS and conns == 0,
                  f"{side}: the {CONNS} connections are adopted, none counted as seen opening")
    lattest.check(all(r["lifetime" if side == "nginx" else "connect"]["count"] == 0
                      for r in rows), f"{side}: no lifetime figures from adopted connections")
print("all passed")
