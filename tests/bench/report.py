#!/usr/bin/env python3
"""report.py - the tables of tests/bench/run.sh, from its raw.tsv.

usage: report.py RESULTS_DIR

raw.tsv lines are "part round config metric value". Medians are reported
with the min-max of the rounds; costs against the untraced configuration are
paired by round (each round's tracer run against the same round's untraced
run), which cancels most of the drift of a shared machine.
Only prints: the targets of issue 5 are shown met or missed, never enforced.
"""
import os
import statistics
import sys
from collections import defaultdict


def load(path):
    data = defaultdict(dict)  # (part, config, metric) -> {round: value}
    names = defaultdict(dict)  # profile: (config, prog) -> value
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 5:
                continue
            part, rnd, cfg, metric, value = cols
            try:
                v = float(value)
            except ValueError:
                continue
            if part == "profile":
                names[cfg][metric] = v
            else:
                data[(part, cfg, metric)][rnd] = v
    return data, names


def drop_foreign(data):
    """Leave out whole rounds in which any run saw another tracer attached
    (every syscall was slower, whichever configuration was measured); keep
    them if nothing else would be left. Returns {part: [dropped rounds]}."""
    bad = defaultdict(set)
    for (part, _cfg, metric), rounds in data.items():
        if metric == "foreign":
            bad[part].update(rounds)
    dropped = {}
    for part, rounds in bad.items():
        keys = [k for k in data if k[0] == part and k[2] != "foreign" and k[1] != "machine"]
        if all(set(data[k]) <= rounds for k in keys):
            dropped[part] = None
            continue
        for k in keys:
            for r in rounds:
                data[k].pop(r, None)
        dropped[part] = sorted(rounds, key=int)
    return dropped


def med(values):
    return statistics.median(values) if values else None


def fmt(v, digits=0):
    if v is None:
        return "-"
    return f"{v:,.{digits}f}"


def spread(values, digits=0):
    """median [min-max], or '-'."""
    if not values:
        return "-"
    if len(values) == 1:
        return fmt(values[0], digits)
    return f"{fmt(med(values), digits)} [{fmt(min(values), digits)}-{fmt(max(values), digits)}]"


def paired(data, part, cfg, base, metric, fn):
    """fn(base_value, value) for every round both ran."""
    a = data.get((part, base, metric), {})
    b = data.get((part, cfg, metric), {})
    return [fn(a[r], b[r]) for r in sorted(a) if r in b]


def table(header, rows):
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths)))
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def target(label, value, limit, unit="x"):
    if value is None:
        print(f"  {label}: not measured")
        return
    verdict = "met" if value <= limit else f"missed by {(value / limit - 1) * 100:.0f} %"
    digits = 0 if unit in (" B", " ms") else 2
    print(f"  {label}: {value:.{digits}f}{unit} (target <= {limit}{unit}: {verdict})")


def report_nginx(data):
    cfgs = [c for c in ("none", "lattop-noclients", "lattop", "bpftrace", "syscount")
            if ("nginx", c, "rps") in data]
    if not cfgs:
        return
    rounds = len(data.get(("nginx", "none", "rps"), {}))
    print(f"\n## nginx + wrk ({rounds} interleaved rounds; median [min-max])\n")
    rows, cost = [], {}
    for c in cfgs:
        rps = list(data[("nginx", c, "rps")].values())
        p99 = list(data.get(("nginx", c, "p99_us"), {}).values())
        cpu = list(data.get(("nginx", c, "cpu_pct"), {}).values())
        if c == "none":
            cst = []
        else:
            cst = paired(data, "nginx", c, "none", "rps", lambda a, b: (a - b) / a * 100)
            cost[c] = med(cst)
        rows.append([c, spread(rps), spread(p99), spread(cst, 1) if cst else "-",
                     spread(cpu, 1) if cpu else "-"])
    table(["tracer", "requests/s", "p99 latency (us)", "throughput cost %",
           "tracer CPU (% of a core)"], rows)
    r = ratio(cost.get("lattop"), cost.get("bpftrace"))
    if r is not None:
        print(f"\n  lattop's throughput cost / bpftrace's: {r:.2f}"
              " (noisy when both costs are within the run-to-run spread)")
    # Client tracking on (lattop) vs off (lattop-noclients), paired by round.
    both = paired(data, "nginx", "lattop", "lattop-noclients", "rps", lambda a, b: (a - b) / a * 100)
    if both:
        print(f"  client tracking's own throughput cost (lattop-noclients - lattop) / lattop-noclients:"
              f" {spread(both, 1)} %")
    cpu_l = med(list(data.get(("nginx", "lattop", "cpu_pct"), {}).values()))
    cpu_b = med(list(data.get(("nginx", "bpftrace", "cpu_pct"), {}).values()))
    r = ratio(cpu_l, cpu_b)
    if r is not None:
        print(f"  lattop's user-space CPU / bpftrace's: {r:.2f}")
    print("  (throughput cost is paired by round: (none - tracer) / none of the same round)")


