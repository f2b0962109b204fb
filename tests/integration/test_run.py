#!/usr/bin/env python3
"""lattop run: the command's whole process tree and nothing else, summary of the
whole run, assertions as an exit status (issue #6).

Ground truth comes from the helpers: syscall_truth makes exactly N sleeps of a
known length, M getppid and K failing fchdir calls; syscall_storm makes exactly
N getppid calls (plus what its runtime does, which never calls getppid)."""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import lattest  # noqa: E402
from lattest import BUILD, LATTOP, check  # noqa: E402

# The ground truth must make exactly the calls it says: an ASan-built helper's
# runtime calls getppid itself, so take the plain build's helpers when there are.
HELPERS = next((d for d in (os.path.join(lattest.ROOT, "build", "tests"),
                            os.path.join(BUILD, "tests"))
                if os.access(os.path.join(d, "syscall_truth"), os.X_OK)),
               os.path.join(BUILD, "tests"))
TRUTH = os.path.join(HELPERS, "syscall_truth")
STORM = os.path.join(HELPERS, "syscall_storm")


def run(args, stdin_text="go\n", timeout_s=60):
    p = subprocess.run([LATTOP, "run"] + args, input=stdin_text, capture_output=True,
                       text=True, timeout=timeout_s)
    return p.returncode, p.stdout, p.stderr


def assertion_lines(out):
    return [l for l in out.splitlines() if l.startswith(("PASS ", "FAIL "))]


