#!/usr/bin/env python3
"""maps part of the bench (BENCH_PARTS=maps): lattop's kernel memory and what
reading its maps costs per tick, with few rows and with the syscall map
nearly full (issue 16).

Runs `lattop --json -i 1 -c row_filler` (default features; the kernel
pre-filter keeps only the filler's rows, so the row count is known) twice:
with no filler ("empty") and with $O/bench/row_filler keeping PROCS x 16
(process, syscall) rows active in every tick ("full"). For each:
  - kernel memory: the `memlock` of every map lattop's process holds
    (/proc/PID/fdinfo: the kernel's own figure of what the map charges),
    per map and in all;
  - CPU per tick: the on-CPU ns of lattop's collector thread
    (/proc/PID/task/TID/schedstat, ns-exact) over TICKS ticks / TICKS:
    reading the maps (batch lookups; the kernel's copy is its system time)
    and updating the model (the JSON is another thread's work);
  - rows: the syscall rows of the tick, and the kernel's map-full count.
The difference full - host is the cost of the extra rows; per row it says
what a row costs a tick.

For 128 possible CPUs (this VM has 2), the figures are derived, not
measured: a per-CPU map's value is stored (and copied on every read) once
per possible CPU, so its memlock and read scale by 128 / possible; the
histogram tables are shared (not per-CPU) and do not scale; the
kernel's per-CPU element caches of maps without preallocation (a few
elements per CPU) are not in memlock and are listed as an estimate.

Results: OUT_DIR/raw.tsv rows "maps ROUND CFG METRIC VALUE", OUT_DIR/maps.txt.
usage: map_cost.py OUT_DIR   (env: O, BENCH_MAPS_PROCS=200, BENCH_MAPS_TICKS=10)
"""
import glob
import json
import os
import subprocess
import sys
import time

O = os.environ.get("O", "build")
LATTOP = os.path.join(O, "lattop")
FILLER = os.path.join(O, "bench", "row_filler")
PROCS = int(os.environ.get("BENCH_MAPS_PROCS", "200"))
TICKS = int(os.environ.get("BENCH_MAPS_TICKS", "10"))
CALLS_PER_PROC = 16
BIG_CPUS = 128


def log(msg):
    print(f"[bench maps {time.strftime('%T')}] {msg}", file=sys.stderr, flush=True)


def possible_cpus():
    """Number of possible CPUs (/sys/devices/system/cpu/possible: "0-1")."""
    n = 0
    with open("/sys/devices/system/cpu/possible") as f:
        for part in f.read().strip().split(","):
            lo, _, hi = part.partition("-")
            n += int(hi or lo) - int(lo) + 1
    return n


def collector_oncpu_ns(pid):
    """On-CPU ns of @pid's collector thread (named lattop-collect; schedstat field 1):
    it reads the maps and updates the model; the JSON is written by another thread."""
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(f"{task}/comm") as f:
                if f.read().strip() != "lattop-collect":
                    continue
            with open(f"{task}/schedstat") as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass    # a thread that just ended
    raise RuntimeError("no lattop-collect thread")


MAP_TYPES = {1: "hash", 2: "array", 5: "percpu_hash", 6: "percpu_array", 7: "stack_trace",
             9: "lru_hash", 10: "lru_percpu_hash", 27: "ringbuf", 29: "task_storage"}


def maps_of(pid):
    """The BPF maps @pid holds, from its fds' fdinfo (the kernel's memlock), named by
    bpftool: [{name, type, memlock, value_size, max_entries}]."""
    seen = {}
    for fd in glob.glob(f"/proc/{pid}/fdinfo/*"):
        try:
            with open(fd) as f:
                info = dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
        except OSError:
            continue
        if "map_id" not in info:
            continue
        mid = int(info["map_id"])
        mtype = int(info["map_type"])
        seen[mid] = {"name": str(mid), "type": MAP_TYPES.get(mtype, f"type{mtype}"),
                     "memlock": int(info["memlock"]), "value_size": int(info["value_size"]),
                     "max_entries": int(info["max_entries"])}
    for mid, m in seen.items():
        out = subprocess.run(["bpftool", "-j", "map", "show", "id", str(mid)],
                             capture_output=True, text=True)
        if out.returncode == 0:
            m["name"] = json.loads(out.stdout).get("name", m["name"])
    return list(seen.values())


