#!/usr/bin/env python3
"""runq part of the bench (BENCH_PARTS=runq): the cost per context switch of the
run-queue hooks, and how far each tracer's wait sum lands from the kernel's.

Load: tests/helpers/runq_truth pingpong (two threads pinned to one CPU passing a
byte through two pipes: 2 context switches and 2 wakeups per round trip). Its CPU
time per round trip is measured with each tracer attached, in interleaved rounds;
the figure per switch is (median(cfg) - median(base)) / 2, where base is "none",
except for lattop's run-queue family, whose base is lattop with --no-runq (the
syscall family, always on, is then in both). Configurations:
  none, floor (empty tp_btf programs on sched_switch/wakeup/wakeup_new),
  lattop-norunq, lattop (sched_info method), lattop-ts (timestamps method),
  bpftrace (tests/bench/runq_wakeup_switch.bt), runqlat (libbpf-tools, -P).
lattop runs with --no-clients --no-block --no-breakdown (the breakdown also
hooks sched_switch; its cost is the syscall storm's business).

Also: the sum of each tracer's waits for the helper against the change of
/proc/PID/task/*/schedstat run_delay over the same window (per-wait bias).

usage: runq_bench.py OUT_DIR   (env: O, BENCH_RUNQ_ROUNDS=5, BENCH_RUNQ_TRIPS=200000,
                               BENCH_STORM_CPU)
"""
import glob
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

