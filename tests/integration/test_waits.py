#!/usr/bin/env python3
"""Real BPF against ground truth for the work/wait split (issue 11): a helper
makes exactly N reads of a regular file, M reads of a pipe that each wait for
a writer, K reads of an empty non-blocking pipe and K of /dev/null, K futex
waits, K futex wakes, K 1 ms sleeps and one wait4. lattop's JSON, filtered to
its pid, must split the same syscall of one process into a work row and a
wait row with exactly those counts; with --sample 4 too (calls sampled out
are classified at sys_exit from the task's registers alone)."""
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import lattest  # noqa: E402

N, M, K = 300, 40, 25

lattest.require_bpf()
# Under ASan (the asan tier) LeakSanitizer's exit check clones a tracer and waits for it:
# a wait4 the helper did not ask for.
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
helper = subprocess.Popen([os.path.join(lattest.BUILD, "tests", "wait_truth"), str(N), str(M),
                           str(K)], stdout=subprocess.PIPE, text=True, env=env)
pid = json.loads(helper.stdout.readline())["pid"]
lt = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--no-clients"])
sampled = lattest.Lattop(["-i", "0.2", "-p", str(pid), "--no-clients", "--sample", "4"])
lt.next_tick()                      # attached: the first tick is out
sampled.next_tick()
os.kill(pid, signal.SIGUSR1)
truth = json.loads(helper.stdout.readline())
helper.wait(timeout=30)
for _ in range(3):                  # let the last calls land in a tick
    lt.next_tick()
    sampled.next_tick()
lt.stop()
sampled.stop()
print("truth:", truth)
lattest.check(helper.returncode == 0, f"helper exited 0 (got {helper.returncode})")
lattest.check(truth == {"file_reads": N, "pipe_reads": M, "nonblock_eagain": K,
                        "futex_timeouts": K}, "helper did what it was asked")


def count(sc, wait, ticks):
    rows = [r for _, r in lattest.rows(ticks, pid, sc)]
    for r in rows:
        lattest.check(isinstance(r.get("wait"), bool), f"{sc}: JSON row has a boolean wait flag")
    return sum(r["count"] for r in rows if r["wait"] == wait)


want = {
    ("read", False): N + 2 * K,     # regular file, non-blocking pipe, /dev/null
    ("read", True): M,              # each waited for the writer
    ("futex", False): K,            # FUTEX_WAKE
    ("futex", True): K,             # FUTEX_WAIT
    ("clock_nanosleep", False): 0,
    ("clock_nanosleep", True): K,
    ("wait4", False): 0,
    ("wait4", True): 1,
}
for name, inst in (("exact", lt), ("--sample 4", sampled)):
    got = {key: count(key[0], key[1], inst.ticks) for key in want}
    print(f"lattop {name}:", {f"{sc}/{'wait' if w else 'work'}": n for (sc, w), n in got.items()})
    for key, n in want.items():
        sc, w = key
        lattest.check(got[key] == n, f"{name}: {sc} {'wait' if w else 'work'} rows: exactly {n} "
                                     f"calls (got {got[key]})")
# The pipe reads waited ~2 ms each for the writer; the file reads did not.
waits = [r for _, r in lattest.rows(lt.ticks, pid, "read") if r["wait"] and r["count"]]
lattest.check(all(r["max_ns"] >= 1_000_000 for r in waits), "wait reads waited >= 1 ms")
print("PASS")