class Lattop:
    def __init__(self):
        # Only the filler's processes in the kernel map: rows known, not the host's churn.
        self.proc = subprocess.Popen([LATTOP, "--json", "-i", "1", "-c", "row_filler"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)

    def tick(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("lattop ended")
        return json.loads(line)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def measure(cfg, record):
    filler = None
    lt = Lattop()
    try:
        lt.tick()
        if cfg == "full":
            filler = subprocess.Popen([FILLER, str(PROCS), str(CALLS_PER_PROC),
                                       str(TICKS + 8)], stdout=subprocess.PIPE, text=True)
            filler.stdout.readline()    # "ready": all forked
        for _ in range(3):              # rows in; the first ticks' start-up work settles
            lt.tick()
        c0 = collector_oncpu_ns(lt.proc.pid)
        rows, lost = [], 0
        for _ in range(TICKS):
            t = lt.tick()
            rows.append(len(t.get("syscalls", [])))
            lost += t.get("counters", {}).get("lost", 0)
        c1 = collector_oncpu_ns(lt.proc.pid)
        maps = maps_of(lt.proc.pid)
    finally:
        lt.stop()
        if filler:
            filler.kill()
            filler.wait()
    per_tick = (c1 - c0) / TICKS
    rows_med = sorted(rows)[len(rows) // 2]
    record(cfg, "cpu_ns_per_tick", round(per_tick))
    record(cfg, "rows", rows_med)
    record(cfg, "lost", lost)
    for m in maps:
        record(cfg, f"memlock:{m['type']}:{m['name']}", m["memlock"])
    record(cfg, "memlock_total", sum(m["memlock"] for m in maps))
    return per_tick, rows_med, lost, maps


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for exe in (LATTOP, FILLER):
        if not os.access(exe, os.X_OK):
            log(f"{exe} missing (make {exe})")
            return 1
    ncpu = possible_cpus()
    raw = open(os.path.join(out_dir, "raw.tsv"), "a")

    def recorder(cfg, metric, value):
        raw.write(f"maps\t1\t{cfg}\t{metric}\t{value}\n")

    res = {}
    for cfg in ("empty", "full"):
        log(f"{cfg}: lattop --json -i 1 over {TICKS} ticks"
            + (f", {PROCS} x {CALLS_PER_PROC} rows kept active" if cfg == "full" else ""))
        res[cfg] = measure(cfg, recorder)
    raw.close()

    lines = [f"## lattop's kernel maps and per-tick read cost ({ncpu} possible CPUs measured, "
             f"{BIG_CPUS} derived)", ""]
    lines.append("| | empty | full |")
    lines.append("| --- | --- | --- |")
    lines.append(f"| syscall rows per tick (median) | {res['empty'][1]} | {res['full'][1]} |")
    lines.append(f"| kernel map-full losses over {TICKS} ticks | {res['empty'][2]} | "
                 f"{res['full'][2]} |")
    lines.append(f"| collector CPU per tick (map read + model) | {res['empty'][0] / 1e6:.2f} ms | "
                 f"{res['full'][0] / 1e6:.2f} ms |")
    extra_rows = res["full"][1] - res["empty"][1]
    if extra_rows > 0:
        lines.append(f"| CPU per extra row per tick | | "
                     f"{(res['full'][0] - res['empty'][0]) / extra_rows:.0f} ns |")
    lines.append("")
    lines.append(f"Kernel memory (bpftool memlock) with the map full, and at {BIG_CPUS} CPUs:")
    lines.append("")
    lines.append(f"| map | type | value B | max entries | memlock ({ncpu} CPUs) | "
                 f"at {BIG_CPUS} CPUs |")
    lines.append("| --- | --- | --- | --- | --- | --- |")
    tot, tot_big = 0, 0
    for m in sorted(res["full"][3], key=lambda m: -m["memlock"]):
        big = m["memlock"]
        if "percpu" in m["type"]:
            # Each entry's value once per possible CPU (rounded up to 8 bytes).
            big = m["memlock"] + ((m["value_size"] + 7) // 8 * 8) * m["max_entries"] * \
                (BIG_CPUS - ncpu)
        tot += m["memlock"]
        tot_big += big
        lines.append(f"| {m['name']} | {m['type']} | {m['value_size']} | {m['max_entries']} | "
                     f"{m['memlock'] / 1024:.0f} KiB | {big / 1024:.0f} KiB |")
    lines.append(f"| **all** | | | | **{tot / 2**20:.1f} MiB** | **{tot_big / 2**20:.1f} MiB** |")
    lines.append("")
    lines.append(f"Per-CPU maps scale by {BIG_CPUS}/{ncpu}: their values are stored and copied "
                 "on each read once per possible CPU. The histogram tables are shared by all "
                 "CPUs (atomic adds), so neither their memory nor the per-tick read grows with "
                 "the CPU count; maps without preallocation keep a few spare elements per CPU "
                 "in the kernel's allocator caches, outside memlock (estimate: up to 6 elements "
                 f"of 4 KiB per CPU per such map, {6 * 4 * BIG_CPUS} KiB at {BIG_CPUS} CPUs).")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out_dir, "maps.txt"), "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