O = os.environ.get("O", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LATTOP = os.path.join(O, "lattop")
HELPER = os.path.join(O, "tests", "runq_truth")
ROUNDS = int(os.environ.get("BENCH_RUNQ_ROUNDS", "5"))
TRIPS = int(os.environ.get("BENCH_RUNQ_TRIPS", "200000"))
CPU = os.environ.get("BENCH_STORM_CPU", str((os.cpu_count() or 1) - 1))
RUNQLAT = "/usr/sbin/runqlat"
BT = os.path.join(HERE, "runq_wakeup_switch.bt")
LATTOP_ARGS = ["--json", "-i", "1", "--no-clients", "--no-block", "--no-breakdown"]
ATTACH_S = 20


def log(msg):
    print(f"[bench runq {time.strftime('%T')}] {msg}", file=sys.stderr, flush=True)


def build_floor(out):
    """The floor object and its loader, built here (no shared Makefile rule)."""
    obj = os.path.join(out, "runq_floor.bpf.o")
    loader = os.path.join(out, "runq_floor_loader")
    arch = {"x86_64": "x86", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
    subprocess.run(["clang", "-g", "-O2", "-target", "bpf", f"-D__TARGET_ARCH_{arch}",
                    "-Wall", "-Wno-unused-parameter", f"-I{O}", "-c",
                    os.path.join(HERE, "runq_floor.bpf.c"), "-o", obj], check=True)
    libs = subprocess.run(["pkg-config", "--cflags", "--libs", "libbpf"], check=True,
                          capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-o", loader, os.path.join(HERE, "runq_floor_loader.c")] + libs, check=True)
    return [loader, obj]


RUNQ_PROGS = {"btf_switch_si", "raw_switch_si", "btf_switch_ts", "raw_switch_ts", "btf_wakeup",
              "btf_wakeup_new", "raw_wakeup", "raw_wakeup_new"}   # bpf/runq.bpf.c
TRACING = {"tracing", "raw_tracepoint", "tracepoint"}


def progs():
    """{id: (name, run_time_ns, run_cnt)} of the tracing programs loaded now."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True, text=True).stdout
    try:
        return {p["id"]: (p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0))
                for p in json.loads(out) if p.get("type") in TRACING}
    except ValueError:
        return {}


def bpf_ns_per_switch(cfg, ids, before, after):
    """The kernel's BPF statistics: run time of the tracer's programs per run of its
    sched_switch program (wakeup programs' time included). None without them."""
    run_ns = switches = 0
    for i in ids:
        if i not in before or i not in after:
            continue
        name = after[i][0]
        if cfg.startswith("lattop") and name not in RUNQ_PROGS:
            continue    # the syscall family's programs
        run_ns += after[i][1] - before[i][1]
        if "switch" in name:
            switches += after[i][2] - before[i][2]
    return run_ns / switches if switches else None


def wait_for(pred, proc, what):
    deadline = time.monotonic() + ATTACH_S
    while time.monotonic() < deadline:
        if pred():
            return True
        if proc.poll() is not None:
            log(f"{what} exited early ({proc.returncode})")
            return False
        time.sleep(0.05)
    log(f"{what} not attached in {ATTACH_S} s")
    return False


def first_line(path, prefix):
    try:
        with open(path) as f:
            return any(line.startswith(prefix) for line in f)
    except OSError:
        return False


def start(cfg, floor_cmd, tmp):
    """Start the tracer of @cfg; returns (proc, out path) once attached, (None, None) for none."""
    out = os.path.join(tmp, f"{cfg}.out")
    env = dict(os.environ)
    env.pop("LATTOP_RUNQ_METHOD", None)
    if cfg == "none":
        return None, None
    if cfg == "floor":
        cmd, ready = floor_cmd, "attached"
    elif cfg.startswith("lattop"):
        cmd, ready = [LATTOP] + LATTOP_ARGS, "{"
        if cfg == "lattop-norunq":
            cmd = cmd + ["--no-runq"]
        if cfg == "lattop-ts":
            env["LATTOP_RUNQ_METHOD"] = "timestamps"
    elif cfg == "bpftrace":
        cmd, ready = ["bpftrace", BT], "Attaching"
    elif cfg == "runqlat":
        cmd, ready = [RUNQLAT, "-P"], None
    with open(out, "w") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.DEVNULL, env=env)
    if ready is not None:
        if not wait_for(lambda: first_line(out, ready), proc, cfg):
            stop(proc)
            return None, "failed"
    # bpftrace says "Attaching" before it attaches; runqlat's banner is block-buffered.
    time.sleep(3 if cfg in ("bpftrace", "runqlat") else 0.3)
    return proc, out


def stop(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    time.sleep(0.3)     # programs freed a little after the process exits


def schedstat(pid):
    delay = waits = 0
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        with open(path) as f:
            fields = f.read().split()
        delay += int(fields[1])
        waits += int(fields[2])
    return delay, waits


def asleep(pid):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        states = []
        for path in glob.glob(f"/proc/{pid}/task/*/stat"):
            with open(path) as f:
                states.append(f.read().rsplit(")", 1)[1].split()[0])
        if states and all(s == "S" for s in states):
            return True
        time.sleep(0.01)
    return False


def traced_sum(cfg, out, pid, tids):
    """(sum_ns, waits) the tracer saw for the helper, or None."""
    if out is None or not os.path.exists(out):
        return None
    with open(out) as f:
        text = f.read()
    if cfg.startswith("lattop") and cfg != "lattop-norunq":
        s = n = 0
        for line in text.splitlines():
            if line.startswith("{"):
                for r in json.loads(line).get("runqueue", []):
                    if r["pid"] == pid:
                        s += r["sum_ns"]
                        n += r["count"]
        return s, n
    if cfg == "bpftrace":
        sums = {int(a): int(b) for a, b in re.findall(r"@sum_ns\[(\d+)\]: (\d+)", text)}
        cnts = {int(a): int(b) for a, b in re.findall(r"@waits\[(\d+)\]: (\d+)", text)}
        return sum(sums.get(t, 0) for t in tids), sum(cnts.get(t, 0) for t in tids)
    return None


def one_round(cfg, floor_cmd, tmp):
    ids0 = set(progs())
    proc, out = start(cfg, floor_cmd, tmp)
    if out == "failed":
        return None
    before = progs()
    ids = set(before) - ids0
    helper = subprocess.Popen([HELPER, "pingpong", CPU, str(TRIPS)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    pid = json.loads(helper.stdout.readline())["pid"]
    asleep(pid)
    d0, n0 = schedstat(pid)
    helper.stdin.write("go\n")
    helper.stdin.flush()
    res = json.loads(helper.stdout.readline())
    asleep(pid)
    d1, n1 = schedstat(pid)
    after = progs()
    tids = [int(p.rsplit("/", 1)[1]) for p in glob.glob(f"/proc/{pid}/task/*")]
    if proc is not None and cfg.startswith("lattop"):
        time.sleep(1.2)     # the tick holding the last waits
    stop(proc)
    helper.stdin.close()
    helper.wait(timeout=30)
    return {"cpu_ns_per_trip": res["cpu_ns"] / res["rounds"], "kern_ns": d1 - d0,
            "bpf_ns_per_switch": bpf_ns_per_switch(cfg, ids, before, after),
            "kern_waits": n1 - n0, "traced": traced_sum(cfg, out, pid, tids)}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(O, "bench", "runq")
    os.makedirs(out_dir, exist_ok=True)
    tmp = os.path.join(out_dir, "runq-tmp")
    os.makedirs(tmp, exist_ok=True)
    floor_cmd = build_floor(out_dir)
    with open("/proc/sys/kernel/bpf_stats_enabled") as f:
        stats_was = f.read().strip()
    try:
        run(out_dir, tmp, floor_cmd)
    finally:
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write(stats_was)


def run(out_dir, tmp, floor_cmd):
    # BPF run-time statistics on for the part (every configuration pays their clock reads).
    with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
        f.write("1")
    cfgs = ["none", "floor", "lattop-norunq", "lattop", "lattop-ts", "bpftrace", "runqlat"]
    if not os.access(RUNQLAT, os.X_OK):
        log("runqlat missing (Debian package libbpf-tools): skipped")
        cfgs.remove("runqlat")
    if subprocess.run(["sh", "-c", "command -v bpftrace"], capture_output=True).returncode:
        log("bpftrace missing: skipped")
        cfgs.remove("bpftrace")
    res = {c: [] for c in cfgs}
    log(f"{ROUNDS} rounds of {' '.join(cfgs)}, {TRIPS} round trips each, CPU {CPU}")
    one_round("none", floor_cmd, tmp)   # warm-up
    for rnd in range(1, ROUNDS + 1):
        for cfg in cfgs:
            r = one_round(cfg, floor_cmd, tmp)
            if r is None:
                continue
            res[cfg].append(r)
            log(f"round {rnd} {cfg}: {r['cpu_ns_per_trip']:.0f} ns CPU per round trip")
    med = {c: statistics.median(x["cpu_ns_per_trip"] for x in res[c]) for c in cfgs if res[c]}
    lines = [f"# runq bench: {TRIPS} round trips (2 switches + 2 wakeups each), "
             f"{ROUNDS} interleaved rounds, medians; CPU {CPU}; {os.uname().release}",
             "config\tcpu_ns_per_trip\tns_per_switch_over_base\tbase"]
    per_switch = {}
    for c in cfgs:
        if c not in med:
            continue
        base = "lattop-norunq" if c in ("lattop", "lattop-ts") else "none"
        per_switch[c] = (med[c] - med.get(base, med["none"])) / 2
        lines.append(f"{c}\t{med[c]:.0f}\t{per_switch[c]:.1f}\t{base}")
    for c in ("lattop", "lattop-ts"):
        for ref in ("bpftrace", "runqlat", "floor"):
            if c in per_switch and ref in per_switch and per_switch[ref] > 0:
                lines.append(f"ratio {c}/{ref}\t{per_switch[c] / per_switch[ref]:.2f}")
    lines.append("# kernel BPF statistics: the tracer's run time per run of its sched_switch "
                 "program (wakeups included; perf/trampoline dispatch not included)")
    bpf_med = {}
    for c in cfgs:
        v = [x["bpf_ns_per_switch"] for x in res[c] if x["bpf_ns_per_switch"] is not None]
        if v:
            bpf_med[c] = statistics.median(v)
            lines.append(f"bpf_run_ns_per_switch {c}\t{bpf_med[c]:.1f}")
    for c in ("lattop", "lattop-ts"):
        for ref in ("bpftrace", "runqlat"):
            if c in bpf_med and bpf_med.get(ref):
                lines.append(f"bpf ratio {c}/{ref}\t{bpf_med[c] / bpf_med[ref]:.2f}")
    lines.append("# waits of the helper against schedstat run_delay (median per-wait bias)")
    for c in cfgs:
        biases = [(x["traced"][0] - x["kern_ns"]) / max(x["traced"][1], 1)
                  for x in res[c] if x["traced"]]
        ratios = [x["traced"][0] / max(x["kern_ns"], 1) for x in res[c] if x["traced"]]
        if biases:
            lines.append(f"bias {c}\t{statistics.median(biases):+.0f} ns per wait\t"
                         f"sum/schedstat {statistics.median(ratios):.4f}")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "runq.txt"), "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
