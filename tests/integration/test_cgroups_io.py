#!/usr/bin/env python3
"""Client and block rows carry the cgroup of the process they belong to, on
real cgroups against ground truth:
  clients  a loopback server moved into srv.service answers C connections x R
           requests from 127.0.0.2 (this test, outside the tree): the server's
           client rows ("in", 127.0.0.2) count exactly C*R requests, all with
           srv.service's id and name;
  block    a helper moved into io.service makes exactly N serial 4 KiB O_DIRECT
           reads of a loop device this test makes (losetup --direct-io=on, as
           tests/integration/test_block.py): its block rows count N reads, all
           with io.service's id (the issuing task's v2 cgroup, although blkio is
           a v1 controller here)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgroup_util as cgu  # noqa: E402
import lattest  # noqa: E402

CONNS, REQS = 3, 12
N_READS = 400
BLOCK_HELPER = os.path.join(lattest.BUILD, "tests", "block_truth")


def check_clients(tree):
    cgid = cgu.cgroup_id(tree.make("srv.service"))
    port = lattest.free_port()
    server = lattest.DelayServer(port, {"127.0.0.2": 1})
    tree.move(server.pid, "srv.service")
    lt = lattest.Lattop(["-i", "0.2", "--no-runq", "--no-block"])
    try:
        lt.next_tick()
        lattest.tcp_requests("127.0.0.2", port, CONNS, REQS)
        for _ in range(4):
            lt.next_tick()
        truth = server.stats()
    finally:
        lt.stop()
        server.stop()
    print("server truth:", truth)
    rows = [r for _, r in lattest.client_rows(lt.ticks, server.pid, "127.0.0.2")]
    got = sum(r["requests"] for r in rows)
    lattest.check(got == CONNS * REQS, f"[clients] exactly {CONNS * REQS} requests from "
                  f"127.0.0.2 at the server (got {got})")
    ids = {r.get("cgroup_id") for r in rows}
    names = {r.get("cgroup") for r in rows}
    lattest.check(ids == {cgid}, f"[clients] every row carries the server's cgroup {cgid} ({ids})")
    lattest.check(names == {"srv.service"}, f"[clients] named srv.service ({names})")


def check_block(tree):
    if not shutil.which("losetup"):
        lattest.skip("losetup (util-linux) is not installed")
    if not os.access(BLOCK_HELPER, os.X_OK):
        lattest.fail(f"{BLOCK_HELPER} not built (make helpers)")
    cgid = cgu.cgroup_id(tree.make("io.service"))
    work = tempfile.mkdtemp(prefix="lattop-cg-block.", dir="/var/tmp")
    loop = helper = lt = None
    try:
        img = os.path.join(work, "img")
        with open(img, "wb") as f:
            f.truncate(16 << 20)
        res = subprocess.run(["losetup", "--direct-io=on", "-f", "--show", img],
                             capture_output=True, text=True, timeout=30)
        if res.returncode != 0:
            lattest.skip(f"cannot make a loop device: {res.stderr.strip()}")
        loop = res.stdout.strip()
        dev = os.path.basename(loop)
        helper = subprocess.Popen([BLOCK_HELPER, loop, str(N_READS), "0"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        pid = int(json.loads(helper.stdout.readline())["pid"])
        tree.move(pid, "io.service")
        lt = lattest.Lattop(["-i", "0.2", "--no-clients", "--no-runq"])
        lt.next_tick()
        helper.stdin.write("go\n")
        helper.stdin.flush()
        truth = json.loads(helper.stdout.readline())
        for _ in range(3):
            lt.next_tick()
        lt.stop()
    finally:
        if helper:
            helper.stdin.close()
            helper.wait(timeout=10)
        if lt:
            lt.stop()
        if loop:
            for _ in range(50):
                if subprocess.run(["losetup", "-d", loop], capture_output=True,
                                  timeout=30).returncode == 0:
                    break
                time.sleep(0.1)
        shutil.rmtree(work, ignore_errors=True)
    print("block truth:", truth)
    lattest.check(truth["reads"] == N_READS, f"[block] the helper made {N_READS} reads")
    rows = [r for t in lt.ticks for r in t.get("block", [])
            if r["dev"] == dev and r["pid"] == pid and r["op"] == "read"]
    got = sum(r["count"] for r in rows)
    lattest.check(got == N_READS, f"[block] exactly {N_READS} reads by pid {pid} (got {got})")
    ids = {r.get("cgroup_id") for r in rows}
    lattest.check(ids == {cgid}, f"[block] every read row carries io.service's id {cgid} ({ids})")
    names = {r.get("cgroup") for r in rows}
    lattest.check(names == {"io.service"}, f"[block] named io.service ({names})")


def main():
    lattest.require_bpf()
    tree = cgu.Tree()
    check_clients(tree)
    check_block(tree)
    print("PASS")


main()