STORM_METHODS = (("cpu_ns_per_call", "CPU time (the storm's utime+stime from wait4)"),
                 ("ns_per_call", "wall clock (the loop's own clock_gettime)"))


def report_storm(data):
    """The storm by both harness methods (issue 16): CPU time charges the BPF
    programs, which run in the storm's context, but not time another task
    (a tracer's user-space side) takes the storm's CPU; the wall clock
    charges both. Per method: added ns, x floor, x bpftrace; then every
    round's added ns (tracer - none of the same round) by both methods."""
    order = ("none", "floor", "lattop", "lattop-min", "lattop-nobd", "lattop-s16",
             "lattop-s16-min", "base-lattop", "base-lattop-s16", "bpftrace", "syscount")
    cfgs = [c for c in order if ("storm", c, "cpu_ns_per_call") in data]
    if "none" not in cfgs:
        return
    values = lambda c, m: list(data.get(("storm", c, m), {}).values())
    rounds = len(values("none", "cpu_ns_per_call"))
    added_by = {}
    for metric, label in STORM_METHODS:
        print(f"\n## syscall storm: getppid loop, by {label}"
              f" ({rounds} interleaved rounds; median [min-max])\n")
        base = med(values("none", metric))
        added = {c: med(values(c, metric)) - base for c in cfgs if values(c, metric)}
        added_by[metric] = added
        floor, bt = added.get("floor"), added.get("bpftrace")
        rows = []
        for c in cfgs:
            if c not in added:
                continue
            pair = paired(data, "storm", c, "none", metric, lambda x, y: y - x)
            rows.append([c, spread(values(c, metric)),
                         "-" if c == "none" else fmt(added[c]),
                         "-" if c == "none" else spread(pair),
                         "-" if c in ("none", "floor") or not floor else f"{added[c] / floor:.2f}x",
                         "-" if c in ("none", "bpftrace") or not bt else f"{added[c] / bt:.2f}x"])
        table(["tracer", "ns/call", "added ns", "added ns, paired by round", "x floor",
               "x bpftrace"], rows)
        print("  (added ns = median(tracer) - median(none); -min = --no-breakdown --no-cgroups;"
              " base- = BENCH_LATTOP_BASE)")
        print()
        for c, lim_f, lim_b in (("lattop", 2.0, 0.4), ("lattop-min", 2.0, 0.4),
                                ("lattop-s16", 1.5, None), ("lattop-s16-min", 1.5, None)):
            if c not in added:
                continue
            target(f"{c} / floor", ratio(added[c], floor), lim_f)
            if lim_b:
                target(f"{c} / bpftrace", ratio(added[c], bt), lim_b)
        on, off = added.get("lattop"), added.get("lattop-nobd")
        if on is not None and off is not None:
            # The storm's calls never block: what the breakdown costs a call that stays on CPU.
            print(f"  breakdown on - off: {on - off:+.1f} ns per call (target <= 10 ns)")
    cpu, wall = added_by["cpu_ns_per_call"], added_by["ns_per_call"]
    print("\n  wall clock - CPU time, added ns (the storm's run-queue wait: another task,"
          " a tracer's user space or anything else, had its CPU):")
    print("  " + ", ".join(f"{c} {wall[c] - cpu[c]:+.0f}" for c in cfgs
                           if c != "none" and c in wall and c in cpu))
    print(f"\n## syscall storm: every round, added ns (tracer - none of the same round), CPU / wall\n")
    rnds = sorted(data.get(("storm", "none", "cpu_ns_per_call"), {}), key=int)
    rows = []
    for c in cfgs:
        if c == "none":
            continue
        cells = []
        for r in rnds:
            got = []
            for metric, _ in STORM_METHODS:
                n = data.get(("storm", "none", metric), {}).get(r)
                v = data.get(("storm", c, metric), {}).get(r)
                got.append("-" if n is None or v is None else f"{v - n:.0f}")
            cells.append("/".join(got))
        rows.append([c] + cells)
    table(["tracer"] + [f"round {r}" for r in rnds], rows)


