#!/usr/bin/env python3
"""lattop compare on constructed inputs: the binary on files, no root.

Inputs come from a seeded generator (log-normal latencies), so the ground
truth is known: identical distributions -> exit 0; a 30 % p99 regression ->
exit 1 naming the series; too few samples -> exit 0 with a warning; a 30 %
change smaller than --min-delta -> exit 0; malformed files -> exit 2 with
FILE:LINE; --json parses and carries the verdict; lattop's own --csv layout
works; recordings are read when `lattop record` exists.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

O = os.environ.get("O", "build")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LATTOP = os.environ.get("LATTOP", os.path.join(ROOT, O, "lattop"))
failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([LATTOP, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def samples(seed, n, mu=11.0, sigma=0.5, scale=1.0, tail=1.0, tail_from=None):
    """n log-normal latencies (ns); values >= tail_from are multiplied by tail."""
    r = random.Random(seed)
    out = []
    for _ in range(n):
        v = r.lognormvariate(mu, sigma) * scale
        if tail_from is not None and v >= tail_from:
            v *= tail
        out.append(int(v))
    return out


def write_csv(path, series, header="timestamp_ns,latency_ns,event", lattop_layout=False):
    """series: {event: [latencies]}; rows interleaved, one timestamp per row."""
    with open(path, "w") as f:
        if lattop_layout:
            f.write("timestamp_ns,latency_ns,event,pid,comm,client,port,dir,bytes_in,bytes_out\n")
        else:
            f.write(header + "\n")
        ts = 1795000000000000000
        rows = [(ev, v) for ev, vals in series.items() for v in vals]
        random.Random(0).shuffle(rows)
        for ev, v in rows:
            ts += 1000
            if lattop_layout:
                f.write('%d,%d,%s,42,"ngi,""nx""",127.0.0.2,8080,in,120,3400\n' % (ts, v, ev))
            elif "event" in header or "syscall" in header:
                f.write("%d,%d,%s\n" % (ts, v, ev))
            else:
                f.write("%d,%d\n" % (ts, v))


def p95(vals):
    s = sorted(vals)
    return s[int(0.95 * len(s))]


