#!/usr/bin/env python3
"""uprobe part of the bench (BENCH_PARTS=uprobe): what timing one function call
costs the traced program, lattop -u against the bpftrace equivalent.

Load: $O/bench/uprobe_loop K, a loop of K calls of the noinline function
bench_target() (no syscall inside), pinned to one CPU. Its CPU time
(utime + stime from wait4) over K is measured in interleaved rounds of:
  none      nothing attached
  lattop    lattop -u BIN:bench_target --json -i 1 --no-clients --no-runq
            --no-block --no-breakdown (the syscall family is always on; the loop
            makes no syscalls, so only the uprobe pair is charged to it)
  bpftrace  uprobe:BIN:bench_target { @s[tid] = nsecs; }
            uretprobe:BIN:bench_target /@s[tid]/ { @h = hist(nsecs - @s[tid]);
            delete(@s[tid]); }
added ns per call = median(tracer) - median(none). Each round also checks that
lattop counted exactly K calls of bench_target (else the round is noted).
The traps dominate (the same for both tracers) and vary by several hundred ns
between runs; so after the rounds, one run per tracer with
kernel.bpf_stats_enabled=1 (restored after) gives the BPF programs' own run
time per call (entry + return programs, those that ran >= K/2 times): the only
part in which the two tracers differ.
Results go to OUT_DIR/raw.tsv as "uprobe ROUND CFG METRIC VALUE" rows.

usage: uprobe_bench.py OUT_DIR   (env: O, BENCH_UPROBE_ROUNDS=5,
                                  BENCH_UPROBE_CALLS=300000, BENCH_STORM_CPU)
"""
import json
import os
import signal
import subprocess
import sys
import time

O = os.environ.get("O", "build")
LATTOP = os.path.join(O, "lattop")
LOOP = os.path.realpath(os.path.join(O, "bench", "uprobe_loop"))
FUNC = "bench_target"
ROUNDS = int(os.environ.get("BENCH_UPROBE_ROUNDS", "5"))
CALLS = int(os.environ.get("BENCH_UPROBE_CALLS", "300000"))
CPU = os.environ.get("BENCH_STORM_CPU", str((os.cpu_count() or 1) - 1))
ATTACH_S = 20
BT = (f"uprobe:{LOOP}:{FUNC} {{ @s[tid] = nsecs; }} "
      f"uretprobe:{LOOP}:{FUNC} /@s[tid]/ {{ @h = hist(nsecs - @s[tid]); delete(@s[tid]); }}")
CFGS = ["none", "lattop", "bpftrace"]


def log(msg):
    print(f"[bench uprobe {time.strftime('%T')}] {msg}", file=sys.stderr, flush=True)


def perf_fds(pid):
    """BPF links and perf events (uprobes) a process holds."""
    n = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                t = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if "bpf_link" in t or "bpf-link" in t or "[perf_event]" in t:
                n += 1
    except OSError:
        pass
    return n


def wait_ready(proc, out_path, cfg):
    """True once the tracer's probes are attached: lattop's first JSON line,
    bpftrace's "Attaching" line and then its two perf-event fds."""
    deadline = time.monotonic() + ATTACH_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        with open(out_path, errors="replace") as f:
            text = f.read()
        if cfg == "lattop" and text.startswith("{") and "\n" in text:
            return True
        if cfg == "bpftrace" and "Attaching" in text and perf_fds(proc.pid) >= 2:
            return True
        time.sleep(0.05)
    return False


