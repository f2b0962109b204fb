#!/usr/bin/env python3
"""Why a tracer's cost differs between the storm's CPU time and its wall
clock (issue 16): the getppid storm under none / lattop / bpftrace, with the
storm pinned to the last CPU and the tracer free (make bench's setup), the
storm unpinned, and the storm pinned with the tracer pinned to the other CPU.
Per run: wall ns/call (the loop's clock_gettime), CPU ns/call (wait4's
utime+stime), the storm's run-queue wait per call (/proc/PID/schedstat) and
involuntary switches, and the tracer's own CPU during the run (/proc/PID/stat).

usage: O=build tests/bench/storm_methods.py [ROUNDS]   (root; prints a table)"""
import json, os, statistics as st, subprocess, sys, time

O = os.environ.get("O", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
CALLS = int(os.environ.get("BENCH_STORM_CALLS", "1500000"))
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
last = os.cpu_count() - 1
TRACERS = {"none": None,
           "lattop": [f"{O}/lattop", "--json", "-i", "1"],
           "bpftrace": ["bpftrace", os.path.join(HERE, "bench_lat.bt")]}
PLACES = {"pinned": ([str(last)], None), "unpinned": (None, None),
          "split": ([str(last)], ["0"])}


def ticks(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])


def start(name, cpus):
    cmd = TRACERS[name]
    if cmd is None:
        return None
    if cpus:
        cmd = ["taskset", "-c", ",".join(cpus)] + cmd
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    p.stdout.readline()            # lattop: first JSON line; bpftrace: "Attaching ..."
    time.sleep(1.5 if name == "bpftrace" else 0.3)
    return p


def storm(cpus):
    cmd = [f"{O}/tests/syscall_storm", str(CALLS)]
    if cpus:
        cmd = ["taskset", "-c", ",".join(cpus)] + cmd
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    sched = open(f"/proc/{p.pid}/schedstat").read().split()   # zombie: still readable
    status = open(f"/proc/{p.pid}/status").read()
    invol = int(status.split("nonvoluntary_ctxt_switches:")[1].split()[0])
    _, rc, ru = os.wait4(p.pid, 0)
    return {"wall": json.loads(out)["ns_per_call"],
            "cpu": (ru.ru_utime + ru.ru_stime) * 1e9 / CALLS,
            "runq": int(sched[1]) / CALLS, "invol": invol}


res = {}
hz = os.sysconf("SC_CLK_TCK")
for r in range(ROUNDS):
    for place, (scpu, tcpu) in PLACES.items():
        for name in TRACERS:
            t = start(name, tcpu)
            c0 = ticks(t.pid) if t else 0
            m = storm(scpu)
            m["tracer_ms"] = (ticks(t.pid) - c0) * 1000 / hz if t else 0
            if t:
                t.send_signal(2)
                t.communicate(timeout=30)
            res.setdefault((place, name), []).append(m)
            print(f"round {r + 1} {place:8} {name:8} wall {m['wall']:7.1f} cpu {m['cpu']:7.1f}"
                  f" runq {m['runq']:6.1f} ns/call, invol {m['invol']}, tracer {m['tracer_ms']:.0f} ms",
                  flush=True)
print("\nmedians; added = tracer - none of the same placement\n")
print(f"{'placement':9} {'tracer':8} {'wall':>7} {'cpu':>7} {'wall-cpu':>8} {'runq/call':>9}"
      f" {'invol':>6} {'tracer ms':>9} {'added wall':>10} {'added cpu':>9}")
for (place, name), ms in res.items():
    md = {k: st.median(m[k] for m in ms) for k in ms[0]}
    none = {k: st.median(m[k] for m in res[(place, "none")]) for k in ("wall", "cpu")}
    print(f"{place:9} {name:8} {md['wall']:7.1f} {md['cpu']:7.1f} {md['wall'] - md['cpu']:8.1f}"
          f" {md['runq']:9.1f} {md['invol']:6.0f} {md['tracer_ms']:9.0f}"
          f" {md['wall'] - none['wall']:10.1f} {md['cpu'] - none['cpu']:9.1f}")
