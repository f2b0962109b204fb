#!/usr/bin/env python3
"""A/B of two lattop builds by their BPF programs' own run time
(kernel.bpf_stats_enabled, restored afterwards): both attached at the same
time, so both see the same calls, whatever else the machine runs; per-program
run_time_ns/run_cnt deltas over a getppid storm and over `dd bs=1` (half
reads of /dev/zero). The program attached first pays ~+60 ns of cold caches,
so rounds alternate the order and the paired difference cancels it.

usage: AB_ROUNDS=6 tests/bench/ab_stats.py OLD/lattop NEW/lattop build/tests/syscall_storm
(AB_ARGS="--sample 16" adds options to both lattops)
(root; rounds in which another lattop attached meanwhile are redone)"""
import json, os, subprocess, sys, time
base, new, storm = sys.argv[1:4]
def sys_progs():
    out = json.loads(subprocess.check_output(["bpftool", "prog", "show", "--json"]))
    return {p["id"]: p["name"] for p in out if p["name"] in ("btf_sys_enter", "btf_sys_exit")}
def stats(ids):
    out = {p["id"]: p for p in json.loads(subprocess.check_output(["bpftool", "prog", "show", "--json"]))}
    return {n: (out[i].get("run_time_ns", 0), out[i].get("run_cnt", 0)) for n, i in ids.items()}
prev = open("/proc/sys/kernel/bpf_stats_enabled").read().strip()
open("/proc/sys/kernel/bpf_stats_enabled", "w").write("1")
res = {"base": [], "new": []}
loads = {"getppid": [storm, "1500000"],
         "dd-bs1": ["dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=300000", "status=none"]}
try:
    rnd = -1
    while len(res["base"]) < int(os.environ.get("AB_ROUNDS", "5")):
        rnd += 1
        order = [("base", base), ("new", new)] if rnd % 2 == 0 else [("new", new), ("base", base)]
        procs, ids = {}, {}
        for name, binary in order:
            before = sys_progs()
            procs[name] = subprocess.Popen([binary, "--json", "-i", "1", "--no-clients"] +
                                           os.environ.get("AB_ARGS", "").split(),
                                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            procs[name].stdout.readline()          # attached
            fresh = {i: n for i, n in sys_progs().items() if i not in before}
            if sorted(fresh.values()) != ["btf_sys_enter", "btf_sys_exit"]:
                print(f"round {rnd}: cannot tell {name}'s programs apart (another lattop started): redo", flush=True)
                break
            ids[name] = {n: i for i, n in fresh.items()}
        if len(ids) != 2:
            for p in procs.values():
                p.send_signal(2)
                p.communicate(timeout=15)
            continue
        row = {}
        for lname, cmd in loads.items():
            s0 = {n: stats(i) for n, i in ids.items()}
            subprocess.run(["taskset", "-c", "1"] + cmd, check=True, stdout=subprocess.DEVNULL)
            s1 = {n: stats(i) for n, i in ids.items()}
            for n in ids:
                tot = 0
                for prog in ("btf_sys_enter", "btf_sys_exit"):
                    dt = s1[n][prog][0] - s0[n][prog][0]
                    dc = s1[n][prog][1] - s0[n][prog][1]
                    row[(n, lname, prog)] = dt / dc
                    tot += dt / dc
                row[(n, lname, "sum")] = tot
        for p in procs.values():
            p.send_signal(2)
        for p in procs.values():
            p.communicate(timeout=15)
        print(f"round {rnd}: " + "  ".join(f"{l}: base {row[('base', l, 'sum')]:.1f} new {row[('new', l, 'sum')]:.1f} ns (exit {row[('base', l, 'btf_sys_exit')]:.1f}/{row[('new', l, 'btf_sys_exit')]:.1f})" for l in loads), flush=True)
        for n in ("base", "new"):
            res[n].append({l: (row[(n, l, "sum")], row[(n, l, "btf_sys_enter")], row[(n, l, "btf_sys_exit")]) for l in loads})
finally:
    open("/proc/sys/kernel/bpf_stats_enabled", "w").write(prev)
import statistics as st
for l in loads:
    b = [r[l][0] for r in res["base"]]; n = [r[l][0] for r in res["new"]]
    d = [y - x for x, y in zip(b, n)]
    print(f"{l}: enter+exit ns per syscall, median base {st.median(b):.1f} new {st.median(n):.1f}; paired diff median {st.median(d):+.1f} [{min(d):+.1f} .. {max(d):+.1f}]")