def main():
    lattest.require_bpf()

    # 1. Exact counts of a known workload, and percentiles near the known sleep.
    rc, out, err = run(["-a", "count(getppid) == 5000", "-a", "errors(fchdir) == 37",
                        "-a", "count(clock_nanosleep) == 20", "-a", "p50(clock_nanosleep) > 1ms",
                        "-a", "p99(clock_nanosleep) < 100ms", "--",
                        TRUTH, "20", "2000000", "5000", "37"])
    lines = assertion_lines(out)
    check(rc == 0, f"all assertions hold on the known workload: exit {rc} ({err.strip()})")
    check(len(lines) == 5 and all(l.startswith("PASS") for l in lines),
          f"five PASS lines: {lines}")
    check("clock_nanosleep (ns)" in out or "getppid" in out, "the summary lists the syscalls")

    # 2. A failing assertion fails the gate: the helper that sleeps 200 ms per call.
    rc, out, err = run(["-a", "p99(clock_nanosleep) < 100ms", "--",
                        TRUTH, "3", "200000000", "0", "0"])
    lines = assertion_lines(out)
    check(rc == 1, f"p99 < 100ms fails for 200 ms sleeps: exit {rc}")
    actual_ms = float(lines[0].split("(actual ")[1].split("ms")[0]) if lines else 0
    check(lines[0].startswith("FAIL") and abs(actual_ms - 200) <= 200 * lattest.BUCKET_ERROR,
          f"the FAIL line names the actual p99 within the bucket error of 200 ms: {lines}")
    rc, out, _ = run(["-a", "p99(clock_nanosleep) < 100ms", "--",
                      TRUTH, "20", "1000000", "0", "0"])
    check(rc == 0, f"the same assertion passes for 1 ms sleeps: exit {rc}")

    # 3. The process tree, not the host: two children of a shell make exactly
    # 1500 getppid calls each while an unrelated storm runs all along (at most
    # 50 M calls, killed after the run).
    outside = subprocess.Popen([STORM, "50000000"], stdout=subprocess.DEVNULL)
    time.sleep(0.05)
    rc, out, err = run(["--json", "-a", "count(getppid) < 3100", "--", "sh", "-c",
                        f"{STORM} 1500 >/dev/null & {STORM} 1500 >/dev/null; wait"])
    check(outside.poll() is None, "the outside storm ran for the whole run")
    outside.kill()
    outside.wait(timeout=10)
    tick = json.loads(out.splitlines()[0])
    storm_rows = [r for r in tick["syscalls"]
                  if r["comm"] == "syscall_storm" and r["syscall"] == "getppid"]
    storm_pids = {r["pid"] for r in storm_rows}
    check(rc == 0, f"getppid of the tree < 3100 with a storm outside it: exit {rc} "
          f"{assertion_lines(out)}")
    check(sorted(r["count"] for r in storm_rows) == [1500, 1500],
          f"each child's getppid counted exactly: {[r['count'] for r in storm_rows]}")
    check(outside.pid not in storm_pids and len(storm_pids) == 2,
          f"both children followed, the outside storm not: {storm_pids} vs {outside.pid}")
    check(any(r["comm"] == "sh" for r in tick["syscalls"]), "the shell itself is followed")

    # 200 children one after another (each leaves the tree map when it exits):
    # every exec is followed, the shell's own included.
    # (absolute paths and a shell loop: no PATH search, whose misses are failed execs)
    rc, out, _ = run(["-a", "count(execve) == 201", "-a", "errors(execve) == 0", "--", "/bin/sh",
                      "-c", "i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done"])
    check(rc == 0, f"200 sequential children all followed: {assertion_lines(out)}")

    # The same on a busy host with 20 ms ticks: execs then straddle ticks, and a
    # child is named "sh" in one tick and "true" in the next. Its calls count
    # once (the run's totals were kept per name: 202-204 of 201 in 4 of 6 runs).
    burners = [subprocess.Popen([sys.executable, "-c",
                                 "import time\nend = time.time() + 60\n"
                                 "while time.time() < end: pass"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for _ in range(2)]
    try:
        for attempt in range(3):
            rc, out, _ = run(["-i", "0.02", "--json", "-a", "count(execve) == 201", "--",
                              "/bin/sh", "-c",
                              "i=0; while [ $i -lt 200 ]; do /bin/true; i=$((i + 1)); done"])
            rows = [r for r in json.loads(out.splitlines()[0])["syscalls"]
                    if r["syscall"] == "execve"]
            per_pid = {}
            for r in rows:
                per_pid[r["pid"]] = per_pid.get(r["pid"], 0) + r["count"]
            check(rc == 0 and len(per_pid) == 201 and set(per_pid.values()) == {1},
                  f"busy host, 20 ms ticks, run {attempt + 1}: one execve row per child "
                  f"({len(rows)} rows, {len(per_pid)} pids, {sum(per_pid.values())} calls)")
    finally:
        for b in burners:
            b.kill()
            b.wait(timeout=10)

    # --all: the outside storm counts too.
    outside = subprocess.Popen([STORM, "50000000"], stdout=subprocess.DEVNULL)
    time.sleep(0.05)
    rc, out, _ = run(["--all", "--json", "--", "sh", "-c", "sleep 0.5"])
    outside.kill()
    outside.wait(timeout=10)
    tick = json.loads(out.splitlines()[0])
    n = sum(r["count"] for r in tick["syscalls"]
            if r["pid"] == outside.pid and r["syscall"] == "getppid")
    check(rc == 0 and n > 1000, f"--all sees the outside storm too ({n} getppid)")

    # 4. Exit status: the command's own when assertions pass; 1 when one fails.
    rc, _, _ = run(["-a", "count(getppid) >= 0", "--", "sh", "-c", "exit 3"])
    check(rc == 3, f"a passing run returns the command's status 3: {rc}")
    rc, _, _ = run(["--", "sh", "-c", "kill -TERM $$"])
    check(rc == 128 + 15, f"a command killed by SIGTERM gives 143: {rc}")
    rc, _, err = run(["-a", "count(getppid) > 1000", "--", "sh", "-c", "exit 3"])
    check(rc == 1, f"a failing assertion gives 1 even when the command failed: {rc}")
    # SIGTERM to lattop ends the command; the run still reports.
    p = subprocess.Popen([LATTOP, "run", "-a", "count(nanosleep) >= 0", "--", "sleep", "30"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.terminate()
    out, err = p.communicate(timeout=15)
    check(p.returncode == 128 + 15 and "1 assertion, 0 failed" in out,
          f"SIGTERM reaches the command, the run reports: exit {p.returncode}")

    # 5. Errors: one line each.
    rc, _, err = run(["--", "/nonexistent/cmd"])
    check(rc == 1 and "cannot run '/nonexistent/cmd'" in err, f"missing command: {rc} {err!r}")
    rc, _, err = run(["-a", "p99 < 2", "--", "true"])
    check(rc == 2 and "--assert" in err, f"a time without a unit is a usage error: {rc} {err!r}")
    rc, _, err = run(["-a", "p99(nosuchcall) < 2ms", "--", "true"])
    check(rc == 2 and "nosuchcall" in err, f"unknown syscall named: {rc} {err!r}")
    rc, _, err = run(["-a", "count(read) > 0"])
    check(rc == 2 and "no command" in err, f"no command: {rc} {err!r}")
    rc, _, err = run(["--simulate", "--", "true"])
    check(rc == 2, f"--simulate is refused: {rc} {err!r}")


if __name__ == "__main__":
    main()