def start(cfg, tmp):
    out = os.path.join(tmp, f"{cfg}.out")
    if cfg == "lattop":
        argv = [LATTOP, "-u", f"{LOOP}:{FUNC}", "--json", "-i", "1", "--no-clients",
                "--no-runq", "--no-block", "--no-breakdown"]
    else:
        argv = ["bpftrace", "-e", BT]
    with open(out, "w") as f:
        proc = subprocess.Popen(argv, stdout=f, stderr=subprocess.PIPE, text=True)
    if not wait_ready(proc, out, cfg):
        stop(proc)
        return None, out, proc.stderr.read().strip()[-300:]
    time.sleep(0.3)     # the tracer's own start-up work settles
    return proc, out, ""


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def loop_run():
    """One loop run -> (cpu ns per call, wall ns per call, pid)."""
    pin = ["taskset", "-c", CPU] if CPU != "none" else []
    p = subprocess.Popen(pin + [LOOP, str(CALLS)], stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = 0    # reaped here
    if status != 0:
        raise RuntimeError(f"uprobe_loop exited with status {status}")
    wall = json.loads(out)["ns_per_call"]
    return (ru.ru_utime + ru.ru_stime) * 1e9 / CALLS, wall, p.pid


def prog_ids(pid):
    ids = set()
    for fd in os.listdir(f"/proc/{pid}/fdinfo"):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                for line in f:
                    if line.startswith("prog_id:"):
                        ids.add(int(line.split()[1]))
        except OSError:
            pass
    return ids


def prog_stats(ids):
    """{id: (run_time_ns, run_cnt)} of the given programs."""
    out = subprocess.run(["bpftool", "-j", "prog", "show"], capture_output=True,
                         text=True).stdout
    try:
        return {p["id"]: (p.get("run_time_ns", 0), p.get("run_cnt", 0))
                for p in json.loads(out) if p["id"] in ids}
    except ValueError:
        return {}


def bpf_ns_per_call(cfg, tmp):
    """Run time of @cfg's programs per call of the loop (bpf_stats), or None."""
    proc, _, err = start(cfg, tmp)
    if not proc:
        log(f"bpf_stats: {cfg} could not be attached: {err}")
        return None
    try:
        ids = prog_ids(proc.pid)
        before = prog_stats(ids)
        loop_run()
        after = prog_stats(ids)
    finally:
        stop(proc)
    hot = [(after[i][0] - before[i][0]) for i in after
           if i in before and after[i][1] - before[i][1] >= CALLS // 2]
    return sum(hot) / CALLS if hot else None


def lattop_count(out_path, pid):
    """bench_target calls lattop counted for @pid over every tick."""
    n = 0
    with open(out_path, errors="replace") as f:
        for line in f:
            try:
                t = json.loads(line)
            except ValueError:
                continue
            n += sum(r["count"] for r in t.get("functions", [])
                     if r["pid"] == pid and r.get("function") == FUNC)
    return n


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    raw = open(os.path.join(out_dir, "raw.tsv"), "a")
    notes = open(os.path.join(out_dir, "notes.txt"), "a")
    failed = False

    def note(msg):
        nonlocal failed
        log("NOTE: " + msg)
        notes.write(msg + "\n")
        failed = True

    for path, what in ((LOOP, "make $O/bench/uprobe_loop"), (LATTOP, "make")):
        if not os.access(path, os.X_OK):
            note(f"uprobe: skipped: {path} missing ({what})")
            return 1
    cfgs = [c for c in CFGS if c != "bpftrace" or
            subprocess.run(["which", "bpftrace"], capture_output=True).returncode == 0]
    if "bpftrace" not in cfgs:
        note("uprobe: bpftrace skipped: not installed")
    tmp = os.path.join(out_dir, "uprobe-tmp")
    os.makedirs(tmp, exist_ok=True)
    log(f"{ROUNDS} rounds of {' '.join(cfgs)}, {CALLS} calls of {FUNC} each, CPU {CPU}")
    loop_run()      # warm-up
    for rnd in range(1, ROUNDS + 1):
        for cfg in cfgs:
            proc = None
            if cfg != "none":
                proc, out, err = start(cfg, tmp)
                if not proc:
                    note(f"uprobe round {rnd}: {cfg} could not be attached: {err}")
                    continue
            try:
                cpu, wall, pid = loop_run()
            finally:
                if proc:
                    stop(proc)      # lattop writes the partial tick, final, on SIGINT
            raw.write(f"uprobe\t{rnd}\t{cfg}\tcpu_ns_per_call\t{cpu:.1f}\n")
            raw.write(f"uprobe\t{rnd}\t{cfg}\tns_per_call\t{wall:.1f}\n")
            if cfg == "lattop":
                n = lattop_count(out, pid)
                raw.write(f"uprobe\t{rnd}\t{cfg}\tcounted\t{n}\n")
                if n != CALLS:
                    note(f"uprobe round {rnd}: lattop counted {n} calls of {FUNC}, not {CALLS}")
            raw.flush()
            log(f"round {rnd} {cfg}: {cpu:.1f} ns/call CPU, {wall:.1f} ns/call wall")
    try:
        with open("/proc/sys/kernel/bpf_stats_enabled") as f:
            old = f.read().strip()
    except OSError:
        old = None
    if old is None or not subprocess.run(["which", "bpftool"], capture_output=True).stdout:
        note("uprobe: bpf_stats skipped: no kernel.bpf_stats_enabled or no bpftool")
    else:
        # Statistics cost two clock reads per program run: never on during the timed rounds.
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write("1")
        try:
            for cfg in cfgs[1:]:
                ns = bpf_ns_per_call(cfg, tmp)
                if ns is None:
                    note(f"uprobe: bpf_stats of {cfg}: no program ran on every call")
                    continue
                raw.write(f"uprobe\t1\t{cfg}\tbpf_ns_per_call\t{ns:.1f}\n")
                log(f"bpf_stats {cfg}: {ns:.1f} ns of BPF programs per call")
        finally:
            with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
                f.write(old)
    raw.close()
    notes.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