def report_uprobe(data):
    """tests/bench/uprobe_bench.py: ns added per traced call of bench_target()."""
    metric = "cpu_ns_per_call"
    cfgs = [c for c in ("none", "lattop", "bpftrace") if ("uprobe", c, metric) in data]
    if "none" not in cfgs:
        return
    values = lambda c, m=metric: list(data.get(("uprobe", c, m), {}).values())
    rounds = len(values("none"))
    print(f"\n## uprobe: a loop calling one function ({rounds} interleaved rounds;"
          " median [min-max])\n")
    base = med(values("none"))
    added = {c: med(values(c)) - base for c in cfgs}
    rows = []
    for c in cfgs:
        pair = paired(data, "uprobe", c, "none", metric, lambda a, b: b - a)
        rows.append([c, spread(values(c), 1), "-" if c == "none" else fmt(added[c], 1),
                     "-" if c == "none" else spread(pair, 1)])
    table(["tracer", "CPU ns/call", "added ns/call", "added ns, paired by round"], rows)
    print("  (uprobe + uretprobe on the function: two traps per call; added = median(tracer)"
          " - median(none), from the loop's CPU time)")
    print()
    target("lattop / bpftrace (added ns per call)",
           ratio(added.get("lattop"), added.get("bpftrace")), 1.0)
    bpf = {c: med(values(c, "bpf_ns_per_call")) for c in cfgs if c != "none"}
    if any(v is not None for v in bpf.values()):
        print("  BPF programs' own run time per call (kernel.bpf_stats_enabled, entry + return):"
              + ", ".join(f" {c} {fmt(v, 1)} ns" for c, v in bpf.items()))
        target("lattop / bpftrace (BPF run time per call)",
               ratio(bpf.get("lattop"), bpf.get("bpftrace")), 1.0)


def report_ui(data):
    tools = [t for t in ("base-lattop", "lattop", "htop")
             if any(k[0] == "ui" and k[1] == t for k in data)]
    if not tools:
        return
    print("\n## dashboard (1 s ticks, private tmux server, extra processes on the host)\n")
    metrics = [
        ("first_frame_ms", "first complete frame (ms)"),
        ("first_data_ms", "first frame with data (ms)"),
        ("cpu_pct", "CPU (% of one core)"),
        ("bytes_tick_80x24", "bytes per tick at 80x24"),
        ("bytes_tick_200x50", "bytes per tick at 200x50"),
        ("bytes_tick_80x24_load", "bytes per tick at 80x24, loaded host"),
        ("bytes_tick_200x50_load", "bytes per tick at 200x50, loaded host"),
        ("cpu_pct_load", "CPU (% of one core), loaded host"),
        ("vmrss_kib", "VmRSS (KiB)"),
        ("vmhwm_kib", "VmHWM (KiB)"),
    ]
    rows = []
    for m, label in metrics:
        vals = []
        for t in tools:
            v = list(data.get(("ui", t, m), {}).values())
            vals.append(spread(v, 2 if m == "cpu_pct" else 0))
        rows.append([label] + vals)
    table(["metric"] + tools, rows)
    get = lambda t, m: med(list(data.get(("ui", t, m), {}).values()))
    print()
    target("lattop UI CPU", get("lattop", "cpu_pct"), 1.0, " %")
    target("lattop bytes per tick at 80x24", get("lattop", "bytes_tick_80x24"), 1024, " B")
    b_l, b_h = get("lattop", "bytes_tick_80x24"), get("htop", "bytes_tick_80x24")
    for sx, host in (("", "idle host"), ("_load", "loaded host")):
        for size in ("80x24", "200x50"):
            b_l = get("lattop", f"bytes_tick_{size}{sx}")
            b_h = get("htop", f"bytes_tick_{size}{sx}")
            if b_l is not None and b_h:
                print(f"  lattop vs htop at {size}, {host}: {b_l:.0f} vs {b_h:.0f} bytes"
                      f" per tick ({b_l / b_h:.2f}x; target <= 1.00x:"
                      f" {'met' if b_l <= b_h else 'missed'})")
    hwm = get("lattop", "vmhwm_kib")
    target("lattop VmHWM", hwm / 1024 if hwm else None, 32, " MiB")
    target("lattop first frame", get("lattop", "first_frame_ms"), 500, " ms")


def report_profile(names):
    if not names:
        return
    print("\n## BPF run time per program run during the storm (kernel.bpf_stats_enabled;"
          " programs that ran on every syscall)\n")
    rows = []
    for cfg, progs in names.items():
        total = sum(progs.values())
        rows.append([cfg, ", ".join(f"{p} {v:.0f}" for p, v in sorted(progs.items())),
                     f"{total:.0f}"])
    table(["tracer", "ns per run, by program", "sum"], rows)
    print("  (stats add ~2 clock reads per run; the enter+exit sum is the in-program part"
          " of the added ns; the rest is the trampoline/tracepoint dispatch)")


