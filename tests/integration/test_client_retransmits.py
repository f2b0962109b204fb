#!/usr/bin/env python3
"""Retransmits per client: a tc ingress program on lo (tests/helpers/
drop_replies.bpf.c) drops the first 3 data segments the server sends to
127.0.0.7, so the server's TCP retransmits them. lattop's row for that
client must show exactly the retransmits the kernel itself counted on the
server's sockets (TCP_INFO tcpi_total_retrans), and still every request."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

PORT, CONNS, REQS, PREF = 18437, 3, 5, "4917"
OBJ = os.path.join(lattest.BUILD, "tests", "drop_replies.bpf.o")

lattest.require_bpf()
if not shutil.which("tc"):
    lattest.skip("tc (iproute2) not installed")
if not os.path.exists(OBJ):
    lattest.fail(f"{OBJ} not built (make helpers)")


def tc(*args, check=True):
    return subprocess.run(["tc"] + list(args), capture_output=True, text=True, check=check)


made_qdisc = "clsact" not in tc("qdisc", "show", "dev", "lo").stdout
if made_qdisc:
    r = tc("qdisc", "add", "dev", "lo", "clsact", check=False)
    if r.returncode:
        lattest.skip(f"no clsact qdisc on lo: {r.stderr.strip()}")
try:
    r = tc("filter", "add", "dev", "lo", "ingress", "pref", PREF, "bpf", "direct-action", "obj",
           OBJ, "sec", "tc", check=False)
    if r.returncode:
        lattest.fail(f"cannot attach the drop program: {r.stderr.strip()}")
    server = lattest.DelayServer(PORT, {"127.0.0.7": 1})
    lt = lattest.Lattop(["-i", "0.3", "--cumulative"])
    lt.next_tick()
    lt.drain()
    lattest.tcp_requests("127.0.0.7", PORT, CONNS, REQS, timeout_s=40)
    import time
    time.sleep(1)
    truth = server.stats()["127.0.0.7"]
    lt.stop()
    server.stop()
finally:
    tc("filter", "del", "dev", "lo", "ingress", "pref", PREF, check=False)
    if made_qdisc:
        tc("qdisc", "del", "dev", "lo", "clsact", check=False)

rows = [r for r in lt.ticks[-1]["clients"] if r["addr"] == "127.0.0.7" and r["dir"] == "in"
        and r["port"] == PORT]
got = {k: sum(r[k] for r in rows) for k in ("connections", "requests", "retransmits")}
print(f"server (kernel TCP_INFO): {truth}; lattop: {got}")
lattest.check(truth["retransmits"] >= 3, f"the drops made the server retransmit "
              f"({truth['retransmits']} segments)")
lattest.check(got["requests"] == CONNS * REQS and got["connections"] == CONNS,
              f"{CONNS} connections and {CONNS * REQS} requests despite the loss")
lattest.check(got["retransmits"] == truth["retransmits"],
              f"retransmits {got['retransmits']} == the kernel's {truth['retransmits']}")
