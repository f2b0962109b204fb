#!/usr/bin/env python3
"""Block I/O latency against ground truth, on a loop device this test makes
(losetup --direct-io=on over a file) and nothing else touches.

A helper makes exactly N serial 4 KiB O_DIRECT reads and M writes + fsync on
the device. lattop (--json, no pre-filter) must show, for the helper's pid on
that device, exactly N reads and M writes; over all issuers on the device,
as many reads and writes as the kernel's /sys/block/loopN/stat counted, and
queue + device time within 2 ms + 2 % of the change in its read and write
ticks (which run from the request's allocation to its completion, in ms) -
below them, plus the completion work the kernel counts after
block_rq_complete (COMPLETION_WORK_NS per request, or half the ticks on a
loaded host, whichever is more).
Twice: scheduler "none" (issued without an insert: queue time 0, and the
note says so) and "mq-deadline" (every request inserted, queue time
measured). Then once with -p: only the helper's rows (the flush that kblockd
issues for its fsync is another issuer)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

N_READS, M_WRITES = 1000, 300
HELPER = os.path.join(lattest.BUILD, "tests", "block_truth")
TICKS_AFTER = 3                     # ticks to wait for the last completions
# Work the kernel's ticks count after block_rq_complete, per request: the bio's end_io
# waking the submitter, an IPI when it sleeps on another CPU (1-8 us measured on the
# quiet 2-CPU test VM, 19 us on average with the rest of the suite running; see the
# README's block section).
COMPLETION_WORK_NS = 30_000


def stat(dev):
    """/sys/block/DEV/stat: reads completed, read ticks (ms), writes, write ticks."""
    with open(f"/sys/block/{dev}/stat") as f:
        v = [int(x) for x in f.read().split()]
    return {"reads": v[0], "read_ms": v[3], "writes": v[4], "write_ms": v[7]}


def set_scheduler(dev, name):
    path = f"/sys/block/{dev}/queue/scheduler"
    with open(path) as f:
        offered = f.read()
    if name not in offered.replace("[", " ").replace("]", " ").split():
        lattest.skip(f"{dev} offers no {name} scheduler ({offered.strip()})")
    with open(path, "w") as f:
        f.write(name)
    with open(path) as f:
        lattest.check(f"[{name}]" in f.read(), f"{dev} scheduler is {name}")


def dev_rows(ticks, dev):
    for t in ticks:
        for r in t.get("block", []):
            if r["dev"] == dev:
                yield t, r


def run_once(dev, sched, extra_args=()):
    """Helper I/O under lattop; returns (lattop ticks, helper pid, truth, stat delta)."""
    # Pinned: the completion's own work after block_rq_complete (waking the submitter) is
    # smallest when the submitter sleeps on the CPU that completes (1.3 us per request here,
    # 6.5 us on the other CPU).
    helper = subprocess.Popen([HELPER, f"/dev/{dev}", str(N_READS), str(M_WRITES)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              preexec_fn=lambda: os.sched_setaffinity(0, {0}))
    try:
        pid = int(json.loads(helper.stdout.readline())["pid"])
        args = ["-i", "0.2", "--no-clients", *extra_args]
        if "-p" in args:
            args[args.index("-p") + 1] = str(pid)
        lt = lattest.Lattop(args, timeout_s=60)
        lt.next_tick()                  # attached
        before = stat(dev)
        helper.stdin.write("go\n")
        helper.stdin.flush()
        truth = json.loads(helper.stdout.readline())
        after = stat(dev)
        for _ in range(TICKS_AFTER):
            lt.next_tick()
        lt.stop()
    finally:
        helper.stdin.close()
        try:
            helper.wait(timeout=10)
        except subprocess.TimeoutExpired:
            helper.kill()
    print(f"[{sched}] truth: {truth}")
    lattest.check(truth["error"] == 0 and truth["reads"] == N_READS and
                  truth["writes"] == M_WRITES, f"[{sched}] helper did {N_READS} reads, "
                  f"{M_WRITES} writes")
    delta = {k: after[k] - before[k] for k in before}
    print(f"[{sched}] /sys/block/{dev}/stat change: {delta}")
    return lt.ticks, pid, delta, truth


def sums(rows, field):
    return sum(r[field] for r in rows)


def check_run(dev, dev_t, sched, ticks, pid, delta, fsyncs):
    rows = [r for _, r in dev_rows(ticks, dev)]
    for r in rows:
        print(f"  {r['dev']} pid={r['pid']} {r['comm']} {r['op']} count={r['count']} "
              f"sum={r['sum_ns']} queue={r['queue']['count']}/{r['queue']['sum_ns']} "
              f"device={r['device']['count']}/{r['device']['sum_ns']}")
    lattest.check(all(r["dev_t"] == dev_t for r in rows), f"[{sched}] dev_t {dev_t} on its rows")
    mine = [r for r in rows if r["pid"] == pid]
    reads = [r for r in mine if r["op"] == "read"]
    writes = [r for r in mine if r["op"] == "write"]
    lattest.check(sums(reads, "count") == N_READS,
                  f"[{sched}] exactly {N_READS} reads by pid {pid} (got {sums(reads, 'count')})")
    lattest.check(sums(writes, "count") == M_WRITES,
                  f"[{sched}] exactly {M_WRITES} writes by pid {pid} "
                  f"(got {sums(writes, 'count')})")
    lattest.check(sums(mine, "errors") == 0, f"[{sched}] no failed requests")

    rw = [r for r in rows if r["op"] in ("read", "write")]
    n_read = sums([r for r in rw if r["op"] == "read"], "count")
    n_write = sums([r for r in rw if r["op"] == "write"], "count")
    # The fsync's empty preflush is a write request the flush machinery ends without
    # issuing it (lattop skips it; kblockd's flush row is its device work): the kernel
    # counts it among the writes.
    lattest.check(n_read == delta["reads"] and n_write + fsyncs == delta["writes"],
                  f"[{sched}] device totals equal the kernel's: reads {n_read}/{delta['reads']}, "
                  f"writes {n_write} + {fsyncs} fsync preflush/{delta['writes']}")
    queue_ns = sum(r["queue"]["sum_ns"] for r in rw)
    device_ns = sum(r["device"]["sum_ns"] for r in rw)
    total_ns = sums(rw, "sum_ns")
    lattest.check(total_ns == queue_ns + device_ns,
                  f"[{sched}] whole time = queue + device ({total_ns} = {queue_ns} + {device_ns})")
    kernel_ns = (delta["read_ms"] + delta["write_ms"]) * 1_000_000
    tol_ns = 2_000_000 + 0.02 * kernel_ns
    diff = queue_ns + device_ns - kernel_ns
    n_req = n_read + n_write
    print(f"[{sched}] queue+device {(queue_ns + device_ns) / 1e6:.3f} ms, kernel ticks "
          f"{kernel_ns / 1e6:.0f} ms, diff {diff / 1e6:+.3f} ms "
          f"({diff / max(n_req, 1) / 1e3:+.2f} us per request), tolerance {tol_ns / 1e6:.3f} ms")
    # The kernel's ticks run from allocation to the accounting after the completion's
    # own work (the bio's end_io waking the submitter), which comes after
    # block_rq_complete: lattop's span is inside the kernel's, never beyond it.
    lattest.check(diff <= tol_ns, f"[{sched}] queue + device not above the kernel's ticks "
                  f"+ 2 ms + 2 % ({diff / 1e6:+.3f} ms)")
    # That work grows with the host's load (a VM whose vCPUs are descheduled): on a
    # later VM of the same kind (6 runs) 7-31 % of the ticks (7-159 us per request, the most
    # under mq-deadline on the slowest runs). Below the ticks by at most the fixed
    # allowance or half of them, whichever is more: lattop losing the device time (the
    # bulk) still fails.
    below_ok = max(tol_ns + n_req * COMPLETION_WORK_NS, 0.5 * kernel_ns)
    lattest.check(-diff <= below_ok,
                  f"[{sched}] queue + device within 2 ms + 2 % + {COMPLETION_WORK_NS // 1000} us "
                  f"per request, or half, below the kernel's ticks ({diff / 1e6:+.3f} ms, "
                  f"{-diff / max(kernel_ns, 1):.0%} of them)")
    notes = [t.get("block_note", "") for t, _ in dev_rows(ticks, dev)]
    listed = any(f" {dev}" in n and "no I/O scheduler" in n for n in notes)
    queued = sum(r["queue"]["count"] for r in mine)
    if sched == "none":
        lattest.check(queued == 0, f"[none] no request of the helper was inserted ({queued})")
        lattest.check(listed, f"[none] the note says {dev} has no I/O scheduler: {notes[:1]}")
    else:
        lattest.check(queued == N_READS + M_WRITES,
                      f"[{sched}] every request of the helper was inserted "
                      f"({queued}/{N_READS + M_WRITES})")
        lattest.check(not listed, f"[{sched}] the note does not list {dev}: {notes[:1]}")
        lattest.check(queue_ns > 0, f"[{sched}] queue time measured ({queue_ns} ns)")
        lattest.check(all(r["device"]["count"] == r["count"] for r in mine),
                      f"[{sched}] every request has a device time")


def main():
    lattest.require_bpf()
    if not shutil.which("losetup"):
        lattest.skip("losetup (util-linux) is not installed")
    if not os.access(HELPER, os.X_OK):
        lattest.fail(f"{HELPER} not built (make helpers)")
    work = tempfile.mkdtemp(prefix="lattop-block.", dir="/var/tmp")
    loop = None
    try:
        img = os.path.join(work, "img")
        with open(img, "wb") as f:
            f.truncate(64 << 20)
        res = subprocess.run(["losetup", "--direct-io=on", "-f", "--show", img],
                             capture_output=True, text=True, timeout=30)
        if res.returncode != 0:
            lattest.skip(f"cannot make a loop device: {res.stderr.strip()}")
        loop = res.stdout.strip()
        dev = os.path.basename(loop)
        with open(f"/sys/block/{dev}/loop/dio") as f:
            lattest.check(f.read().strip() == "1", f"{dev} does direct I/O on its file")
        with open(f"/sys/block/{dev}/dev") as f:
            major, minor = (int(x) for x in f.read().split(":"))
        dev_t = major << 20 | minor
        for sched in ("none", "mq-deadline"):
            set_scheduler(dev, sched)
            ticks, pid, delta, truth = run_once(dev, sched)
            check_run(dev, dev_t, sched, ticks, pid, delta, truth["fsyncs"])
        # The kernel pre-filter: only the helper's own requests.
        ticks, pid, _, _ = run_once(dev, "-p", ("-p", "PID"))
        rows = [r for _, r in dev_rows(ticks, dev)]
        lattest.check(rows and all(r["pid"] == pid for r in rows),
                      f"[-p] only pid {pid}'s rows ({sorted({r['pid'] for r in rows})})")
        for r in rows:
            print(f"  [-p] {r['dev']} pid={r['pid']} {r['op']} count={r['count']} "
                  f"queue={r['queue']['count']} device={r['device']['count']}")
        got = sums([r for r in rows if r["op"] == "read"], "count")
        lattest.check(got == N_READS, f"[-p] exactly {N_READS} reads (got {got})")
        got = sums([r for r in rows if r["op"] == "write"], "count")
        lattest.check(got == M_WRITES, f"[-p] exactly {M_WRITES} writes (got {got})")
    finally:
        if loop:
            for _ in range(50):         # a closing opener may hold it for a moment
                if subprocess.run(["losetup", "-d", loop], capture_output=True,
                                  timeout=30).returncode == 0:
                    break
                time.sleep(0.1)
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")


main()