def report_perf(out):
    files = sorted(f for f in os.listdir(out) if f.startswith("perf-") and f.endswith(".txt"))
    if not files:
        return
    print("\n## perf: the storm process's CPU by symbol (cpu-clock samples, >= 1.5 %)")
    for f in files:
        print(f"\n{f[5:-4]}:")
        with open(os.path.join(out, f)) as fh:
            for line in list(fh)[:14]:
                print("  " + line.strip())


def report_churn(data):
    get = lambda m: med(list(data.get(("churn", "lattop", m), {}).values()))
    procs = get("procs")
    if procs is None:
        return
    print("\n## process churn (lattop --json -i 1 --no-clients, default map limits)\n")
    table(["metric", "lattop"], [
        ["short-lived processes spawned", fmt(procs)],
        ["VmHWM (KiB)", fmt(get("vmhwm_kib"))],
        ["VmRSS after (KiB)", fmt(get("vmrss_kib"))],
        ["CPU (% of one core)", fmt(get("cpu_pct"), 2)],
    ])
    print()
    hwm = get("vmhwm_kib")
    target("lattop VmHWM under churn", hwm / 1024 if hwm else None, 32, " MiB")


def report_history(data):
    get = lambda m: med(list(data.get(("history", "lattop", m), {}).values()))
    base = get("baseline_views_ns_per_tick")
    if base is None:
        return
    print("\n## row history (heatmap and sparkline data), per tick\n")
    table(["metric", "value"], [
        ["keys in the snapshot", fmt(get("keys"))],
        ["history keys (syscall, process x2, process's syscall)", fmt(get("history_keys"))],
        ["table views (baseline), us per tick", fmt(base / 1000, 1)],
        ["row history, us per tick", fmt(get("history_ns_per_tick") / 1000, 1)],
        ["history / views", fmt(get("ratio_history_to_views"), 2)],
    ])


def report_scrape(data):
    get = lambda m: med(list(data.get(("scrape", "lattop", m), {}).values()))
    if get("pow2_render_ms_100") is None:
        return
    print("\n## one /metrics scrape (render only, text 0.0.4)\n")
    rows = []
    for kind in ("pow2", "fine"):
        for n in (100, 1000, 2000, 100000):
            ms = get("%s_render_ms_%d" % (kind, n))
            if ms is None:
                continue
            rows.append(["%s, %s series" % (kind, fmt(get("%s_series_%d" % (kind, n)))),
                         fmt(ms, 2), fmt(get("%s_bytes_%d" % (kind, n))),
                         fmt(get("%s_ratio_ms_%d" % (kind, n)), 2),
                         fmt(get("%s_ratio_bytes_%d" % (kind, n)), 2),
                         fmt(get("%s_ingest_ms_%d" % (kind, n)), 2)])
    table(["label sets", "render ms", "bytes", "ms / 100", "bytes / 100", "ingest ms"], rows)


def main():
    out = sys.argv[1]
    data, names = load(os.path.join(out, "raw.tsv"))
    dropped = drop_foreign(data)
    env = os.path.join(out, "env.txt")
    print("# lattop benchmark")
    if os.path.exists(env):
        print(open(env).read().rstrip())
    report_nginx(data)
    report_storm(data)
    report_uprobe(data)
    report_ui(data)
    report_churn(data)
    report_history(data)
    report_scrape(data)
    report_profile(names)
    report_perf(out)
    for part_text in ("cgroup.txt", "maps.txt"):     # parts that write their own table
        path = os.path.join(out, part_text)
        if os.path.exists(path):
            print("\n" + open(path).read().rstrip())
    busy = os.path.join(out, "busy.txt")
    if os.path.exists(busy):
        print("\n## WARNING: other work on the machine\n")
        print(open(busy).read().rstrip())
    foreign = os.path.join(out, "foreign.txt")
    if os.path.exists(foreign):
        print("\n## WARNING: rounds measured while another tracer was attached\n")
        runs = defaultdict(set)
        progs = defaultdict(set)
        for line in open(foreign):
            head, _, tail = line.partition(": ")
            part, _, rnd, cfg = head.split(" ", 3)
            runs[part].add((rnd, cfg))
            progs[part].update(tail[tail.find("(") + 1:tail.rfind(")")].split())
        for part in runs:
            print(f"{part}: {len(runs[part])} runs ({', '.join(sorted(progs[part]))});"
                  f" details in {foreign}")
        for part, rounds in dropped.items():
            if rounds is None:
                print(f"{part}: no clean round, so these rounds ARE in the tables")
            else:
                print(f"{part}: rounds {', '.join(rounds)} left out of the tables")
    notes = os.path.join(out, "notes.txt")
    if os.path.exists(notes) and os.path.getsize(notes):
        print("\n## could not run\n")
        print(open(notes).read().rstrip())
    print(f"\nraw data: {out}/raw.tsv")


if __name__ == "__main__":
    main()