def main():
    if not os.access(LATTOP, os.X_OK):
        print("no binary at", LATTOP, "(make O=%s first)" % O)
        return 77
    tmp = tempfile.mkdtemp(prefix="lattop-compare-")
    P = lambda name: os.path.join(tmp, name)

    # help texts
    rc, out, _ = run("--help")
    check(rc == 0 and "lattop compare" in out, "lattop --help mentions compare")
    rc, out, _ = run("compare", "--help")
    check(rc == 0 and "--threshold-p99" in out and "--min-samples" in out, "compare --help")

    # 1. identical distributions, two seeds -> exit 0
    base = {"connection": samples(1, 20000), "read": samples(2, 20000, mu=9)}
    same = {"connection": samples(3, 20000), "read": samples(4, 20000, mu=9)}
    write_csv(P("base.csv"), base)
    write_csv(P("same.csv"), same)
    rc, out, err = run("compare", P("base.csv"), P("same.csv"))
    check(rc == 0, "identical distributions: exit 0 (got %d)\n%s%s" % (rc, out, err))
    check("verdict: ok: 2 series judged" in out, "identical: ok verdict line")
    check("REGRESSION" not in out, "identical: no REGRESSION")

    # 2. tail 30 % slower (values above the baseline's p95) -> p99 +30 % -> exit 1
    cut = p95(base["connection"])
    slow = {"connection": samples(3, 20000, tail=1.3, tail_from=cut),
            "read": samples(4, 20000, mu=9)}
    write_csv(P("slow.csv"), slow)
    rc, out, err = run("compare", P("base.csv"), P("slow.csv"))
    check(rc == 1, "30 %% p99 regression: exit 1 (got %d)\n%s%s" % (rc, out, err))
    check("verdict: REGRESSION in 1 of 2 judged series: event connection\n" in out,
          "regression names the series")
    block = out.split("event read")[1] if "event read" in out else ""
    check("verdict: ok" in block.split("\n\n")[0], "the unchanged series stays ok")
    # the same with a 50 % threshold is within it
    rc, out, _ = run("compare", "--threshold-p99", "50", P("base.csv"), P("slow.csv"))
    check(rc == 0, "30 %% regression under --threshold-p99 50: exit 0 (got %d)" % rc)
    rc, out, _ = run("compare", "--threshold-p99=40%", P("base.csv"), P("slow.csv"))
    check(rc == 0 and "p99 up more than 40 %" in out, "--threshold-p99=40%% (got %d)" % rc)
    rc, out, _ = run("compare", "--threshold-p99", "20", P("base.csv"), P("slow.csv"))
    check(rc == 1, "30 %% regression over --threshold-p99 20: exit 1 (got %d)" % rc)

    # 3. --json carries the verdict and the numbers
    rc, out, _ = run("compare", "--json", P("base.csv"), P("slow.csv"))
    try:
        j = json.loads(out)
    except ValueError as e:
        j = None
        check(False, "--json parses: %s" % e)
    if j:
        check(rc == 1 and j["verdict"] == "regression" and j["regressions"] == 1, "json verdict")
        by = {s["name"]: s for s in j["series"]}
        c = by.get("connection", {})
        check(c.get("verdict") == "regression" and c.get("p99_regressed") is True,
              "json: connection regressed")
        check(c.get("p99_ratio") and c["p99_ratio"]["low"] > 1.1, "json: interval above 1.1")
        exact99 = sorted(slow["connection"])[int(0.99 * 20000) - 1]   # nearest rank: 19800th
        check(c.get("current", {}).get("p99_ns") == exact99,
              "json: exact p99 %s == %s" % (c.get("current", {}).get("p99_ns"), exact99))
        check(by.get("read", {}).get("verdict") == "ok", "json: read ok")

    # 4. too few samples -> exit 0 with a warning
    write_csv(P("few_b.csv"), {"connection": samples(5, 50)})
    write_csv(P("few_c.csv"), {"connection": samples(6, 50, scale=1.3)})
    rc, out, err = run("compare", P("few_b.csv"), P("few_c.csv"))
    check(rc == 0, "too few samples: exit 0 (got %d)" % rc)
    check("fewer than --min-samples 100" in err and "warning" in err, "too few: warning: " + err)
    check("too few samples: not judged" in out, "too few: in the table")
    rc, out, err = run("compare", "--min-samples", "20", P("few_b.csv"), P("few_c.csv"))
    check(rc in (0, 1) and "too few samples: not judged" not in out, "--min-samples 20 judges 50 samples")

    # 5. a 30 % change far below --min-delta in absolute terms (~100 ns) -> exit 0
    write_csv(P("fast_b.csv"), {"syscall_x": samples(7, 20000, mu=4.6)})
    write_csv(P("fast_c.csv"), {"syscall_x": samples(8, 20000, mu=4.6, scale=1.3)})
    rc, out, err = run("compare", P("fast_b.csv"), P("fast_c.csv"))
    check(rc == 0, "30 %% of ~100 ns under the 1 us --min-delta: exit 0 (got %d)\n%s" % (rc, out))
    rc, out, err = run("compare", "--min-delta", "0", P("fast_b.csv"), P("fast_c.csv"))
    check(rc == 1, "the same with --min-delta 0: exit 1 (got %d)" % rc)
    rc, out, err = run("compare", "--min-delta", "0.01us", P("fast_b.csv"), P("fast_c.csv"))
    check(rc == 1, "--min-delta 0.01us (10 ns): exit 1 (got %d)" % rc)

    # 6. p50 threshold: body slower, tail unchanged
    body = {"connection": [int(v * 1.3) if v < cut else v for v in samples(3, 20000)]}
    write_csv(P("body.csv"), body)
    rc, _, _ = run("compare", P("base.csv"), P("body.csv"))
    check(rc == 0, "p50 +30 %% is not judged by default (got %d)" % rc)
    rc, out, _ = run("compare", "--threshold-p50", "10", P("base.csv"), P("body.csv"))
    check(rc == 1 and "REGRESSION of p50" in out, "--threshold-p50 10 catches it (%d)" % rc)

    # 7. the recipes' other layouts and lattop's own --csv
    write_csv(P("two_b.csv"), {"x": samples(9, 5000)}, header="timestamp_ns,latency_ns")
    write_csv(P("two_c.csv"), {"x": samples(10, 5000, scale=1.3)}, header="timestamp_ns,latency_ns")
    rc, out, _ = run("compare", P("two_b.csv"), P("two_c.csv"))
    check(rc == 1 and "event all" in out, "no event column: one series 'all', regression")
    write_csv(P("dt_b.csv"), {"read": samples(9, 5000)}, header="timestamp_ns,latency_ns,syscall")
    write_csv(P("dt_c.csv"), {"read": samples(10, 5000)}, header="timestamp_ns,latency_ns,syscall")
    rc, out, _ = run("compare", P("dt_b.csv"), P("dt_c.csv"))
    check(rc == 0 and "event read" in out, "DTrace recipe's syscall column")
    write_csv(P("lt_b.csv"), {"request": samples(11, 8000), "connection": samples(12, 3000)},
              lattop_layout=True)
    write_csv(P("lt_c.csv"), {"request": samples(13, 8000, tail=1.3, tail_from=cut),
                              "connection": samples(14, 3000)}, lattop_layout=True)
    rc, out, err = run("compare", P("lt_b.csv"), P("lt_c.csv"))
    check(rc == 1 and "judged series: event request\n" in out,
          "lattop --csv layout: request regression (%d)\n%s%s" % (rc, out, err))
    # the bpftrace recipe's file as it comes: its own lines around the samples
    with open(P("bt.csv"), "w") as f:
        f.write("timestamp_ns,latency_ns,event\nAttaching 3 probes...\n")
        f.writelines("%d,%d,connection\n" % (i, v) for i, v in enumerate(samples(15, 3000)))
        f.write("\n@conn_start[17]: 1795000000123\n@accept_start[4242]: 99\n")
    rcb, outb, errb = run("compare", P("bt.csv"), P("bt.csv"))
    check(rcb == 0 and "3000" in outb and "skipped 3 lines of bpftrace" in errb,
          "bpftrace recipe output: samples read, its lines skipped (%d %s)" % (rcb, errb.strip()))
    # CRLF line ends
    with open(P("lt_c.csv"), "rb") as f:
        crlf = f.read().replace(b"\n", b"\r\n")
    with open(P("crlf.csv"), "wb") as f:
        f.write(crlf)
    rc2, out2, _ = run("compare", P("lt_b.csv"), P("crlf.csv"))
    check(rc2 == 1 and out2.split("\n", 1)[1] == out.split("\n", 1)[1], "CRLF: same report")

    # 8. malformed inputs -> exit 2, "FILE:LINE: reason"
    good = "timestamp_ns,latency_ns,event\n1,1000,a\n"
    bad = {
        "empty.csv": (b"", 1, "empty file"),
        "noheader.csv": (b"1,1000,a\n2,2000,a\n", 1, "no header"),
        "wrongheader.csv": (b"timestamp_ns,lat_ns\n1,2\n", 1, "no latency_ns"),
        "foreign.txt": (b"hello world\nthis is not csv\n", 1, "not a sample CSV"),
        "nonnum.csv": ((good + "2,12ms,a\n").encode(), 3, "not an integer"),
        "negative.csv": ((good + "2,-5,a\n").encode(), 3, "negative latency_ns"),
        "fewcols.csv": ((good + "2,5\n").encode(), 3, "2 cells, want at least 3"),
        "overlong.csv": ((good + "3," + "9" * 5000 + "\n").encode(), 3, "longer than 4096"),
        "nul.csv": (good.encode() + b"4,5\x00,a\n", 3, "NUL byte"),
        "binary.bin": (bytes(range(256)) * 4, 1, "NUL byte"),
        "quote.csv": ((good + '5,6,"a\n').encode(), 3, "unterminated quote"),
        "nosamples.csv": (b"timestamp_ns,latency_ns\n", 2, "no samples"),
        "range.csv": ((good + "5,99999999999999999999,a\n").encode(), 3, "out of range"),
    }
    for name, (data, line, why) in bad.items():
        with open(P(name), "wb") as f:
            f.write(data)
        for args in ((P(name), P("base.csv")), (P("base.csv"), P(name))):
            rc, out, err = run("compare", *args)
            want = "%s:%d: " % (P(name), line)
            check(rc == 2 and want in err and why in err and err.count("\n") == 1,
                  "%s: exit 2 with '%s...%s' (got %d: %s)" % (name, want, why, rc, err.strip()))
    # a file that starts like a recording but is not one
    with open(P("fake.rec"), "wb") as f:
        f.write(b"LATTOPREC" + bytes(100))
    rc, out, err = run("compare", P("fake.rec"), P("base.csv"))
    check(rc == 2 and P("fake.rec") in err, "fake recording: exit 2 naming the file (%d %s)"
          % (rc, err.strip()))
    # missing file, directory, usage
    rc, _, err = run("compare", P("nope.csv"), P("base.csv"))
    check(rc == 2 and "nope.csv" in err, "missing file: exit 2")
    rc, _, err = run("compare", tmp, P("base.csv"))
    check(rc == 2 and "directory" in err, "directory: exit 2")
    for args in ((), (P("base.csv"),), ("--threshold-p99", "x", P("base.csv"), P("same.csv")),
                 ("--min-delta", "5 parsecs", P("base.csv"), P("same.csv")),
                 ("--bogus", P("base.csv"), P("same.csv"))):
        rc, _, err = run("compare", *args)
        check(rc == 2 and "lattop compare" in err, "usage error %r: exit 2 (%d)" % (args, rc))

    # 9. recordings, when this build can record (lattop record --simulate, no root)
    rc, out, err = run("record", "--help")
    if rc != 0:
        print("note: no 'lattop record' in this build: recordings not tested end to end")
    else:
        def record(name, *sim):
            rc, _, err = run("record", "--simulate", *sim, "--seed", "1", "-i", "0.1", "-n", "20",
                             "-o", P(name))
            return rc == 0, err.strip().split("\n")[0]

        # profiles (helper "sim") when this build has them, else the plain simulation
        have_profiles, err = record("a.rec", "steady")
        if not have_profiles:
            print("note: no --simulate profiles (%s): plain --simulate, regression from CSVs" % err)
            ok_a, err = record("a.rec")
            check(ok_a, "record --simulate: " + err)
        ok_b, err = record("b.rec", *(("steady",) if have_profiles else ()))
        check(ok_b, "second recording: " + err)
        rc, out, err = run("compare", P("a.rec"), P("b.rec"))
        check(rc == 0 and "syscall read" in out and "(recording)" in out and
              "histogram estimates" in out,
              "two recordings of one seed: exit 0 with syscall series (%d)\n%s%s" % (rc, out, err))
        rc, out, _ = run("compare", "--json", P("a.rec"), P("b.rec"))
        j = json.loads(out) if rc == 0 else {}
        check(j.get("verdict") == "ok" and all(
            s["estimate"] == "histogram" and s["baseline"] == s["current"]
            for s in j.get("series", [])) and len(j.get("series", [])) >= 3,
            "recordings: JSON series are histograms, equal in both runs")
        if have_profiles:
            ok_r, err = record("r.rec", "regression")
            check(ok_r, "record --simulate regression: " + err)
            rc, out, err = run("compare", P("a.rec"), P("r.rec"))
            check(rc == 1 and "REGRESSION" in out,
                  "steady vs regression recording: exit 1 (%d)\n%s" % (rc, out))
        # a recording cut short is bad input with its offset
        with open(P("a.rec"), "rb") as f:
            data = f.read()
        with open(P("cut.rec"), "wb") as f:
            f.write(data[:len(data) // 2])
        rc, out, err = run("compare", P("cut.rec"), P("b.rec"))
        check(rc == 2 and P("cut.rec") + ": offset " in err and err.count("\n") == 1,
              "truncated recording: exit 2 with FILE: offset N (%d %s)" % (rc, err.strip()))

    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
